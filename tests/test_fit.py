# SPDX-License-Identifier: Apache-2.0
"""The board-fit pre-check (hw/fit.py): the memory model against the measured Yosys memory figures, the
calibrated estimate, and the one-line error `make synth CONFIG=... BOARD=...` gives before any long step."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from saformer.contract.configs import ALL, CIFAR, TARGET_BOARD
from saformer.contract.errors import SaformerError
from saformer.hw import fit
from saformer.hw.boards import BOARDS, board

from saformer.demo import REPO


def test_memory_model_equals_the_measured_lut_ram_and_bram_of_every_module() -> None:
    """LUT as memory and BRAM36 per module of the default network == what Yosys mapped (MEASURED_NETWORK)."""
    cfg = ALL["default"]
    model = fit._memory_cost(cfg, fit.network_memories(cfg))
    measured = {m: v[1] for m, v in fit.MEASURED_NETWORK["modules"].items() if v[1]}
    assert {m: model[m][0] for m in measured} == measured
    assert sum(v[0] for v in model.values()) == sum(measured.values()) == fit.MEASURED_NETWORK["total"][1]
    e = fit.estimate(cfg)
    assert {m: e["per_module"][m]["bram36"] for m in fit.MEASURED_NETWORK["modules"]} == \
        {m: v[3] for m, v in fit.MEASURED_NETWORK["modules"].items()}
    assert e["bram36"] == fit.MEASURED_NETWORK["total"][3]


def test_stream_slices_and_control_equal_the_measured() -> None:
    """The structural terms == Yosys' figures: every axis_skid / axis_half of the generator in both runs, the
    control (weight loader, glue, cycle counters) in the default run (ABC moves the loader by ~10 LUT)."""
    for table in (fit.MEASURED_NETWORK, fit.VALIDATION_NETWORK):
        cfg = ALL["default"] if table is fit.MEASURED_NETWORK else ALL["default"].replace(**table["config"])
        e = fit.estimate(cfg)
        mods = ("skids", "ctrl") if table is fit.MEASURED_NETWORK else ("skids",)
        assert {m: (e["per_module"][m]["lut"], e["per_module"][m]["ff"]) for m in mods} == \
            {m: (table["modules"][m][0], table["modules"][m][2]) for m in mods}
    assert e["per_module"]["ctrl"]["ff"] == fit.VALIDATION_NETWORK["modules"]["ctrl"][2]


def test_sasa_memories_map_as_yosys_did() -> None:
    """The SASA engine: default (D=32, P=8) all 80 memories in LUT RAM, 992 LUTs; d256: the 24 weight
    memories, 16 membrane memories and the Q buffer in block RAM (44 BRAM36), the 24 bias tables, the 32 A
    mask groups and the 8 count lanes in LUT RAM (512 LUTs) -- docs/architecture.md "Figures"."""
    d = fit.estimate(ALL["default"], network=False)
    assert sum(r["copies"] for r in d["memories"] if r["mapped_to"] == "LUT RAM") == 80
    assert (d["lut_mem"], d["bram36"]) == (992, 0)
    e = fit.estimate(ALL["d256"], network=False)
    assert sum(r["copies"] for r in e["memories"] if r["mapped_to"] == "BRAM") == 41
    assert [r["copies"] for r in e["memories"] if r["mapped_to"] == "LUT RAM"] == [24, 32, 8]
    assert (e["lut_mem"], e["bram36"]) == (512, 44)


def test_lutram_geometry() -> None:
    assert fit.lutram_luts(32, 12) == 8  # RAM32M: 6 bits x 32 per 4 LUTs
    assert fit.lutram_luts(64, 14) == 20  # RAM64M: 3 bits x 64
    assert fit.lutram_luts(144, 4) == 20  # two 64-word slices and a 16-word RAM32M
    assert fit.lutram_luts(16, 32, ports=9) == 192  # quad-port RAM32M: 2 bits, 3 read ports per copy


def test_calibrated_estimate_is_close_to_the_measured_network() -> None:
    e = fit.estimate(ALL["default"])
    lut, _mem, ff, _bram = fit.MEASURED_NETWORK["total"]
    assert abs(e["lut"] - lut) / lut < 0.05 and abs(e["ff"] - ff) / ff < 0.05


def test_held_out_run_at_n64() -> None:
    """The N = 64 run (not used for calibration): block RAM per module exact, LUT as memory per module exact
    but the tokenizer's (its 16 x 128 pixel-row buffer loses two unused bits in Yosys: 4 LUTs), LUT and FF
    within 5 %."""
    v = fit.VALIDATION_NETWORK
    cfg = ALL["default"].replace(**v["config"])
    e = fit.estimate(cfg)
    assert {m: e["per_module"][m]["bram36"] for m in v["modules"]} == {m: r[3] for m, r in v["modules"].items()}
    assert e["bram36"] == v["total"][3]
    assert {m: e["per_module"][m]["lut_mem"] for m in v["modules"] if m != "tok"} == \
        {m: r[1] for m, r in v["modules"].items() if m != "tok"}
    assert 0 <= e["per_module"]["tok"]["lut_mem"] - v["modules"]["tok"][1] <= 4
    lut, _m, ff, _b = v["total"]
    assert abs(e["lut"] - lut) / lut < 0.05 and abs(e["ff"] - ff) / ff < 0.05


@pytest.mark.parametrize("table", ["VALIDATION_FOLD", "VALIDATION_BEATS"])
def test_held_out_folded_runs(table: str) -> None:
    """The held-out Yosys runs of the folded networks (not used for calibration): config 'fold' (the MLP fold:
    fc1's 64 x 32-bit weight words and eight 4 x 12-bit bias LUT RAMs, 108 LUTs; the hidden-current slice at 8
    lanes) and config 'beats' (stream beats: axis_half / axis_skid / axis_split slices). Yosys' LUT as memory
    and block RAM per module and the stream slices exactly; totals within 5 % (the shortcut and head LIFs'
    fixed logic is modelled low at a beat's width)."""
    from saformer.contract.configs import NETWORK_NAMED

    v = getattr(fit, table)
    e = fit.estimate(NETWORK_NAMED[v["config"]])
    assert {m: e["per_module"][m]["bram36"] for m in v["modules"]} == {m: r[3] for m, r in v["modules"].items()}
    assert {m: e["per_module"][m]["lut_mem"] for m in v["modules"]} == {m: r[1] for m, r in v["modules"].items()}
    sk = v["modules"]["skids"]
    assert (e["per_module"]["skids"]["lut"], e["per_module"]["skids"]["ff"]) == (sk[0], sk[2])
    lut, mem, ff, bram = v["total"]
    assert (e["lut_mem"], e["bram36"]) == (mem, bram)
    assert abs(e["lut"] - lut) / lut < 0.05 and abs(e["ff"] - ff) / ff < 0.05


def test_default_fits_its_board() -> None:
    rec = fit.precheck(ALL["default"], "default", board("pynq-z2"))
    assert rec["fits"] and rec["over"] == []


def _number(s: str) -> float:
    """A figure of a fit message: "1,615.5" -> 1615.5 (block RAM counts halves: a RAMB18 is half a BRAM36)."""
    return float(s.replace(",", ""))


def test_precheck_names_the_resource_and_the_amount() -> None:
    cfg, b = CIFAR["cifar10-384"], board("pynq-z2")
    est = fit.estimate(cfg)
    with pytest.raises(SaformerError) as ei:
        fit.precheck(cfg, "cifar10-384", b)
    msg = str(ei.value)
    assert "\n" not in msg
    m = re.match(r"config 'cifar10-384' needs ([\d,.]+) (.+?) of ([\d,]+) on pynq-z2", msg)
    assert m, msg
    key = next(k for k, label, _ in fit.RESOURCES if label == m.group(2))
    cap = next(c for k, _, c in fit.RESOURCES if k == key)
    assert _number(m.group(1)) == est[key] and _number(m.group(3)) == getattr(b, cap)
    assert est[key] > getattr(b, cap)
    assert "lower D or L" in msg


def test_precheck_suggests_a_board_that_fits() -> None:
    """A config that fits only a bigger board: the message names the smallest board the model fits."""
    est = fit.estimate(ALL["default"])
    tiny = BOARDS["pynq-z2"].__class__(**{**BOARDS["pynq-z2"].__dict__, "name": "tiny", "lut": est["lut"] - 1})
    f = fit.fit(est, tiny)
    assert not f["fits"] and f["over"][0]["key"] == "lut"
    msg = fit.fit_message("default", est, f, tiny)
    assert msg.startswith(f"config 'default' needs {est['lut']:,} LUT of {est['lut'] - 1:,} on tiny")
    assert msg.endswith(f"or pick {fit.smallest_fitting_board(est)}")


def test_make_synth_stops_before_any_long_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """saformer synth --config cifar10-384 (on pynq-z2, and on its own zcu104): the pre-check fails before an
    artifact, an export or Yosys."""
    import saformer.golden.named_artifacts as na
    import saformer.hw.synth as hs

    def forbidden(*a, **kw):
        raise AssertionError("a long step ran before the pre-check")

    for mod, attr in ((hs, "synth_config"), (hs, "synthesize"), (hs, "synthesize_network"), (hs, "synth_network"),
                      (hs, "yosys_bin"), (na, "artifact_for"), (na, "density_artifact")):
        monkeypatch.setattr(mod, attr, forbidden)
    with pytest.raises(SaformerError, match=r"^config 'cifar10-384' needs [\d,.]+ .+ of [\d,]+ on pynq-z2"):
        hs.cli_synth(["--config", "cifar10-384", "--board", "pynq-z2"])
    assert TARGET_BOARD["cifar10-384"] == "zcu104"
    with pytest.raises(SaformerError, match=r"on zcu104"):
        hs.cli_synth(["--config", "cifar10-384"])  # board: its target board


def test_fit_cli_exit_codes() -> None:
    bad = subprocess.run([sys.executable, "-m", "saformer.hw.fit", "--config", "cifar10-384", "--board", "pynq-z2"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and not bad.stdout
    assert re.search(r"needs [\d,.]+ .+ of [\d,]+ on pynq-z2", bad.stderr)
    ok = subprocess.run([sys.executable, "-m", "saformer.hw.fit", "--config", "default"],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "fits pynq-z2" in ok.stdout


def test_makefile_runs_the_precheck_first() -> None:
    txt = (REPO / "Makefile").read_text()
    rule = txt[txt.index("\nsynth:"):].split("\n\n")[0]
    assert rule.index("saformer.hw.fit") < rule.index("manifest.json") < rule.index("saformer.cli synth")


def test_makefile_over_budget_skips_the_precheck_and_passes_the_flag() -> None:
    """`make synth CONFIG=... OVER_BUDGET=1`: the pre-check line is left out and `saformer synth` gets
    --over-budget (which runs the pre-check itself and records its message); without it, both unchanged."""
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make not installed")

    def dry(*extra: str) -> list[str]:
        r = subprocess.run(["make", "-n", "--no-print-directory", "-o", "venv", "-o", "build/artifact/manifest.json",
                            "synth", "CONFIG=cifar10-pynq", *extra], cwd=REPO, capture_output=True, text=True,
                           check=True)
        return [ln for ln in r.stdout.splitlines() if "saformer." in ln]

    over = dry("OVER_BUDGET=1")
    assert not any("saformer.hw.fit" in ln for ln in over)
    assert any("saformer.cli synth" in ln and "--over-budget" in ln for ln in over)
    plain = dry()
    assert any("saformer.hw.fit --config cifar10-pynq" in ln for ln in plain)
    assert not any("--over-budget" in ln for ln in plain)


def test_state_budget_orders() -> None:
    """Timestep-outer keeps N x C membranes per LIF, token-outer C; SASA's Q/K cannot go token-outer alone."""
    cfg = CIFAR["cifar10-pynq"]
    rows = fit.state_budget(cfg)
    for r in rows:
        assert r["timestep_outer_bits"] == r["positions"] * r["token_outer_bits"]
    assert [r["token_local"] for r in rows if "Q/K" in r["module"]] == [False] * cfg.L


# ------------------------------------------------------------------------------------------ URAM (uram_styles)
def _xcup_board(bram36: int, uram: int = 96):
    """ZCU104 with another block-RAM / URAM count (the rule's inputs), for configs small enough to build."""
    return replace(BOARDS["zcu104"], name=f"xcup-{bram36}-{uram}", bram36=bram36, uram=uram)


@pytest.mark.parametrize("bname", ["zcu104", "kv260"])
def test_cifar10_384_uses_uram_on_ultrascale_boards_with_uram(bname: str) -> None:
    """cifar10-384 needs more block RAM than ZCU104/KV260 have: the rule moves memories to URAM (within the
    board's URAM), the estimate counts them as URAM288 by the URAM geometry, and every memory that moved
    was a block RAM of the estimate without the rule (same inventory row)."""
    cfg, b = CIFAR["cifar10-384"], board(bname)
    none, e = fit.estimate(cfg), fit.estimate(cfg, b=b)
    st = fit.uram_styles(cfg, b)
    assert st and e["ram_styles"] == st and set(st.values()) == {fit.STYLE_ULTRA}
    assert set(st) <= set(fit.styled_units(cfg))
    assert 0 < e["uram"] <= b.uram
    ur = [m for m in e["memories"] if m["mapped_to"] == "URAM"]
    assert {m["module"] for m in ur} == set(st)
    assert e["uram"] == sum(m["copies"] * fit.uram_count(m["words"], m["width"]) for m in ur)
    assert all(m["words"] <= fit.URAM_WORDS for m in ur)
    assert len(none["memories"]) == len(e["memories"])
    for r0, r1 in zip(none["memories"], e["memories"]):
        assert (r0["module"], r0["name"]) == (r1["module"], r1["name"])
        if r1["mapped_to"] != r0["mapped_to"]:
            assert (r0["mapped_to"], r1["mapped_to"], r1["read"]) == ("BRAM", "URAM", "ultra"), r1
    saved18 = sum(r0["bram18"] for r0, r1 in zip(none["memories"], e["memories"]) if r1["mapped_to"] == "URAM")
    assert e["bram36"] == (2 * none["bram36"] - saved18) / 2 < none["bram36"]  # a RAMB18 is half a BRAM36
    assert e["memory_bits"]["URAM"] == sum(m["bits"] for m in ur) > 0
    with pytest.raises(SaformerError) as ei:  # still over the board's block RAM: the message says URAM is in use
        fit.precheck(cfg, "cifar10-384", b)
    assert f"with {e['uram']} of {b.uram} URAM288 in use" in str(ei.value)


@pytest.mark.parametrize("bname", ["ultra96v2", "pynq-z2", "pynq-z1"])
def test_no_uram_without_uram_on_the_board(bname: str) -> None:
    """Ultra96-V2 (UltraScale+, no URAM) and the 7-series boards: no style, the estimate is the board-less one."""
    cfg, b = CIFAR["cifar10-384"], board(bname)
    assert fit.uram_styles(cfg, b) == {}
    e, none = fit.estimate(cfg, b=b), fit.estimate(cfg)
    assert e["uram"] == 0 and e["bram36"] == none["bram36"] and e["memories"] == none["memories"]


def test_no_uram_while_block_ram_fits() -> None:
    """A design whose block RAM fits the board keeps today's mapping, URAM or not on the board."""
    cfg = ALL["default"]
    assert fit.estimate(cfg)["bram36"] <= board("zcu104").bram36
    assert fit.uram_styles(cfg, board("zcu104")) == {} and fit.estimate(cfg, b=board("zcu104"))["uram"] == 0
    # a 7-series-like budget on an UltraScale+ part with URAM: the rule starts, and stops once BRAM fits
    need = fit.estimate(cfg)["bram36"]
    st = fit.uram_styles(cfg, _xcup_board(need - 1))
    e = fit.estimate(cfg, b=_xcup_board(need - 1))
    assert st and e["bram36"] <= need - 1 and 0 < e["uram"] <= 96
    assert fit.uram_styles(cfg, _xcup_board(need - 1, uram=0)) == {}


def test_uram_geometry() -> None:
    """URAM288 is 4K x 72 with no other aspect ratio: width in 72-bit columns, depth in 4096-word rows."""
    for words, width in ((1, 1), (16, 64), (4096, 72), (4097, 72), (384, 576), (4096, 8), (64, 73)):
        assert fit.uram_count(words, width) == math.ceil(width / 72) * math.ceil(words / 4096)
    m = fit.Memory("x", "y", 4096, 144, 3, "ultra")
    assert fit.map_memory(m) == {"mapped_to": "URAM", "bram18": 0, "uram": 6, "lut_mem": 0, "ff": 0}


@pytest.mark.parametrize("name", ["cifar10-pynq", "cifar10-384", "default"])
def test_memory_floor_bounds_every_mapping(name: str) -> None:
    """The memory floor is the inventory's bits (by category, nothing dropped), and no mapping of the
    estimate holds them in fewer block-memory bits than that (the estimate's BRAM36 + URAM288 bits are at
    least the bits the estimate maps to BRAM / URAM); over_budget is the comparison it names."""
    cfg = ALL[name]
    b = board(TARGET_BOARD.get(name, "pynq-z2"))
    mf = fit.memory_floor(cfg, b)
    mems = fit.network_memories(cfg)
    assert mf["total_bits"] == sum(m.bits for m in mems) == sum(mf["bits"].values())
    est = fit.estimate(cfg, True, b)
    placed = sum(r["bits"] for r in est["memories"] if r["mapped_to"] in ("BRAM", "URAM"))
    assert est["bram36"] * fit.BRAM36_BITS + est["uram"] * fit.URAM288_BITS >= placed
    assert mf["over_budget"] == (mf["total_bits"] > mf["block_memory_bits"] * mf["budget_percent"] / 100)
    if mf["over_budget"] and not fit.fit(est, b)["fits"]:  # the pre-check's one line says so
        with pytest.raises(SaformerError, match="its memories alone are"):
            fit.precheck(cfg, name, b)


@pytest.mark.parametrize("name", sorted(fit.MEASURED_DWC))
def test_dwc_model_against_net_dwc_alone(name: str) -> None:
    """net_dwc (per-lane LUT-RAM weights and biases) against Yosys on the module alone (MEASURED_DWC, the
    per-module flow at default, cifar10-pynq on xc7 and cifar10-384 on xcup): LUT as memory exact on xc7 (P
    lanes x RAM32M for the 9 taps' word and the bias; xcup packs them into half of that), LUT and FF within
    15 %."""
    cfg = ALL[name]
    e = fit.estimate(cfg)["per_module"]["b0.dwc"]
    lut, mem, ff = fit.MEASURED_DWC[name]
    if board(TARGET_BOARD.get(name, "pynq-z2")).family == "xc7":
        assert e["lut_mem"] == mem
    else:
        assert e["lut_mem"] == 2 * mem
    assert abs(e["lut"] - lut) / lut < 0.15, (e["lut"], lut)
    assert abs(e["ff"] - ff) / ff < 0.15, (e["ff"], ff)
