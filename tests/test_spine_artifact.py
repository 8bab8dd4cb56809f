# SPDX-License-Identifier: Apache-2.0
"""Artifact round trip, the interface document, and every kind of bad input (one-line error, nothing lost)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from saformer.contract.artifact import FORMAT_VERSION, load_artifact, save_artifact
from saformer.contract.config import DEFAULT, SAFormerConfig, derive
from saformer.contract.configs import NAMED
from saformer.contract.errors import SaformerError
from saformer.contract.interface import (
    pack_increments,
    pack_spikes,
    unpack_increments,
    unpack_spikes,
    weight_stream,
    weight_words,
)
from saformer.contract.regmap import render_markdown  # interface.py's document + the network register map
from saformer.golden import reference as ref
from saformer.golden.export import export_model
from saformer.golden.vectors import random_artifact, random_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def art(tmp_path: Path) -> Path:
    return random_artifact(NAMED["minwidth"], tmp_path / "art", seed=5)


def test_export_round_trip(tmp_path: Path) -> None:
    from tests.test_spine_reference import random_quant_model

    qm = random_quant_model(DEFAULT, 7)
    pixels = np.random.default_rng(0).integers(0, 17, (4, 1, 8, 8))
    path = export_model(qm, tmp_path / "a", pixels)
    a = load_artifact(path)
    assert a.cfg == DEFAULT
    from saformer.golden.export import int_params

    params, _ = int_params(qm)
    assert set(a.params) == set(params)
    for k, v in params.items():
        assert np.array_equal(a.params[k], v), k
    assert set(a.vectors) == {"real", "random", "worst_min", "worst_max", "worst_wrap"}
    for name, vs in a.vectors.items():
        r = ref.sasa(vs["s"], {k: vs[k] for k in ref.SASA_KEYS}, a.cfg)
        for k in ("q", "k", "a", "A", "y", "inc"):
            assert np.array_equal(vs[k], r[k]), (name, k)
    # the real set is the block-0 SASA input of the exported model on those pixels
    full = ref.forward(pixels, a.params, a.cfg)
    assert np.array_equal(a.vectors["real"]["s"], full["b0.sasa.s"])


def test_interface_doc_is_generated_and_current() -> None:
    assert (ROOT / "docs/interface.md").read_text() == render_markdown(DEFAULT), \
        "docs/interface.md is stale: run `make interface`"


def test_stream_packing_round_trips() -> None:
    rng = np.random.default_rng(0)
    for cfg in NAMED.values():
        s = (rng.random((cfg.T, cfg.N, cfg.D)) < 0.3).astype(np.uint8)
        w = pack_spikes(s)
        assert len(w) == cfg.T * cfg.N and int(w.max()) < 2 ** cfg.stream_bits
        assert np.array_equal(unpack_spikes(w, cfg.T, cfg.N, cfg.D), s)
        lo, hi = derive(cfg).ranges["sasa.increment"]
        inc = rng.integers(lo, hi + 1, (cfg.T, cfg.N, cfg.D))
        assert np.array_equal(unpack_increments(pack_increments(inc, cfg.lanes), cfg.T, cfg.N, cfg.D, cfg.lanes), inc)
        p = {k[8:]: v for k, v in random_params(cfg, rng).items() if k.startswith("b0.sasa.")}
        ws = weight_stream(cfg, p)
        assert ws[2] == cfg.hash32 and ws[3] == weight_words(cfg) == len(ws) - 4


# ------------------------------------------------------------------------------------- bad input
def test_missing_artifact(tmp_path: Path) -> None:
    with pytest.raises(SaformerError, match="no artifact directory"):
        load_artifact(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SaformerError, match="manifest.json: missing"):
        load_artifact(tmp_path / "empty")


def _edit_manifest(art: Path, fn) -> None:
    m = json.loads((art / "manifest.json").read_text())
    fn(m)
    (art / "manifest.json").write_text(json.dumps(m))


def test_corrupt_manifest(art: Path) -> None:
    (art / "manifest.json").write_text("{not json")
    with pytest.raises(SaformerError, match="corrupt JSON"):
        load_artifact(art)


def test_other_format_version(art: Path) -> None:
    _edit_manifest(art, lambda m: m.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(SaformerError, match="format_version"):
        load_artifact(art)


def test_corrupt_array_file(art: Path) -> None:
    f = art / "params/b0.sasa.wq.npy"
    b = bytearray(f.read_bytes())
    b[-1] ^= 1
    f.write_bytes(bytes(b))
    with pytest.raises(SaformerError, match=r"b0\.sasa\.wq\.npy: sha256 mismatch"):
        load_artifact(art)


def test_missing_array_file(art: Path) -> None:
    (art / "params/head.b.npy").unlink()
    with pytest.raises(SaformerError, match="head.b.npy: missing"):
        load_artifact(art)


def test_config_out_of_range_in_manifest(art: Path) -> None:
    def bad(m):
        m["config"]["heads"] = 3  # D=16 not divisible by 3
    _edit_manifest(art, bad)
    with pytest.raises(SaformerError, match="config field 'heads'"):
        load_artifact(art)


def test_config_hash_mismatch(art: Path) -> None:
    _edit_manifest(art, lambda m: m.update(config_hash="0" * 64))
    with pytest.raises(SaformerError, match="config_hash"):
        load_artifact(art)


@pytest.mark.parametrize("kw,field", [
    (dict(D=30, heads=4), "heads"),
    (dict(mem_bits=8), "mem_bits"),
    (dict(lanes=33), "lanes"),
    (dict(img=9), "patch"),
    (dict(w_bits=1), "w_bits"),
    (dict(u_frac=12), "u_frac"),
    (dict(D=514), "D"),  # D <= 512 (at most 8 spike words of 64 bits per token)
    (dict(img=66), "img"),  # N = 1089 > 1024
    (dict(hidden_beat=12), "hidden_beat"),  # does not divide hidden = 64
    (dict(hidden_beat=4), "hidden_beat"),  # divides hidden, not a multiple of lanes = 8
    (dict(hidden_beat=-8), "hidden_beat"),
    (dict(stream_beat=12), "stream_beat"),  # does not divide D = 32
    (dict(stream_beat=4), "stream_beat"),  # divides D, not a multiple of lanes = 8
    (dict(stream_beat=-8), "stream_beat"),
])
def test_config_rejects_out_of_range(kw: dict, field: str) -> None:
    with pytest.raises(SaformerError, match=f"'{field}'"):
        SAFormerConfig(**kw).validate()


def test_unknown_config_field() -> None:
    with pytest.raises(SaformerError, match="unknown field"):
        SAFormerConfig.from_dict({**DEFAULT.to_dict(), "Dee": 3})


def test_hidden_beat_folds_and_keeps_the_old_hash() -> None:
    """hidden_beat 0 (no fold) leaves a config's hash as before the field existed; a fold changes it."""
    import hashlib
    import json

    old = {k: v for k, v in DEFAULT.to_dict().items() if k not in ("hidden_beat", "stream_beat")}
    assert DEFAULT.hash() == hashlib.sha256(json.dumps(old, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    f = DEFAULT.replace(hidden_beat=16)
    assert (f.hidden_lanes, f.hidden_passes) == (16, 4) and (DEFAULT.hidden_lanes, DEFAULT.hidden_passes) == (64, 1)
    assert f.hash() != DEFAULT.hash()
    assert SAFormerConfig.from_dict(f.to_dict()) == f
    # a network-RTL field: the SASA engine's register map is the unfolded config's (no CFG_HIDDEN_BEAT)
    from saformer.contract.interface import registers

    assert [(r.name, r.offset) for r in registers(f)] == [(r.name, r.offset) for r in registers(DEFAULT)]


def test_stream_beat_beats_and_keeps_the_old_hash() -> None:
    """stream_beat 0 (whole tokens) leaves a config's hash as before the field existed; beats change it."""
    import hashlib
    import json

    old = {k: v for k, v in DEFAULT.to_dict().items() if k not in ("hidden_beat", "stream_beat")}
    assert DEFAULT.hash() == hashlib.sha256(json.dumps(old, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    f = DEFAULT.replace(stream_beat=16)
    assert (f.stream_lanes, f.stream_beats) == (16, 2) and (DEFAULT.stream_lanes, DEFAULT.stream_beats) == (32, 1)
    assert f.hash() != DEFAULT.hash()
    assert SAFormerConfig.from_dict(f.to_dict()) == f


def test_mem_bits_at_minimum_is_accepted() -> None:
    d = derive(DEFAULT)
    SAFormerConfig(mem_bits=d.sasa_mem_bits).validate()
    with pytest.raises(SaformerError, match="proven minimum"):
        SAFormerConfig(mem_bits=d.sasa_mem_bits - 1).validate()


def test_out_of_range_values_rejected_on_save_and_load(tmp_path: Path, art: Path) -> None:
    a = load_artifact(art)
    p = dict(a.params)
    p["b0.sasa.wq"] = p["b0.sasa.wq"].copy()
    p["b0.sasa.wq"][0, 0] = 99  # beyond w_bits
    with pytest.raises(SaformerError, match=r"b0.sasa.wq has values"):
        save_artifact(tmp_path / "x", a.cfg, p, a.vectors)
    assert not (tmp_path / "x").exists(), "a failed save must leave nothing behind"
    assert [q.name for q in tmp_path.iterdir()] == ["art"] or not any(
        q.name.startswith(".x") for q in tmp_path.iterdir())


def test_failed_save_keeps_the_old_artifact(art: Path) -> None:
    a = load_artifact(art)
    before = (art / "manifest.json").read_bytes()
    bad = dict(a.params)
    del bad["head.w"]
    with pytest.raises(SaformerError, match="head.w"):
        save_artifact(art, a.cfg, bad, a.vectors)
    assert (art / "manifest.json").read_bytes() == before
    load_artifact(art)


def test_shape_mismatch(art: Path) -> None:
    a = load_artifact(art)
    np.save(art / "params/b0.sasa.bq.npy", np.zeros(3, np.int8))
    import hashlib
    blob = (art / "params/b0.sasa.bq.npy").read_bytes()
    def fix(m):
        e = m["arrays"]["params/b0.sasa.bq"]
        e.update(shape=[3], dtype="int8", sha256=hashlib.sha256(blob).hexdigest())
    _edit_manifest(art, fix)
    with pytest.raises(SaformerError, match=r"b0.sasa.bq has shape \(3,\)"):
        load_artifact(art)
    assert a.cfg.D == 16


def test_cli_one_line_error_and_exit_code(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "saformer.cli", "nonexistent-command"], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 2 and "usage: saformer" in r.stderr and "unknown command" in r.stderr
    missing = tmp_path / "nope.pt"
    r = subprocess.run([sys.executable, "-m", "saformer.cli", "export", "--ckpt", str(missing), "--out",
                        str(tmp_path / "art")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("saformer export: error: ") and str(missing) in lines[0], r.stderr
    assert not (tmp_path / "art").exists()
    r = subprocess.run([sys.executable, "-m", "saformer.cli", "interface", "--out", str(tmp_path / "i.md")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and (tmp_path / "i.md").read_text() == render_markdown(DEFAULT)


def test_weight_stream_refuses_out_of_range_parameters() -> None:
    cfg = NAMED["t1"]
    p = {k[8:]: v for k, v in random_params(cfg, np.random.default_rng(0)).items() if k.startswith("b0.sasa.")}
    weight_stream(cfg, p)
    bad = dict(p, theta_a=np.full(cfg.heads, cfg.N + 16))  # beyond 1..N: the hardware would truncate it
    with pytest.raises(SaformerError, match=r"'theta_a' value 32 at \(0,\) is outside its declared range \[1, 16\]"):
        weight_stream(cfg, bad)
    with pytest.raises(SaformerError, match="'wq' has shape"):
        weight_stream(cfg, dict(p, wq=p["wq"][:2]))


def test_thresholds_follow_signed_scale_exponents(tmp_path: Path) -> None:
    """docs/integer-semantics.md: every theta is 2^-e_acc with e_acc = scales_log2[layer] (signed), conv1's
    e_acc = -pixel_frac + e_wc1; checked on the shipped model's export."""
    from saformer.contract.artifact import load_artifact
    from saformer.golden.train import DEFAULT_CKPT, load_checkpoint

    qm, _ = load_checkpoint(DEFAULT_CKPT)
    path = export_model(qm, tmp_path / "a", None)
    a = load_artifact(path)
    sc = a.manifest["scales_log2"]
    assert int(a.params["conv1.theta"]) == 2 ** -sc["conv1"]
    e_w1 = sc["conv1"] + a.cfg.pixel_frac  # e_acc = e_px + e_w with e_px = -pixel_frac
    assert int(a.params["conv1.theta"]) == 2 ** (a.cfg.pixel_frac - e_w1)
    assert int(a.params["u.theta"]) == 2 ** -sc["u"] == 2 ** a.cfg.u_frac
    for i in range(a.cfg.L):
        assert int(a.params[f"b{i}.sasa.theta_q"]) == 2 ** -sc[f"b{i}.sasa.wq"]
        assert int(a.params[f"b{i}.sasa.theta_k"]) == 2 ** -sc[f"b{i}.sasa.wk"]
        assert int(a.params[f"b{i}.mlp.theta_h"]) == 2 ** -sc[f"b{i}.mlp.w1"]
    # the shipped model's figures the document quotes are this export's
    doc = " ".join((Path(__file__).resolve().parents[1] / "docs" / "integer-semantics.md").read_text().split())
    th = int(a.params["conv1.theta"])
    assert (f"e_wc1 = {e_w1}, pixel_frac = {a.cfg.pixel_frac}, so e_acc = {sc['conv1']} and theta_c1 = {th} "
            "= `conv1.theta`") in doc
