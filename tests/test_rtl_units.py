"""Hand-written RTL units on Icarus through cocotb (quick builds into tmp_path, xdist-safe)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from saformer.contract.config import derive
from saformer.contract.configs import NAMED
from saformer.hw.generate import RTL_DIR

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")


def _run(tmp_path: Path, top: str, files: list[str], params: dict[str, int], test: str) -> None:
    from cocotb_tools.runner import get_runner

    r = get_runner("icarus")
    r.build(sources=[RTL_DIR / f for f in files], hdl_toplevel=top, parameters=params, build_dir=tmp_path,
            always=True, timescale=("1ns", "1ps"))
    xml = r.test(test_module="saformer.sim.tb_units", hdl_toplevel=top, hdl_toplevel_lang="verilog", build_dir=tmp_path,
                 testcase=test, results_xml=str(tmp_path / "results.xml"),
                 extra_env={"PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])})
    from cocotb_tools.runner import get_results

    total, failed = get_results(xml)
    assert total >= 1 and failed == 0, f"{test}: {failed} of {total} failed, see {tmp_path}"


@pytest.mark.parametrize("name", ["default", "minwidth", "t1"])
def test_lif_unit(name: str, tmp_path: Path) -> None:
    cfg = NAMED[name]
    d = derive(cfg)
    params = {"MEM_W": d.sasa_mem_bits, "CUR_W": d.sasa_acc_bits, "TH_W": cfg.theta_bits, "K": cfg.leak_shift}
    _run(tmp_path, "lif_unit", ["sign_extend.v", "lif_unit.v"], params, "lif_unit_matches_semantics")


@pytest.mark.parametrize("w", [8, 33])
def test_spike_finder(w: int, tmp_path: Path) -> None:
    _run(tmp_path, "spike_finder", ["spike_finder.v"], {"W": w, "IW": max(1, (w - 1).bit_length())},
         "spike_finder_lowest_bit")


def test_axis_skid(tmp_path: Path) -> None:
    _run(tmp_path, "axis_skid", ["axis_skid.v"], {"W": 17}, "axis_skid_no_loss_no_dup")
