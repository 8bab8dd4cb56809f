# SPDX-License-Identifier: Apache-2.0
"""CIFAR-10 figures for `make bench` (bench.json keys `cifar10_pynq_images_per_s`, `cifar10_384_ms_per_image`
and `cifar`): the cycle model of the network (`contract/cycles.py`: network_cycles, network_occupancy,
network_lower_bounds, network_occupancy_interval) on the integer reference's spike records of random images, for each
CIFAR-10 configuration on its target board's clock. The models are density-calibrated random integer models
(`golden/calibrate.py`, no CIFAR-10 data offline); the spike densities the reference measured on the bench
images are reported beside the figures, never assumed. Per module: cycles per image (mean, max), the own
lower bound, the occupancy; the bottleneck module; and a P sweep (only the SASA engine has lanes today:
the other engines add a whole weight row per active spike).

These are modelled figures of the current architecture (hw/rtl/net_*.v as of issue 12), not measured ones;
the board-fit pre-check (hw/fit.py) says whether that architecture fits the board at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

IMAGE_SEED = 4321  # the bench images (the calibration images use the artifact's seed)
TARGETS = {"cifar10-pynq": ("images_per_s", 300.0), "cifar10-384": ("ms_per_image", 10.0)}


def _lanes_sweep(D: int) -> list[int]:
    return [p for p in (4, 8, 16, 32, 64, 128) if p <= D]


def _beat_at(beat: int, total: int, p: int) -> int:
    """A beat width (config hidden_beat, the MLP fold, of `total` = hidden; or stream_beat of `total` = D) at
    the P sweep's point P = p: the config's, raised to the least multiple of p (a beat must be a multiple of
    the lanes); 0 (no fold / whole tokens) if the config has none or the raised beat does not divide total."""
    import math

    if not beat:
        return 0
    b = beat * p // math.gcd(beat, p)
    return b if total % b == 0 else 0


def config_figures(name: str, images: int, sweep: bool = True) -> dict[str, Any]:
    """Modelled figures of one CIFAR-10 configuration on its target board."""
    from saformer.contract import cycles
    from saformer.contract.configs import CIFAR, TARGET_BOARD
    from saformer.contract.paths import build_dir
    from saformer.golden import reference as ref
    from saformer.golden.calibrate import random_pixels, spike_densities
    from saformer.golden.named_artifacts import artifact_for
    from saformer.hw.boards import board

    cfg = CIFAR[name]
    b = board(TARGET_BOARD[name])
    art = artifact_for(name, build_dir() / "sim")
    px = random_pixels(cfg, np.random.default_rng(IMAGE_SEED), images)
    rec = ref.forward(px, art.params, cfg)
    dens = spike_densities(cfg, rec)
    inputs = {k: v for k, v in dens.items() if k.endswith((".s", ".y", ".h", "s1"))}
    cyc = cycles.network_cycles(cfg, rec)
    occ = cycles.network_occupancy(cfg, rec)
    lb = cycles.network_lower_bounds(cfg, rec)
    mods = {m: {"cycles_mean": round(float(cyc[m].mean()), 1), "cycles_max": int(cyc[m].max()),
                "occupancy_mean": round(float(occ[m].mean()), 1),
                "lower_bound_mean": round(float(lb[m].mean()), 1),
                "ratio_to_bound": round(float(cyc[m].mean() / lb[m].mean()), 3)} for m in cyc}
    interval = cycles.network_occupancy_interval(cfg, rec)
    clk = b.clock_mhz
    bottleneck = max(mods, key=lambda m: mods[m]["occupancy_mean"])
    sequential = sum(float(occ[m].mean()) for m in occ)
    out: dict[str, Any] = {
        "board": b.name, "part": b.part, "clock_mhz": clk, "images": images, "image_seed": IMAGE_SEED,
        "artifact": str(art.path), "artifact_source": art.manifest.get("source"),
        "config": {k: v for k, v in cfg.to_dict().items()},
        "spike_densities": dens,
        "spike_density_range": [min(inputs.values()), max(inputs.values())],
        "spike_density_range_rule": "over the modules' input spikes (tok.s1 and every S, Y, H, head.s: what the "
                                    "cycle model counts); Q (about 0.3) and the mask A (about 0.5) are listed "
                                    "in spike_densities but feed no engine's cycle count (Y = Q & A does)",
        "interval_cycles": interval,
        "images_per_s": round(clk * 1e6 / interval, 1),
        "ms_per_image": round(interval / (clk * 1e3), 3),
        "sequential_cycles": round(sequential, 1),
        "ms_per_image_sequential": round(sequential / (clk * 1e3), 3),
        "bottleneck": bottleneck,
        "modules": mods,
        "rule": "interval = the busiest module's mean occupancy (contract/cycles.py network_occupancy_interval: the "
                "engines run concurrently); sequential = the sum of every module's occupancy (no overlap "
                "between modules: an upper bound on one image's latency without stalls)",
    }
    from saformer.hw import fit

    def fit_rec(c) -> dict[str, Any]:
        est = fit.estimate(c, b=b)  # the board's URAM where the rule uses it (fit.uram_styles)
        f = fit.fit(est, b)
        return {"lut": est["lut"], "lut_mem": est["lut_mem"], "ff": est["ff"], "bram36": est["bram36"],
                "uram": est["uram"],
                "percent": f["percent"], "fits": f["fits"],
                "over": [f"{o['needs']:,} {o['resource']} of {o['of']:,}" for o in f["over"]]}

    out["fit"] = {**fit_rec(cfg), "model": "hw/fit.py resource model of the network RTL of today (calibrated on "
                                            "the measured default network)",
                  "memory_floor": fit.memory_floor(cfg, b)}
    if sweep:
        rows = []
        for p in _lanes_sweep(cfg.D):
            c = cfg.replace(lanes=p, hidden_beat=_beat_at(cfg.hidden_beat, cfg.hidden, p),
                            stream_beat=_beat_at(cfg.stream_beat, cfg.D, p))
            o = cycles.network_occupancy(c, rec)
            iv = cycles.network_occupancy_interval(c, rec)
            bn = max(o, key=lambda m: float(o[m].mean()))
            sasa = [float(o[f"b{i}.sasa"].mean()) for i in range(cfg.L)]
            rows.append({"P": p, "hidden_beat": c.hidden_beat, "stream_beat": c.stream_beat, "interval_cycles": iv,
                         "images_per_s": round(clk * 1e6 / iv, 1),
                         "ms_per_image": round(iv / (clk * 1e3), 3), "bottleneck": bn,
                         "sasa_occupancy_mean": round(max(sasa), 1), "fit": fit_rec(c),
                         "second_busiest": sorted(o, key=lambda m: -float(o[m].mean()))[1]})
        out["lanes_sweep"] = rows
    metric, bound = TARGETS[name]
    val = out[metric]
    meets = val >= bound if metric == "images_per_s" else val <= bound
    out["target"] = {"metric": metric, "bound": bound, "value": val, "met": bool(meets),
                     "factor": round(val / bound if metric == "images_per_s" else bound / val, 3)}
    return out


def cifar_figures(tiny: bool) -> dict[str, Any]:
    """Both CIFAR-10 configurations (tiny: 2 and 1 images; else 8 each)."""
    pynq = config_figures("cifar10-pynq", 2 if tiny else 8)
    big = config_figures("cifar10-384", 1 if tiny else 8)
    return {"cifar10_pynq_images_per_s": pynq["images_per_s"], "cifar10_384_ms_per_image": big["ms_per_image"],
            "cifar": {"cifar10-pynq": pynq, "cifar10-384": big}}


def format_cifar(rep: dict[str, Any]) -> str:
    lines = []
    for name, r in rep["cifar"].items():
        t = r["target"]
        lines.append(f"{name} on {r['board']} @ {r['clock_mhz']} MHz: interval {r['interval_cycles']} cycles -> "
                     f"{r['images_per_s']} images/s, {r['ms_per_image']} ms/image (target {t['metric']} "
                     f"{t['bound']}: {'met' if t['met'] else 'MISSED'}), bottleneck {r['bottleneck']}, "
                     f"densities {r['spike_density_range']}; fits {r['board']}: {r['fit']['fits']} "
                     f"({'; '.join(r['fit']['over']) or 'within capacity'})")
        for row in r.get("lanes_sweep", []):
            lines.append(f"  P={row['P']:>3} interval {row['interval_cycles']:>9} {row['images_per_s']:>9} img/s "
                         f"{row['ms_per_image']:>8} ms  bottleneck {row['bottleneck']:12s} model LUT "
                         f"{row['fit']['lut']:>9,} ({row['fit']['percent']['lut']}%)")
    return "\n".join(lines)
