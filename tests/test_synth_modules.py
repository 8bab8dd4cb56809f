# SPDX-License-Identifier: Apache-2.0
"""Per-module synthesis (hw/synth_modules.py) without a long synthesis: the unit list read back from Yosys'
elaboration against the instances written in the generated net_engine.v and hw/rtl/net_accel.v, the path
summaries and their composition on netlists built here, and the --over-budget pre-check record."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from saformer.contract.configs import ALL, NETWORK_NAMED
from saformer.contract.errors import SaformerError
from saformer.hw import fit, net_accel
from saformer.hw import synth_modules as sm
from saformer.hw.boards import board
from saformer.hw.generate import RTL_DIR
from saformer.hw.synth import longest_path, over_budget_record, precheck_or_over_budget
from saformer.hw.synth_modules import cli_synth

needs_yosys = pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed")

# `    net_slin #(.FI(72), ...) u_conv2 (`: a module name, an optional parameter list (one level of nested
# parentheses), the instance name
INST = re.compile(r"^    ([a-z_0-9]+)\s+(?:#\(((?:[^()]|\([^()]*\))*)\)\s*)?(u_\w+)\s*\(", re.M)


def _instances(text: str) -> list[tuple[str, str, str]]:
    """(module, parameter text, instance) of a Verilog text; the `ifndef SYNTHESIS branch dropped (Yosys
    defines SYNTHESIS, as the flat run)."""
    text = re.sub(r"`ifndef SYNTHESIS.*?`else", "", text, flags=re.S)
    return [(m, re.sub(r"\s+", "", p or ""), i) for m, p, i in INST.findall(text)]


@needs_yosys
@pytest.mark.parametrize("name", ["t1", "beats"])
def test_units_are_the_generated_tops_instances(tmp_path: Path, name: str) -> None:
    cfg = ALL.get(name) or NETWORK_NAMED[name]
    gen = net_accel.generate_accel(cfg, tmp_path / "rtl", name)
    il = sm.elaborate(net_accel.sources(gen), net_accel.headers(gen), tmp_path / "work")
    u = sm.units(sm.rtlil_tree(il.read_text()))
    got = {(p, sm.base_name(t)) for t, ps in u["leafs"].items() for p in ps}
    eng = _instances((gen / "net_engine.v").read_text())
    acc = _instances((RTL_DIR / "net_accel.v").read_text())
    want = {(f"u_engine.{i}", m) for m, _, i in eng} | {(i, m) for m, _, i in acc if m != "net_engine"}
    assert [i for m, _, i in acc if m == "net_engine"] == ["u_engine"]
    assert got == want, (sorted(got - want), sorted(want - got))
    assert {k: v for k, v in u["containers"].items()} == {"\\net_accel": [""], "\\net_engine": ["u_engine"]}
    if name == "beats":
        assert any(m == "axis_split" for _, m in got), "the beats config's splitter is a unit"
    # one synthesis per distinct parameter set: instances Yosys gives one type have the same parameter text in
    # the generated top, and two types of one module differ in it
    params = {f"u_engine.{i}": (m, p) for m, p, i in eng}
    seen: dict[tuple[str, str], str] = {}
    for t, ps in u["leafs"].items():
        texts = {params[p] for p in ps if p in params}
        assert len(texts) <= 1, (t, texts)
        for tx in texts:
            assert tx not in seen, (t, seen.get(tx))
            seen[tx] = t


def _lut(name: str, i: int, o: int) -> tuple[str, dict[str, Any]]:
    return name, {"type": "LUT1", "port_directions": {"I0": "input", "O": "output"},
                  "connections": {"I0": [i], "O": [o]}}


def _ff(name: str, d: int, q: int) -> tuple[str, dict[str, Any]]:
    return name, {"type": "FDRE", "port_directions": {"C": "input", "D": "input", "Q": "output"},
                  "connections": {"C": [1], "D": [d], "Q": [q]}}


def _chain(cells: dict[str, Any], tag: str, start: int, n: int, nxt: list[int]) -> int:
    """n LUT1s in a row from bit `start`; returns the last output bit."""
    b = start
    for k in range(n):
        o = nxt[0]
        nxt[0] += 1
        cells.update([_lut(f"{tag}{k}", b, o)])
        b = o
    return b


@pytest.mark.parametrize("k,m,j,n", [(1, 2, 3, 4), (5, 1, 2, 3), (2, 6, 1, 1), (0, 0, 2, 0)])
def test_path_summary_splits_paths_by_their_ends(k: int, m: int, j: int, n: int) -> None:
    """in a --k LUTs--> FF1; FF1 --m--> out q; b --j--> out q2; FF2 --n--> FF3."""
    nxt = [100]
    cells: dict[str, Any] = {}
    a_end = _chain(cells, "a", 2, k, nxt)
    cells.update([_ff("ff1", a_end, 50)])
    q_end = _chain(cells, "m", 50, m, nxt)
    q2_end = _chain(cells, "j", 3, j, nxt)
    cells.update([_ff("ff2", 60, 61)])
    n_end = _chain(cells, "n", 61, n, nxt)
    cells.update([_ff("ff3", n_end, 60)])
    mod = {"ports": {"clk": {"direction": "input", "bits": [1]}, "a": {"direction": "input", "bits": [2]},
                     "b": {"direction": "input", "bits": [3]}, "q": {"direction": "output", "bits": [q_end]},
                     "q2": {"direction": "output", "bits": [q2_end]}}, "cells": cells}
    s = sm.path_summary(mod)
    assert s["in"].get("a", 0) == k and s["out"]["q"] == m and s["internal"] == n
    assert s["through"].get("b", {}).get("q2", 0) == j
    assert s["levels"] == max(k, m, j, n) == longest_path(mod)


def _box(name: str, t: str, conns: dict[str, tuple[str, list[int]]]) -> tuple[str, dict[str, Any]]:
    return name, {"type": t, "port_directions": {p: d for p, (d, _) in conns.items()},
                  "connections": {p: bits for p, (_, bits) in conns.items()}}


@pytest.mark.parametrize("out_a,glue,in_b,thr,inner", [(3, 1, 4, 2, 5), (1, 2, 1, 6, 20), (0, 0, 0, 0, 1)])
def test_composition_adds_arcs_across_boxes(out_a: int, glue: int, in_b: int, thr: int, inner: int) -> None:
    """Box A (reg --out_a--> m, input x --thr--> m) feeds box B's s (--in_b--> reg) through `glue` LUTs of
    the container; the container's input port x drives A.x: the composed figure is the longest sum."""
    nxt = [100]
    cells: dict[str, Any] = {}
    cells.update([_box("ua", "A", {"x": ("input", [2]), "m": ("output", [10])})])
    g_end = _chain(cells, "g", 10, glue, nxt)
    cells.update([_box("ub", "B", {"s": ("input", [g_end])})])
    boxes = {"A": {"internal": inner, "in": {"x": 0}, "out": {"m": out_a}, "through": {"x": {"m": thr}}},
             "B": {"internal": 1, "in": {"s": in_b}, "out": {}, "through": {}}}
    mod = {"ports": {"x": {"direction": "input", "bits": [2]}}, "cells": cells}
    s = sm.path_summary(mod, boxes)
    assert s["internal"] == max(out_a + glue + in_b, inner, 1)
    assert s["in"]["x"] == thr + glue + in_b
    assert s["levels"] == max(s["internal"], s["in"]["x"])
    assert (s["worst_sink"] == "ub.s") == (out_a + glue + in_b > max(inner, 1))


def test_composition_refuses_a_loop_through_arcs() -> None:
    cells: dict[str, Any] = {}
    cells.update([_box("ua", "A", {"x": ("input", [11]), "m": ("output", [10])}), _lut("g0", 10, 11)])
    boxes = {"A": {"internal": 0, "in": {}, "out": {"m": 1}, "through": {"x": {"m": 1}}}}
    with pytest.raises(SaformerError, match="combinational loop"):
        sm.path_summary({"ports": {}, "cells": cells}, boxes)


def test_split_rtlil_keeps_every_module_and_attribute() -> None:
    text = ("# hdr\nautoidx 5\nattribute \\top 1\nmodule \\a\n  wire \\x\n  cell \\b \\u_b\n  end\n"
            "  process $p\n    switch \\x\n      case 1'1\n    end\n  end\nend\nmodule \\b\nend\n")
    head, blocks = sm.split_rtlil(text)
    assert head == "# hdr\nautoidx 5\n" and set(blocks) == {"\\a", "\\b"}
    assert head + blocks["\\a"] + blocks["\\b"] == text
    assert sm.rtlil_tree(text) == {"\\a": [("\\u_b", "\\b")], "\\b": []}
    assert sm.closure(sm.rtlil_tree(text), "\\a") == ["\\a", "\\b"]


def test_over_budget_records_the_precheck_refusal() -> None:
    cfg, b = ALL["cifar10-384"], board("pynq-z2")
    with pytest.raises(SaformerError) as e:
        fit.precheck(cfg, "cifar10-384", b)
    with pytest.raises(SaformerError, match="does not fit|needs"):
        precheck_or_over_budget(cfg, "cifar10-384", b, True, over_budget=False)
    rec = over_budget_record(precheck_or_over_budget(cfg, "cifar10-384", b, True, over_budget=True))["precheck"]
    assert rec["fits"] is False and rec["message"] == str(e.value)
    assert precheck_or_over_budget(ALL["default"], "default", board("pynq-z2"), True, over_budget=True) is None


def test_per_module_refuses_before_any_yosys_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: Any, **k: Any) -> None:
        raise AssertionError("synthesis started")

    import saformer.hw.synth_modules as hsm

    monkeypatch.setattr(hsm, "synth_per_module", boom)
    with pytest.raises(SaformerError, match="cifar10-384"):
        cli_synth(["--config", "cifar10-384", "--board", "pynq-z2", "--per-module", "--out", str(tmp_path)])
    with pytest.raises(SaformerError, match="scale config"):
        cli_synth(["--config", "d128", "--per-module", "--out", str(tmp_path)])
    assert not (tmp_path / "synth.json").exists()


@needs_yosys
def test_shared_units_are_one_role_in_different_blocks(tmp_path: Path) -> None:
    """share_key groups only the blocks' copies of one engine (they differ in weight-segment ids alone): in
    config l2 (two blocks) every group of two is u_b0_<role> and u_b1_<role>, and every block engine is in one."""
    cfg = NETWORK_NAMED["l2"]
    gen = net_accel.generate_accel(cfg, tmp_path / "rtl", "l2")
    il = sm.elaborate(net_accel.sources(gen), net_accel.headers(gen), tmp_path / "work")
    text = il.read_text()
    u = sm.units(sm.rtlil_tree(text))
    _, blocks = sm.split_rtlil(text)
    groups: dict[Any, list[str]] = {}
    for t, ps in u["leafs"].items():
        groups.setdefault(sm.share_key(t, blocks[t]), []).extend(ps)
    block_engines = {p for ps in u["leafs"].values() for p in ps
                     if re.match(r"u_engine\.u_b\d_(sasa|dwc|mlp_fc1|mlp_fc2|mlp_hlif)$", p)}
    shared = [sorted(ps) for ps in groups.values() if len(ps) > 1 and any(p in block_engines for p in ps)]
    assert {p for ps in shared for p in ps} == block_engines
    for ps in shared:
        roles = {re.sub(r"u_b\d_", "u_b*_", p) for p in ps}
        assert len(roles) == 1 and len(ps) == cfg.L, ps
        params = [sm.module_params(blocks[t]) for t, tp in u["leafs"].items() if set(tp) & set(ps)]
        diff = {k for p in params for k in p if p[k] != params[0].get(k)}
        assert diff and all(sm.SEG_ID.match(k) for k in diff), diff


@needs_yosys
@pytest.mark.slow
def test_per_module_small_config_end_to_end(tmp_path: Path) -> None:
    """Config t1 through the whole per-module path (every unit synthesized): the rows cover every instance of
    the elaborated design once, the totals are the count-weighted sums, the memory list has one row per
    instance and memory, and the timing estimate is the composed levels'."""
    cfg = ALL["t1"]
    rep = sm.synth_per_module(cfg, "t1", board("pynq-z2"), tmp_path, jobs=2, progress=False)
    il = Path(rep["workdir"]) / "elab.il"
    u = sm.units(sm.rtlil_tree(il.read_text()))
    rows = {m["type"]: m for m in rep["modules"]}
    assert {sm._norm(t) for t in [*u["leafs"], *u["containers"]]} == set(rows)
    for t, ps in u["leafs"].items():
        assert rows[sm._norm(t)]["instances"] == ps
    for k in sm.RES_KEYS:
        want = sum(m["count"] * m[k] for m in rep["modules"])
        assert rep[k] == (round(want, 1) if k == "bram36" else want), k
    assert len(rep["memories"]) == sum(m["count"] * len(m["memories"]) for m in rep["modules"])
    assert rep["logic_levels_max_module"] == max(m["logic_levels"] for m in rep["modules"])
    assert rep["timing"]["logic_levels"] == rep["logic_levels"]
    assert rep["dsp"] == 0 and rep["fits"] is True
