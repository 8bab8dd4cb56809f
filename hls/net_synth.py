# SPDX-License-Identifier: Apache-2.0
"""`make hls-synth`: Vitis HLS on the network kernel -- csim, csynth, C/RTL cosim on the same vectors the
g++ C-simulation checks, IP export (`run_hls.tcl`, hls/net_generate.py) -- then the csynth reports parsed into
`<build>/report/hls_synth.json`: latency, interval and resources of the top and of every module.

    python -m saformer.hls.net_synth [--images 16] [--part xc7z020clg400-1] [--clock-ns 10] [--no-offsets]

Where `vitis_hls` is not on PATH it stops with one line saying so (exit 2) after writing the sources.
`parse_csynth(report_dir)` reads Vitis' `csynth.xml` (the top) and `<module>_csynth.xml` (each module) from
`<project>/sol1/syn/report/`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_json_atomic
from saformer.contract.paths import build_dir
from saformer.hls.generate import DEFAULT_CLOCK_NS, DEFAULT_PART
from saformer.hls.net_generate import NET_TOP, export_net_vectors, generate_net

RESOURCES = ("BRAM_18K", "DSP", "FF", "LUT", "URAM")


def _num(node: ET.Element | None) -> float | int | None:
    if node is None or node.text is None:
        return None
    t = node.text.strip()
    try:
        return int(t)
    except ValueError:
        try:
            return float(t)
        except ValueError:
            return None  # "undef" (an unbounded loop) and similar


def parse_report(path: Path) -> dict[str, Any]:
    """One Vitis csynth XML: module name, clock, latency (cycles), interval, resources (used, available)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        raise SaformerError(f"{path}: not a readable csynth report ({e})") from None
    ua = root.find("UserAssignments")
    pe = root.find("PerformanceEstimates")
    if ua is None or pe is None:
        raise SaformerError(f"{path}: no UserAssignments/PerformanceEstimates (not a Vitis csynth.xml?)")
    lat = pe.find("SummaryOfOverallLatency")
    area = root.find("AreaEstimates")
    res = area.find("Resources") if area is not None else None
    avail = area.find("AvailableResources") if area is not None else None
    return {
        "module": (ua.findtext("TopModelName") or path.name.replace("_csynth.xml", "")).strip(),
        "part": (ua.findtext("Part") or "").strip(),
        "clock_target_ns": _num(ua.find("TargetClockPeriod")),
        "clock_estimated_ns": _num(pe.find("SummaryOfTimingAnalysis/EstimatedClockPeriod")),
        "latency_cycles": {k: _num(lat.find(t)) if lat is not None else None
                           for k, t in (("best", "Best-caseLatency"), ("average", "Average-caseLatency"),
                                        ("worst", "Worst-caseLatency"))},
        "interval_cycles": {k: _num(lat.find(t)) if lat is not None else None
                            for k, t in (("min", "Interval-min"), ("max", "Interval-max"))},
        "resources": {r: _num(res.find(r)) if res is not None else None for r in RESOURCES},
        "available": {r: _num(avail.find(r)) if avail is not None else None for r in RESOURCES},
    }


def parse_csynth(report_dir: Path) -> dict[str, Any]:
    """The top's csynth.xml and every module's <name>_csynth.xml in `report_dir` -> one JSON-able dict."""
    report_dir = Path(report_dir)
    top = report_dir / "csynth.xml"
    if not top.is_file():
        raise SaformerError(f"{report_dir}: no csynth.xml (did csynth_design run?)")
    out = parse_report(top)
    out["modules"] = {}
    for f in sorted(report_dir.glob("*_csynth.xml")):
        m = parse_report(f)
        out["modules"][m["module"]] = m
    return out


def report_dir(folder: Path) -> Path:
    return Path(folder) / "net_prj" / "sol1" / "syn" / "report"


def cli_net_synth(argv: list[str]) -> int:
    import numpy as np
    from saformer.golden.named_artifacts import artifact_for

    ap = argparse.ArgumentParser(prog="saformer hls-synth", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default")
    ap.add_argument("--images", type=int, default=16, help="images of the csim/cosim vector set")
    ap.add_argument("--out", type=Path, default=build_dir() / "hls" / "vitis")
    ap.add_argument("--report", type=Path, default=build_dir() / "report" / "hls_synth.json")
    ap.add_argument("--part", default=DEFAULT_PART)
    ap.add_argument("--clock-ns", type=float, default=DEFAULT_CLOCK_NS)
    ap.add_argument("--no-offsets", action="store_true", help="let Vitis place the s_axilite registers")
    a = ap.parse_args(argv)
    art = artifact_for(a.config, build_dir() / "sim")  # the regression's artifact (trained for default)
    if art.manifest.get("checkpoint"):
        from saformer.golden.data import load_digits

        x = load_digits().x_test[:a.images]
    else:
        x = np.random.default_rng(7).integers(0, art.cfg.pixel_max + 1, (a.images, art.cfg.in_ch, art.cfg.img,
                                                                            art.cfg.img))
    folder = a.out / f"net-{a.config}"
    src = f"{art.path} (config '{a.config}', hash {art.cfg.hash()[:16]})"
    generate_net(art.cfg, folder, src, part=a.part, clock_ns=a.clock_ns, offsets=not a.no_offsets,
                 vector_set="real")
    export_net_vectors(art.cfg, art.params, x, folder / "vectors" / "real", source=src)
    exe = shutil.which("vitis_hls")
    if exe is None:
        raise SaformerError(f"vitis_hls not found on PATH (sources and Tcl written to {folder}; source Vitis' "
                            "settings64.sh and rerun)")
    p = subprocess.run([exe, "-f", "run_hls.tcl"], cwd=folder)
    if p.returncode != 0:
        raise SaformerError(f"vitis_hls -f run_hls.tcl failed (exit {p.returncode}); see {folder / 'vitis_hls.log'}")
    rep = parse_csynth(report_dir(folder))
    rep["top_expected"] = NET_TOP
    write_json_atomic(a.report, rep, indent=1, sort_keys=True)
    print(f"wrote {a.report}: latency {rep['latency_cycles']}, interval {rep['interval_cycles']}, "
          f"{len(rep['modules'])} modules")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return cli_net_synth(list(sys.argv[1:] if argv is None else argv))
    except SaformerError as e:
        print(f"saformer hls-synth: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
