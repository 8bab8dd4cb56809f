# SPDX-License-Identifier: Apache-2.0
"""net_dwc alone on Icarus through cocotb (sim/tb_dwc.py): the per-lane weight memories' (lane, group)
counters for P a power of two or not, D not a multiple of P (padded lanes), output beats, a 1x1 grid."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from saformer.hw.generate import RTL_DIR

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")


@pytest.mark.parametrize("d,grid,p,ob", [(16, 3, 4, 16), (13, 3, 5, 13), (12, 2, 3, 6), (8, 2, 8, 8), (6, 1, 4, 6)])
def test_net_dwc(d: int, grid: int, p: int, ob: int, tmp_path: Path) -> None:
    from cocotb_tools.runner import get_results, get_runner

    params = {"D": d, "GRID": grid, "T": 2, "W_W": 4, "B_W": 6, "IW": 10, "P": p, "SEG_W": 3, "SEG_WT": 2,
              "SEG_B": 5, "OB": ob}
    r = get_runner("icarus")
    r.build(sources=[RTL_DIR / f for f in ("net_wdec.v", "net_dwc.v")], hdl_toplevel="net_dwc", parameters=params,
            build_dir=tmp_path, always=True, timescale=("1ns", "1ps"))
    xml = r.test(test_module="saformer.sim.tb_dwc", hdl_toplevel="net_dwc", hdl_toplevel_lang="verilog",
                 build_dir=tmp_path, testcase="net_dwc_matches_reference", results_xml=str(tmp_path / "results.xml"),
                 extra_env={"PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])})
    total, failed = get_results(xml)
    assert total >= 1 and failed == 0, f"{failed} of {total} failed, see {tmp_path}"
