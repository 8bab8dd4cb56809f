# SPDX-License-Identifier: Apache-2.0
"""Network figures for `make bench` (bench.json keys `network_interval_cycles`, `network_latency_cycles`,
`network`, `sim_cycles_per_s_cocotb`, `sim_cycles_per_s_bulk`, `network_sim_speed`): the RTL's measured
steady-state interval and latency per image (Verilator, no stalls, real test images of the shipped model),
the cycle model's per-module cycles and own lower bounds over the test split, per-module synaptic
operations and energy from the reference's spike counts, and the simulation speed of the whole accelerator
on the per-cycle cocotb path (sim/tb_net.py) and the bulk path (sim/net_bulk.py) measured in the same run."""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np


def network_sim_speed(art, r: dict[str, Any], cocotb_images: int, bulk_images: int) -> dict[str, Any]:
    """Simulated cycles per second of the whole accelerator (default config), both paths in this run: the
    per-cycle cocotb run `r` (net_runner, stall none) and a bulk run (HDL player/recorder, stall none) of
    `bulk_images` test images; wall-clock and process-CPU rates (the machine may be shared)."""
    from saformer.sim.net_bulk import BulkPlan, WeightSet, ensure_bulk_built, run_bulk
    from saformer.sim.net_runner import network_images

    t0 = time.perf_counter()
    build = ensure_bulk_built("default", art.cfg)
    t_build = time.perf_counter() - t0
    x, _ = network_images(art, None)
    x = x[np.arange(bulk_images) % x.shape[0]]
    plan = BulkPlan(art.cfg, [WeightSet("artifact", dict(art.params))], x)
    plan.reset().weights(0).images(bulk_images).drain().end()
    res = run_bulk(build, plan, "none", 1, label="bench-speed")
    if res.failed:
        raise AssertionError("network RTL differs from the reference in the bulk bench run:\n" + res.report())
    s = res.stats
    return {
        "what": "simulated clock cycles / second inside the test (weight load + images, start-up of the "
                "simulator excluded); cpu: per process-CPU second; load: the 1-minute load average at the "
                "end (2 cores, shared: wall figures scale with it)",
        "cocotb": {"images": cocotb_images, "sim_cycles": r["sim_cycles"], "wall_s": r["wall_s"],
                   "cycles_per_s": round(r["sim_cycles"] / r["wall_s"], 1),
                   "cycles_per_cpu_s": round(r["sim_cycles"] / r["cpu_s"], 1) if r["cpu_s"] else None,
                   "path": "sim/tb_net.py: cocotbext-axi drivers, monitor and scoreboard in Python every cycle"},
        "bulk": {"images": bulk_images, "sim_cycles": s["sim_cycles"], "wall_s": s["sim_wall_s"],
                 "cycles_per_s": s["sim_cycles_per_s"], "cycles_per_cpu_s": s["sim_cycles_per_cpu_s"],
                 "check_s": s["check_wall_s"], "build_or_reuse_s": round(t_build, 2),
                 "path": "sim/net_bulk.py: HDL player/recorder (sim/hdl) clocked by a C++ main (no cocotb, "
                         "no VPI), PGO build; Python at start and end only"},
        "bulk_over_cocotb": round(s["sim_cycles_per_s"] / (r["sim_cycles"] / r["wall_s"]), 1),
        "load": round(os.getloadavg()[0], 2),
        "target_bulk_cycles_per_s": 1_000_000,
    }


def network_figures(art, sim_images: int, model_images: int, so: dict[str, Any], clock_mhz: float,
                    e_ac_pj: float, e_mac_pj: float, bulk_images: int = 360) -> dict[str, Any]:
    """`so`: saformer.bench.sops of the same images (per-layer synaptic operations and MACs)."""
    from saformer.contract import cycles
    from saformer.golden import reference as ref
    from saformer.golden.data import load_digits
    from saformer.sim.net_runner import ensure_net_built, network_images, run_net_case

    cfg = art.cfg
    x = load_digits().x_test
    x = x[:model_images] if model_images else x
    rec = ref.forward(x, art.params, cfg)
    cyc = cycles.network_cycles(cfg, rec)
    lb = cycles.network_lower_bounds(cfg, rec)
    mods = {m: {"cycles_mean": round(float(cyc[m].mean()), 1), "cycles_max": int(cyc[m].max()),
                "lower_bound_mean": round(float(lb[m].mean()), 1),
                "ratio_mean": round(float(cyc[m].mean() / lb[m].mean()), 3),
                "ratio_max": round(float((cyc[m] / lb[m]).max()), 3)} for m in cyc}
    xs, ys = network_images(art, sim_images)
    build = ensure_net_built("default", cfg)
    res = run_net_case(build, art, xs, ys, ("none",), seed=1, label="bench", waves_on_fail=False)
    r = res.runs["none"]
    if res.failed:
        raise AssertionError("network RTL differs from the reference in the bench run:\n" + res.report())
    starts, ends = r["starts"], r["ends"]
    interval = cycles.steady_interval(ends)
    latency = int(ends[0] - starts[0])
    # the schedule model (contract/cycles.py network_schedule) of the same simulated run, and its per-image
    # comparison (sim/tb_net.py checks it handshake by handshake in this stall-free run)
    sch = cycles.network_schedule(cfg, ref.forward(xs, art.params, cfg))
    model_sim_interval = cycles.steady_interval(sch["end"])
    meas_lat = [int(e) - int(s) for s, e in zip(starts, ends)]
    meas_itv = [int(ends[b]) - int(ends[b - 1]) for b in range(1, len(ends))]
    equal_imgs = sum(1 for b in range(len(meas_lat)) if b < len(sch["latency"]) and meas_lat[b] == sch["latency"][b]
                     and (b == 0 or meas_itv[b - 1] == sch["interval"][b - 1]))
    split_sch = cycles.network_schedule(cfg, rec)
    CLOCK_MHZ, E_AC_PJ, E_MAC_PJ = clock_mhz, e_ac_pj, e_mac_pj  # noqa: N806
    per = so["sops_per_layer"]
    mod_sops = {"tok": 0.0, "conv2": per["tok.conv2"], "head": per["head.count"]}
    for i in range(cfg.L):
        mod_sops[f"b{i}.sasa"] = per[f"b{i}.sasa.qk"] + per[f"b{i}.sasa.a_count"] + per[f"b{i}.sasa.o"]
        mod_sops[f"b{i}.dwc"] = per[f"b{i}.dwc"]
        mod_sops[f"b{i}.mlp.fc1"] = per[f"b{i}.mlp.fc1"]
        mod_sops[f"b{i}.mlp.fc2"] = per[f"b{i}.mlp.fc2"]
    macs = {"tok": so["snn_macs_per_layer"]["tok.conv1"]}
    energy = {m: round((mod_sops.get(m, 0.0) * E_AC_PJ + macs.get(m, 0) * E_MAC_PJ) / 1e3, 4) for m in mod_sops}
    model_interval = cycles.steady_interval(split_sch["end"])
    speed = network_sim_speed(art, r, len(xs), bulk_images)
    return {
        "sim_cycles_per_s_cocotb": speed["cocotb"]["cycles_per_s"],
        "sim_cycles_per_s_bulk": speed["bulk"]["cycles_per_s"],
        "network_sim_speed": speed,
        "network_interval_cycles": round(interval, 1),
        "network_interval_cycles_model": round(model_sim_interval, 1),
        "network_latency_cycles": latency,
        "network_latency_cycles_model": int(sch["latency"][0]),
        "network": {
            "images_simulated": len(xs), "images_modelled": len(x), "clock_mhz": CLOCK_MHZ,
            "interval_measured_cycles": round(interval, 1), "interval_model_cycles": round(model_sim_interval, 1),
            "latency_measured_cycles": latency, "latency_model_cycles": int(sch["latency"][0]),
            "schedule_rule": "contract/cycles.py network_schedule (token-level max-plus model of the pipeline) of "
                             "the simulated run: interval = steady_interval (mean of consecutive last-beat "
                             "differences over the run's second half), latency = image 0's (first pixel beat "
                             "into the tokenizer .. last result beat on m_axis)",
            "schedule_equal_images": equal_imgs,
            "latency_measured_per_image": meas_lat, "latency_model_per_image": sch["latency"],
            "interval_measured_per_image": meas_itv, "interval_model_per_image": sch["interval"],
            "interval_model_cycles_split": round(model_interval, 1),
            "latency_model_mean_split": round(float(np.mean(split_sch["latency"])), 1),
            "interval_occupancy_bound_cycles": cycles.network_occupancy_interval(cfg, rec),
            "images_per_s_at_clock": round(CLOCK_MHZ * 1e6 / interval, 1),
            "bottleneck": max(mods, key=lambda m: mods[m]["cycles_mean"]),
            "modules": mods,
            "measured_equals_formula_images": len(xs) if not r["cycle_errors"] else 0,
            "sops_per_image": {m: round(float(v), 1) for m, v in mod_sops.items()},
            "macs_per_image": macs, "energy_nj_per_image": energy,
            "energy_source": f"{E_AC_PJ} pJ/accumulate, {E_MAC_PJ} pJ/MAC (45 nm, Horowitz ISSCC 2014)",
        },
    }
