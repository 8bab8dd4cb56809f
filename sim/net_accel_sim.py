# SPDX-License-Identifier: Apache-2.0
"""Build and run the network accelerator's AXI-Lite testbench (sim/tb_net_accel.py) on Verilator.

`ensure_accel_built` builds one top -- `net_accel` (house ports) or `net_top` (the Vitis names) from
hw/net_accel.py's sources, or `net_top` from a folder of Verilog (`files`, e.g. a Vitis export or the
stand-in `export_vitis`) -- once per hash of the sources and flags into build/sim/netacc-<hash>/.
`run_accel_case` writes a case (artifact, pixels, stall patterns, seed, port names) and runs one cocotb test
per stall pattern; the test asserts (results.xml says FAIL when anything differs) and writes its figures.

    python -m saformer.sim.net_accel_sim --config default --images 3 [--vitis]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock
from saformer.contract.artifact import Artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir, child_pythonpath
from saformer.hw import net_accel
from saformer.hw.generate import config_id, include_dirs, sources_hash
from saformer.sim.cache import after_build, mark_used
from saformer.sim.runner import BUILD_ARGS, verilator_env

STALLS = ("none", "in_idle", "out_bp", "both")


@dataclass
class AccelBuild:
    name: str
    cfg: SAFormerConfig
    top: str
    build_dir: Path


def ensure_accel_built(name: str, cfg: SAFormerConfig, top: str = net_accel.TOP, files: list[Path] | None = None,
                       build_root: Path | None = None) -> AccelBuild:
    """Build `top` from hw/net_accel.py's generated sources, or from `files` (a folder's Verilog)."""
    from cocotb_tools.runner import get_runner

    build_root = build_root or build_dir()
    verilator_env()
    if files is None:
        rtl_root = build_root / "sim" / "rtl"
        rtl_root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(rtl_root / f"netacc-{config_id(name, cfg)}.lock")):
            gen = net_accel.generate_accel(cfg, rtl_root, name)
        srcs, hdrs = net_accel.sources(gen, top), net_accel.headers(gen)
    else:
        srcs = [f for f in files if f.suffix == ".v"]
        hdrs = [f for f in files if f.suffix != ".v"]
    args = list(BUILD_ARGS)
    key = sources_hash(srcs + hdrs, " ".join(args) + top)
    bdir = build_root / "sim" / f"netacc-{key}"
    with FileLock(str(bdir) + ".lock"):
        if not ((bdir / ".built").is_file() and (bdir / top).is_file()):
            get_runner("verilator").build(sources=srcs, hdl_toplevel=top, build_dir=bdir, build_args=args,
                                          includes=[str(d) for d in include_dirs(srcs + hdrs)],
                                          waves=False, always=True, log_file=bdir / "build.log")
            (bdir / ".built").write_text(f"{name} {cfg.hash()}\n")
            after_build(bdir)
        else:
            mark_used(bdir)
    return AccelBuild(name, cfg, top, bdir)


def export_vitis(cfg: SAFormerConfig, out: Path, name: str = "custom") -> Path:
    """The stand-in for a Vitis export of the network kernel: every Verilog file of the RTL accelerator's
    Vitis-named wrapper `net_top` (and the header it includes) copied flat into `out`; returns `out`."""
    gen = net_accel.generate_accel(cfg, Path(out) / ".gen", name)
    out.mkdir(parents=True, exist_ok=True)
    for f in net_accel.headers(gen) + net_accel.sources(gen, net_accel.VITIS_TOP):
        shutil.copyfile(f, out / f.name)
    shutil.rmtree(Path(out) / ".gen")
    return out


def run_accel_case(build: AccelBuild, art: Artifact, pixels: np.ndarray, stalls: tuple[str, ...] = STALLS,
                   seed: int = 1, workdir: Path | None = None, counters: str = "model") -> dict[str, dict[str, Any]]:
    """Run the testbench on `pixels` (at least two images); returns stall -> the test's figures. A failing
    test is a SaformerError naming the first failure (from results.xml) and the log."""
    from cocotb_tools.runner import get_runner

    if len(pixels) < 2:
        raise SaformerError("the network accelerator's testbench needs at least two images (two runs)")
    case_dir = (Path(workdir) if workdir else build.build_dir / "runs" / f"accel-{uuid.uuid4().hex[:8]}").resolve()
    res_dir = case_dir / "results"
    res_dir.mkdir(parents=True, exist_ok=True)
    for f in res_dir.glob("*.json"):
        f.unlink()
    ports = "vitis" if build.top == net_accel.VITIS_TOP else "house"
    case = {"config": build.cfg.to_dict(), "artifact": str(Path(art.path).resolve()), "seed": seed,
            "ports": ports, "results_dir": str(res_dir), "counters": counters}
    np.savez(case_dir / "case.npz", pixels=np.asarray(pixels, dtype=np.int64))
    (case_dir / "case.json").write_text(json.dumps(case))
    verilator_env()
    try:
        get_runner("verilator").test(
            test_module="saformer.sim.tb_net_accel", hdl_toplevel=build.top, hdl_toplevel_lang="verilog",
            build_dir=build.build_dir, test_dir=case_dir, results_xml=str(case_dir / "results.xml"),
            log_file=case_dir / "sim.log", test_filter="run_accel/stall=(" + "|".join(stalls) + ")$",
            extra_env={"NET_ACCEL_CASE": str(case_dir / "case.json"), "COCOTB_LOG_LEVEL": "WARNING",
                       "PYTHONPATH": child_pythonpath()})
    except SystemExit:
        pass  # a failing test: results.xml and the missing result JSON say which
    out = {}
    for st in stalls:
        f = res_dir / f"{st}.json"
        if not f.is_file():
            raise SaformerError(f"network accelerator ({build.top}) stall={st} failed: {_first_failure(case_dir)}; "
                                f"see {case_dir / 'sim.log'}")
        out[st] = json.loads(f.read_text())
    return out


def _first_failure(case_dir: Path) -> str:
    import xml.etree.ElementTree as ET

    xml = case_dir / "results.xml"
    if not xml.is_file():
        return "no results.xml"
    for tc in ET.parse(xml).getroot().iter("testcase"):
        for fl in tc.iter("failure"):
            return f"{tc.get('name')}: {(fl.get('message') or '').splitlines()[0][:300]}"
    return "no failure recorded"


def main(argv: list[str] | None = None) -> int:
    from saformer.sim.net_runner import net_artifact, network_images

    ap = argparse.ArgumentParser(prog="python -m saformer.sim.net_accel_sim", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default")
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--stall", action="append", choices=STALLS)
    ap.add_argument("--vitis", action="store_true", help="the Vitis-named wrapper net_top")
    a = ap.parse_args(argv)
    try:
        art = net_artifact(a.config)
        b = ensure_accel_built(a.config, art.cfg, net_accel.VITIS_TOP if a.vitis else net_accel.TOP)
        x, _ = network_images(art, a.images)
        res = run_accel_case(b, art, x, tuple(a.stall or STALLS))
        for st, r in res.items():
            print(f"{st}: classes {r['classes_hw']}, registers {r['registers']}")
        return 0
    except SaformerError as e:
        print(f"net_accel_sim: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
