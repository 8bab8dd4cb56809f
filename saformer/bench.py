# SPDX-License-Identifier: Apache-2.0
"""`make bench` / `saformer bench`: figures measured side by side in one run -> build/report/bench.json.

- engine: cycles per SASA call against the lower bound (active input spikes x output channels / P), over
  a sweep of input spike density and lane count P. Sweep cycles come from the exact cycle formula
  (sim/scoreboard.py: cycle_formula, checked against the RTL in every regression run); a few random images at
  2-3 densities are also measured on the RTL (Verilator, the default config with its lanes replaced: P = 1,
  8, 32; `--tiny`: the default P only) in this run. Every row says `measured` (rtl) or not (formula); each
  measured row has a formula row on the same images and P, and the two must agree image by image
  (`check_measured_vs_formula`: a difference is an error, the bench exits non-zero).
- simulation speed: simulated cycles per wall-second of the engine testbench (cocotb drivers, monitor and
  scoreboard included), same case on Verilator and on Icarus, and their ratio.
- golden speed: numpy integer reference vs Brevitas eval forward on the test split (images/s, ratio).
- modelled throughput at 100 MHz for the digits model's SASA blocks; synaptic operations (SOPs) per image
  and an energy estimate (0.9 pJ per accumulate, 4.6 pJ per multiply-accumulate, 45 nm) against the ANN
  multiply-accumulate count of the same network.
`--tiny` shrinks every part (for tests; its figures mean nothing).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir

CLOCK_MHZ = 100.0
E_AC_PJ = 0.9  # one accumulate, 45 nm (Horowitz 2014, as SNN papers use it)
E_MAC_PJ = 4.6  # one multiply-accumulate, 45 nm


# ------------------------------------------------------------------------------ artifact
def trained_artifact(build: Path):
    """build/artifact if it is there, else exported from the shipped checkpoint into it."""
    from saformer.contract.artifact import load_artifact

    path = build / "artifact"
    if not (path / "manifest.json").is_file():
        from saformer.golden.data import load_digits
        from saformer.golden.export import export_model
        from saformer.golden.train import DEFAULT_CKPT, load_checkpoint

        qm, meta = load_checkpoint()
        px = load_digits().x_test[:128]
        keep = {k: meta[k] for k in ("accuracy_quantized", "accuracy_float", "test_images") if k in meta}
        # the same manifest as `saformer export`'s (its checkpoint named), so later steps and the tests'
        # `trained` fixture take it for the shipped model's artifact
        export_model(qm, path, px, meta={"by": "saformer bench", "checkpoint": str(DEFAULT_CKPT),
                                         "real_images": int(len(px)), **keep})
    return load_artifact(path)


def sasa_params(art) -> dict[str, np.ndarray]:
    return {k: v for k, v in art.vectors["real"].items() if k not in ("s", "q", "k", "y", "a", "A", "inc")}


# ------------------------------------------------------------------------------ engine efficiency
def efficiency_sweep(art, densities: list[float], lanes: list[int], images: int, seed: int = 0) -> list[dict]:
    """Formula cycles vs lower bound nnz(S)*D/P (and nnz(S)+nnz(Y) variant) on random inputs of each
    density through the trained SASA weights."""
    from saformer.golden import reference as ref
    from saformer.golden.vectors import random_spikes

    cfg = art.cfg
    p = sasa_params(art)
    rng = np.random.default_rng(seed)
    rows = []
    for dens in densities:
        s = random_spikes(cfg, rng, images, dens)
        y = ref.sasa(s, p, cfg)["y"]
        for P in lanes:
            c = cfg.replace(lanes=P)
            rows.append(_eff_row(c, s, y, "formula", f"random density {dens}", dens))
    s, y = art.vectors["real"]["s"][:images], art.vectors["real"]["y"][:images]
    for P in lanes:
        rows.append(_eff_row(cfg.replace(lanes=P), s, y, "formula", "real test images", float(s.mean())))
    return rows


def _eff_row(cfg, s: np.ndarray, y: np.ndarray, source: str, inputs: str, density: float,
             measured: list[int] | None = None, formula: list[int] | None = None) -> dict[str, Any]:
    """One efficiency row: `measured` cycles (RTL) if given, else the formula's. Rows of the RTL sets
    (`formula` given) keep the per-image cycles so check_measured_vs_formula can compare them exactly."""
    from saformer.contract.cycles import cycle_formula

    D, P = cfg.D, cfg.lanes
    if formula is None:
        formula = [cycle_formula(cfg, s[i], y[i]) for i in range(len(s))]
    cyc = np.array(measured if measured is not None else formula, dtype=float)
    nnz_s = s.reshape(len(s), -1).sum(axis=1).astype(float)
    nnz_y = y.reshape(len(y), -1).sum(axis=1).astype(float)
    lb = nnz_s * D / P
    lb_sy = (nnz_s + nnz_y) * D / P
    row = {"P": P, "inputs": inputs, "density": round(float(density), 4), "images": len(s), "source": source,
           "measured": measured is not None,
           "cycles_mean": round(float(cyc.mean()), 1), "nnz_s_mean": round(float(nnz_s.mean()), 1),
           "nnz_y_mean": round(float(nnz_y.mean()), 1),
           "lower_bound_mean": round(float(lb.mean()), 1),
           "ratio": round(float(cyc.sum() / max(lb.sum(), 1e-9)), 3),
           "ratio_s_plus_y": round(float(cyc.sum() / max(lb_sy.sum(), 1e-9)), 3)}
    if inputs.startswith("rtl set"):
        row["cycles"] = [int(c) for c in cyc]
        row["cycles_formula"] = [int(c) for c in formula]
    return row


RTL_SOURCE = "rtl (Verilator cycles_active)"


def rtl_points(art, densities: list[float], images: int, lanes: list[int] | None = None,
               seed: int = 1) -> tuple[list[dict], dict[str, Any]]:
    """Measure a few points on the RTL (stall none) for each lane count in `lanes` (default: the artifact's
    P): the default config with `lanes` replaced, one Verilator build per P (cached under build/sim). The
    same random images (`images` per density) run at every P. Returns, per (P, density), the measured row
    and the formula row of the same images, and the simulation totals; a mismatching output word or a
    measured cycle count != the formula raises SaformerError."""
    from saformer.contract.cycles import cycle_formula
    from saformer.golden.named_artifacts import artifact_for
    from saformer.golden.vectors import make_set, random_spikes
    from saformer.sim.runner import BUILD, ensure_built, run_case

    cfg = art.cfg
    rart = artifact_for("default", BUILD / "sim", art.path)
    p = sasa_params(art)
    rng = np.random.default_rng(seed)
    images_sel = []
    for dens in densities:
        name = f"bench_d{dens}"
        rart.vectors[name] = make_set(cfg, p, random_spikes(cfg, rng, images, dens))
        images_sel += [(name, i) for i in range(images)]
    rows: list[dict] = []
    sim = {"sim_cycles": 0, "wall_s": 0.0, "lanes": []}
    for P in lanes or [cfg.lanes]:
        cP = cfg.replace(lanes=P)
        build = ensure_built("default", cP, BUILD, source=str(rart.path))
        res = run_case(build, rart, images_sel, ("none",), seed, label=f"bench-efficiency-P{P}",
                       waves_on_fail=False)
        if res.mismatches or res.cycle_errors():
            raise SaformerError(f"bench: RTL (P={P}) disagrees on the efficiency points:\n{res.report()}")
        # the image's latency (cycles_total with no stalls), the figure cycle_formula gives
        ims = {im["label"]: im["cycles_total"] for im in res.runs["none"]["images"]}
        for dens in densities:
            name = f"bench_d{dens}"
            vs = rart.vectors[name]
            meas = [ims[f"{name}[{i}]"] for i in range(images)]
            form = [cycle_formula(cP, vs["s"][i], vs["y"][i]) for i in range(images)]
            inputs = f"rtl set: random density {dens}"
            rows.append(_eff_row(cP, vs["s"], vs["y"], RTL_SOURCE, inputs, dens, meas, form))
            rows.append(_eff_row(cP, vs["s"], vs["y"], "formula", inputs, dens, None, form))
        sim["sim_cycles"] += res.runs["none"]["sim_cycles"]
        sim["wall_s"] = round(sim["wall_s"] + res.runs["none"]["wall_s"], 3)
        sim["lanes"].append(P)
    return rows, sim


def check_measured_vs_formula(rows: list[dict]) -> int:
    """Every measured row must have a formula row with the same (P, inputs) and equal per-image cycles;
    returns the number of measured rows checked (SaformerError on a missing partner or a difference)."""
    formula = {(r["P"], r["inputs"]): r for r in rows if not r["measured"]}
    n = 0
    for r in rows:
        if not r["measured"]:
            continue
        f = formula.get((r["P"], r["inputs"]))
        if f is None:
            raise SaformerError(f"bench: measured row P={r['P']} '{r['inputs']}' has no formula row")
        if r["cycles"] != f["cycles"]:
            bad = next((i for i, (a, b) in enumerate(zip(r["cycles"], f["cycles"])) if a != b),
                       min(len(r["cycles"]), len(f["cycles"])))
            raise SaformerError(f"bench: P={r['P']} '{r['inputs']}': measured cycles {r['cycles']} != formula "
                                f"{f['cycles']} (first at image {bad})")
        n += 1
    return n


# ------------------------------------------------------------------------------ simulation speed
def sim_speed(art, images: int) -> dict[str, Any]:
    """The same case (real images, stall none) on Verilator and on Icarus; simulated cycles per wall-second
    measured inside the cocotb test (drivers, monitor, scoreboard included; build and start-up excluded)."""
    from saformer.golden.named_artifacts import artifact_for
    from saformer.sim.runner import BUILD, ensure_built, run_case

    rart = artifact_for("default", BUILD / "sim", art.path)
    sel = [("real", i) for i in range(images)]
    out: dict[str, Any] = {"case": f"{images} real test images, stall none, {art.cfg.lanes} lanes",
                           "what": "sim_cycles / wall_s inside the cocotb test (drivers + monitor + scoreboard)"}
    for simu in ("verilator", "icarus"):
        t0 = time.perf_counter()
        build = ensure_built("default", art.cfg, BUILD, source=str(rart.path), simulator=simu)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = run_case(build, rart, sel, ("none",), 1, label=f"bench-speed-{simu}", waves_on_fail=False)
        t_run = time.perf_counter() - t0
        if res.mismatches or res.cycle_errors():
            raise SaformerError(f"bench: {simu} disagrees with the reference:\n{res.report()}")
        r = res.runs["none"]
        out[simu] = {"sim_cycles": r["sim_cycles"], "wall_s": round(r["wall_s"], 3),
                     "cycles_per_s": round(r["sim_cycles"] / r["wall_s"], 1),
                     "images_per_s": round(images / r["wall_s"], 2),
                     "build_or_reuse_s": round(t_build, 2), "run_with_startup_s": round(t_run, 2)}
    out["verilator_over_icarus"] = round(out["verilator"]["cycles_per_s"] / out["icarus"]["cycles_per_s"], 2)
    return out


# ------------------------------------------------------------------------------ golden speed
def golden_speed(images: int, repeats: int) -> dict[str, Any]:
    import torch

    from saformer.golden import reference as ref
    from saformer.golden.data import load_digits
    from saformer.golden.export import int_params
    from saformer.golden.train import load_checkpoint

    qm, _ = load_checkpoint()
    params, _ = int_params(qm)
    x = load_digits().x_test
    x = x[:images] if images else x
    xt = torch.as_tensor(x, dtype=torch.float32)

    def best(fn) -> float:
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return min(ts)

    with torch.no_grad():
        qm.eval()
        qm(xt[:2])  # warm-up
        t_brev = best(lambda: qm(xt))
    t_ref = best(lambda: ref.forward(x, params, qm.cfg))
    return {"images": len(x), "repeats": repeats, "torch_threads": torch.get_num_threads(),
            "numpy_reference_images_per_s": round(len(x) / t_ref, 1),
            "brevitas_eval_images_per_s": round(len(x) / t_brev, 1),
            "reference_over_brevitas": round(t_brev / t_ref, 2), "timing": "best of repeats, whole split in one batch"}


# ------------------------------------------------------------------------------ SOPs, energy, throughput
def _window_counts(x: np.ndarray, stride: int) -> np.ndarray:
    """For 3x3 padding-1 convolution: per output position, the number of ones in its 3x3 window
    (summed over the channel axis 1). x (B, C, H, W) -> (B, Ho, Wo)."""
    B, C, H, W = x.shape
    xp = np.zeros((B, C, H + 2, W + 2), dtype=np.int64)
    xp[:, :, 1:-1, 1:-1] = x
    Ho, Wo = (H - 1) // stride + 1, (W - 1) // stride + 1
    out = np.zeros((B, Ho, Wo), dtype=np.int64)
    for dy in range(3):
        for dx in range(3):
            out += xp[:, :, dy:dy + stride * Ho:stride, dx:dx + stride * Wo:stride].sum(axis=1)
    return out


def sops(art, images: int) -> dict[str, Any]:
    """Synaptic operations per image of the whole digits network (integer reference on the test split):
    one accumulate per (active input spike, reached output). Non-spiking inputs (the pixels into conv1,
    the spike counts into the head) are multiply-accumulates. ANN: the same layers with dense activations,
    once (no timesteps); attention as in this SAFormer (no N x N products), plus the count a vanilla
    dot-product attention would add."""
    from saformer.golden import reference as ref
    from saformer.golden.data import load_digits

    cfg = art.cfg
    x = load_digits().x_test
    x = x[:images] if images else x
    r = ref.forward(x, art.params, cfg)
    B, T, N, D, Hd = len(x), cfg.T, cfg.N, cfg.D, cfg.hidden
    g = cfg.grid
    img = cfg.img
    per: dict[str, float] = {}
    s1 = r["tok.s1"]  # (B, T, stem, img, img)
    per["tok.conv2"] = D * _window_counts(s1.reshape(B * T, cfg.stem_ch, img, img), cfg.patch).sum() / B
    for i in range(cfg.L):
        s = r[f"b{i}.sasa.s"]
        per[f"b{i}.sasa.qk"] = 2 * D * s.sum() / B
        per[f"b{i}.sasa.a_count"] = r[f"b{i}.sasa.k"].sum() / B
        per[f"b{i}.sasa.o"] = D * r[f"b{i}.sasa.y"].sum() / B
        ds = r[f"b{i}.dwc.s"].reshape(B * T, g, g, D).transpose(0, 3, 1, 2)
        per[f"b{i}.dwc"] = sum(_window_counts(ds[:, c:c + 1], 1).sum() for c in range(D)) / B
        per[f"b{i}.mlp.fc1"] = Hd * r[f"b{i}.mlp.s"].sum() / B
        per[f"b{i}.mlp.fc2"] = D * r[f"b{i}.mlp.h"].sum() / B
    per["head.count"] = r["head.s"].sum() / B
    macs_snn = {"tok.conv1": img * img * cfg.stem_ch * 9 * cfg.in_ch, "head.fc": D * cfg.n_classes}
    sop = float(sum(per.values()))
    mac_snn = float(sum(macs_snn.values()))
    ann = {"tok.conv1": img * img * cfg.stem_ch * 9 * cfg.in_ch, "tok.conv2": N * D * cfg.stem_ch * 9,
           "sasa.qkv_o": cfg.L * 3 * N * D * D, "dwc": cfg.L * N * D * 9, "mlp": cfg.L * 2 * N * D * Hd,
           "head.fc": D * cfg.n_classes}
    ann_macs = float(sum(ann.values()))
    dot_attn = cfg.L * 2 * N * N * D
    e_snn = sop * E_AC_PJ + mac_snn * E_MAC_PJ
    e_ann = ann_macs * E_MAC_PJ
    return {"images": B, "T": T, "sops_per_image": round(sop, 1),
            "sops_per_layer": {k: round(float(v), 1) for k, v in per.items()},
            "snn_macs_per_image": mac_snn, "snn_macs_per_layer": macs_snn,
            "ann_macs_per_image": ann_macs, "ann_macs_per_layer": ann,
            "ann_macs_with_dot_product_attention": ann_macs + dot_attn,
            "energy_pj": {"ac": E_AC_PJ, "mac": E_MAC_PJ, "source": "45 nm, Horowitz ISSCC 2014"},
            "snn_energy_nj_per_image": round(e_snn / 1e3, 3), "ann_energy_nj_per_image": round(e_ann / 1e3, 3),
            "ann_over_snn_energy": round(e_ann / e_snn, 2),
            "sasa_sops_per_image": round(float(sum(v for k, v in per.items() if ".sasa." in k)), 1)}


def throughput(art, images: int) -> dict[str, Any]:
    from saformer.contract.cycles import cycle_formula
    from saformer.golden import reference as ref
    from saformer.golden.data import load_digits

    cfg = art.cfg
    x = load_digits().x_test
    x = x[:images] if images else x
    r = ref.forward(x, art.params, cfg)
    per_img = np.zeros(len(x))
    for i in range(cfg.L):
        s, y = r[f"b{i}.sasa.s"], r[f"b{i}.sasa.y"]
        per_img += [cycle_formula(cfg, s[j], y[j]) for j in range(len(x))]
    m = float(per_img.mean())
    return {"images": len(x), "sasa_blocks": cfg.L, "P": cfg.lanes, "clock_mhz": CLOCK_MHZ,
            "cycles_per_image_mean": round(m, 1), "cycles_per_image_min": int(per_img.min()),
            "cycles_per_image_max": int(per_img.max()),
            "images_per_s": round(CLOCK_MHZ * 1e6 / m, 1),
            "source": "exact cycle formula on the integer reference's SASA spikes (== RTL cycles_active); "
                      "SASA blocks only, phases not overlapped, no host transfer"}


def network_part(art, sim_images: int, model_images: int, bulk_images: int) -> dict[str, Any]:
    from saformer.net_bench import network_figures

    return network_figures(art, sim_images, model_images, sops(art, model_images), CLOCK_MHZ, E_AC_PJ, E_MAC_PJ,
                           bulk_images)


def backends_part(art, tiny: bool) -> dict[str, Any]:
    """images/s of predict()'s three backends side by side (saformer/predict.py: backend_speed)."""
    from saformer.predict import backend_speed

    return backend_speed(art, {"golden": 16 if tiny else 360, "hls": 16 if tiny else 360, "rtl": 4 if tiny else 16})


def cifar_part(tiny: bool) -> dict[str, Any]:
    """The CIFAR-10 configurations' modelled figures (saformer/cifar_bench.py)."""
    from saformer.cifar_bench import cifar_figures

    return cifar_figures(tiny)


# ------------------------------------------------------------------------------ driver
def run_bench(tiny: bool, build: Path, out: Path) -> dict[str, Any]:
    from tqdm import tqdm

    from saformer.contract.fsutil import write_json_atomic

    art = trained_artifact(build)
    if tiny:
        # the default P only: its Verilator build is the cached one (each other P is a build of minutes)
        dens, lanes, n_sweep, rtl_dens, rtl_n, rtl_lanes, speed_n, gold_n, reps, n_img = (
            [0.1, 0.4], [4, 8], 2, [0.2], 1, [art.cfg.lanes], 2, 16, 1, 16)
    else:
        dens, lanes, n_sweep, rtl_dens, rtl_n, rtl_lanes, speed_n, gold_n, reps, n_img = (
            [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9], [1, 2, 4, 8, 16, 32], 32, [0.05, 0.2, 0.5], 4,
            sorted({1, art.cfg.lanes, 32}), 32, 0, 3, 0)
    rep: dict[str, Any] = {"tiny": tiny, "config_hash": art.cfg.hash(), "artifact": str(art.path)}
    # mean SASA latency per real test image (saformer.contract.cycles: exact, == the RTL's cycles_total in
    # every regression run with no stalls), default config P = lanes of the artifact
    from saformer.contract.cycles import active_formulas, cycle_formulas

    real = art.vectors["real"]
    rep["sasa_cycles_per_real_image"] = round(float(cycle_formulas(art.cfg, real["s"], real["y"]).mean()), 2)
    rep["sasa_active_cycles_per_real_image"] = round(float(active_formulas(art.cfg, real["s"], real["y"]).mean()), 2)
    rep["sasa_cycles_per_real_image_lanes"] = art.cfg.lanes
    parts = [
        ("engine_efficiency", lambda: None),
        ("simulation_speed", lambda: sim_speed(art, speed_n)),
        ("golden_speed", lambda: golden_speed(gold_n, reps)),
        ("throughput", lambda: throughput(art, n_img)),
        ("sops_energy", lambda: sops(art, n_img)),
        ("network", lambda: network_part(art, 6 if tiny else 24, n_img, 24 if tiny else 360)),
        ("backends", lambda: backends_part(art, tiny)),
        ("cifar", lambda: cifar_part(tiny)),
    ]
    secs = {}
    for name, fn in tqdm(parts, desc="bench", unit="part", disable=None):
        t0 = time.perf_counter()
        if name == "engine_efficiency":
            rows = efficiency_sweep(art, dens, lanes, n_sweep)
            rrows, rsim = rtl_points(art, rtl_dens, rtl_n, rtl_lanes)
            checked = check_measured_vs_formula(rrows + rows)
            rep[name] = {
                "lower_bound": "active input spikes nnz(S) x output channels D / P (ratio = cycles / bound); "
                               "ratio_s_plus_y uses (nnz(S) + nnz(Y)) x D / P, counting the Wo pass too",
                "cycles": "formula rows (measured false): saformer.contract.cycles cycle_formula (latency, "
                          "exact); rtl rows (measured true): cycles_total (no stalls) in Verilator this run, the "
                          "default config with lanes replaced; each has a formula row on the same images and P "
                          "('rtl set: ...')",
                "measured_lanes": rsim["lanes"], "measured_sim_cycles": rsim["sim_cycles"],
                "measured_rows_equal_formula": checked,
                "rows": rrows + rows}
        elif name in ("network", "cifar"):
            rep.update(fn())
        else:
            rep[name] = fn()
        secs[name] = round(time.perf_counter() - t0, 2)
    rep["seconds"] = secs
    write_json_atomic(out, rep)
    return rep


def print_summary(rep: dict[str, Any]) -> None:
    e = rep["engine_efficiency"]["rows"]
    print("engine efficiency (cycles / lower bound nnz(S)*D/P):")
    print(f"  {'source':30s} {'inputs':30s} {'P':>3} {'cycles':>8} {'bound':>8} {'ratio':>7} {'ratio S+Y':>9}")
    for r in e:
        print(f"  {r['source'][:30]:30s} {r['inputs'][:30]:30s} {r['P']:>3} {r['cycles_mean']:>8} "
              f"{r['lower_bound_mean']:>8} {r['ratio']:>7} {r['ratio_s_plus_y']:>9}")
    print(f"  measured == formula on {rep['engine_efficiency']['measured_rows_equal_formula']} RTL rows "
          f"(P = {rep['engine_efficiency']['measured_lanes']})")
    s = rep["simulation_speed"]
    print(f"simulation: Verilator {s['verilator']['cycles_per_s']:.0f} cycles/s, Icarus "
          f"{s['icarus']['cycles_per_s']:.0f} cycles/s, ratio {s['verilator_over_icarus']}")
    if "network_sim_speed" in rep:
        ns = rep["network_sim_speed"]
        print(f"network simulation (whole accelerator): cocotb per-cycle {rep['sim_cycles_per_s_cocotb']:.0f} "
              f"cycles/s, bulk {rep['sim_cycles_per_s_bulk']:.0f} cycles/s (x{ns['bulk_over_cocotb']}; per CPU "
              f"second {ns['cocotb']['cycles_per_cpu_s']} vs {ns['bulk']['cycles_per_cpu_s']})")
    if "network_interval_cycles_model" in rep:
        n = rep["network"]
        print(f"network schedule (no stalls, {n['images_simulated']} images): interval measured "
              f"{rep['network_interval_cycles']} model {rep['network_interval_cycles_model']}, latency measured "
              f"{rep['network_latency_cycles']} model {rep['network_latency_cycles_model']} cycles; measured == "
              f"model on {n['schedule_equal_images']} images")
    g = rep["golden_speed"]
    print(f"golden: numpy reference {g['numpy_reference_images_per_s']} images/s, Brevitas "
          f"{g['brevitas_eval_images_per_s']} images/s, ratio {g['reference_over_brevitas']}")
    t = rep["throughput"]
    print(f"throughput: {t['cycles_per_image_mean']} cycles/image -> {t['images_per_s']} images/s at 100 MHz "
          f"({t['sasa_blocks']} SASA block(s), P={t['P']})")
    o = rep["sops_energy"]
    print(f"SOPs/image {o['sops_per_image']:.0f} (+{o['snn_macs_per_image']:.0f} MAC), ANN MACs/image "
          f"{o['ann_macs_per_image']:.0f}; energy SNN {o['snn_energy_nj_per_image']} nJ vs ANN "
          f"{o['ann_energy_nj_per_image']} nJ (x{o['ann_over_snn_energy']})")
    if "cifar" in rep:
        from saformer.cifar_bench import format_cifar

        print(format_cifar(rep))
    bk = rep.get("backends", {})
    print("predict() backends: " + ", ".join(f"{b} {bk[b]['images_per_s']} images/s" for b in ("golden", "hls", "rtl")
                                             if b in bk))


def cli_bench(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="saformer bench", description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", action="store_true", help="tiny setting for tests (figures mean nothing)")
    ap.add_argument("--build", type=Path, default=None,
                    help="where the artifact is (or is exported); default <build dir>")
    ap.add_argument("--out", type=Path, default=None, help="bench JSON (default <build>/report/bench.json)")
    a = ap.parse_args(argv)
    a.build = a.build or build_dir()
    out = (a.out or a.build / "report" / "bench.json").resolve()
    t0 = time.perf_counter()
    rep = run_bench(a.tiny, a.build.resolve(), out)  # SaformerError (e.g. measured != formula): saformer/cli.py
    print_summary(rep)
    print(f"wrote {out} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(cli_bench(sys.argv[1:]))
