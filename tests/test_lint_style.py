# SPDX-License-Identifier: Apache-2.0
"""Lint to the house style: verible-verilog-lint with the rule set hw/verible.rules (waivers in
hw/verible.waiver, each with its reason) on every hand-written unit and on the generated files of every
named config, and pyslang (a strict second elaborator) on every named config's generated tops, beside
Verilator's -Wall lint (tests/test_rtl_static.py). Writes only to tmp_path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from saformer.contract.configs import NAMED
from saformer.hw.generate import REGS, RTL_DIR, VITIS_TOP, generate, include_dirs, sources

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "hw" / "verible.rules"
WAIVER = ROOT / "hw" / "verible.waiver"
VERIBLE = Path(sys.executable).parent / "verible-verilog-lint"
MY_UNITS = ("spike_finder.v", "axis_fifo.v", "axis_skid.v")  # files this lint keeps free of findings without waivers


def _verible(files: list[Path]) -> subprocess.CompletedProcess[str]:
    assert VERIBLE.exists(), "verible is pinned in requirements.txt; run `make venv`"
    return subprocess.run([str(VERIBLE), "--rules_config", str(RULES), "--waiver_files", str(WAIVER),
                           *map(str, files)], capture_output=True, text=True)


def test_verible_hand_written_units() -> None:
    files = sorted(RTL_DIR.glob("*.v"))
    assert len(files) >= 10
    r = _verible(files)
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr


def test_verible_rule_set_is_applied(tmp_path: Path) -> None:
    """The rule set is read (a 121-character line fails, a 120-character one passes), so a clean run means
    something."""
    bad = tmp_path / "t.v"
    bad.write_text("module t;\n  wire a;  // " + "x" * 107 + "\nendmodule\n")
    ok = tmp_path / "u.v"
    ok.write_text("module u;\n  wire a;  // " + "x" * 106 + "\nendmodule\n")
    assert [len(ln) for ln in bad.read_text().splitlines()][1] == 121
    r = _verible([bad])
    assert r.returncode != 0 and "line-length" in r.stdout + r.stderr, r.stdout + r.stderr
    assert _verible([ok]).returncode == 0


def test_verible_rules_and_waivers_are_reasoned() -> None:
    for f in (RULES, WAIVER):
        lines = f.read_text().splitlines()
        for i, ln in enumerate(lines):
            if ln.strip() and not ln.startswith("#"):
                j = i - 1  # a block of rules shares the comment above it; a blank line ends a block
                while j >= 0 and lines[j].strip() and not lines[j].startswith("#"):
                    j -= 1
                assert j >= 0 and lines[j].startswith("#"), f"{f.name}:{i + 1}: a rule or waiver without a reason"
    assert not any(u in WAIVER.read_text() for u in MY_UNITS)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_verible_generated(name: str, tmp_path: Path) -> None:
    gen = generate(NAMED[name], tmp_path, name)
    files = sorted(gen.glob("*.v"))
    assert {f.stem for f in files} == {REGS}  # the tops are hand-written (hw/rtl/, linted above)
    r = _verible(files)
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr


@pytest.mark.parametrize("name", sorted(NAMED))
def test_pyslang_elaborates_generated(name: str, tmp_path: Path) -> None:
    import pyslang
    from pyslang.ast import Compilation
    from pyslang.syntax import SyntaxTree

    gen = generate(NAMED[name], tmp_path, name)
    c = Compilation()
    sm = pyslang.SourceManager()
    for d in include_dirs(sources(gen, VITIS_TOP)):
        sm.addUserDirectories(str(d))
    for f in sources(gen, VITIS_TOP):
        c.addSyntaxTree(SyntaxTree.fromFile(str(f), sm))
    diags = c.getAllDiagnostics()
    errors = [d for d in diags if d.isError()]
    assert not errors, pyslang.DiagnosticEngine.reportAll(c.sourceManager, errors)
    assert [i.name for i in c.getRoot().topInstances] == [VITIS_TOP]


@pytest.mark.parametrize("unit", ["axis_fifo", "spike_finder", "axis_skid"])
def test_pyslang_units_without_warnings(unit: str) -> None:
    """The units this branch owns elaborate in pyslang with no diagnostic at all."""
    import pyslang
    from pyslang.ast import Compilation
    from pyslang.syntax import SyntaxTree

    c = Compilation()
    c.addSyntaxTree(SyntaxTree.fromFile(str(RTL_DIR / f"{unit}.v")))
    diags = list(c.getAllDiagnostics())
    assert not diags, pyslang.DiagnosticEngine.reportAll(c.sourceManager, diags)
    assert [i.name for i in c.getRoot().topInstances] == [unit]


def test_verilator_lint_axis_fifo() -> None:
    """axis_fifo is not in the generated engine yet: Verilator -Wall on it alone, at several depths."""
    from saformer.sim.runner import verilator_env

    verilator_env()
    for depth in (2, 3, 16):
        p = subprocess.run(["verilator", "--lint-only", "-Wall", f"-GDEPTH={depth}", "-GW=9",
                            str(RTL_DIR / "axis_fifo.v")], capture_output=True, text=True)
        out = (p.stdout + p.stderr).strip()
        assert p.returncode == 0 and "%Warning" not in out and "%Error" not in out, out


@pytest.mark.parametrize("name", ["default", "l2"])
def test_network_top_lints_and_elaborates(name: str, tmp_path: Path) -> None:
    """The whole-network accelerator's generated top: verible clean (rule set and waivers as above) and
    elaborated by pyslang without error, with net_engine the one top instance."""
    import pyslang
    from pyslang.ast import Compilation
    from pyslang.syntax import SyntaxTree
    from saformer.contract.configs import NETWORK_NAMED
    from saformer.hw.net_generate import NET_TOP, generate_net, net_sources

    cfg = {**NAMED, **NETWORK_NAMED}[name]
    gen = generate_net(cfg, tmp_path, name)
    r = _verible([gen / f"{NET_TOP}.v"])
    assert r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr
    c = Compilation()
    for f in net_sources(gen):
        c.addSyntaxTree(SyntaxTree.fromFile(str(f)))
    errors = [d for d in c.getAllDiagnostics() if d.isError()]
    assert not errors, pyslang.DiagnosticEngine.reportAll(c.sourceManager, errors)
    assert [i.name for i in c.getRoot().topInstances] == [NET_TOP]
