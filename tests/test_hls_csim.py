# SPDX-License-Identifier: Apache-2.0
"""HLS C-simulation: the generated Vitis kernel, compiled with g++, equals golden.reference bit for bit.

Every named config is generated and compiled once into build/hls/<config> (hash-keyed, file-locked, so
pytest-xdist workers share it); the per-case checks (bad header, mutation, missing expected file) write their
vector folders into tmp_path and reuse the compiled binary.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from saformer.contract.config import derive
from saformer.contract.configs import NAMED
from saformer.contract.errors import SaformerError
from saformer.contract.interface import (
    CTRL_BITS,
    STATUS_BITS,
    STATUS_DOC,
    groups,
    registers,
    status_flags,
    unpack_increments,
    weight_stream,
)
from saformer.contract.paths import package_root
from saformer.golden import named_artifacts as sim_artifacts
from saformer.golden import reference as ref
from saformer.hls import csim
from saformer.hls.generate import export_vectors, generate
from saformer.sim.runner import BUILD as RTL_BUILD

NOT_LOADED, HEADER, LENGTH, PROTOCOL = (1 << STATUS_BITS[k] for k in ("not_loaded", "header", "length", "protocol"))


@pytest.fixture(scope="session")
def prepared():
    cache: dict[str, csim.Prepared] = {}

    def get(name: str) -> csim.Prepared:
        if name not in cache:
            cache[name] = csim.prepare(name)
        return cache[name]

    return get


def _read_beats(path: Path) -> list[int]:
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines[0].startswith("beats ")
    return [int(ln.split()[0], 16) for ln in lines[1:]]


# ------------------------------------------------------------------------------ bit-exactness
@pytest.mark.parametrize("name", list(NAMED))
def test_csim_bit_exact(prepared, tmp_path, name):
    pr = prepared(name)
    cfg = pr.artifact.cfg
    # every set the RTL regression runs (saformer.golden.named_artifacts.artifact_for), none left out
    expected_sets = {"random", "worst_min", "worst_max", "worst_wrap", "cover"} | (
        {"real"} if name == "default" and sim_artifacts.trained_artifact_dir() is not None else set())
    assert expected_sets <= set(pr.sets)
    for s in pr.sets:
        vset = pr.artifact.vectors[s]
        r = csim.run_set(pr.binary, pr.folder / "vectors" / s, tmp_path / f"actual-{s}.txt")
        assert r.returncode == 0 and r.mismatches == 0, f"{name}/{s}: {r.first_mismatch or r.output[-800:]}"
        V = vset["s"].shape[0]
        assert r.vectors == V and r.beats == V * cfg.T * cfg.N * groups(cfg) and r.status == 0
        # Second, independent comparison in Python: unpack the kernel's beats, == on integers.
        beats = _read_beats(tmp_path / f"actual-{s}.txt")
        per = cfg.T * cfg.N * groups(cfg)
        got = np.stack([unpack_increments(beats[v * per:(v + 1) * per], cfg.T, cfg.N, cfg.D, cfg.lanes)
                        for v in range(V)])
        want = ref.sasa(vset["s"], {k: vset[k] for k in ref.SASA_KEYS}, cfg)["inc"]
        bad = np.argwhere(got != want)
        assert bad.size == 0, f"{name}/{s}: first mismatch (vector, t, n, channel) = {tuple(bad[0])}"


@pytest.mark.parametrize("name", list(NAMED))
def test_same_artifact_and_vectors_as_the_rtl_regression(prepared, name):
    """The C-sim runs on exactly the artifact and vector sets the RTL regression uses (issue 6): the same
    artifact folder, the same set names (in-memory `cover` included) and the same arrays, exported to the
    kernel's vector folders."""
    pr = prepared(name)
    rtl = sim_artifacts.artifact_for(name, RTL_BUILD / "sim")
    assert pr.artifact.path == rtl.path and pr.artifact.cfg == rtl.cfg == NAMED[name]
    assert set(pr.sets) == set(rtl.vectors)
    for s, vset in rtl.vectors.items():
        assert set(pr.artifact.vectors[s]) == set(vset)
        for k, a in vset.items():
            assert np.array_equal(pr.artifact.vectors[s][k], a), (s, k)
        assert (pr.folder / "vectors" / s / "expected.txt").is_file()
    assert sorted(p.name for p in (pr.folder / "vectors").iterdir()) == sorted(rtl.vectors)


@pytest.mark.parametrize("name", list(NAMED))
def test_cover_set_reaches_full_attention(prepared, name):
    """`cover` is the only set that reaches a = N and all-one A timesteps on a random model; the C-sim runs it
    (test_csim_bit_exact checks its outputs)."""
    pr = prepared(name)
    cfg = pr.artifact.cfg
    r = ref.sasa(pr.artifact.vectors["cover"]["s"], {k: pr.artifact.vectors["cover"][k] for k in ref.SASA_KEYS}, cfg)
    assert (r["a"] == cfg.N).any() and (r["A"].sum(axis=-1) == cfg.D).any()
    assert (pr.folder / "vectors" / "cover" / "expected.txt").is_file()


@pytest.mark.parametrize("name", ["default", "minwidth"])
def test_worst_sets_drive_the_kernel_membranes_to_both_bounds(prepared, name):
    """The worst-case sets the kernel passed (test above) take the Q/K membranes to both proven bounds, and
    the kernel's membrane register (MEM_BITS in sasa_config.h) is exactly the proven minimum width: the
    C-sim would wrap, and mismatch, if the library computed the membrane any narrower."""
    from saformer.golden.vectors import membrane_extremes

    pr = prepared(name)
    cfg = pr.artifact.cfg
    lo, hi = derive(cfg).ranges["sasa.qk_membrane"]
    assert membrane_extremes(cfg, pr.artifact.vectors["worst_min"])[0] == lo
    assert membrane_extremes(cfg, pr.artifact.vectors["worst_max"])[1] == hi
    mem_bits = int(re.search(r"MEM_BITS = (\d+);", (pr.folder / "sasa_config.h").read_text()).group(1))
    assert cfg.mem_bits == 0 and mem_bits == lo.bit_length() + 1  # configured 0: the proven minimum, exactly


# ------------------------------------------------------------------------------ the comparison can fail
def _mutated_wo(pr: csim.Prepared, tmp_path: Path) -> tuple[Path, tuple[int, int, int, int]]:
    """Corrupt one Wo weight word on the stream; return the folder and where the first mismatch must be."""
    cfg = pr.artifact.cfg
    vset = pr.artifact.vectors["random"]
    p = {k: vset[k] for k in ref.SASA_KEYS}
    y = ref.sasa(vset["s"], p, cfg)["y"]
    v, t, n, j = (int(x) for x in np.argwhere(y)[0])  # first token (stream order) with an active Y
    c = min(1, cfg.D - 1)
    words = weight_stream(cfg, p)
    D, H = cfg.D, cfg.heads
    idx = 4 + 2 * (D * D + D + 1) + H + j * D + c
    assert words[idx] & 0xFFFF_FFFF == int(p["wo"][j, c]) & 0xFFFF_FFFF
    w = int(p["wo"][j, c])
    words[idx] = (w - 1 if w > -(2 ** (cfg.w_bits - 1)) else w + 1) & 0xFFFF_FFFF
    # Expected outputs stay those of the true weights: the kernel must now disagree.
    return export_vectors(cfg, vset, tmp_path / "mut", weights=words), (v, t, n, c)


@pytest.mark.parametrize("name", ["default", "p5"])
def test_mutation_is_caught_with_coordinates(prepared, tmp_path, name):
    pr = prepared(name)
    folder, (v, t, n, c) = _mutated_wo(pr, tmp_path)
    r = csim.run_set(pr.binary, folder)
    assert r.returncode == 1 and r.mismatches > 0, r.output
    assert r.coords == {"vector": v, "t": t, "n": n, "channel": c}, r.first_mismatch


def test_edited_expected_output_is_caught(prepared, tmp_path):
    pr = prepared("default")
    cfg = pr.artifact.cfg
    vset = pr.artifact.vectors["worst_max"]
    inc = ref.sasa(vset["s"], {k: vset[k] for k in ref.SASA_KEYS}, cfg)["inc"].copy()
    inc[1, cfg.T - 1, cfg.N - 1, cfg.D - 1] += 1
    r = csim.run_set(pr.binary, export_vectors(cfg, vset, tmp_path / "e", expected=inc))
    assert r.returncode == 1
    assert r.coords == {"vector": 1, "t": cfg.T - 1, "n": cfg.N - 1, "channel": cfg.D - 1}


# ------------------------------------------------------------------------------ weight header / protocol
def _with_header(pr: csim.Prepared, tmp_path: Path, edit, expect_status: int) -> csim.CsimResult:
    cfg = pr.artifact.cfg
    vset = pr.artifact.vectors["random"]
    words = edit(weight_stream(cfg, {k: vset[k] for k in ref.SASA_KEYS}))
    return csim.run_set(pr.binary, export_vectors(cfg, vset, tmp_path / "h", weights=words,
                                                  expect_status=expect_status))


@pytest.mark.parametrize("field,status", [(0, HEADER), (1, HEADER), (2, HEADER), (3, HEADER)])
def test_weight_header_is_validated(prepared, tmp_path, field, status):
    """Wrong magic / version / config hash / count: error flag set, weights refused, no outputs."""
    def edit(w):
        w[field] ^= 1
        return w

    r = _with_header(prepared("default"), tmp_path, edit, status | NOT_LOADED)
    assert r.returncode == 0, r.output
    assert r.status == status | NOT_LOADED and r.beats == 0


@pytest.mark.parametrize("how", ["truncated", "over-long"])
def test_weight_length_is_validated(prepared, tmp_path, how):
    r = _with_header(prepared("p5"), tmp_path, (lambda w: w[:-3]) if how == "truncated" else (lambda w: w + [0, 0]),
                     LENGTH | NOT_LOADED)
    assert r.returncode == 0 and r.status == LENGTH | NOT_LOADED and r.beats == 0, r.output


VALUE = 1 << STATUS_BITS["value"]


@pytest.mark.parametrize("seg,bit", [("wq", 20), ("bk", 28), ("theta_q", 31), ("theta_a", 12)])
def test_weight_above_width_is_refused(prepared, tmp_path, seg, bit):
    """A payload word with a bit set above its declared width (first word of each kind of segment: signed
    weight, signed bias, unsigned threshold, unsigned count) is refused like the RTL's loader: STATUS value,
    weights not loaded, no outputs."""
    from saformer.contract.layout import weight_word_index

    def edit(w):
        i = weight_word_index(prepared("default").artifact.cfg, seg)
        w[i] ^= 1 << bit
        return w

    r = _with_header(prepared("default"), tmp_path, edit, VALUE | NOT_LOADED)
    assert r.returncode == 0 and r.status == VALUE | NOT_LOADED and r.beats == 0, r.output


def test_wrong_hash_fails_a_normal_run(prepared, tmp_path):
    """The same wrong-hash load against normal expectations must fail (no outputs, status set)."""
    r = _with_header(prepared("default"), tmp_path, lambda w: w[:2] + [w[2] ^ 0x8000_0000] + w[3:], 0)
    assert r.returncode == 1 and r.beats == 0 and r.status == HEADER | NOT_LOADED


def test_misplaced_spike_tlast_sets_protocol_flag(prepared, tmp_path):
    pr = prepared("t1")
    cfg = pr.artifact.cfg
    folder = export_vectors(cfg, pr.artifact.vectors["worst_max"], tmp_path / "p", expect_status=PROTOCOL)
    sp = folder / "spikes.txt"
    lines = sp.read_text().splitlines()
    first = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
    lines[first] = lines[first].split()[0] + " 1"  # TLAST on the first word of the first image
    sp.write_text("\n".join(lines) + "\n")
    r = csim.run_set(pr.binary, folder)
    assert r.returncode == 0 and r.status == PROTOCOL and r.mismatches == 0, r.output


# ------------------------------------------------------------------------------ hls4ml #459 / #893
@pytest.mark.parametrize("damage", ["missing", "empty", "short", "no-header"])
def test_testbench_fails_without_expected_output(prepared, tmp_path, damage):
    pr = prepared("t1")
    folder = export_vectors(pr.artifact.cfg, pr.artifact.vectors["random"], tmp_path / "x")
    exp = folder / "expected.txt"
    lines = exp.read_text().splitlines()
    if damage == "missing":
        exp.unlink()
    elif damage == "empty":
        exp.write_text("")
    elif damage == "short":
        exp.write_text("\n".join(lines[:-5]) + "\n")
    else:
        exp.write_text("\n".join(ln for ln in lines if not ln.startswith("beats")) + "\n")
    r = csim.run_set(pr.binary, folder)
    assert r.returncode == 2 and "ERROR" in r.output and "RESULT" not in r.output, r.output


# ------------------------------------------------------------------------------ generated files
def test_generated_files_banner_and_config(tmp_path):
    art = csim.artifact_for("default")
    out = generate(art, tmp_path / "g", "default", vectors=True)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {"sasa_config.h", "sasa_top.h", "sasa_top.cpp", "sasa_tb.cpp", "run_hls.tcl"} <= {p.name for p in files}
    for p in files:
        first = p.read_text().splitlines()[0]
        assert re.match(r"(//|#) generated by hls/generate\.py from .+; do not edit$", first), p
    tcl = (out / "run_hls.tcl").read_text()
    for step in ("csim_design", "csynth_design", "cosim_design", "export_design -format ip_catalog"):
        assert step in tcl
    # paths relative to the script only (the folder can move to the machine with Vitis): no absolute path of
    # this machine, the library copied beside it
    root = str(Path(__file__).resolve().parents[1])
    code = "\n".join(ln for ln in tcl.splitlines() if not ln.startswith("#"))  # the banner names the artifact
    assert root not in code and "/tmp" not in code and "set lib [file join $here include]" in code
    for h in csim.INCLUDE.glob("*.h"):
        assert (out / "include" / h.name).read_text().split("\n", 1)[1] == h.read_text()


@pytest.mark.parametrize("name", list(NAMED))
def test_config_header_carries_every_number(tmp_path, name):
    from saformer.hls.generate import config_header

    cfg = NAMED[name]
    d = derive(cfg)
    text = config_header(cfg, "test")
    got = {k: int(v) for k, v in re.findall(r"static const int (\w+) = (-?\d+);", text)}
    assert got["T"] == cfg.T and got["N"] == cfg.N and got["D"] == cfg.D and got["HEADS"] == cfg.heads
    assert got["LANES"] == cfg.lanes and got["GROUPS"] == groups(cfg) and got["LEAK_SHIFT"] == cfg.leak_shift
    assert (got["ACC_BITS"], got["MEM_BITS"], got["OUT_BITS"], got["COUNT_BITS"]) == (
        d.sasa_acc_bits, cfg.mem_bits or d.sasa_mem_bits, d.sasa_out_bits, d.count_bits)
    assert (got["W_BITS"], got["BIAS_BITS"], got["THETA_BITS"]) == (cfg.w_bits, cfg.bias_bits, cfg.theta_bits)
    assert f"CONFIG_HASH32 = 0x{cfg.hash32:08x}u" in text


def test_register_offsets_follow_the_interface(tmp_path):
    from saformer.hls.generate import NOT_IN_HLS, top_source

    cfg = NAMED["default"]
    text = top_source(cfg, "test")
    offs = {m[0]: int(m[1], 16) for m in re.findall(r"s_axilite port = (\w+) offset = 0x([0-9a-f]+)", text)}
    for r in registers(cfg):
        if r.offset >= 0x10 and r.name not in NOT_IN_HLS:
            assert offs[r.name.lower()] == r.offset, r.name
    assert "ap_ctrl_hs port = return" in text and "bundle = control" in text


def test_status_and_ctrl_bits_come_from_the_interface():
    """sasa_config.h carries every STATUS and CTRL bit as a mask taken from contract.interface, none retyped."""
    import saformer.hls.generate as hg

    assert hg.STATUS_BITS is STATUS_BITS and hg.CTRL_BITS is CTRL_BITS
    text = hg.config_header(NAMED["default"], "test")
    got = {k: int(v, 16) for k, v in re.findall(r"static const unsigned (\w+) = 0x([0-9a-f]+)u;", text)}
    for k, b in STATUS_BITS.items():
        assert got[f"STATUS_{k.upper()}"] == 1 << b, k
    for k, b in CTRL_BITS.items():
        assert got[f"CTRL_{k.upper()}"] == 1 << b, k
    assert set(STATUS_DOC) == set(STATUS_BITS)
    src = (package_root() / "hls" / "generate.py").read_text()
    assert not re.search(r"STATUS_BITS\s*=|CTRL_BITS\s*=|\"WEIGHT_WORD_BITS\": \d", src)


def _step(cfg, vset, folder: Path, *, weights, expect_status: int, spikes_tlast_bad: bool = False) -> Path:
    out = export_vectors(cfg, vset, folder, weights=weights, expect_status=expect_status)
    if spikes_tlast_bad:
        sp = out / "spikes.txt"
        lines = sp.read_text().splitlines()
        first = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
        lines[first] = lines[first].split()[0] + " 1"
        sp.write_text("\n".join(lines) + "\n")
    return out


def test_status_flags_follow_the_interface_over_calls(prepared, tmp_path):
    """STATUS over a sequence of kernel calls, as saformer.contract.interface.STATUS_DOC (and the RTL) define it:
    protocol stays through a failed load and clears only when a valid load completes; header/length
    describe the last load and clear when the next load begins; not_loaded is set when a load begins."""
    pr = prepared("t1")
    cfg = pr.artifact.cfg
    vset = pr.artifact.vectors["random"]
    good = weight_stream(cfg, {k: vset[k] for k in ref.SASA_KEYS})
    bad_hdr = [good[0] ^ 1, *good[1:]]
    steps = [  # (weights, expected status, misplaced spike tlast)
        (good, PROTOCOL, True),                            # valid load, then a protocol error in the images
        (bad_hdr, PROTOCOL | HEADER | NOT_LOADED, False),  # failed load: protocol kept
        (good[:-3], PROTOCOL | LENGTH | NOT_LOADED, False),  # next load begins: header cleared
        ([], PROTOCOL | LENGTH | NOT_LOADED, False),       # no load: nothing runs, flags unchanged
        (good, 0, False),                                  # valid load: every flag clears
        ([], 0, False),                                    # weights kept between calls
    ]
    dirs = [_step(cfg, vset, tmp_path / f"s{i}", weights=w, expect_status=st, spikes_tlast_bad=bad)
            for i, (w, st, bad) in enumerate(steps)]
    rc, res = csim.run_sequence(pr.binary, dirs)
    assert [r.status for r in res] == [st for _, st, _ in steps], [status_flags(r.status) for r in res]
    V = vset["s"].shape[0]
    per = cfg.T * cfg.N * groups(cfg)
    assert [r.beats for r in res] == [0 if st & NOT_LOADED else V * per for _, st, _ in steps]
    assert rc == 0 and all(r.mismatches == 0 for r in res)


def test_shim_only_when_real_header_absent():
    flags = csim.include_flags()
    real = (csim.xilinx_include() / "ap_axi_sdata.h").is_file()
    assert (f"-I{csim.COMPAT}" in flags) != real


def test_run_all_reports_per_config(prepared):
    prepared("t1")
    r = csim.run_all(configs=["t1"])
    assert set(r) == {"t1"} and r["t1"]["mismatches"] == 0 and r["t1"]["vectors"] == sum(
        v["s"].shape[0] for v in csim.artifact_for("t1").vectors.values())


# ------------------------------------------------------------------------------ Vitis
def test_hls_synth_says_vitis_is_missing(tmp_path, monkeypatch, capsys):
    if shutil.which("vitis_hls"):
        pytest.skip("vitis_hls is on PATH here; the missing-tool message cannot be exercised")
    from saformer.cli import main

    assert main(["hls-synth", "--out", str(tmp_path)]) == 2  # like every other step: one error line, exit 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("saformer hls-synth: error: vitis_hls not found on PATH") and "\n" not in err
    assert (tmp_path / "default" / "run_hls.tcl").is_file()


@pytest.mark.vitis
@pytest.mark.skipif(shutil.which("vitis_hls") is None, reason="vitis_hls not on PATH")
def test_vitis_hls_csim_csynth_cosim_export(tmp_path):
    from saformer.hls.generate import cli_hls_synth

    assert cli_hls_synth(["--out", str(tmp_path)]) == 0
    assert list((tmp_path / "default" / "sasa_prj").rglob("*.zip")), "export_design produced no IP archive"


def test_one_bit_narrower_membrane_is_caught(prepared, tmp_path):
    """Mutation of the datapath width. The artifact's worst_min set reaches the membrane minimum only at the
    last timestep with theta at its maximum, so a wrapped membrane never changes a spike there (checked
    below: a one-bit-narrower kernel still passes it). With theta_q = theta_k = 1 the same currents make a
    wrapped (positive) membrane fire: the correct kernel passes and the narrow one must fail."""
    from saformer.golden.vectors import make_set, membrane_extremes, worst_case_sets

    pr = prepared("minwidth")
    cfg = pr.artifact.cfg
    lo = derive(cfg).ranges["sasa.qk_membrane"][0]
    wm = worst_case_sets(cfg)["worst_min"]
    p = {k: wm[k] for k in ref.SASA_KEYS}
    p["theta_q"] = p["theta_k"] = np.array(1, dtype=np.int64)
    vset = make_set(cfg, p, wm["s"])
    assert membrane_extremes(cfg, vset)[0] == lo
    vec = export_vectors(cfg, vset, tmp_path / "low-theta")
    assert csim.run_set(pr.binary, vec).passed

    folder = tmp_path / "narrow"
    folder.mkdir()
    for f in csim.SOURCES:
        shutil.copy(pr.folder / f, folder / f)
    cfgh = folder / "sasa_config.h"
    bits = derive(cfg).sasa_mem_bits
    cfgh.write_text(cfgh.read_text().replace(f"MEM_BITS = {bits};", f"MEM_BITS = {bits - 1};"))
    binary, _ = csim.compile_csim(folder)
    assert csim.run_set(binary, pr.folder / "vectors" / "worst_min", tmp_path / "a.txt").passed  # blind spot
    r = csim.run_set(binary, vec, tmp_path / "b.txt")
    assert r.returncode == 1 and r.mismatches > 0, r.output
    assert set(r.coords) == {"vector", "t", "n", "channel"}, r.first_mismatch


def test_default_uses_the_trained_artifact_and_its_real_set(tmp_path, monkeypatch):
    """When build/artifact exists, 'default' runs on it, 'real' vector set included (simulated here with a
    stand-in artifact so the path is tested before the trained model lands)."""
    from saformer.contract.artifact import load_artifact, save_artifact
    from saformer.golden.vectors import random_artifact

    cfg = NAMED["default"]
    base = load_artifact(random_artifact(cfg, tmp_path / "base", seed=11, n_random=2))
    trained = save_artifact(tmp_path / "artifact", cfg, base.params,
                            {**base.vectors, "real": base.vectors["random"]}, {"source": "test stand-in"})
    monkeypatch.setattr(sim_artifacts, "TRAINED", trained)
    assert csim.artifact_for("default", tmp_path / "art").path == trained
    r = csim.run_config("default", tmp_path / "work", tmp_path / "art")
    assert "real" in r["sets"] and r["sets"]["real"]["vectors"] == 2 and r["mismatches"] == 0
    assert "cover" in r["sets"] and r["sets"]["cover"]["mismatches"] == 0
    assert "real" in (tmp_path / "work" / "default" / "run_hls.tcl").read_text()  # Vitis csim/cosim use it
    # The trained artifact is used for 'default' only when its config is the default's.
    other = random_artifact(NAMED["p5"], tmp_path / "other", seed=3, n_random=1)
    monkeypatch.setattr(sim_artifacts, "TRAINED", other)
    with pytest.raises(SaformerError, match="is not the 'default' configuration"):
        csim.artifact_for("default", tmp_path / "art")


def test_readme_register_map_points_to_the_interface():
    """hls/README.md types no register offset (they come from contract.interface.registers via docs/interface.md)
    and no longer claims the ap_vld words collide with the next register."""
    text = (package_root() / "hls" / "README.md").read_text()
    assert not re.findall(r"\b0x[0-9A-Fa-f]{2}\b", text), re.findall(r"\b0x[0-9A-Fa-f]{2}\b", text)
    assert "docs/interface.md" in text and "ARG_STRIDE" in text
    assert "collide" not in text


def test_configured_membrane_width_is_honoured():
    """MEM_BITS is cfg.mem_bits when set (0 = the proven minimum), as hw/generate.py's MEM_W."""
    from saformer.hls.generate import config_header

    base = NAMED["minwidth"]
    wide = base.replace(mem_bits=derive(base).sasa_mem_bits + 3)
    for cfg, want in ((base, derive(base).sasa_mem_bits), (wide, derive(base).sasa_mem_bits + 3)):
        got = int(re.search(r"MEM_BITS = (\d+);", config_header(cfg, "test")).group(1))
        assert got == want, (cfg.mem_bits, got)


def test_runs_never_write_into_the_shared_vector_folders(prepared, tmp_path):
    """run_config / run_set write the kernel's beats to a caller or temporary place, not build/hls/<cfg>/vectors."""
    pr = prepared("t1")
    for f in (pr.folder / "vectors").rglob("actual.txt"):
        f.unlink()
    r = csim.run_config("t1", out_dir=tmp_path / "out")
    assert r["mismatches"] == 0 and sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{s}.txt" for s in pr.sets)
    assert csim.run_set(pr.binary, pr.folder / "vectors" / "random").passed
    csim.run_config("t1")
    assert not list((pr.folder / "vectors").rglob("actual.txt"))


def test_timeout_is_a_one_line_error(tmp_path):
    hang = tmp_path / "csim"
    hang.write_text("#!/bin/sh\nexec sleep 30\n")
    hang.chmod(0o755)
    with pytest.raises(SaformerError) as e:
        csim.run_set(hang, tmp_path, tmp_path / "a.txt", timeout=0.2)
    assert "\n" not in str(e.value) and "did not finish" in str(e.value)


@pytest.mark.parametrize("file,bad", [("spikes.txt", "zz"), ("weights.txt", "0x12"), ("expected.txt", "g0"),
                                      ("weights.txt", "123456789")])
def test_non_hex_word_is_an_input_error(prepared, tmp_path, file, bad):
    pr = prepared("t1")
    folder = export_vectors(pr.artifact.cfg, pr.artifact.vectors["random"], tmp_path / "x")
    f = folder / file
    lines = f.read_text().splitlines()
    i = next(k for k, ln in enumerate(lines) if ln and not ln.startswith(("#", "beats")))
    lines[i] = f"{bad} {lines[i].split()[1]}"
    f.write_text("\n".join(lines) + "\n")
    r = csim.run_set(pr.binary, folder, tmp_path / "a.txt")
    assert r.returncode == 2 and f"{f}:{i + 1}:" in r.output and "RESULT" not in r.output, r.output


@pytest.mark.parametrize("extra", ["spike", "weights"])
def test_unread_stream_words_fail_the_run(prepared, tmp_path, extra):
    """A spike word beyond IMAGES images, or a second weight packet, is left unread: the run must fail."""
    pr = prepared("t1")
    cfg = pr.artifact.cfg
    vset = pr.artifact.vectors["random"]
    folder = export_vectors(cfg, vset, tmp_path / "x")
    if extra == "spike":
        with (folder / "spikes.txt").open("a") as fh:
            fh.write("0" * (cfg.stream_bits // 4) + " 0\n")
    else:  # the same load packet again, TLAST-delimited: the kernel takes one load per call
        wf = folder / "weights.txt"
        wf.write_text(wf.read_text() + "".join(ln + "\n" for ln in wf.read_text().splitlines()
                                                if not ln.startswith("#")))
    r = csim.run_set(pr.binary, folder, tmp_path / "a.txt")
    assert r.returncode == 1 and r.mismatches == 0 and "STREAM MISMATCH" in r.output, r.output


# ------------------------------------------------------------------------------ spike-driven
@pytest.mark.parametrize("name", ["default", "n9"])
def test_projections_are_spike_driven(prepared, tmp_path, name):
    """The projections do one accumulate step per active spike (hls/include/sasa.h: project). Built with the
    optional step counter (-DSASA_COUNT_STEPS, sasa_steps.h), the kernel reports per image the steps of the Q,
    K and output projections: q = k = nnz(S) and o = nnz(Y) of that image, with S and Y taken from the vectors
    and golden.reference -- so the work falls with sparsity (an all-zero image costs 0 steps, a dense one
    T*N*D). The counting build is bit-exact too. A set of images of rising density shows the scaling."""
    from saformer.golden.vectors import make_set

    pr = prepared(name)
    cfg = pr.artifact.cfg
    folder = tmp_path / "steps"
    folder.mkdir()
    for f in csim.SOURCES:
        shutil.copy(pr.folder / f, folder / f)
    binary, _ = csim.compile_csim(folder, defines=(csim.STEPS_DEFINE,), binary_name="csim-steps")
    base = pr.artifact.vectors["random"]
    p = {k: base[k] for k in ref.SASA_KEYS}
    rng = np.random.default_rng(5)
    density = np.array([0.0, 0.05, 0.25, 0.5, 1.0])
    s = rng.random((len(density), cfg.T, cfg.N, cfg.D)) < density[:, None, None, None]
    sets = {"density": make_set(cfg, p, s), **{k: pr.artifact.vectors[k] for k in ("random", "worst_max", "cover")}}
    for sname, vset in sets.items():
        r = csim.run_set(binary, export_vectors(cfg, vset, tmp_path / sname), tmp_path / f"{sname}.txt")
        assert r.passed, f"{sname}: {r.first_mismatch or r.output[-800:]}"
        y = ref.sasa(vset["s"], {k: vset[k] for k in ref.SASA_KEYS}, cfg)["y"]
        nnz_s = [int(np.count_nonzero(vset["s"][v])) for v in range(vset["s"].shape[0])]
        nnz_y = [int(np.count_nonzero(y[v])) for v in range(y.shape[0])]
        assert r.steps == [{"q": a, "k": a, "o": b} for a, b in zip(nnz_s, nnz_y)], (sname, r.steps)
        if sname == "density":
            q = [st["q"] for st in r.steps]
            assert q[0] == 0 and q[-1] == cfg.T * cfg.N * cfg.D and q == sorted(q), q


def test_default_build_has_no_step_counter(prepared):
    """The counter is compile-time optional: the regular C-sim binary prints no STEPS lines."""
    pr = prepared("t1")
    r = csim.run_set(pr.binary, pr.folder / "vectors" / "random")
    assert r.passed and r.steps == [] and "STEPS" not in r.output


def test_no_warning_suppressed_beyond_the_issue_flags(prepared):
    """g++ runs with exactly -Wall -Wextra -Werror -Wno-unknown-pragmas (issue 6); the library and the
    generated top suppress no warning of their own (no loop labels, no -Wunused-label pragma). Only the Xilinx
    header includes in sasa_types.h are wrapped (warnings raised inside those headers after inlining)."""
    assert [f for f in csim.CXXFLAGS if f.startswith("-W")] == ["-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas"]
    pr = prepared("t1")
    texts = {f.name: f.read_text() for f in sorted(csim.INCLUDE.glob("*.h"))}
    texts["sasa_top.cpp"] = (pr.folder / "sasa_top.cpp").read_text()
    for name, text in texts.items():
        ignored = re.findall(r'diagnostic ignored "([^"]+)"', text)
        allowed = {"-Wuninitialized", "-Wmaybe-uninitialized"} if name == "sasa_types.h" else set()
        assert set(ignored) <= allowed, (name, ignored)
        if name in ("sasa.h", "sasa_top.cpp"):  # kernel code: no statement labels (access specifiers aside)
            labels = re.findall(r"^\s*(\w+):\s*$", text, re.M)
            assert set(labels) <= {"public", "private", "protected"}, (name, labels)
