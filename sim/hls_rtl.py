# SPDX-License-Identifier: Apache-2.0
"""`make hls-rtl-sim HLS_RTL=<dir>`: the network regression on the Verilog Vitis exports for the HLS kernel.

Checks first that `<dir>` holds Verilog with the kernel's top module (`net_top`, hls/net_generate.py) and
the ports Vitis gives it (`vitis_ports`: ap_clk, ap_rst_n, the three AXI4-Stream interfaces with TKEEP/TSTRB,
the s_axi_control AXI4-Lite bundle, interrupt); a missing directory, no Verilog, no `net_top` or a port list
that differs is one line naming what is wrong (exit 2).

Then it runs the network accelerator's regression (sim/tb_net_accel.py through sim/net_accel_sim.py) on that
Verilog under the Vitis port names: the result stream of real test images against the integer reference, each
stall pattern (source idle, sink backpressure, both), ap_ctrl_hs (ap_start, ap_done after the last result beat,
clear on read, ISR, interrupt) and the counter registers against the cycle model. The register checks read
the RTL accelerator's table (contract/regmap.py: net_registers); a Vitis export of the HLS kernel carries the
kernel's own map (hls/net_generate.py), so only its streams and ap_ctrl_hs would match there.
`tests/test_hls_rtl_sim.py` runs it on the stand-in: the RTL accelerator's Vitis-named wrapper `net_top`
exported flat into a folder (sim/net_accel_sim.py: export_vitis).
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
    for part in re.sub(r"//.*", "", re.sub(r"/\*.*?\*/", "", m.group(2), flags=re.S)).split(","):
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


def run(path: str | Path, config: str = "default", images: int = 3,
        stalls: tuple[str, ...] = ("none", "in_idle", "out_bp", "both"), worst: bool = True,
        counters: str = "zero") -> int:
    """Check `path`, then run the accelerator regression on its Verilog (top `net_top`): the vector sets of
    the network regression -- real test images (or random pixels on a random model) under every stall
    pattern, random pixel images, and every whole-network worst-case set of the config (golden/net_vectors.py,
    each its own weight load) under crossed stalls -- with the register checks; 0 when it passes."""
    import numpy as np
    from saformer.sim.net_accel_sim import ensure_accel_built, run_accel_case
    from saformer.sim.net_runner import net_artifact, network_images
    from saformer.sim.net_worst import worst_artifacts

    d = Path(path)
    files = check_dir(d) + sorted(d.glob("*.vh")) + sorted(d.glob("*.svh"))
    art = net_artifact(config)
    build = ensure_accel_built(f"hlsrtl-{config}", art.cfg, NET_TOP, files)
    x, _ = network_images(art, images)
    rng = np.random.default_rng(23)
    xr = rng.integers(0, art.cfg.pixel_max + 1, size=(2, *x.shape[1:]), dtype=np.int64)
    sets = [("real" if art.manifest.get("checkpoint") else "random-model", art, x, stalls),
            ("random-pixels", art, xr, ("both",))]
    if worst:
        sets += [(f"worst {n}", a, px if len(px) >= 2 else np.concatenate([px, px]), ("both",))
                 for n, a, px in worst_artifacts(config, art.cfg)]
    for name, a, px, sts in sets:
        res = run_accel_case(build, a, px, sts, counters=counters)
        for st, r in res.items():
            print(f"hls-rtl-sim {d}: {name}: stall={st}: {r['images']} images, classes {r['classes_hw']} == "
                  f"reference, {len(r['active'])} module counters == cycle model")
    print(f"hls-rtl-sim {d}: {len(sets)} vector sets passed")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="make hls-rtl-sim", description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="folder of the Vitis-exported Verilog (HLS_RTL)")
    ap.add_argument("--config", default="default", help="network configuration of the export (default %(default)s)")
    ap.add_argument("--images", type=int, default=3, help="test images (>= 2: two runs)")
    ap.add_argument("--no-worst", action="store_true", help="skip the whole-network worst-case sets")
    ap.add_argument("--counters", choices=("zero", "model"), default="zero",
                    help="cycle-counter registers: 'zero' for a Vitis export of the HLS kernel (no clock in C, "
                         "default), 'model' for the RTL stand-in (== the cycle model)")
    a = ap.parse_args(argv)
    try:
        return run(a.dir, a.config, a.images, worst=not a.no_worst, counters=a.counters)
    except SaformerError as e:
        print(f"hls-rtl-sim: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
