# SPDX-License-Identifier: Apache-2.0
"""`make hls-rtl-sim HLS_RTL=<dir>`: a missing or mismatched directory is a one-line error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from saformer.contract.errors import SaformerError
from saformer.sim.hls_rtl import check_dir, vitis_ports


def _top(ports: set[str]) -> str:
    return "module net_top (\n" + ",\n".join(f"    input wire {p}" for p in sorted(ports)) + "\n);\nendmodule\n"


def test_good_directory_passes_the_check(tmp_path: Path) -> None:
    (tmp_path / "net_top.v").write_text(_top(vitis_ports()))
    (tmp_path / "other.v").write_text("module helper (input wire a);\nendmodule\n")
    assert len(check_dir(tmp_path)) == 2


@pytest.mark.parametrize("setup,msg", [
    (lambda d: None, "no Verilog"),
    (lambda d: (d / "x.v").write_text("module sasa_top (input wire ap_clk);\nendmodule\n"), "no module 'net_top'"),
    (lambda d: (d / "x.v").write_text(_top(vitis_ports() - {"s_axis_w_TLAST"} | {"mon_fire"})),
     r"missing \['s_axis_w_TLAST'\], unexpected \['mon_fire'\]"),
])
def test_bad_directory_is_one_line(tmp_path: Path, setup, msg: str) -> None:
    setup(tmp_path)
    with pytest.raises(SaformerError, match=msg):
        check_dir(tmp_path)
    p = subprocess.run([sys.executable, "-m", "saformer.sim.hls_rtl", "--dir", str(tmp_path)], capture_output=True,
                       text=True)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_missing_directory_is_one_line(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "saformer.sim.hls_rtl", "--dir", str(tmp_path / "nope")],
                       capture_output=True, text=True)
    assert p.returncode == 2 and p.stderr.strip().splitlines() == [
        f"hls-rtl-sim: error: HLS_RTL={tmp_path / 'nope'}: no such directory (point it at Vitis' "
        "<project>/sol1/impl/verilog)"]
