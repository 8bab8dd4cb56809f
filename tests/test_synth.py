# SPDX-License-Identifier: Apache-2.0
"""Yosys estimates (hw/synth.py): the synth.json reporting path, 0 DSP, the P sweep and the "does not fit"
failure, on a small configuration (D=16) to keep time down. Writes only to tmp_path."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from saformer.contract.configs import NAMED
from saformer.contract.errors import SaformerError
from saformer.hw.boards import BOARDS, board
from saformer.hw.synth import LEVELS_RULE, longest_path, synth_report

pytestmark = pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed")

CFG = NAMED["t1"]  # D=16, T=1, P=4: a few seconds in Yosys


def _spikes(seed: int = 0, count: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    shape = (count, CFG.T, CFG.N, CFG.D)
    return (rng.random(shape) < 0.2).astype(np.uint8), (rng.random(shape) < 0.1).astype(np.uint8)


def test_report_small_config_zero_dsp_and_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import saformer.hw.synth as hs

    plotted: list[tuple[list, str]] = []
    real_plot = hs.plot_sweep

    def spy(rows: list, path: Path, title: str) -> Path | None:
        assert (tmp_path / "report" / "synth.json").is_file(), "the plot is drawn before the JSON exists"
        plotted.append((rows, title))
        return real_plot(rows, path, title)

    monkeypatch.setattr(hs, "plot_sweep", spy)
    s, y = _spikes()
    rep = synth_report(CFG, "t1", board("pynq-z2"), tmp_path / "report", s, y, "random", lanes=[2, 4],
                       root=tmp_path / "synth", jobs=2, progress=False)
    on_disk = json.loads((tmp_path / "report" / "synth.json").read_text())
    assert on_disk["dsp"] == 0 and on_disk["percent"]["dsp"] == 0.0
    for k in ("lut", "lut_logic", "lut_mem", "lut_srl", "ff", "carry", "bram36", "dsp", "logic_levels"):
        assert k in on_disk, k
    assert on_disk["lut"] == on_disk["lut_logic"] + on_disk["lut_mem"] + on_disk["lut_srl"]
    assert on_disk["fits"] is True and on_disk["board"]["part"] == "xc7z020clg400-1"
    assert on_disk["logic_levels_rule"] == LEVELS_RULE and on_disk["logic_levels"] > 0
    assert on_disk["percent"]["lut"] == round(100.0 * on_disk["lut"] / BOARDS["pynq-z2"].lut, 2)
    rows = on_disk["sweep"]["rows"]
    assert [r["P"] for r in rows] == [2, 4]
    # the P=4 row is the configuration itself (same cached synthesis)
    assert rows[1]["lut"] == rep["lut"] and rows[1]["ff"] == rep["ff"]
    # cycles from the formula: fewer lanes, more groups, more cycles
    from saformer.contract.cycles import cycle_formula
    want = np.mean([cycle_formula(CFG.replace(lanes=2), s[i], y[i]) for i in range(s.shape[0])])
    assert rows[0]["cycles_mean"] == round(float(want), 1) and rows[0]["cycles_mean"] > rows[1]["cycles_mean"]
    assert Path(on_disk["sweep"]["plot"]).is_file()
    # synth_sweep.png is drawn from the synth.json on disk: the same rows, nothing else
    assert len(plotted) == 1 and plotted[0][0] == rows and "from synth.json" in plotted[0][1]


def test_docs_figures_are_written_from_the_report(tmp_path: Path) -> None:
    """docs/pynq.md's figures sit in a marked block that `saformer synth --docs` writes from synth.json; the
    block in the repository has exactly the generator's form, and its derived columns agree with its own
    figures (G = ceil(D/P), images/s = clock / cycles)."""
    import re

    from saformer.hw.synth import DOCS_BEGIN, DOCS_END, sweep_markdown, update_docs

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "pynq.md").read_text()
    block = doc.split(DOCS_BEGIN, 1)[1].split(DOCS_END, 1)[0].strip("\n")
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in block.splitlines()
            if re.match(r"\| \d", ln)]
    assert rows, block
    head = block.splitlines()[0]
    m = re.search(r"T=(\d+), D=(\d+), P=(\d+)", head)
    assert m, head
    D = int(m.group(2))
    for P, G, *_, cyc, ips in rows:
        assert int(G) == -(-D // int(P)) and abs(float(ips) - 100e6 / float(cyc)) <= 0.5, (P, G, cyc, ips)
    # the generator writes that block (from a report with the block's own figures) and nothing else
    rep = {"config": {"name": "x", "fields": {"T": 1, "D": 16, "lanes": 4}}, "board": {"part": "xc7z020clg400-1"},
           "tool": "Yosys 0.0", "lut": 10, "lut_logic": 6, "lut_mem": 3, "lut_srl": 1, "ff": 5, "carry": 1,
           "bram36": 0, "dsp": 0, "logic_levels": 3, "percent": {"lut": 0.02, "ff": 0.0},
           "sweep": {"clock_mhz": 100.0, "rows": [{"P": 4, "G": 4, "lut": 10, "ff": 5, "carry": 1, "logic_levels": 3,
                                                   "cycles_mean": 100.0, "images_per_s": 1000000.0}]}}
    md = tmp_path / "pynq.md"
    md.write_text(f"before\n{DOCS_BEGIN}\nold figures\n{DOCS_END}\nafter\n")
    update_docs(md, rep)
    assert md.read_text() == f"before\n{DOCS_BEGIN}\n{sweep_markdown(rep)}\n{DOCS_END}\nafter\n"
    assert "| 4 | 4 | 10 | 5 | 1 | 3 | 100.0 | 1000000.0 |" in md.read_text()
    assert "10 (0.02%: 6 logic + 4 LUT RAM/SRL)" in md.read_text() and "PS not counted" in md.read_text()


def test_does_not_fit_fails_and_still_reports(tmp_path: Path) -> None:
    tiny = replace(board("pynq-z2"), name="tiny", lut=100, ff=100000)
    s, y = _spikes()
    with pytest.raises(SaformerError, match=r"does not fit tiny.*lut"):
        synth_report(CFG, "t1", tiny, tmp_path / "report", s, y, "random", lanes=None, root=tmp_path / "synth",
                     progress=False)
    rep = json.loads((tmp_path / "report" / "synth.json").read_text())
    assert rep["fits"] is False and "lut" in rep["over"] and "ff" not in rep["over"]


def test_cli_does_not_fit_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The CLI turns "does not fit" into one line and a non-zero exit (fake tiny board in the table)."""
    from saformer.golden.vectors import random_artifact

    from saformer.cli import main

    art = random_artifact(CFG, tmp_path / "art", seed=3, n_random=2)
    monkeypatch.setitem(BOARDS, "tiny", replace(board("pynq-z2"), name="tiny", lut=50))
    monkeypatch.setattr("saformer.hw.synth.BUILD", tmp_path)
    argv = ["synth", "--board", "tiny", "--artifact", str(art), "--lanes", "", "--out", str(tmp_path / "r"),
            "--no-network"]
    # the board-fit pre-check (hw/fit.py) stops it first, before Yosys, in one line
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc != 0 and re.search(r"needs [\d,]+ LUT of 50 on tiny", err) and err.count("\n") == 1, err
    # past the pre-check, Yosys' own figures fail it the same way
    monkeypatch.setattr("saformer.hw.fit.precheck", lambda *a, **kw: {})
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc != 0 and "does not fit tiny" in err and err.count("\n") == 1
    assert main(["synth", "--board", "nope"]) != 0
    assert "argument --board: invalid choice: 'nope'" in capsys.readouterr().err


def test_over_budget_runs_yosys_and_records_the_precheck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys) -> None:
    """`saformer synth --over-budget`: the pre-check's refusal does not stop the run; Yosys runs (t1: a few
    seconds), synth.json says fits false with the pre-check's one line, whatever Yosys measured, exit 0."""
    from saformer.golden.vectors import random_artifact
    from saformer.hw import fit

    from saformer.cli import main

    art = random_artifact(CFG, tmp_path / "art", seed=3, n_random=2)
    roomy = replace(board("pynq-z2"), name="roomy", bram36=0)  # the model's BRAM-free t1 engine fits it
    monkeypatch.setitem(BOARDS, "tiny", replace(board("pynq-z2"), name="tiny", lut=50))
    monkeypatch.setitem(BOARDS, "roomy", roomy)
    monkeypatch.setattr("saformer.hw.synth.BUILD", tmp_path)
    with pytest.raises(SaformerError) as refused:
        fit.precheck(CFG, "artifact", BOARDS["tiny"], network=False)
    argv = ["synth", "--board", "tiny", "--artifact", str(art), "--lanes", "", "--no-network"]
    assert main(argv + ["--out", str(tmp_path / "r")]) != 0  # without the flag: refused, no report
    assert not (tmp_path / "r" / "synth.json").exists() and "needs" in capsys.readouterr().err
    rc = main(argv + ["--out", str(tmp_path / "r"), "--over-budget"])
    out = capsys.readouterr().out
    assert rc == 0 and "--over-budget: running Yosys although" in out and "fits: false, over budget" in out
    rep = json.loads((tmp_path / "r" / "synth.json").read_text())
    assert rep["fits"] is False and rep["precheck"]["over_budget"] is True
    assert rep["precheck"]["message"] == str(refused.value)
    assert rep["lut"] > 50 and "lut" in rep["over"]  # Yosys' figures are reported as measured
    # a config the pre-check passes: --over-budget changes nothing but the record says so
    rc = main(["synth", "--board", "roomy", "--artifact", str(art), "--lanes", "", "--no-network",
               "--out", str(tmp_path / "ok"), "--over-budget"])
    assert rc == 0, capsys.readouterr().err
    ok = json.loads((tmp_path / "ok" / "synth.json").read_text())
    assert ok["fits"] is True and ok["precheck"] == {"fits": True, "over_budget": False, "message": None}


def test_network_bounds_of_cifar10_pynq_are_issue_13s() -> None:
    """cifar10-pynq's network is checked against issue 13's bounds (80 % LUT, 90 % BRAM36, 10 levels, 100 MHz
    estimated), every other network against the default's (50 %, 50 %, 10 levels); each bound at its edge."""
    from saformer.hw.synth import NETWORK_BOUNDS, NETWORK_BOUNDS_DEFAULT, meets_bounds

    def res(lut: float, bram: float, levels: int, mhz: float) -> dict:
        return {"percent": {"lut": lut, "bram36": bram}, "dsp": 0, "logic_levels": levels,
                "timing": {"fmax_mhz_estimate": mhz}}

    pynq = NETWORK_BOUNDS["cifar10-pynq"]
    assert meets_bounds(res(80.0, 90.0, 10, 100.0), pynq) == {"lut": True, "bram36": True, "dsp": True,
                                                                "logic_levels": True, "fmax": True}
    assert meets_bounds(res(80.1, 90.1, 11, 99.9), pynq) == {"lut": False, "bram36": False, "dsp": True,
                                                               "logic_levels": False, "fmax": False}
    assert meets_bounds(res(50.1, 50.0, 10, 1.0), NETWORK_BOUNDS_DEFAULT) == {
        "lut": False, "bram36": True, "dsp": True, "logic_levels": True}


def test_levels_count_lut_ram_reads_and_carry_chains() -> None:
    """FF -> LUT -> RAM64M (address) -> CARRY4 -> CARRY4 -> FF is 4 levels; a path into the RAM's write
    data pin ends there."""
    def cell(t, conns, dirs):
        return {"type": t, "connections": conns, "port_directions": dirs}

    mod = {"cells": {
        "ff0": cell("FDRE", {"Q": [2], "D": [9]}, {"Q": "output", "D": "input"}),
        "lut": cell("LUT2", {"I0": [2], "I1": [2], "O": [3]}, {"I0": "input", "I1": "input", "O": "output"}),
        "ram": cell("RAM64M", {"ADDRA": [3], "DIA": [2], "DOA": [4]},
                    {"ADDRA": "input", "DIA": "input", "DOA": "output"}),
        "c0": cell("CARRY4", {"S": [4], "CO": [5]}, {"S": "input", "CO": "output"}),
        "c1": cell("CARRY4", {"CI": [5], "O": [6]}, {"CI": "input", "O": "output"}),
        "ff1": cell("FDRE", {"D": [6], "Q": [7]}, {"D": "input", "Q": "output"}),
        "lut2": cell("LUT1", {"I0": [7], "O": [8]}, {"I0": "input", "O": "output"}),
        "ram2": cell("RAM64M", {"DIA": [8], "ADDRA": [2], "DOA": [9]},
                     {"ADDRA": "input", "DIA": "input", "DOA": "output"}),
    }}
    assert longest_path(mod) == 4


def test_board_table_is_consistent() -> None:
    """Every board's Yosys family matches its part (7-series xc7z*, UltraScale+ xczu*/xck*), URAM only on
    UltraScale+, LUT-RAM a part of the LUTs, and the PS IP matches the family."""
    for name, b in BOARDS.items():
        assert b.name == name
        assert b.family == ("xc7" if b.part.startswith("xc7z") else "xcup"), name
        assert b.part.startswith(("xc7z", "xczu", "xck")), name
        assert 0 < b.lutram < b.lut and b.ff == 2 * b.lut, name
        assert b.ps == ("processing_system7" if b.family == "xc7" else "zynq_ultra_ps_e"), name
        assert b.uram == 0 or b.family == "xcup", name
        assert b.pynq_name, name
    assert {"pynq-z2", "zcu104", "kv260", "ultra96v2"} <= set(BOARDS)


def test_network_synth_maps_again_without_abc9_when_abc9_crashes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """synthesize_network on a tiny two-module design whose -abc9 run is made to crash (its stderr replaced by
    ABC9's std::out_of_range after the real run wrote the premem netlist): the mapping runs again from
    map_memory on without -abc9, the result says so, the memories are mapped as in the first run, and a
    second call reuses both netlists without Yosys."""
    import subprocess

    import saformer.hw.synth as hs

    src = tmp_path / "tiny.v"
    src.write_text("""`default_nettype none
module tiny_mem (input wire clk, input wire we, input wire [5:0] wa, input wire [5:0] ra, input wire [7:0] wd,
                 output reg [7:0] rd);
  reg [7:0] m [0:63];
  always @(posedge clk) begin if (we) m[wa] <= wd; rd <= m[ra]; end
endmodule
module tiny_top (input wire clk, input wire we, input wire [5:0] wa, input wire [5:0] ra, input wire [7:0] wd,
                 output wire [7:0] rd);
  tiny_mem u_mem (.clk(clk), .we(we), .wa(wa), .ra(ra), .wd(wd), .rd(rd));
endmodule
`default_nettype wire
""")
    real = subprocess.run
    calls: list[str] = []

    def run(cmd, *a, **kw):
        script = Path(cmd[-1]).name if cmd and str(cmd[0]).endswith("yosys") else ""
        calls.append(script)
        r = real(cmd, *a, **kw)
        if script == "synth.ys":  # the real run happened (premem written); report ABC9's crash instead
            return subprocess.CompletedProcess(cmd, 134, "", "terminate called after throwing an instance of "
                                               "'std::out_of_range'")
        return r

    monkeypatch.setattr(hs.subprocess, "run", run)
    work = tmp_path / "w"
    res = hs.synthesize_network([src], "tiny_top", work)
    assert calls[:2] == ["synth.ys", "synth_fallback.ys"], calls
    assert res["abc9"] is False and "out_of_range" in res["abc9_fallback"] and "without -abc9" in res["abc9_fallback"]
    assert (work / "yosys_abc9_failed.log").is_file() and "-abc9" not in (work / "synth_fallback.ys").read_text()
    first = re.findall(r"^mapping memory .*$", (work / "yosys_abc9_failed.log").read_text(), re.M)
    assert first and first == re.findall(r"^mapping memory .*$", (work / "yosys.log").read_text(), re.M)
    assert [m["mapped_to"] for m in res["memories"]] == ["LUT RAM"] and res["per_module"]["u_mem"]["lut_mem"] > 0
    calls.clear()
    again = hs.synthesize_network([src], "tiny_top", work)
    assert [c for c in calls if c.endswith(".ys") and c != "levels.ys"] == [] and again["abc9_fallback"] == \
        res["abc9_fallback"]


@pytest.mark.slow
def test_network_synth_reports_per_module_and_bounds(tmp_path: Path) -> None:
    """The whole accelerator (net_engine) of a small config: totals, a row per engine instance whose
    resources add up (with the top's own glue) to the flattened totals' order, and the issue's bounds."""
    from saformer.hw.synth import synth_network
    from saformer.sim.net_runner import net_config

    rep = synth_network(net_config("t1"), "t1", board("pynq-z2"), root=tmp_path / "synth")
    assert rep["lut"] > 0 and rep["ff"] > 0 and rep["dsp"] == 0
    mods = rep["per_module"]
    assert any(r["module"].endswith("net_sasa") or "net_sasa" in r["module"] for r in mods.values()), mods.keys()
    assert all(isinstance(r.get("logic_levels"), int) for r in mods.values())
    ff_sum = sum(r["ff"] for r in mods.values()) + rep["glue"]["ff"]
    assert ff_sum >= rep["ff"]  # flattening may only remove (merge or sweep) registers
    assert set(rep["meets_bounds"]) == {"lut", "bram36", "dsp", "logic_levels"}
    mems = rep["memories"]  # every memory of the design, per instance, with what it mapped to
    assert mems and all(m["mapped_to"] in ("BRAM", "LUT RAM", "FF") and m["words"] > 0 and m["width"] > 0
                        for m in mems), mems
    assert any(m["instance"].startswith("u_conv2") for m in mems)  # the weight row memory of conv2


def _sdp_ram_stat(tmp_path: Path, family: str, shapes: list[tuple[int, int, int]]) -> dict[tuple, str]:
    """One Yosys run: hw/rtl/sdp_ram.v at each (W, DEPTH, STYLE) through synth_xilinx's memory mapping
    (`-run :map_ffram`: memory_libmap and the BRAM/URAM techmaps, the house flow's flags: no -uram)."""
    import subprocess

    from saformer.hw.generate import RTL_DIR

    cmds = []
    for w, d, s in shapes:
        cmds += ["design -reset", f"read_verilog -defer {RTL_DIR / 'sdp_ram.v'}",
                 f"chparam -set W {w} -set DEPTH {d} -set STYLE {s} sdp_ram",
                 f"synth_xilinx -family {family} -top sdp_ram -run :map_ffram",
                 f"tee -q -o {tmp_path}/s_{w}_{d}_{s}.txt stat"]
    r = subprocess.run(["yosys", "-q", "-p", "; ".join(cmds)], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stdout + r.stderr}
    return {sh: (tmp_path / f"s_{sh[0]}_{sh[1]}_{sh[2]}.txt").read_text() for sh in shapes}


def _count(stat: str, cell: str) -> int:
    m = re.search(rf"^\s+{cell}\s+(\d+)$", stat, re.M)
    return int(m.group(1)) if m else 0


def test_yosys_maps_ultra_sdp_ram_to_uram288(tmp_path: Path) -> None:
    """Yosys 0.23 synth_xilinx -family xcup: sdp_ram STYLE 3 (ram_style "ultra") becomes URAM288, as many as
    hw/fit.py uram_count says (4K x 72 each, tiled in width), with no block RAM; STYLE 0 (auto) stays block RAM
    without -uram (the rule, not Yosys' cost model, picks URAM); -family xc7 refuses "ultra"."""
    from saformer.hw.fit import bram18_count, uram_count

    shapes = [(72, 4096, 3), (73, 64, 3), (576, 384, 3), (72, 4096, 0)]
    st = _sdp_ram_stat(tmp_path, "xcup", shapes)
    assert "error" not in st, st.get("error", "")[-2000:]
    for w, d, s in shapes:
        got = st[(w, d, s)]
        if s == 3:
            assert (_count(got, "URAM288"), _count(got, "RAMB36E2") + _count(got, "RAMB18E2")) == \
                (uram_count(d, w), 0), got
        else:
            assert _count(got, "URAM288") == 0 and 2 * _count(got, "RAMB36E2") + _count(got, "RAMB18E2") == \
                bram18_count(d, w), got
    (tmp_path / "xc7").mkdir()
    bad = _sdp_ram_stat(tmp_path / "xc7", "xc7", [(72, 4096, 3)])
    assert "no valid mapping found for memory" in bad.get("error", ""), bad


@pytest.mark.slow
def test_network_synth_maps_the_rules_memories_to_uram(tmp_path: Path) -> None:
    """The whole accelerator of config p1 for a ZCU104 without block RAM (so the URAM rule moves every styled
    module: conv2, the shortcut/hidden/head LIFs, the SASA engine): synth_network generates the RAM_STYLEs of
    hw/fit.py uram_styles, Yosys maps exactly those modules' memories to URAM288, and the netlist's URAM288
    count equals the resource model's."""
    from saformer.hw import fit
    from saformer.hw.synth import synth_network
    from saformer.sim.net_runner import net_config

    cfg = net_config("p1")
    b = replace(BOARDS["zcu104"], name="xcup-nobram", bram36=0)
    st = fit.uram_styles(cfg, b)
    assert {"conv2", "b0.sasa", "b0.mlp.hlif"} <= set(st)
    rep = synth_network(cfg, "p1", b, root=tmp_path / "synth")
    assert rep["ram_styles"] == st
    ur = [m for m in rep["memories"] if m["mapped_to"] == "URAM"]
    assert {m["module"] for m in ur} == set(st), ur
    est = fit.estimate(cfg, b=b)
    assert rep["uram"] == est["uram"] == sum(m["uram_est"] for m in ur)
    assert rep["bram36"] == est["bram36"] == 0
    assert rep["percent"]["uram"] == round(100.0 * rep["uram"] / b.uram, 2)
