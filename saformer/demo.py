# SPDX-License-Identifier: Apache-2.0
"""`make demo` / `saformer demo`: the main job in one command, with a report people want to read.

Steps (each prints what it did and how long it took):
 1. model    load the shipped checkpoint (or train one with --train / TRAIN=1)
 2. golden   Brevitas eval forward vs the numpy integer reference on the test split, accuracy -> golden.json
 3. export   the artifact (build/artifact) with the SASA input spikes of the first test images ('real' set)
 4. generate the Verilog engine (hw.generate) and the HLS engine (hls.generate) of the default config
 5. rtl      the 'real' vectors through the RTL in Verilator (cocotb testbench, sim.verify) -> rtl.json
 6. hls      the same vectors through the HLS C-simulation (g++) -> hls.json
 7. network  the whole accelerator, image in, class out: every test image through the network RTL (net_engine in
             Verilator, every module boundary compared), hardware accuracy beside golden, per-module cycles
             measured == model -> network.json
 8. synth    Yosys resource estimate for the board (hw.synth, hw.boards) -> synth.json
 9. report   plots (PNG) and report.md, demo.json, the summary table

Every level after the float -> integer step is compared with `==` on integers; the demo exits 1 with the
first mismatch of each failing level shown. `--corrupt golden|rtl|hls|network` corrupts one value of that
level's comparison (logit [0, 0] of the reference record that Brevitas is compared with, in memory; one expected
word in memory for the RTL scoreboard; one in expected.txt for the C-sim; one weight word of the network's weight
stream, so the hardware differs from the reference it is compared with) to show that it does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir, package_root

REPO = package_root()
CLOCK_MHZ = 100.0
CONFIG = "default"
EXPORT_IMAGES = 128  # test images in the artifact's 'real' vector set (as `saformer export`)


@dataclass
class Step:
    name: str
    what: str
    seconds: float = 0.0
    detail: str = ""


@dataclass
class Demo:
    """State shared by the steps of one demo run (no globals)."""

    build: Path
    out: Path
    images: int
    golden_images: int
    synth: bool
    train: bool
    ckpt: Path
    board: str
    stall: str
    corrupt: str | None
    net_images: int = 0  # test images through the whole-network RTL (0 = all)
    steps: list[Step] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------ small helpers
def write_json(path: Path, obj: Any) -> Path:
    from saformer.contract.fsutil import write_json_atomic

    return write_json_atomic(path, obj)


def _save_fig(fig, path: Path) -> Path:
    from saformer.contract.fsutil import save_figure

    return save_figure(fig, path)


def _write_text(path: Path, text: str) -> Path:
    from saformer.contract.fsutil import write_atomic

    return write_atomic(path, text)


# ------------------------------------------------------------------------------ the steps
def step_model(d: Demo) -> str:
    from saformer.contract.config import DEFAULT
    from saformer.golden.train import TrainOptions, load_checkpoint, save_checkpoint, train

    if d.train:
        res = train(DEFAULT, TrainOptions())
        d.ckpt = save_checkpoint(d.build / "model" / "saformer_digits.pt", res)
    qm, meta = load_checkpoint(d.ckpt, expect=DEFAULT)
    d.data["qm"] = qm
    d.data["ckpt_meta"] = {k: meta.get(k) for k in ("accuracy_quantized", "accuracy_float", "test_images")}
    how = "trained" if d.train else "loaded"
    return (f"{how} {d.ckpt.relative_to(REPO) if d.ckpt.is_relative_to(REPO) else d.ckpt} "
            f"(checkpoint: quantized {meta.get('accuracy_quantized', float('nan')):.4f}, "
            f"float {meta.get('accuracy_float', float('nan')):.4f})")


@contextlib.contextmanager
def _corrupt_golden_reference() -> Iterator[None]:
    """The --corrupt golden hook: the integer reference's record that golden.report compares Brevitas with
    gets logit [0, 0] (image 0, class 0) off by one, in memory and for that comparison only (accuracy and
    the later levels use the uncorrupted record)."""
    import saformer.golden.report as gr

    orig = gr.compare_records

    def corrupted(brev: dict[str, np.ndarray], refr: dict[str, np.ndarray]) -> dict[str, Any]:
        logits = np.array(refr["logits"], copy=True)
        logits[0, 0] += 1
        return orig(brev, {**refr, "logits": logits})

    gr.compare_records = corrupted
    try:
        yield
    finally:
        gr.compare_records = orig


def step_golden(d: Demo) -> str:
    from saformer.golden.report import golden_report, plot_rates

    ctx = _corrupt_golden_reference() if d.corrupt == "golden" else contextlib.nullcontext()
    with ctx:
        rep = golden_report(d.ckpt, d.golden_images)
    if d.corrupt == "golden":
        rep["corrupted_by_demo"] = "--corrupt golden: reference logits[0, 0] + 1 in the comparison"
    out = write_json(d.out / "golden.json", rep)
    plot_rates(rep, out.with_name("golden_firing.png"))
    d.data["golden"] = rep
    fm = rep["first_mismatch"]
    d.data["levels"] = {"brevitas_vs_reference": {
        "what": "every record (spikes, counts, logits) of the whole network, per test image",
        "vectors": rep["test_images"], "mismatches": rep["mismatching_values"],
        "first_mismatch": None if fm is None else
        f"'{fm['key']}' index {fm['index']}: Brevitas {fm['brevitas']}, reference {fm['reference']}"}}
    if rep["constant_A"]:
        d.data.setdefault("failures", []).append(f"golden: constant SASA mask A {rep['constant_A']}")
    return (f"{rep['test_images']} test images: quantized accuracy {rep['accuracy_quantized']:.4f} "
            f"(float twin {rep['accuracy_float']:.4f}); Brevitas vs reference: "
            f"{rep['mismatching_values']} mismatching values")


def step_export(d: Demo) -> str:
    from saformer.contract.artifact import load_artifact
    from saformer.golden.data import load_digits
    from saformer.golden.export import export_model

    x = load_digits().x_test
    if d.images > len(x):
        raise SaformerError(f"demo: --images {d.images} is more than the {len(x)} test images")
    px = x[:max(d.images, EXPORT_IMAGES)]  # the standard 'real' set; the simulations use the first d.images
    path = export_model(d.data["qm"], d.build / "artifact", px,
                        meta={"checkpoint": str(d.ckpt), "real_images": len(px), "by": "saformer demo",
                              **{k: v for k, v in d.data["ckpt_meta"].items() if v is not None}})
    art = load_artifact(path)
    d.data["artifact"] = art
    from saformer.golden import reference as ref
    from saformer.golden.export import int_params

    data = load_digits()
    logits = ref.forward(data.x_test[:1], int_params(d.data["qm"])[0], art.cfg)["logits"]
    d.data["raster_image"] = {"index": 0, "pixels": data.x_test[0], "label": int(data.y_test[0]),
                              "predicted": int(ref.predict(logits)[0])}
    sets = ", ".join(f"{k} ({v['s'].shape[0]})" for k, v in sorted(art.vectors.items()))
    return f"{path} (config hash {art.cfg.hash()[:12]}), vector sets: {sets}"


def _subset_artifact(art, n: int):
    from saformer.contract.artifact import Artifact

    real = {k: v[:n] if k in ("s", "q", "k", "y", "a", "A", "inc") else v for k, v in art.vectors["real"].items()}
    return Artifact(art.path, art.cfg, art.params, {"real": real}, art.manifest)


def step_generate(d: Demo) -> str:
    from saformer.hls.generate import generate as hls_generate
    from saformer.hw.generate import generate as rtl_generate
    from saformer.hw.generate import sources

    art = d.data["artifact"]
    gen = rtl_generate(art.cfg, d.build / "rtl", CONFIG)
    d.data["rtl_sources"] = sources(gen)
    hls_dir = hls_generate(_subset_artifact(art, d.images), d.build / "hls" / f"demo-{CONFIG}", CONFIG)
    d.data["hls_dir"] = hls_dir
    n_hls = len([p for p in hls_dir.iterdir() if p.is_file()])
    return (f"Verilog: {len(d.data['rtl_sources'])} files ({gen}); HLS: {n_hls} files + vectors ({hls_dir})")


@contextlib.contextmanager
def _corrupt_rtl_expected() -> Iterator[None]:
    """The --corrupt rtl hook: the RTL scoreboard's expected increments of real[0] (recomputed by the
    integer reference in sim.runner.expected_increments) get one word off by one, in memory only."""
    import saformer.sim.runner as sr

    orig = sr.expected_increments

    def corrupted(art: Any, sname: str, idx: list[int]):
        inc = orig(art, sname, idx).copy()
        if sname == "real" and 0 in list(idx):
            k = list(idx).index(0)
            inc[k, 0, 0, 0] += 1 if inc[k, 0, 0, 0] < 0 else -1
        return inc

    sr.expected_increments = corrupted
    try:
        yield
    finally:
        sr.expected_increments = orig


def step_rtl(d: Demo) -> str:
    from saformer.sim.verify import verify_config

    art = d.data["artifact"]
    ctx = _corrupt_rtl_expected() if d.corrupt == "rtl" else contextlib.nullcontext()
    workdir = d.build / "sim-runs" / f"rtl-{d.corrupt or 'ok'}"
    try:
        with ctx:
            # the case files go under the demo's own build folder; only the hash-keyed simulator build is shared.
            # Coverage is reported, not required: real test images cannot reach the regression's worst-case bins
            # (`make verify` requires them, on its worst-case vector sets).
            rec = verify_config(CONFIG, {"real": d.images}, (d.stall,), artifact=art.path, workdir=workdir,
                                require_coverage=False)
    except BaseException:  # Ctrl-C or an error mid-run: no half-written run folder is left behind
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    write_json(d.out / "rtl.json", rec)
    d.data["rtl"] = rec
    cyc = [v["cycles_measured"][d.stall] for v in rec["per_vector"].values()]
    form = [v["cycles_formula"] for v in rec["per_vector"].values()]
    d.data["levels"]["reference_vs_rtl"] = {
        "what": f"SASA increments, every output word (Verilator, stall '{d.stall}')",
        "vectors": rec["vectors"], "mismatches": rec["mismatches"], "first_mismatch": rec["first_mismatch"],
        "cycles_match_formula": rec["cycles_match_formula"], "rerun": rec["rerun"], "waveform": rec["waveform"]}
    d.data["coverage"] = coverage_summary(rec["coverage"])
    if not rec["cycles_match_formula"]:
        d.data.setdefault("failures", []).append(f"rtl: cycles differ from the formula: {rec['cycle_errors'][:3]}")
    if not rec["lint"]["clean"]:
        d.data.setdefault("failures", []).append(f"rtl: lint not clean: {rec['lint']['messages'][:3]}")
    ok = sum(int(a == b) for a, b in zip(cyc, form))
    cov = d.data["coverage"]
    return (f"{rec['vectors']} images: {rec['mismatches']} mismatching words; cycles == formula for {ok}/{len(cyc)}; "
            f"lint {'clean' if rec['lint']['clean'] else 'DIRTY'}; coverage {cov['hit']}/{cov['required']} bins "
            f"(reported, not required); {rec['sim_cycles_per_s']:.0f} simulated cycles/s")


def coverage_summary(cov: dict[str, Any]) -> dict[str, Any]:
    """The demo's view of an RTL coverage record: bins hit of the regression's required ones, which were
    missed, and why that is not a failure here."""
    return {"required": len(cov["required"]), "hit": len(cov["required"]) - len(cov["missed"]),
            "missed": list(cov["missed"]), "counts_toward_verdict": False,
            "note": ("reported, not required: the demo runs real test images, which cannot reach every worst-case "
                     "bin; `make verify` requires all of them on its worst-case vector sets")}


def _corrupt_hls_expected(vdir: Path) -> None:
    """The --corrupt hls hook: flip bit 0 of the first expected beat (lane 0 = channel 0 of t=0, n=0)."""
    f = vdir / "expected.txt"
    lines = f.read_text().splitlines()
    i = next(i for i, ln in enumerate(lines) if ln.startswith("beats ")) + 1
    word, last = lines[i].split()
    lines[i] = f"{int(word, 16) ^ 1:0{len(word)}x} {last}"
    f.write_text("\n".join(lines) + "\n")


def step_hls(d: Demo) -> str:
    from filelock import FileLock

    from saformer.hls.csim import compile_csim, run_set

    folder = d.data["hls_dir"]
    with FileLock(str(folder) + ".lock"):
        binary, secs = compile_csim(folder)
    vdir = folder / "vectors" / "real"
    if d.corrupt == "hls":
        _corrupt_hls_expected(vdir)
    r = run_set(binary, vdir, actual=folder / "actual-real.txt")
    if r.mismatches < 0:
        raise SaformerError(f"{vdir}: the C-simulation gave no RESULT line:\n{r.output[-2000:]}")
    mism = r.mismatches + int(r.returncode != 0 and r.mismatches == 0)
    rec = {"folder": str(folder), "vectors": r.vectors, "beats": r.beats, "expected_beats": r.expected_beats,
           "mismatches": mism, "first_mismatch": r.first_mismatch or None, "returncode": r.returncode,
           "status": r.status, "compile_s": round(secs, 2), "run_s": round(r.seconds, 3)}
    write_json(d.out / "hls.json", rec)
    d.data["hls"] = rec
    d.data["levels"]["reference_vs_hls"] = {
        "what": "SASA increments, every output beat (g++ C-simulation of the generated kernel)",
        "vectors": r.vectors, "mismatches": mism, "first_mismatch": rec["first_mismatch"]}
    return (f"{r.vectors} images, {r.beats} beats: {mism} mismatches (compile {secs:.1f} s, "
            f"run {r.seconds:.2f} s)")


def step_network(d: Demo) -> str:
    """Every test image (or --net-images) through the whole accelerator's RTL: logits and class against the
    integer reference at every module boundary, hardware accuracy beside golden, per-module cycles == model."""
    from saformer.contract import cycles, layout
    from saformer.golden import reference as ref
    from saformer.sim.net_runner import ensure_net_built, network_images, run_net_case

    art = d.data["artifact"]
    cfg = art.cfg
    x, y = network_images(art, d.net_images or None)
    patch = None
    if d.corrupt == "network":  # conv2's first weight off by one in the weight stream: hardware != reference
        hi = next(sg.hi for sg in layout.network_segments(cfg) if sg.key == "conv2.w")
        old = int(np.asarray(art.params["conv2.w"]).reshape(-1)[0])
        patch = {layout.HEADER_WORDS + layout.network_offsets(cfg)["conv2.w"][1]: old + 1 if old < hi else old - 1}
    workdir = d.build / "sim-runs" / f"network-{d.corrupt or 'ok'}"
    if workdir.exists():
        shutil.rmtree(workdir)  # the demo's own run folder (written by this step only)
    try:
        build = ensure_net_built(CONFIG, cfg)
        res = run_net_case(build, art, x, y, (d.stall,), seed=5, workdir=workdir, patch=patch,
                           waves_on_fail=False)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    r = res.runs[d.stall]
    rec = ref.forward(x, art.params, cfg)
    golden = ref.predict(rec["logits"])
    hw = np.asarray(r["classes_hw"])
    lab = np.asarray(y)
    lb = cycles.network_lower_bounds(cfg, rec)
    mods = {}
    for m, c in r["cycles"].items():
        meas = np.asarray([v if v is not None else -1 for v in c["measured"]], dtype=np.int64)
        mods[m] = {"measured_mean": float(meas.mean()) if meas.size else None,
                   "formula_mean": float(np.mean(c["formula"])), "lower_bound_mean": float(lb[m].mean()),
                   "measured_equals_formula": bool(c["measured"] == c["formula"])}
    ends, starts = r["ends"], r["starts"]
    interval = float(np.mean(np.diff(ends[len(ends) // 2:]))) if len(ends) > 3 else None
    mism_imgs = sorted(set(r["mismatching_images"]) | {i for i in range(len(x)) if hw[i] != golden[i]})
    sch = cycles.network_schedule(cfg, rec)  # the stall-free schedule model of these images
    out = {"config": CONFIG, "images": len(x), "stall": d.stall,
           "mismatching_images": len(mism_imgs), "mismatching_values": r["mismatching_values"],
           "output_mismatching_images": r["output_mismatching_images"],
           "first_mismatch": r["first_mismatch"] or r["output_first"],
           "accuracy_hw": float((hw == lab).mean()), "accuracy_golden": float((golden == lab).mean()),
           "cycles_match_formula": not r["cycle_errors"], "cycle_errors": r["cycle_errors"][:3],
           "interval_measured_cycles": interval, "latency_measured_cycles": int(ends[0] - starts[0]) if ends else None,
           "interval_model_cycles": cycles.steady_interval(sch["end"]), "latency_model_cycles": sch["latency"][0],
           "modules": mods,
           "rerun": res.rerun, "corrupted_by_demo": d.corrupt == "network"}
    write_json(d.out / "network.json", out)
    d.data["network"] = out
    d.data["levels"]["reference_vs_network_rtl"] = {
        "what": "the whole accelerator: logits + class, every module boundary (Verilator)",
        "vectors": len(x), "mismatches": r["mismatching_values"] + r["output_mismatching_images"],
        "first_mismatch": out["first_mismatch"], "rerun": res.rerun, "waveform": None}
    if r["cycle_errors"]:
        d.data.setdefault("failures", []).append(f"network: cycles differ from the model: {r['cycle_errors'][:2]}")
    busiest = max(mods, key=lambda m: mods[m]["formula_mean"])
    return (f"{len(x)} images: accuracy hw {100 * out['accuracy_hw']:.2f}% / golden "
            f"{100 * out['accuracy_golden']:.2f}%, {len(mism_imgs)} mismatching images; per-module cycles == "
            f"model: {out['cycles_match_formula']}; interval {interval or 0:.0f} cycles/image measured "
            f"(busiest module {busiest})")


def step_synth(d: Demo) -> str:
    from saformer.hw.boards import board
    from saformer.hw.synth import synth_report

    b = board(d.board)
    art = d.data["artifact"]
    v = art.vectors["real"]
    n = min(d.images, v["s"].shape[0])
    # hw.synth writes <out>/synth.json (cached per sources hash under <build>/synth); no P sweep here
    rep = synth_report(art.cfg, CONFIG, b, d.out, v["s"][:n], v["y"][:n], f"{art.path}:real", None,
                       root=d.build / "synth", progress=False)
    d.data["resources"] = rep
    p = rep["percent"]
    return (f"{b.name} ({b.part}): {rep['lut']} LUT ({p['lut']}%), {rep['ff']} FF ({p['ff']}%), "
            f"{rep['dsp']} DSP ({p['dsp']}%), {rep['bram36']} BRAM36; fits: {rep['fits']}")


# ------------------------------------------------------------------------------ plots
def plot_raster(art, out: Path, idx: int = 0, image: dict[str, Any] | None = None) -> Path:
    """S, Q, K, Y of one test image, with the input digit and the label the integer reference predicts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = art.vectors["real"]
    cfg = art.cfg
    T, N, D = cfg.T, cfg.N, cfg.D
    fig = plt.figure(figsize=(11, 7.5))
    gs = fig.add_gridspec(4, 2, width_ratios=[1, 4.2])
    axes = [fig.add_subplot(gs[i, 1]) for i in range(4)]
    for ax, key, title in zip(axes, ("s", "q", "k", "y"), ("S (input)", "Q", "K", "Y = Q & A")):
        x = v[key][idx].reshape(T * N, D).T  # channel x (t, n)
        ax.imshow(x, aspect="auto", cmap="Greys", interpolation="nearest", vmin=0, vmax=1)
        for t in range(1, T):
            ax.axvline(t * N - 0.5, color="tab:red", lw=0.8)
        ax.set_ylabel(f"{title}\nchannel")
        ax.set_title(f"{title}: {int(x.sum())} spikes", fontsize=9, loc="left")
        if ax is not axes[-1]:
            ax.tick_params(labelbottom=False)
    axes[-1].set_xlabel(f"token index t*N + n (red lines: timesteps, N={N})")
    dig = fig.add_subplot(gs[0:2, 0])
    if image is not None:
        px = np.asarray(image["pixels"])
        dig.imshow(px.reshape(px.shape[-2], px.shape[-1]) if px.ndim == 3 and px.shape[0] == 1
                   else np.moveaxis(px, 0, -1), cmap="Greys", interpolation="nearest")
        ok = "correct" if image["label"] == image["predicted"] else "WRONG"
        dig.set_title(f"input: test image {idx}\nlabel {image['label']}, predicted {image['predicted']} ({ok})",
                      fontsize=9)
    else:
        dig.set_title(f"input: test image {idx}", fontsize=9)
    dig.set_xticks([])
    dig.set_yticks([])
    fig.suptitle(f"Spikes through the SASA block, test image {idx}")
    fig.tight_layout()
    return _save_fig(fig, out)


def plot_attention(art, out: Path, idx: int = 0) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = art.vectors["real"]
    cfg = art.cfg
    H, hd, T = cfg.heads, cfg.head_dim, cfg.T
    theta = art.params["b0.sasa.theta_a"]
    fig, (a0, a1) = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1.6, 1]})
    a = v["a"][idx].T  # (D, T)
    im = a0.imshow(a, aspect="auto", cmap="viridis", interpolation="nearest", vmin=0, vmax=cfg.N)
    ys, xs = np.nonzero(v["A"][idx].T)
    a0.scatter(xs, ys, marker="s", s=8, facecolors="none", edgecolors="white", linewidths=0.6, label="A = 1")
    for h in range(1, H):
        a0.axhline(h * hd - 0.5, color="tab:red", lw=1)
    a0.set_xticks(range(T))
    a0.set_xlabel("timestep t")
    a0.set_ylabel("channel (heads split by red lines)")
    for h in range(H):  # name each head's band and its threshold
        a0.text(T - 0.6, h * hd + hd / 2 - 0.5, f"head {h}: A = a >= theta_a[{h}] = {int(theta[h])}",
                color="white", fontsize=8, ha="right", va="center",
                bbox={"facecolor": "black", "alpha": 0.5, "pad": 1, "lw": 0})
    a0.set_title(f"image {idx}: a[t,c] = K spikes over the {cfg.N} tokens; white squares: A = 1", fontsize=9)
    a0.legend(loc="upper left", fontsize=8, facecolor="grey", framealpha=0.8)
    fig.colorbar(im, ax=a0, label="a (K spike count)")
    A = v["A"].reshape(v["A"].shape[0], T, H, hd).mean(axis=(0, 3))  # (T, H)
    for h in range(H):
        a1.plot(range(T), A[:, h], marker="o", label=f"head {h} (theta_a={int(theta[h])})")
    a1.set_ylim(-0.05, 1.05)
    a1.set_xticks(range(T))
    a1.set_xlabel("timestep t")
    a1.set_ylabel("fraction of A = 1")
    a1.set_title(f"attention weights A per head, mean over {v['A'].shape[0]} images", fontsize=9)
    a1.legend(fontsize=8)
    fig.tight_layout()
    return _save_fig(fig, out)


def plot_cycles(art, rtl: dict[str, Any], stall: str, out: Path) -> Path:
    """Measured minus formula cycles per image (zero everywhere when the RTL keeps the documented formula),
    against the image's spike count; the formula itself is named in the title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from saformer.contract.cycles import fixed_cycles, spike_cycles

    cfg = art.cfg
    G = spike_cycles(cfg)
    v = art.vectors["real"]
    xs, diff = [], []
    for label, rec in rtl["per_vector"].items():
        i = int(label[label.index("[") + 1:-1])
        xs.append(int(v["s"][i].sum() + v["y"][i].sum()))
        m = rec["cycles_measured"][stall]
        diff.append(np.nan if m is None else int(m) - int(rec["cycles_formula"]))
    bad = int(np.count_nonzero(np.nan_to_num(np.asarray(diff, dtype=float), nan=1.0)))
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.axhline(0, color="tab:red", lw=1, label="formula (difference 0)")
    ax.scatter(xs, diff, s=14, zorder=3, label=f"RTL measured - formula ({len(xs)} test images, stall '{stall}')")
    lim = max(2, max((abs(x) for x in diff if x == x), default=0) + 1)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("spikes per image: nnz(S) + nnz(Y)")
    ax.set_ylabel("measured - formula (cycles)")
    verdict = "every image exact" if not bad else f"{bad} images differ"
    ax.set_title(f"SASA engine cycles: formula T(N(1+2G)+1) + G(nnz S + nnz Y) = {fixed_cycles(cfg)} + {G}x "
                 f"(P={cfg.lanes}, G={G})\nmeasured - formula: {verdict}", fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save_fig(fig, out)


def plot_network_cycles(net: dict[str, Any], out: Path) -> Path:
    """Per-module cycles per image of the whole accelerator (measured mean, the model, each module's own spike
    lower bound) with the measured steady-state interval: the pipeline's bottleneck is the tallest bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mods = list(net["modules"])
    m = net["modules"]
    xs = np.arange(len(mods))
    fig, ax = plt.subplots(figsize=(max(7.0, 0.45 * len(mods)), 4.2))
    ax.bar(xs - 0.2, [m[k]["measured_mean"] or 0 for k in mods], 0.4, label="measured (RTL, mean per image)")
    ax.bar(xs + 0.2, [m[k]["lower_bound_mean"] for k in mods], 0.4, color="tab:gray", alpha=0.6,
           label="own spike lower bound")
    ax.scatter(xs - 0.2, [m[k]["formula_mean"] for k in mods], marker="_", s=120, color="tab:red", zorder=3,
               label="cycle model (contract/cycles.py)")
    if net.get("interval_measured_cycles"):
        ax.axhline(net["interval_measured_cycles"], color="tab:green", lw=1, ls="--",
                   label=f"measured interval {net['interval_measured_cycles']:.0f} cycles/image")
    ax.set_xticks(xs, mods, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("active cycles per image")
    eq = "measured == model for every module and image" if net["cycles_match_formula"] else "measured != model"
    ax.set_title(f"Whole accelerator, per-module active cycles ({net['images']} test images, stall "
                 f"'{net['stall']}')\n{eq}; SASA overlaps QK(t+1) with Y(t), so its active cycles may exceed "
                 "the interval", fontsize=8)
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return _save_fig(fig, out)


EXCLUDED = "not counted: the AXI DMAs, the AXI interconnect, the interrupt controller and the PS (engine RTL only)"


def plot_resources(res: dict[str, Any], out: Path) -> Path:
    """Percent of the board per resource; the LUT bar is stacked (logic + LUT-RAM/SRL inside the LUT total)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bd = res["board"]
    lut_mem = res["lut_mem"] + res["lut_srl"]
    rows = [("LUT", [("logic", res["lut_logic"], "tab:blue"), ("LUT-RAM + SRL", lut_mem, "tab:cyan")], bd["lut"]),
            ("FF", [("FF", res["ff"], "tab:green")], bd["ff"]),
            ("BRAM36", [("BRAM36", res["bram36"], "tab:orange")], bd["bram36"]),
            ("DSP48", [("DSP48", res["dsp"], "tab:purple")], bd["dsp"])]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    for y, (name, parts, cap) in enumerate(rows):
        left = 0.0
        for label, n, color in parts:
            w = 100.0 * n / cap
            ax.barh(y, w, left=left, color=color, label=label if name == "LUT" else None)
            left += w
        total = sum(n for _, n, _ in parts)
        ax.text(left + 1, y, f"{total:g} / {cap} ({100.0 * total / cap:.1f}%)", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel(f"% of {bd['part']} ({bd['name']}); LUT-RAM is part of the LUT total")
    ax.set_title(f"SASA engine ({res['config']['name']}) against the board (Yosys estimate)", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.text(0.01, 0.01, EXCLUDED, fontsize=7, style="italic")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return _save_fig(fig, out)


# ------------------------------------------------------------------------------ summary
def summarize(d: Demo) -> dict[str, Any]:
    art = d.data["artifact"]
    cfg = art.cfg
    g = d.data["golden"]
    rtl = d.data.get("rtl")
    cyc = [r["cycles_measured"][d.stall] for r in rtl["per_vector"].values()] if rtl else []
    mean_cyc = float(np.mean(cyc)) if cyc else None
    summ: dict[str, Any] = {
        "config": CONFIG, "config_hash": cfg.hash(), "clock_mhz": CLOCK_MHZ,
        "accuracy_quantized": g["accuracy_quantized"], "accuracy_float": g["accuracy_float"],
        "test_images": g["test_images"], "levels": d.data["levels"],
        "cycles_per_image": None if not cyc else {"mean": mean_cyc, "min": int(min(cyc)), "max": int(max(cyc)),
                                                  "source": f"RTL cycles_active, {len(cyc)} test images"},
        "sasa_blocks": cfg.L,
        "images_per_s_at_100mhz": None if not cyc else CLOCK_MHZ * 1e6 / (mean_cyc * cfg.L),
        "resources": None if "resources" not in d.data else
        {**{k: d.data["resources"][k] for k in ("lut", "ff", "dsp", "bram36", "percent", "fits", "tool")},
         "board": d.data["resources"]["board"]["name"], "part": d.data["resources"]["board"]["part"]},
        "steps": [{"name": s.name, "what": s.what, "seconds": round(s.seconds, 2), "detail": s.detail}
                  for s in d.steps],
        "failures": d.data.get("failures", []),
        "rtl_coverage": d.data.get("coverage"),
        "network": None if "network" not in d.data else
        {k: d.data["network"][k] for k in ("images", "accuracy_hw", "accuracy_golden", "mismatching_images",
                                            "cycles_match_formula", "interval_measured_cycles",
                                            "latency_measured_cycles", "interval_model_cycles")},
    }
    return summ


def table(summ: dict[str, Any]) -> list[str]:
    rows = [(f"accuracy (quantized / float, {summ['test_images']} test images)",
             f"{100 * summ['accuracy_quantized']:.2f}% / {100 * summ['accuracy_float']:.2f}%")]
    net = summ.get("network")
    if net:
        rows.append((f"accuracy, whole accelerator RTL / golden ({net['images']} test images)",
                     f"{100 * net['accuracy_hw']:.2f}% / {100 * net['accuracy_golden']:.2f}%"))
        if net["interval_measured_cycles"]:
            rows.append(("network interval, measured (model)",
                         f"{net['interval_measured_cycles']:.0f} ({net['interval_model_cycles']:.1f}) cycles/image = "
                         f"{summ['clock_mhz'] * 1e6 / net['interval_measured_cycles']:.0f} images/s at "
                         f"{summ['clock_mhz']:.0f} MHz"))
    names = {"brevitas_vs_reference": "Brevitas vs integer reference",
             "reference_vs_network_rtl": "reference vs whole accelerator RTL",
             "reference_vs_rtl": "reference vs RTL (Verilator)", "reference_vs_hls": "reference vs HLS C-sim"}
    for k, lv in summ["levels"].items():
        unit = "images" if k in ("brevitas_vs_reference", "reference_vs_network_rtl") else "SASA vectors"
        rows.append((names.get(k, k), f"{lv['vectors']} {unit}, {lv['mismatches']} mismatches"))
    c = summ["cycles_per_image"]
    if c:
        rows.append(("cycles per image (SASA block, RTL)", f"{c['mean']:.0f} mean ({c['min']}..{c['max']})"))
        rows.append(("modelled images/s at 100 MHz", f"{summ['images_per_s_at_100mhz']:.0f}"))
    cov = summ.get("rtl_coverage")
    if cov:
        rows.append(("RTL coverage bins (reported, not the verdict)",
                     f"{cov['hit']}/{cov['required']} hit" + (f"; missed {', '.join(cov['missed'])}"
                                                              if cov["missed"] else "")))
    r = summ["resources"]
    if r:
        p = r["percent"]
        rows.append((f"resources ({r['board']}, {r['part'][:7]}, Yosys)",
                     f"{r['lut']} LUT ({p['lut']:.1f}%), {r['ff']} FF ({p['ff']:.1f}%), "
                     f"{r['dsp']} DSP ({p['dsp']:.1f}%)"))
    w = max(len(a) for a, _ in rows)
    return [f"{a:<{w}}  {b}" for a, b in rows]


def report_md(summ: dict[str, Any], plots: dict[str, Path], d: Demo) -> str:
    L = ["# SAFormer demo report", "",
         (f"Generated by `saformer demo` (`make demo`) on config `{summ['config']}` "
          f"(hash `{summ['config_hash'][:12]}`). Every comparison after the float -> integer step is exact "
          "integer equality."), "", "## Summary", "",
         "| | |", "|---|---|"]
    L += [f"| {ln.split('  ', 1)[0].strip()} | {ln.split('  ', 1)[1].strip()} |" for ln in table(summ)]
    L += ["", "## Levels", "", "| level | what | vectors | mismatches | first mismatch |", "|---|---|---|---|---|"]
    for k, lv in summ["levels"].items():
        L.append(f"| {k} | {lv['what']} | {lv['vectors']} | {lv['mismatches']} | {lv['first_mismatch'] or '-'} |")
    cov = summ.get("rtl_coverage")
    if cov:
        L += ["", "## RTL coverage (reported, not part of the verdict)", "",
              f"{cov['hit']} of the regression's {cov['required']} required coverage bins were hit by this run"
              + (f"; missed: {', '.join(f'`{m}`' for m in cov['missed'])}" if cov["missed"] else "") + ". "
              + cov["note"][0].upper() + cov["note"][1:] + " (`rtl.json`: `coverage`, `coverage_required`: false)."]
    L += ["", "## Steps", "", "| step | what | seconds | result |", "|---|---|---|---|"]
    L += [f"| {s['name']} | {s['what']} | {s['seconds']:.1f} | {s['detail']} |" for s in summ["steps"]]
    cap = {"raster": "Spike raster of one test image through the SASA block (S, Q, K, Y), with the input digit and "
                     "the predicted label.",
           "attention": "Attention weights A per head over timesteps, with each head's threshold theta_a.",
           "cycles": "Measured minus formula cycles per image (zero everywhere: the exact cycle formula, "
                     "docs/architecture.md).",
           "network": "Whole accelerator: per-module cycles per image, measured vs model vs each module's own "
                      "spike lower bound, and the measured steady-state interval.",
           "resources": f"Resources against the board's capacity ({EXCLUDED}).",
           "firing": "Firing rates of every spiking layer on the test split (golden step)."}
    L += ["", "## Plots", ""]
    for k, p in plots.items():
        L += [f"### {cap[k]}", "", f"![{k}]({p.name})", ""]
    if summ["failures"]:
        L += ["## FAILURES", ""] + [f"- {f}" for f in summ["failures"]] + [""]
    L += ["JSON: " + ", ".join(f"`{p}`" for p in ("demo.json", "golden.json", "rtl.json", "hls.json", "network.json",
                                                  "synth.json")
                               if (d.out / p).is_file()), ""]
    return "\n".join(L)


# ------------------------------------------------------------------------------ driver
def step_line(i: int, n: int, name: str, seconds: float, detail: str) -> str:
    """One progress line, the same for every step: `[i/n] name  seconds  detail` (n counts the report)."""
    return f"[{i}/{n}] {name:8s} {seconds:6.1f} s  {detail}"


def run_demo(d: Demo) -> int:
    """Run the plan; every output goes to a staging folder inside `d.out` and is moved into place only when the
    report is complete, so an interruption (Ctrl-C) or an error leaves no half-written report."""
    final = d.out
    final.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".demo-tmp-", dir=final))
    d.out = stage
    try:
        rc = _run_plan(d, final)
        for f in sorted(stage.iterdir()):
            os.replace(f, final / f.name)
        return rc
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        d.out = final


def _run_plan(d: Demo, final: Path) -> int:
    from tqdm import tqdm

    plan: list[tuple[str, str, Callable[[Demo], str]]] = [
        ("model", "train a model (TRAIN=1)" if d.train else "load the shipped checkpoint", step_model),
        ("golden", "Brevitas vs integer reference on the test split, accuracy", step_golden),
        ("export", "export the artifact", step_export),
        ("generate", "generate the Verilog and HLS engines", step_generate),
        ("rtl", f"{d.images} test images' SASA block through the RTL (Verilator)", step_rtl),
        ("hls", f"{d.images} test images' SASA block through the HLS C-simulation", step_hls),
        ("network", f"{d.net_images or 'all'} test images through the whole accelerator's RTL: image in, class out",
         step_network),
    ]
    if d.synth:
        plan.append(("synth", f"Yosys resource estimate for {d.board}", step_synth))
    n = len(plan) + 1  # the report is the last step
    t_all = time.perf_counter()
    bar = tqdm(plan, desc="demo", unit="step", leave=False, disable=None)  # no bar when not a terminal
    for i, (name, what, fn) in enumerate(bar, 1):
        bar.set_postfix_str(name)
        t0 = time.perf_counter()
        detail = fn(d)
        st = Step(name, what, time.perf_counter() - t0, detail)
        d.steps.append(st)
        tqdm.write(step_line(i, n, name, st.seconds, detail))
    bar.close()
    t0 = time.perf_counter()
    plots = make_plots(d)
    for k, lv in d.data["levels"].items():
        if lv["mismatches"]:
            d.data.setdefault("failures", []).append(f"{k}: {lv['mismatches']} mismatches; {lv['first_mismatch']}")
    d.steps.append(Step("report", "plots, report.md, demo.json", time.perf_counter() - t0,
                        f"{len(plots)} plots in {final}"))
    summ = summarize(d)
    summ["total_seconds"] = round(time.perf_counter() - t_all, 1)
    write_json(d.out / "demo.json", summ)
    _write_text(d.out / "report.md", report_md(summ, plots, d))
    print(step_line(n, n, "report", d.steps[-1].seconds, f"{final / 'report.md'} + {len(plots)} PNG + JSON"))
    print()
    print("\n".join(table(summ)))
    print(f"total {summ['total_seconds']:.1f} s")
    if summ["failures"]:
        print("\nDEMO FAILED:")
        for f in summ["failures"]:
            print(f"  {f}")
        lv = d.data["levels"].get("reference_vs_rtl", {})
        if lv.get("mismatches") and lv.get("rerun"):
            print(f"  rtl rerun: {lv['rerun']}" + (f"\n  waveform: {lv['waveform']}" if lv.get("waveform") else ""))
        return 1
    print("all levels agree bit-exactly" + (" (RTL coverage is reported beside the verdict, not part of it)"
                                            if d.data.get("coverage") else ""))
    return 0


def make_plots(d: Demo) -> dict[str, Path]:
    art = d.data["artifact"]
    plots = {"raster": plot_raster(art, d.out / "demo_raster.png", image=d.data.get("raster_image")),
             "attention": plot_attention(art, d.out / "demo_attention.png"),
             "cycles": plot_cycles(art, d.data["rtl"], d.stall, d.out / "demo_cycles.png")}
    if "network" in d.data:
        plots["network"] = plot_network_cycles(d.data["network"], d.out / "demo_network_cycles.png")
    if "resources" in d.data:
        plots["resources"] = plot_resources(d.data["resources"], d.out / "demo_resources.png")
    if (d.out / "golden_firing.png").is_file():  # written by the golden step (golden.report.plot_rates)
        plots["firing"] = d.out / "golden_firing.png"
    return plots


def cli_demo(argv: list[str]) -> int:
    from saformer.contract.argtypes import count
    from saformer.hw.boards import BOARDS

    default_ckpt = REPO / "models" / "saformer_digits.pt"  # golden.train.DEFAULT_CKPT, without importing torch

    ap = argparse.ArgumentParser(prog="saformer demo", description=__doc__.splitlines()[0])
    ap.add_argument("--train", action="store_true", help="train a model first (golden.train; minutes)")
    ap.add_argument("--ckpt", type=Path, default=default_ckpt, help="checkpoint to load (default: the shipped one)")
    ap.add_argument("--images", type=count(1), default=128,
                    help="test images whose SASA block goes through RTL and HLS (default %(default)s)")
    ap.add_argument("--golden-images", type=count(0), default=0, help="test images for the golden check (0 = all)")
    ap.add_argument("--build", type=Path, default=None,
                    help="root of generated files: artifact/, rtl/, hls/, synth/ (default build/)")
    ap.add_argument("--out", type=Path, default=None, help="report folder (default <build>/report)")
    ap.add_argument("--no-synth", action="store_true", help="skip the Yosys estimate")
    ap.add_argument("--board", default="pynq-z2", choices=sorted(BOARDS),
                    help="board of the resource estimate (default %(default)s)")
    ap.add_argument("--stall", default="none", choices=("none", "in_idle", "out_bp", "both"),
                    help="stall pattern of the RTL run (default %(default)s)")
    ap.add_argument("--net-images", type=count(0), default=0,
                    help="test images through the whole accelerator's RTL (default: all)")
    ap.add_argument("--corrupt", choices=("golden", "rtl", "hls", "network"), default=None,
                    help="corrupt one value of that level's comparison (shows that the demo fails loudly)")
    a = ap.parse_args(argv)
    if a.ckpt.is_dir():
        raise SaformerError(f"--ckpt {a.ckpt} is a directory; give the checkpoint file (.pt) itself")
    build = (a.build or build_dir()).resolve()
    d = Demo(build=build, out=(a.out or build / "report").resolve(), images=a.images,
             golden_images=a.golden_images, synth=not a.no_synth, train=a.train, ckpt=a.ckpt.resolve(),
             board=a.board, stall=a.stall, corrupt=a.corrupt, net_images=a.net_images)
    return run_demo(d)


if __name__ == "__main__":
    import sys

    raise SystemExit(cli_demo(sys.argv[1:]))
