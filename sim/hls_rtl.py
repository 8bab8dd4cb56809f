# SPDX-License-Identifier: Apache-2.0
"""`make hls-rtl-sim HLS_RTL=<dir>`: the network regression on the Verilog Vitis exports for the HLS kernel.

Checks first that `<dir>` holds Verilog with the kernel's top module (`net_top`, hls/net_generate.py) and
the ports Vitis gives it (`vitis_ports`: ap_clk, ap_rst_n, the three AXI4-Stream interfaces with TKEEP/TSTRB,
the s_axi_control AXI4-Lite bundle, interrupt); a missing directory, no Verilog, no `net_top` or a port list
that differs is one line naming what is wrong (exit 2).

Not done yet: running sim/tb_net.py's regression on it. That testbench drives `net_engine`'s house ports and
reads its module-boundary monitors; the Vitis-named network wrapper it needs as the stand-in (AXI-Lite
ap_ctrl_hs around net_engine, as hw/generate.py's `sasa_top` is for the SASA engine) is not on the net branch
yet, so the simulation step raises SaformerError saying so.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.hls.net_generate import NET_TOP

AXIS = ("TDATA", "TVALID", "TREADY", "TLAST", "TKEEP", "TSTRB")
AXIL = ("AWVALID", "AWREADY", "AWADDR", "WVALID", "WREADY", "WDATA", "WSTRB", "ARVALID", "ARREADY", "ARADDR",
        "RVALID", "RREADY", "RDATA", "RRESP", "BVALID", "BREADY", "BRESP")


def vitis_ports(cfg: SAFormerConfig | None = None) -> set[str]:
    """Port names of the Vitis-exported `net_top` (axis ports `<arg>_T*`, s_axilite bundle `control`)."""
    ports = {"ap_clk", "ap_rst_n", "interrupt"}
    for s in ("s_axis", "m_axis", "s_axis_w"):
        ports |= {f"{s}_{p}" for p in AXIS}
    ports |= {f"s_axi_control_{p}" for p in AXIL}
    return ports


def _module_ports(text: str, module: str) -> set[str] | None:
    m = re.search(rf"\bmodule\s+{module}\b\s*(#\s*\(.*?\)\s*)?\((.*?)\);", text, re.S)
    if not m:
        return None
    names = set()
    for part in re.sub(r"//.*", "", m.group(2)).split(","):
        toks = re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", part)
        if toks:
            names.add(toks[-1])
    return names


def check_dir(path: str | Path) -> list[Path]:
    """The Verilog files of `path` if it holds the kernel's top with Vitis' ports; else SaformerError."""
    d = Path(path)
    if not d.is_dir():
        raise SaformerError(f"HLS_RTL={d}: no such directory (point it at Vitis' <project>/sol1/impl/verilog)")
    files = sorted(d.glob("*.v"))
    if not files:
        raise SaformerError(f"HLS_RTL={d}: no Verilog (*.v) files")
    ports = None
    for f in files:
        ports = _module_ports(f.read_text(errors="replace"), NET_TOP)
        if ports is not None:
            break
    if ports is None:
        raise SaformerError(f"HLS_RTL={d}: no module '{NET_TOP}' (the HLS kernel's top) in its Verilog")
    want = vitis_ports()
    if ports != want:
        missing, extra = sorted(want - ports), sorted(ports - want)
        raise SaformerError(f"HLS_RTL={d}: module '{NET_TOP}' ports differ from the kernel's: missing {missing}, "
                            f"unexpected {extra}")
    return files


def run(path: str | Path) -> int:
    check_dir(path)
    raise SaformerError("the network regression on Vitis-exported RTL needs the Vitis-named network wrapper and a "
                        "port-name mode in sim/tb_net.py, which the net branch does not have yet")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="make hls-rtl-sim", description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="folder of the Vitis-exported Verilog (HLS_RTL)")
    a = ap.parse_args(argv)
    try:
        return run(a.dir)
    except SaformerError as e:
        print(f"hls-rtl-sim: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
