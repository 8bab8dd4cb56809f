# SPDX-License-Identifier: Apache-2.0
"""The RTL regression over every named configuration -> build/report/verify.json.

`verify_config` runs one configuration (every image of every vector set under every stall pattern by
default, then the AXI-Lite system checks of sim/system.py) and returns its record, whose `ok` also requires
every coverage bin of sim/coverage.py to be hit (the one-cycle A phase is exempt, said so in the record);
`verify_all` runs a list of them, the Vitis-named wrapper's checks, the long run (`long_run`: images, lost,
duplicated, wrong) and the HLS C-simulation (`hls`: per config vectors, mismatches), and writes the report atomically;
`cli_verify` is the `saformer verify` / `make verify` entry point. The HLS worker and the demo may call
`verify_config`/`verify_all` directly.
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path
from typing import Any

from saformer.contract.configs import ALL, NAMED, SCALE
from saformer.contract.fsutil import write_json_atomic
from saformer.golden.named_artifacts import artifact_for
from saformer.hw.generate import TOP, VITIS_TOP, include_flags
from saformer.sim.coverage import coverage
from saformer.sim.runner import BUILD, STALLS, ensure_built, run_case, select_images, verilator_env

REPORT = BUILD / "report" / "verify.json"
# The scale configs (several spike words per token; D = 128, 256): two images of the random set (the
# Verilator model runs ~10k cycles/s at D = 128; the cover and worst sets cost 0.5-4M cycles per image at
# D = 128-256), two stall patterns, no AXI-Lite system checks (the control block is the same as every other
# config's); mismatches, cycles == formula and lint count in the verdict, coverage bins are reported but not
# required (too few images).
SCALE_PER_SET = {"random": 2}
SCALE_STALLS = ("none", "both")
LONG_RUN_CONFIG = "t1"  # a small config (T=1: ~150-700 cycles per image) so 10,000 images take minutes


def lint(sources: list[Path]) -> dict[str, Any]:
    """`verilator --lint-only -Wall` on one engine's sources: clean means exit 0 and no output."""
    verilator_env()
    p = subprocess.run(["verilator", "--lint-only", "-Wall", *include_flags(sources), "--top-module", TOP,
                        *map(str, sources)],
                       capture_output=True, text=True, check=False)
    msgs = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.startswith("%")]
    return {"clean": p.returncode == 0 and not msgs, "messages": msgs[:20]}


def verify_config(name: str, per_set: dict[str, int] | int | None = None, stalls: tuple[str, ...] = STALLS,
                  seed: int = 1, build_root: Path = BUILD, artifact: str | Path | None = None,
                  system: bool = False, workdir: Path | None = None,
                  require_coverage: bool = True) -> dict[str, Any]:
    """One configuration's regression. The case folder is `workdir` if given (the demo passes its own
    build folder), else a fresh uuid-named folder under the hash-keyed simulator build.

    `require_coverage=False` (the demo: a run of real test images cannot hit the regression's worst-case bins)
    keeps the coverage record as a report but leaves it out of `ok`; the record says so (`coverage_required`)."""
    art = artifact_for(name, build_root / "sim", artifact)
    build = ensure_built(name, art.cfg, build_root, source=str(art.path))
    images = select_images(art, per_set)
    t0 = time.perf_counter()
    res = run_case(build, art, images, stalls, seed, workdir=workdir, label=f"verify-{name}")
    wall = time.perf_counter() - t0
    sim_cycles = sum(r["sim_cycles"] for r in res.runs.values())
    sim_wall = sum(r["wall_s"] for r in res.runs.values())
    per_vector: dict[str, Any] = {}
    for stall, r in res.runs.items():
        for im in r["images"]:
            v = per_vector.setdefault(im["label"], {"cycles_formula": im["cycles_formula"],
                                                   "cycles_measured": {}, "cycles_total": {}, "mismatches": 0})
            v["cycles_measured"][stall] = im.get("cycles_measured")
            v["cycles_total"][stall] = im.get("cycles_total")
            v["mismatches"] += im["mismatches"]
    cyc_ok = not res.cycle_errors()
    system_rec = system_record(name, TOP, build_root, artifact) if system else None
    cov = coverage(art, images, res.runs)
    lint_rec = lint(build.sources)
    return {
        # ok: every word matched, cycles == formula, lint clean, the system checks (if run) passed and every
        # required coverage bin was hit (coverage.missed lists the ones that were not)
        "ok": bool(res.mismatches == 0 and cyc_ok and lint_rec["clean"] and (cov["all_hit"] or not require_coverage)
                   and (system_rec is None or system_rec["passed"])),
        "coverage_required": require_coverage,
        "system": system_rec,
        "config_hash": art.cfg.hash(), "artifact": str(art.path),
        "artifact_source": art.manifest.get("source", "trained export"),
        "build_dir": str(build.build_dir), "rtl": str(build.gen_dir / f"{TOP}.v"),
        "vectors": len(images), "stalls": list(stalls), "image_runs": len(images) * len(stalls),
        "mismatches": res.mismatches, "first_mismatch": res.first_mismatch(),
        "cycles_match_formula": cyc_ok, "cycle_errors": res.cycle_errors()[:20],
        "per_vector": per_vector,
        "coverage": cov,
        "sim_cycles": sim_cycles, "sim_wall_s": round(sim_wall, 3),
        "sim_cycles_per_s": round(sim_cycles / sim_wall, 1) if sim_wall else None,
        "wall_s": round(wall, 2), "lint": lint_rec,
        "rerun": res.rerun if (res.mismatches or not cyc_ok) else None,
        "waveform": str(res.waveform) if res.waveform else None,
    }


def system_record(name: str, top: str = TOP, build_root: Path = BUILD,
                  artifact: str | Path | None = None) -> dict[str, Any]:
    """The issue-5 system checks (sim/system.py) on one configuration and top: passed, mismatches, the
    first failed assertion, the raw results."""
    from saformer.sim.system import check_system, run_system, second_artifact

    art = artifact_for(name, build_root / "sim", artifact)
    build = ensure_built(name, art.cfg, build_root, source=str(art.path), top=top)
    r = run_system(build, art, second_artifact(name, build_root / "sim"))
    try:
        check_system(art.cfg, r)
        failed = None
    except AssertionError as e:
        failed = str(e)[:500] or "assertion failed"
    return {"top": top, "passed": failed is None, "failed": failed, "mismatches": r["mismatches"],
            "wall_s": r["wall_s"], "checks": {k: v for k, v in r.items() if isinstance(v, dict)}}


def long_run_clean(lr: dict[str, Any] | None, images: int) -> bool:
    """The long run is clean when it was skipped, or ran every image with no beat lost, duplicated or
    wrong and no cycle error (CYCLES_ACTIVE != formula, or a timeout)."""
    if lr is None:
        return True
    return (lr.get("lost"), lr.get("duplicated"), lr.get("wrong"), lr.get("cycle_errors"),
            lr.get("images")) == (0, 0, 0, 0, images)


def verify_all(names: list[str] | None = None, per_set: dict[str, int] | int | None = None,
               stalls: tuple[str, ...] = STALLS, out: Path = REPORT, progress: bool = True,
               long_run: int = 10_000, hls: bool = True, network: bool = True,
               scale: bool = True) -> dict[str, Any]:
    """Every config's regression and system checks; the Vitis wrapper's system checks (always); then
    (unless long_run=0) the long run of LONG_RUN_CONFIG; then (if hls) the HLS C-simulation of the same
    configs."""
    given = list(names or [])
    names = given or list(NAMED)
    scale_names = [n for n in names if n in SCALE] if given else (list(SCALE) if scale else [])
    names = [n for n in names if n not in SCALE]
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is pinned, but the report does not need it
        tqdm = None
    it = tqdm(names, desc="verify", unit="config") if (progress and tqdm) else names
    configs = {}
    for n in it:
        configs[n] = verify_config(n, per_set, stalls, system=True)
    scale = {}
    for n in scale_names:
        scale[n] = verify_config(n, SCALE_PER_SET, SCALE_STALLS, system=False)
    vitis = system_record("minwidth", VITIS_TOP)
    lr = None
    if long_run:
        from saformer.sim.system import run_long

        lr = run_long(LONG_RUN_CONFIG, images=long_run)
    hls_res = None
    if hls:
        from saformer.hls.csim import run_all

        hls_res = run_all(configs=names, workdir=BUILD / "hls")
    report = {
        "tool": "sim/verify.py (cocotb 2.1 + Verilator, integer reference golden/reference.py)",
        "configs": configs,
        "vitis_wrapper": vitis,
        "long_run": lr,
        "hls": hls_res,
        "scale": scale,
        "total": {"configs": len(configs), "vectors": sum(c["vectors"] for c in configs.values()),
                  "image_runs": sum(c["image_runs"] for c in configs.values()),
                  "mismatches": sum(c["mismatches"] for c in configs.values()),
                  "cycles_match_formula": all(c["cycles_match_formula"] for c in configs.values()),
                  "lint_clean": all(c["lint"]["clean"] for c in configs.values()),
                  "system_passed": all(c["system"]["passed"] for c in configs.values()) and vitis["passed"],
                  "long_run_clean": long_run_clean(lr, long_run),
                  "coverage_all_hit": all(c.get("coverage", {}).get("all_hit", False) for c in configs.values()),
                  "coverage_missed": {n: c.get("coverage", {}).get("missed", ["(no coverage record)"])
                                      for n, c in configs.items()
                                      if not c.get("coverage", {}).get("all_hit", False)},
                  "configs_ok": all(c.get("ok", False) for c in configs.values()),
                  "hls_mismatches": None if hls_res is None else sum(h["mismatches"] for h in hls_res.values()),
                  "scale_configs": list(scale), "scale_mismatches": sum(c["mismatches"] for c in scale.values()),
                  "scale_cycles_match_formula": all(c["cycles_match_formula"] for c in scale.values()),
                  "scale_lint_clean": all(c["lint"]["clean"] for c in scale.values())},
    }
    if network:
        from saformer.sim.net_verify import network_section

        report["network"] = network_section()
    tot = report["total"]
    tot["network_ok"] = report["network"]["ok"] if network else None
    tot["ok"] = bool(tot["network_ok"] is not False
                     and tot["configs_ok"] and tot["mismatches"] == 0 and tot["cycles_match_formula"]
                     and tot["lint_clean"] and tot["system_passed"] and tot["long_run_clean"]
                     and tot["coverage_all_hit"] and not tot["hls_mismatches"] and tot["scale_mismatches"] == 0
                     and tot["scale_cycles_match_formula"] and tot["scale_lint_clean"])
    if hls:
        add_network_hls(report)
    write_json_atomic(out, report, indent=1, sort_keys=True)
    return report


def add_network_hls(report: dict[str, Any], names: list[str] | None = None) -> None:
    """The network HLS kernel's C-simulation (sim/hls_net.py: every network config, or `names`) as
    `network.<config>.hls`: images, mismatching_images, mismatching_values; a mismatch makes `total.ok` false."""
    from saformer.sim.hls_net import verify_network_hls

    net_hls = verify_network_hls(names)
    for n, r in net_hls.items():
        report.setdefault("network", {}).setdefault(n, {})["hls"] = r
    bad = sum(r["mismatching_values"] for r in net_hls.values())
    report["total"]["network_hls_mismatches"] = bad
    report["total"]["ok"] = bool(report["total"]["ok"] and bad == 0)


def cli_verify(argv: list[str]) -> int:
    from saformer.contract.argtypes import count

    ap = argparse.ArgumentParser(prog="saformer verify", description="RTL regression -> build/report/verify.json")
    ap.add_argument("--config", action="append", choices=sorted(ALL),
                    help="configuration(s); default all (the scale configs d128/d256 with a few images each)")
    ap.add_argument("--vectors", type=count(1), default=None, help="images per vector set (default: all)")
    ap.add_argument("--stall", action="append", choices=STALLS, help="stall pattern(s); default all")
    ap.add_argument("--long-run", type=count(0), default=10_000, help="images of the long run (0: skip)")
    ap.add_argument("--no-hls", action="store_true", help="skip the HLS C-simulation")
    ap.add_argument("--out", default=str(REPORT), help="report JSON (default %(default)s)")
    ap.add_argument("--network-only", action="store_true", help="only the whole-network section (merged in)")
    ap.add_argument("--no-network", action="store_true", help="skip the whole-network section")
    a = ap.parse_args(argv)
    if a.network_only:
        from saformer.sim.net_verify import cli_network_verify

        return cli_network_verify(a.out)
    rep = verify_all(a.config, a.vectors, tuple(a.stall or STALLS), Path(a.out), long_run=a.long_run,
                     hls=not a.no_hls, network=not a.no_network)
    tot = rep["total"]
    for n, c in rep["configs"].items():
        print(f"{n:9s} vectors {c['vectors']:3d}  runs {c['image_runs']:4d}  mismatches {c['mismatches']}  "
              f"cycles==formula {c['cycles_match_formula']}  lint {'clean' if c['lint']['clean'] else 'DIRTY'}  "
              f"{c['sim_cycles_per_s']:.0f} sim cycles/s  coverage "
              f"{'all hit' if c['coverage']['all_hit'] else 'MISSED ' + ','.join(c['coverage']['missed'])}")
        if c["first_mismatch"]:
            print(f"  {c['first_mismatch']}\n  rerun: {c['rerun']}")
    for n, c in rep["configs"].items():
        if not c["system"]["passed"]:
            print(f"{n:9s} system checks FAILED: {c['system']['failed']}")
    print(f"vitis wrapper (minwidth) system checks passed: {rep['vitis_wrapper']['passed']}")
    lr = rep["long_run"]
    if lr:
        print(f"long run ({lr['config']}): {lr.get('images')} images, lost {lr.get('lost')}, duplicated "
              f"{lr.get('duplicated')}, wrong {lr.get('wrong')}, cycle errors {lr.get('cycle_errors')}, "
              f"{lr.get('resets')} resets, {lr.get('wall_s')} s")
    for n, c in rep["scale"].items():
        print(f"scale {n:5s} vectors {c['vectors']:3d}  runs {c['image_runs']:4d}  mismatches {c['mismatches']}  "
              f"cycles==formula {c['cycles_match_formula']}  lint {'clean' if c['lint']['clean'] else 'DIRTY'}  "
              f"{c['sim_cycles_per_s']:.0f} sim cycles/s")
        if c["first_mismatch"]:
            print(f"  {c['first_mismatch']}\n  rerun: {c['rerun']}")
    if rep["hls"]:
        for n, h in rep["hls"].items():
            print(f"hls {n:9s} vectors {h['vectors']:3d}  mismatches {h['mismatches']}")
    for n, h in ((n, c["hls"]) for n, c in rep.get("network", {}).items() if isinstance(c, dict) and "hls" in c):
        print(f"hls network {n:9s} images {h['images']:3d}  mismatching images {h['mismatching_images']}  "
              f"values {h['mismatching_values']}")
    print(f"wrote {a.out}: {tot['mismatches']} mismatches over {tot['image_runs']} image runs")
    if not tot["coverage_all_hit"]:
        print(f"coverage bins missed (exit 1): {tot['coverage_missed']}")
    return 0 if tot["ok"] else 1


if __name__ == "__main__":
    import sys

    raise SystemExit(cli_verify(sys.argv[1:]))
