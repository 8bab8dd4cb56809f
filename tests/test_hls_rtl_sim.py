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


def test_stand_in_export_passes_the_check_and_the_regression(tmp_path: Path) -> None:
    """The RTL accelerator's Vitis-named wrapper `net_top`, exported flat into a folder (the stand-in for a
    Vitis export of the HLS kernel): the port check passes and `make hls-rtl-sim HLS_RTL=<dir>` runs the
    network regression on it (sim/tb_net_accel.py, every stall pattern: results of real test images ==
    integer reference, ap_ctrl_hs, module counters == cycle model) and exits 0."""
    from saformer.contract.configs import NAMED
    from saformer.sim.net_accel_sim import export_vitis

    d = export_vitis(NAMED["default"], tmp_path / "export", "default")
    assert (d / "net_top.v").is_file() and not (d / ".gen").exists()
    check_dir(d)
    p = subprocess.run(["make", "-s", "hls-rtl-sim", f"HLS_RTL={d}", "COUNTERS=model"], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("hls-rtl-sim") and ": real: " in ln]
    assert [ln.split("stall=")[1].split(":")[0] for ln in lines] == ["none", "in_idle", "out_bp", "both"], p.stdout
    # the other vector sets of the regression: random pixels and every whole-network worst-case set
    from saformer.golden.net_vectors import network_worst_sets

    sets = {ln.split(": ")[1] for ln in p.stdout.splitlines() if ln.startswith("hls-rtl-sim") and "stall=" in ln}
    want = {"real", "random-pixels"} | {f"worst {s.name}" for s in network_worst_sets(NAMED["default"])}
    assert sets == want, (sets, want)
    assert f"{len(want)} vector sets passed" in p.stdout


def test_a_mutated_stand_in_fails_the_regression(tmp_path: Path) -> None:
    """Not vacuous: the stand-in with its result beat's class off (net_out's output bit 0 inverted) fails."""
    from saformer.contract.configs import NAMED
    from saformer.sim.hls_rtl import run
    from saformer.sim.net_accel_sim import export_vitis

    d = export_vitis(NAMED["default"], tmp_path / "export", "default")
    top = d / "net_top.v"
    text = top.read_text()
    old = ".m_axis_tdata(m_axis_TDATA),"
    assert text.count(old) == 1
    top.write_text(text.replace(old, ".m_axis_tdata(m_axis_tdata_raw),").replace(
        "    assign m_axis_TKEEP", "    wire [31:0] m_axis_tdata_raw;\n"
        "    assign m_axis_TDATA = m_axis_tdata_raw ^ {31'd0, m_axis_TLAST};\n    assign m_axis_TKEEP"))
    with pytest.raises(SaformerError, match=r"stall=none failed: .*image 0: result beats"):
        run(d, images=2, stalls=("none",), worst=False, counters="model")


def test_counter_mode_zero_checks_the_registers(tmp_path: Path) -> None:
    """`--counters zero` (a Vitis export of the HLS kernel, whose cycle counters read 0) is a real check: on the
    RTL stand-in, whose counters count, it fails on the module active cycles."""
    from saformer.contract.configs import NAMED
    from saformer.sim.hls_rtl import run
    from saformer.sim.net_accel_sim import export_vitis

    d = export_vitis(NAMED["default"], tmp_path / "export", "default")
    with pytest.raises(SaformerError, match=r"stall=none failed: .*module active cycles"):
        run(d, images=2, stalls=("none",), worst=False, counters="zero")
