# SPDX-License-Identifier: Apache-2.0
"""The golden report: Brevitas eval model vs the numpy integer reference on the digits test split.

Every record key (every spike tensor of every layer, the increments, counts and logits) is compared with exact
integer equality, image by image. The report (`build/report/golden.json`, written atomically) holds the
accuracies, the mismatch counts with the first mismatch, the firing rate of every spike layer and the
fraction of ones in the SASA mask A per head. A head whose A is constant over the whole split (all zeros or
all ones) is a defect of the trained model: the report flags it and the command exits non-zero, as it does
on any mismatch. CLI: `saformer golden` (`make golden`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import torch
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import save_figure, write_json_atomic
from saformer.golden import reference as ref
from saformer.golden.data import load_digits
from saformer.golden.export import int_params
from saformer.golden.model import SAFormer
from saformer.golden.train import DEFAULT_CKPT, accuracy_float, load_checkpoint

ACCURACY_TARGET = 0.97
FLOAT_GAP = 0.01


@torch.no_grad()
def brevitas_record(qm: SAFormer, pixels: np.ndarray) -> dict[str, np.ndarray]:
    """Brevitas eval forward (record=True) -> every record as float64 numpy (values in integer units)."""
    qm.eval()
    _, rec = qm(torch.as_tensor(np.asarray(pixels), dtype=torch.float32), record=True)
    return {k: v.detach().to(torch.float64).numpy() for k, v in rec.items()}


def compare_records(brev: dict[str, np.ndarray], refr: dict[str, np.ndarray]) -> dict[str, Any]:
    """Exact comparison, image by image (axis 0 of every record is the image).

    Returns mismatching image indices, the mismatching value count per key and the first mismatch
    (key, coordinates, both values). A Brevitas value that is not an integer counts as a mismatch.
    """
    keys_b, keys_r = set(brev), set(refr)
    if keys_b != keys_r:
        raise SaformerError(f"golden: record keys differ: only Brevitas {sorted(keys_b - keys_r)}, "
                            f"only reference {sorted(keys_r - keys_b)}")
    n = next(iter(refr.values())).shape[0]
    bad_img = np.zeros(n, dtype=bool)
    per_key: dict[str, int] = {}
    first: dict[str, Any] | None = None
    for k in refr:  # reference order = dataflow order, so the first mismatch is the earliest layer
        b, r = brev[k], refr[k]
        if b.shape != r.shape:
            raise SaformerError(f"golden: record '{k}' has shape {b.shape} in Brevitas, {r.shape} in the reference")
        diff = (b != r.astype(np.float64)) | (b != np.round(b))
        cnt = int(diff.sum())
        per_key[k] = cnt
        if cnt:
            bad_img |= diff.reshape(n, -1).any(axis=1)
            if first is None:
                idx = tuple(int(i) for i in np.argwhere(diff)[0])
                first = dict(key=k, index=list(idx), brevitas=float(b[idx]), reference=int(r[idx]))
    return dict(mismatching_images=int(bad_img.sum()), mismatching_image_indices=np.flatnonzero(bad_img).tolist(),
                mismatching_values=int(sum(per_key.values())), mismatching_values_per_key=per_key,
                first_mismatch=first)


def spike_keys(rec: dict[str, np.ndarray]) -> list[str]:
    """Record keys whose values are spikes (the reference keeps spikes, and only spikes, as uint8)."""
    return [k for k, v in rec.items() if v.dtype == np.uint8]


def a_fraction_per_head(rec: dict[str, np.ndarray], cfg) -> dict[str, list[float]]:
    out = {}
    for i in range(cfg.L):
        A = rec[f"b{i}.sasa.A"]  # (B, T, D)
        per_head = A.reshape(A.shape[0], A.shape[1], cfg.heads, cfg.head_dim).mean(axis=(0, 1, 3))
        out[f"b{i}.sasa.A"] = [float(x) for x in per_head]
    return out


def golden_report(ckpt: str | Path = DEFAULT_CKPT, images: int = 0) -> dict[str, Any]:
    """Evaluate a checkpoint: Brevitas vs reference on the digits test split (first `images`, 0 = all)."""
    qm, meta = load_checkpoint(ckpt, with_float=True)
    cfg = qm.cfg
    data = load_digits()
    x, y = data.x_test, data.y_test
    if images:
        x, y = x[:images], y[:images]
    params, _ = int_params(qm)
    r = ref.forward(x, params, cfg)
    b = brevitas_record(qm, x)
    cmp = compare_records(b, r)
    pred_ref = ref.predict(r["logits"])
    pred_brev = np.argmax(b["logits"], axis=-1)
    acc_q = float((pred_ref == y).mean())
    acc_f = accuracy_float(meta["float_model"], x, y)
    rates = {k: float(r[k].mean()) for k in spike_keys(r)}
    afrac = a_fraction_per_head(r, cfg)
    constant = [f"{k}[head {h}] = {'all ones' if f == 1.0 else 'all zeros'}"
                for k, fr in afrac.items() for h, f in enumerate(fr) if f in (0.0, 1.0)]
    dead = [k for k, v in rates.items() if v in (0.0, 1.0)]
    rep: dict[str, Any] = dict(
        checkpoint=str(ckpt), config=cfg.to_dict(), config_hash=cfg.hash(),
        test_images=int(len(y)),
        accuracy_quantized=acc_q,
        accuracy_quantized_brevitas=float((pred_brev == y).mean()),
        accuracy_float=acc_f,
        accuracy_float_checkpoint=meta.get("accuracy_float"),
        accuracy_quantized_checkpoint=meta.get("accuracy_quantized"),
        accuracy_target=ACCURACY_TARGET,
        meets_accuracy_target=bool(acc_q >= ACCURACY_TARGET and acc_f - acc_q <= FLOAT_GAP + 1e-12),
        **cmp,
        firing_rate=rates,
        a_fraction_per_head=afrac,
        constant_A=constant,
        constant_spike_layers=dead,
        theta_a={f"b{i}.sasa.theta_a": params[f"b{i}.sasa.theta_a"].tolist() for i in range(cfg.L)},
    )
    rep["ok"] = bool(cmp["mismatching_images"] == 0 and not constant)
    return rep


_PARTS = {"tok.s1": "tokenizer conv1 LIF", "sasa.s": "SASA input S", "sasa.q": "SASA Q", "sasa.k": "SASA K",
          "sasa.A": "SASA attention A", "sasa.y": "SASA Y = Q & A", "dwc.s": "DWC input", "mlp.s": "MLP input",
          "mlp.h": "MLP hidden", "head.s": "head LIF"}


def layer_label(key: str) -> str:
    """A person's name for a spike record key: 'b0.sasa.q' -> 'block 0: SASA Q (b0.sasa.q)'."""
    block, rest = (key.split(".", 1) if key[:1] == "b" and key.split(".", 1)[0][1:].isdigit() else ("", key))
    name = _PARTS.get(rest, rest)
    return f"block {block[1:]}: {name} ({key})" if block else f"{name} ({key})"


def plot_rates(rep: dict[str, Any], path: Path) -> Path | None:
    """Firing rate per spike layer as a PNG beside the JSON (skipped when matplotlib is missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rates = rep["firing_rate"]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    fig.set_size_inches(8, 0.9 + 0.32 * len(rates))
    ax.barh(range(len(rates)), list(rates.values()), color="tab:blue")
    ax.set_yticks(range(len(rates)), [layer_label(k) for k in rates], fontsize=8)
    ax.invert_yaxis()
    for i, v in enumerate(rates.values()):
        ax.text(v, i, f" {v:.3f}", va="center", fontsize=7)
    ax.set_xlabel("firing rate (fraction of ones over images, timesteps, tokens, channels)")
    ax.set_title(f"Firing rates on {rep['test_images']} digits test images")
    fig.tight_layout()
    return save_figure(fig, path)


def cli_golden(argv: list[str]) -> int:
    from saformer.contract.argtypes import count
    from saformer.contract.paths import build_dir, user_path

    ap = argparse.ArgumentParser(prog="saformer golden", description=__doc__.splitlines()[0])
    ap.add_argument("--ckpt", default=str(DEFAULT_CKPT), help="checkpoint (default: %(default)s)")
    ap.add_argument("--out", default=None, help="report JSON (default: <build>/report/golden.json)")
    ap.add_argument("--images", type=count(0), default=0, help="first N test images only (default: all)")
    ap.add_argument("--no-plot", action="store_true", help="skip the firing-rate PNG")
    a = ap.parse_args(argv)
    rep = golden_report(a.ckpt, a.images)
    out = write_json_atomic(user_path(a.out) if a.out else build_dir() / "report" / "golden.json", rep)
    png = None if a.no_plot else plot_rates(rep, out.with_name(out.stem + "_firing.png"))
    print(f"golden: {rep['test_images']} test images, quantized accuracy {rep['accuracy_quantized']:.4f} "
          f"(float twin {rep['accuracy_float']:.4f}), mismatching images {rep['mismatching_images']}, "
          f"mismatching values {rep['mismatching_values']}")
    print("golden: A ones per head " + ", ".join(f"{k} {[round(f, 3) for f in v]}"
                                                for k, v in rep["a_fraction_per_head"].items()))
    print(f"golden: wrote {out}" + (f" and {png}" if png else ""))
    if rep["first_mismatch"]:
        fm = rep["first_mismatch"]
        print(f"golden: FAIL first mismatch at '{fm['key']}' index {fm['index']}: Brevitas {fm['brevitas']}, "
              f"reference {fm['reference']}")
    if rep["constant_A"]:
        print(f"golden: FAIL constant SASA mask A (a defect of the trained model): {rep['constant_A']}")
    if not rep["meets_accuracy_target"]:
        print(f"golden: warning: accuracy target not met (quantized >= {ACCURACY_TARGET}, "
              f"within {FLOAT_GAP} of float)")
    return 0 if rep["ok"] else 1
