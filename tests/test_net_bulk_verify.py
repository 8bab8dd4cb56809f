# SPDX-License-Identifier: Apache-2.0
"""The large-configuration network regression on the bulk harness (sim/net_bulk_verify.py): the CIFAR-10
configs are cases of `make verify` (not of `make test`); the per-image comparison of a FULL-mode log finds an
edited beat at its coordinates and a wrong cycle count (on logs written here, no simulator); the harness's
weight memory holds a CIFAR-10 weight stream. The slow test runs cifar10-pynq's RTL with one weight word
edited and expects the predicted first mismatch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from saformer.contract import cycles
from saformer.contract import interface as itf
from saformer.contract.configs import CIFAR, NAMED
from saformer.golden import reference as ref
from saformer.golden.vectors import random_params
from saformer.hw.net_generate import boundaries
from saformer.sim.net_bulk_verify import BULK_NET_CONFIGS, compare_run
from saformer.sim.net_scoreboard import boundary_values, pack


def test_cifar_configs_are_network_cases_of_verify() -> None:
    from saformer.sim import verify as sv

    ids = sv.case_ids()
    assert set(BULK_NET_CONFIGS) == set(CIFAR)
    assert "network:cifar10-pynq" in ids and "network:cifar10-384" not in ids  # 384: only by name
    assert "network:cifar10-384" in sv.case_ids(["default", "cifar10-384"])
    for n in CIFAR:
        assert f"network_hls:{n}" not in ids  # the network HLS kernel is not asked for at these sizes


def test_weight_memory_holds_one_cifar_stream_and_default_is_unchanged() -> None:
    from saformer.contract import layout
    from saformer.sim.net_bulk import W_DEPTH, w_depth, weight_words

    assert w_depth(NAMED["default"]) == W_DEPTH  # the default's bulk build (its hash) is unchanged
    pynq = CIFAR["cifar10-pynq"]
    assert weight_words(pynq) == len(itf.net_weight_stream(pynq, random_params(pynq, np.random.default_rng(0))))
    for cfg in CIFAR.values():
        words = weight_words(cfg)
        assert words == layout.HEADER_WORDS + layout.network_payload_words(cfg)
        assert w_depth(cfg) >= 2 * words and w_depth(cfg) & (w_depth(cfg) - 1) == 0


def _write_logs(d: Path, cfg, params, x, edit: tuple[str, int, int] | None = None, cyc_delta: int = 0) -> None:
    """out.log and mon_<i>.log as the harness writes them in FULL mode, from the reference; `edit` = (boundary,
    beat, bit) flips one bit of one beat; `cyc_delta` changes image 1's first module's cycle count."""
    rec = ref.forward(x, params, cfg)
    vals = boundary_values(cfg, rec)
    form = cycles.network_cycles(cfg, rec)
    mods = cycles.network_modules(cfg)
    out = ["R", "W 0 10", "L 20 1 0 0"] + [f"I {i} {30 + i}" for i in range(len(x))]
    for i in range(len(x)):
        for mj, m in enumerate(mods):
            out.append(f"C {mj} {int(form[m][i]) + (cyc_delta if (i, mj) == (1, 0) else 0)}")
        beats = itf.pack_net_output(rec["logits"][i])
        out += [f"o {int(k == len(beats) - 1)} {v:x}" for k, v in enumerate(beats)]
    out += ["D 900 2 2 0", "E 901"]
    (d / "out.log").write_text("\n".join(out) + "\n")
    for bi, b in enumerate(boundaries(cfg)):
        v, w = vals[b.name]
        beats = [bt for img in range(v.shape[0]) for bt in pack(v[img], w)]
        if edit and edit[0] == b.name:
            beats[edit[1]] ^= 1 << edit[2]
        (d / f"mon_{bi}.log").write_text("R\n" + "".join(f"B {bt:x}\n" for bt in beats))


def test_compare_run_is_exact_and_reports_the_first_mismatch(tmp_path: Path) -> None:
    cfg = NAMED["default"]
    params = random_params(cfg, np.random.default_rng(3))
    x = np.random.default_rng(4).integers(0, cfg.pixel_max + 1, (2, cfg.in_ch, cfg.img, cfg.img))
    labels = ["a 0", "a 1"]
    _write_logs(tmp_path, cfg, params, x)
    r = compare_run(cfg, tmp_path, params, x, labels)
    assert (r["images"], r["mismatching_images"], r["mismatching_values"]) == (2, 0, 0)
    assert r["cycles_match_formula"] and r["first_mismatch"] is None
    # one bit of image 1's beat (t=1, n=2) on b0.dwc.u: channel 0's value changes
    k = cfg.N + cfg.T * cfg.N + 2  # image 1 starts at beat T*N; t=1, n=2
    bad = tmp_path / "bad"
    bad.mkdir()
    _write_logs(bad, cfg, params, x, edit=("b0.dwc.u", k, 0), cyc_delta=1)
    r = compare_run(cfg, bad, params, x, labels)
    assert (r["mismatching_images"], r["mismatching_values"]) == (1, 1)
    assert r["first_mismatch"].startswith("first mismatch: image 1, module b0.dwc.u, t=1, n=2, channel=0")
    assert not r["cycles_match_formula"]
    assert r["cycle_errors"][0].startswith(f"image 1 (a 1): module {cycles.network_modules(cfg)[0]} measured")


@pytest.mark.slow
def test_cifar10_pynq_rtl_catches_one_edited_weight_word() -> None:
    """cifar10-pynq's RTL on the bulk harness, two calibration images, one MLP weight word of block 1 moved by
    one: the first mismatch is where the scoreboard predicts (the reference keeps the artifact's value)."""
    from saformer.contract import layout
    from saformer.contract.config import wrange
    from saformer.sim.net_bulk import ensure_bulk_built
    from saformer.sim.net_bulk_check import WeightSet
    from saformer.sim.net_bulk_verify import calibration_images, run_set
    from saformer.sim.net_runner import net_artifact
    from saformer.sim.net_scoreboard import predict_first_mismatch

    art = net_artifact("cifar10-pynq")
    cfg = art.cfg
    x = calibration_images(art)[:2]
    key, flat = "b1.mlp.w2", 5
    p = {k: v.copy() for k, v in art.params.items()}
    a = p[key].reshape(-1).astype(np.int64)
    lo, hi = wrange(cfg.w_bits)
    a[flat] = a[flat] + 1 if a[flat] < hi else lo
    p[key] = a.reshape(p[key].shape)
    want = predict_first_mismatch(cfg, ref.forward(x, art.params, cfg), ref.forward(x, p, cfg), [0, 1])
    assert want is not None
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    ws = WeightSet("edited", dict(art.params), {word: int(a[flat])})
    r = run_set(ensure_bulk_built("cifar10-pynq", cfg), cfg, ws, x, ["c 0", "c 1"], "none", 3, "mutation")
    assert r["mismatching_values"] > 0 and r["first_mismatch"].startswith(want), (r["first_mismatch"], want)


def test_worst_set_cache_returns_the_sets_it_stored(tmp_path: Path) -> None:
    """sim/net_worst.py: the second call loads the cached artifacts and images (index file), equal to the sets."""
    from saformer.golden.net_vectors import network_worst_sets
    from saformer.sim.net_worst import worst_artifacts

    cfg = NAMED["minwidth"]
    first = worst_artifacts("minwidth", cfg, tmp_path)
    assert list(tmp_path.glob("artifacts/minwidth-worst-*.json"))  # the index
    again = worst_artifacts("minwidth", cfg, tmp_path)
    sets = network_worst_sets(cfg)
    assert [n for n, _, _ in first] == [n for n, _, _ in again] == [s.name for s in sets]
    for (n, art, px), s in zip(again, sets, strict=True):
        assert px.dtype == np.int64 and np.array_equal(px, s.pixels), n
        assert set(art.params) == set(s.params) and all(np.array_equal(art.params[k], s.params[k]) for k in s.params)


def test_build_flags_table_changes_only_the_named_builds() -> None:
    """sim/net_bulk.py BULK_BUILD_FLAGS: a config not in the table keeps the hash text of the builds made before
    the table (so their build folders are reused); cifar10-384's entry is a different build folder."""
    from saformer.sim import net_bulk as nb

    assert nb.bulk_flags("cifar10-pynq") == nb.bulk_flags("default") == nb.BulkFlags()
    assert nb.BulkFlags().key() == f"{nb.OPT} pgo={nb.BULK_PGO} {nb.PGO_GEN} {nb.PGO_USE}"
    big = nb.bulk_flags("cifar10-384")
    assert big == nb.BULK_BUILD_FLAGS["cifar10-384"] and not big.pgo and big.key() != nb.BulkFlags().key()


def test_merge_network_configs_keeps_the_other_entries_and_recomputes_the_verdict() -> None:
    from saformer.sim.net_verify import merge_network_configs

    def rec(values: int) -> dict:
        run = {"images": 8, "mismatching_images": int(values > 0), "mismatching_values": values,
               "cycles_match_formula": True}
        return {"stalls": ["both"], "both": run, "ok": values == 0}

    rep = {"network": {"default": rec(0), "ok": True}, "total": {"ok": True, "network_ok": True}}
    merge_network_configs(rep, {"cifar10-384": rec(0)})
    assert set(rep["network"]) == {"default", "cifar10-384", "ok"} and rep["network"]["ok"] and rep["total"]["ok"]
    merge_network_configs(rep, {"cifar10-384": rec(3)})
    assert rep["network"]["ok"] is False and rep["total"] == {"ok": False, "network_ok": False}
    merge_network_configs(rep, {"cifar10-384": rec(0)})  # the section passes again; the total stays failed
    assert rep["network"]["ok"] and rep["total"]["ok"] is False
