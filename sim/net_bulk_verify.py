# SPDX-License-Identifier: Apache-2.0
"""The whole-network regression of the large configurations (CIFAR-10, issue 13) on the bulk harness.

The per-cycle testbench (sim/tb_net.py: Python drivers and scoreboard every cycle) runs a few thousand cycles a
second; a CIFAR-10 image takes 10^5 - 10^6 cycles. Here the Verilog harness (sim/net_bulk.py) plays the
pixels and weights with input idles and output backpressure and records, in FULL mode, every beat of every
monitored module boundary and every module's per-image cycle counter. Python then compares, per image, every
value of every boundary with the integer reference (`golden.reference.forward`, net_scoreboard's
`BoundaryCheck`: the first mismatch by (image, module, t, n, channel)), the result beats, and every module's
measured cycles with contract/cycles.py's formula, all with `==`.

Images: the density-calibrated random artifact's calibration images (golden/calibrate.py: the "real
distribution" stand-in, no CIFAR-10 data offline) on its weights, then every whole-network worst-case set
(golden/net_vectors.py, sim/net_worst.py) on its own weights: one bulk run per weight set (a CIFAR-10 weight
stream is 0.4M - 6.6M words, one set per harness weight memory).

    python -m saformer.sim.net_bulk_verify --config cifar10-pynq [--stall both]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from saformer.contract import cycles
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.hw.net_generate import boundaries
from saformer.sim.net_bulk_check import WeightSet, parse_mon_log, parse_out_log
from saformer.sim.net_scoreboard import BoundaryCheck, boundary_values

# network configurations that run on this path (python -m saformer.sim.net_bulk_verify --config <name>)
BULK_NET_CONFIGS = ("cifar10-pynq", "cifar10-384")
# those `make verify` runs (case ids network:<name>): cifar10-384 only on request (`make verify-network
# CONFIG=cifar10-384`, `saformer verify --config cifar10-384`, or this module's --config): its build is 17 min
# and its six runs (each a 6.6 M-cycle weight load first) take hours on 2 shared cores (docs/architecture.md)
VERIFY_BULK_CONFIGS = ("cifar10-pynq",)
# bulk runs at a time per config (one process each: the calibration run and one per worst-case weight set);
# cifar10-384's six runs are each a 6.6 M-cycle weight load, single-threaded simulators
BULK_JOBS = {"cifar10-384": 2}


def calibration_images(art) -> np.ndarray:
    """The images a density-calibrated artifact was calibrated on (golden/calibrate.py density_artifact: the
    first draw of default_rng(seed)), from the seed and count its manifest records."""
    from saformer.golden.calibrate import random_pixels

    cal = art.manifest.get("calibration")
    if not cal:
        raise SaformerError(f"{art.path}: the manifest has no 'calibration' record (not a density-calibrated "
                            "artifact, golden/calibrate.py)")
    return random_pixels(art.cfg, np.random.default_rng(int(cal["seed"])), int(cal["images"]))


def compare_run(cfg: SAFormerConfig, case_dir: Path, params: dict[str, np.ndarray], pixels: np.ndarray,
                labels: list[str]) -> dict[str, Any]:
    """Compare one FULL-mode bulk run (one reset, one weight load, `pixels` sent in order) with the reference:
    every boundary value, the result beats, every module's cycles, per image."""
    from saformer.golden import reference as ref

    epochs, info = parse_out_log(case_dir / "out.log")
    if len(epochs) != 1:
        raise SaformerError(f"{case_dir}: expected one epoch (one reset), the log has {len(epochs)}")
    ep = epochs[0]
    B = pixels.shape[0]
    rec = ref.forward(pixels, params, cfg)
    vals = boundary_values(cfg, rec)
    formula = cycles.network_cycles(cfg, rec)
    mods = cycles.network_modules(cfg)
    checks = []
    for bi, b in enumerate(boundaries(cfg)):
        ch = BoundaryCheck(cfg, b.name, vals[b.name][0], vals[b.name][1], list(range(B)))
        mon = parse_mon_log(case_dir / f"mon_{bi}.log")
        for beat in (mon[0]["beats"] if mon else []):
            ch.observe(beat)
        checks.append(ch)
    mism_imgs: set[int] = set()
    for ch in checks:
        mism_imgs |= ch.mismatching_images
        mism_imgs |= set(range(ch.frame, B))  # an image whose beats did not all arrive is mismatching too
    first_ch = next((ch for ch in checks if ch.first), None)
    first = first_ch.first if first_ch else None
    per_image = []
    out_wrong = 0
    out_first = None
    cyc_errors: list[str] = []
    for i in range(B):
        want = itf.pack_net_output(rec["logits"][i])
        got = ep.frames[i] if i < len(ep.frames) else None
        if got != want:
            out_wrong += 1
            mism_imgs.add(i)
            out_first = out_first or f"image {i} ({labels[i]}): output beats {got} != expected {want}"
        meas = {m: (ep.cyc.get(mj, [])[i] if i < len(ep.cyc.get(mj, [])) else None) for mj, m in enumerate(mods)}
        form = {m: int(formula[m][i]) for m in mods}
        bad = [m for m in mods if meas[m] != form[m]]
        cyc_errors += [f"image {i} ({labels[i]}): module {m} measured {meas[m]} cycles != formula {form[m]}"
                       for m in bad]
        per_image.append({"label": labels[i], "cycles_measured": meas, "cycles_formula": form,
                          "cycles_equal": not bad, "class_hw": (itf.unpack_net_output(cfg, got)[1] if got and
                                                                len(got) == len(want) else None),
                          "class_golden": int(ref.predict(rec["logits"][i:i + 1])[0])})
    extra = [f"module {m}: {len(ep.cyc.get(mj, []))} counter values for {B} images" for mj, m in enumerate(mods)
             if len(ep.cyc.get(mj, [])) != B]
    values = sum(ch.mismatching_values + ch.missing() for ch in checks)
    first_text = first.text() if first else None
    if first_ch is not None:  # frames are observed in order: the first failure is in the lowest bad frame
        img = min(first_ch.bad_frames)
        first_text += f" [{labels[img]}]" if img < B else ""
    return {"images": B, "mismatching_images": len(mism_imgs), "mismatching_values": values,
            "output_mismatching_images": out_wrong, "cycle_errors": cyc_errors + extra,
            "cycles_match_formula": not (cyc_errors or extra), "first_mismatch": first_text or out_first,
            "faults": info["faults"], "drain_timeouts": info["drain_timeouts"], "per_image": per_image}


def run_set(build, cfg: SAFormerConfig, ws: WeightSet, pixels: np.ndarray, labels: list[str], stall: str,
            seed: int, label: str) -> dict[str, Any]:
    """One bulk run: reset, load `ws`, send `pixels`, drain; FULL mode; compared by `compare_run`."""
    from saformer.sim.net_bulk import BulkPlan, run_bulk

    plan = BulkPlan(cfg, [ws], pixels)
    # the drain's limit: 20 times the formula's slowest module per image, plus the pipeline's fill
    plan.reset().weights(0).images(pixels.shape[0]).drain(drain_limit(cfg, ws.params, pixels)).end()
    t0 = time.perf_counter()
    res = run_bulk(build, plan, stall, seed, full=True, label=label, locate=False)
    wall = time.perf_counter() - t0
    r = compare_run(cfg, res.case_dir, ws.params, pixels, labels)
    s = res.stats
    r.update({"bulk_failed": res.failed, "bulk_first": res.first_mismatch, "lost": s["lost"],
              "duplicated": s["duplicated"], "wrong": s["wrong"], "boundary_signature_mismatches":
              s["boundary_mismatches"], "bulk_cycle_errors": s["cycle_errors"], "sim_cycles": s.get("sim_cycles"),
              "sim_wall_s": s.get("sim_wall_s"), "sim_cycles_per_s": s.get("sim_cycles_per_s"),
              "wall_s": round(wall, 1), "case": str(res.case_dir)})
    from saformer.contract.fsutil import write_json_atomic

    write_json_atomic(res.case_dir / "compare.json", r, indent=1)  # each run's record survives a stopped whole
    return r


def drain_limit(cfg: SAFormerConfig, params: dict[str, np.ndarray], pixels: np.ndarray) -> int:
    from saformer.golden import reference as ref

    f = cycles.network_cycles(cfg, ref.forward(pixels, params, cfg))
    per = int(max(int(np.max(v)) for v in f.values()))
    return min((1 << 32) - 1, 20 * per * (pixels.shape[0] + 4) + 100_000)


def _ok(r: dict[str, Any]) -> bool:
    return (r["mismatching_images"] == 0 and r["mismatching_values"] == 0 and r["cycles_match_formula"]
            and not r["faults"] and not r["bulk_failed"])


def _run_job(job: tuple) -> dict[str, Any]:
    """One `run_set` call (a process-pool job of network_bulk_config)."""
    return run_set(*job)


def network_bulk_config(name: str, stall: str = "both", seed: int = 11, worst: bool = True,
                        jobs: int | None = None) -> dict[str, Any]:
    """The `network` record of one large configuration: its calibration images (entry `<stall>`) and its
    worst-case sets (entry `worst`), in the shape sim/net_verify.py's section_ok reads. The bulk runs (one per
    weight set, independent case folders) run `jobs` at a time (default BULK_JOBS of the config, else 1)."""
    from saformer.sim.net_bulk import ensure_bulk_built
    from saformer.sim.net_runner import net_artifact
    from saformer.sim.net_worst import worst_artifacts

    t0 = time.perf_counter()
    art = net_artifact(name)
    cfg = art.cfg
    tb = time.perf_counter()
    build = ensure_bulk_built(name, cfg)
    build_s = round(time.perf_counter() - tb, 1)
    x = calibration_images(art)
    first = (build, cfg, WeightSet("artifact", dict(art.params)), x, [f"calibration {i}" for i in range(x.shape[0])],
             stall, seed, f"verify-{name}")

    def worst_jobs() -> tuple[list, list, float]:
        tw = time.perf_counter()
        sets = worst_artifacts(name, cfg) if worst else []
        js = [(build, cfg, WeightSet(sname, dict(wart.params)), px, [f"{sname} {i}" for i in range(px.shape[0])],
               stall, seed + 2, f"worst-{name}-{sname}") for sname, wart, px in sets]
        return sets, js, round(time.perf_counter() - tw, 1)

    n_jobs = max(1, jobs or BULK_JOBS.get(name, 1))
    if n_jobs == 1:
        done = [run_set(*first)]
        sets, js, search_s = worst_jobs()
        done += [run_set(*j) for j in js]
    else:  # the calibration run starts first; the worst-case sets are searched (or loaded) meanwhile
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(n_jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futs = [pool.submit(_run_job, first)]
            sets, js, search_s = worst_jobs()
            futs += [pool.submit(_run_job, j) for j in js]
            done = [f.result() for f in futs]
    main = done[0]
    out: dict[str, Any] = {"path": "bulk (sim/net_bulk_verify.py, FULL mode)", "artifact": str(art.path),
                           "trained": bool(art.manifest.get("checkpoint")), "stalls": [stall],
                           "build_dir": str(build.build_dir), "build_or_reuse_s": build_s, "jobs": n_jobs,
                           stall: main}
    if worst:
        w: dict[str, Any] = {"sets": {}, "stalls": [stall], "search_or_reuse_s": search_s}
        for (sname, wart, _px), r in zip(sets, done[1:], strict=True):
            w["sets"][sname] = {stall: r, "artifact": str(wart.path)}
        runs = [e[stall] for e in w["sets"].values()]
        w.update(images=sum(r["images"] for r in runs),
                 mismatching_images=sum(r["mismatching_images"] for r in runs),
                 mismatching_values=sum(r["mismatching_values"] for r in runs),
                 ok=bool(runs) and all(_ok(r) for r in runs))
        out["worst"] = w
    out["images_total"] = main["images"] + (out["worst"]["images"] if worst else 0)
    out["ok"] = _ok(main) and (out["worst"]["ok"] if worst else True)
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    return out


def _summary(name: str, r: dict[str, Any]) -> list[str]:
    lines = []
    runs = [(f"calibration stall={st}", r[st]) for st in r["stalls"]]
    runs += [(f"{s} stall={st}", e[st]) for s, e in r.get("worst", {}).get("sets", {}).items() for st in r["stalls"]]
    for what, x in runs:
        tot = [sum(v for v in im["cycles_measured"].values() if v is not None) for im in x["per_image"]]
        ftot = [sum(im["cycles_formula"].values()) for im in x["per_image"]]
        lines.append(f"{name} {what}: {x['images']} images, {x['mismatching_images']} mismatching images, "
                     f"{x['mismatching_values']} values, cycles==formula {x['cycles_match_formula']} "
                     f"(sum over modules per image measured {tot} formula {ftot}), {x['sim_cycles']} cycles "
                     f"simulated in {x['sim_wall_s']} s")
        if x["first_mismatch"] or x["cycle_errors"]:
            lines.append(f"  first: {x['first_mismatch'] or x['cycle_errors'][0]}  case {x['case']}")
    lines.append(f"{name}: {r['images_total']} images, ok={r['ok']}, {r['wall_s']} s")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m saformer.sim.net_bulk_verify", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="cifar10-pynq", choices=BULK_NET_CONFIGS)
    ap.add_argument("--stall", default="both", choices=("none", "in_idle", "out_bp", "both"))
    ap.add_argument("--no-worst", action="store_true", help="only the calibration images")
    ap.add_argument("--json", default=None, help="also write the record to this file")
    ap.add_argument("--jobs", type=int, default=None, help="bulk runs at a time (default: BULK_JOBS, else 1)")
    a = ap.parse_args(argv)
    try:
        r = network_bulk_config(a.config, a.stall, worst=not a.no_worst, jobs=a.jobs)
    except SaformerError as e:
        print(f"saformer.sim.net_bulk_verify: error: {e}", file=sys.stderr)
        return 2
    if a.json:
        from saformer.contract.fsutil import write_json_atomic

        write_json_atomic(Path(a.json), r, indent=1)
    print("\n".join(_summary(a.config, r)))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
