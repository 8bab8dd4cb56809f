# SPDX-License-Identifier: Apache-2.0
"""Brevitas eval model -> integer parameters -> artifact (the float->integer step happens here, once).

Every scale is asserted to be a power of two; thresholds become integers 1.0 / unit; weights are laid out
(in, out) for linears so that a spike selects a weight row.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from saformer.contract.artifact import save_artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.golden import vectors as vec
from saformer.golden.model import Proj, SAFormer, _qt


def _log2_exact(s: float, what: str) -> int:
    e = math.log2(s)
    if e != round(e):
        raise SaformerError(f"export: scale {s} of {what} is not a power of two")
    return int(round(e))


@torch.no_grad()
def _int_weight_bias(p: Proj) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(w_int, b_int, log2 weight scale, log2 accumulator scale)."""
    qw = p.layer.quant_weight()
    w = qw.int().to(torch.int64).numpy()
    shape = (1, qw.value.shape[1]) if p.kind == "linear" else (1, qw.value.shape[1] * p.layer.groups, 1, 1)
    qx = _qt(torch.zeros(shape), p.in_scale, p.in_bits)
    qb = p.layer.bias_quant(p.layer.bias, qx, qw)
    b = qb.int().to(torch.int64).numpy()
    ew = _log2_exact(float(qw.scale.reshape(())), "weights")
    ea = _log2_exact(float(qb.scale.reshape(-1)[0]), "bias")
    if ea != ew + _log2_exact(p.in_scale, "input"):
        raise SaformerError("export: bias scale is not input scale x weight scale")
    return w, b, ew, ea


@torch.no_grad()
def int_params(qm: SAFormer) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Integer parameters of a quantized SAFormer in the artifact's layout, and log2 scales per layer."""
    if not qm.quant:
        raise SaformerError("export: the model is the float twin; fold it into a quant model first")
    cfg = qm.cfg
    P: dict[str, np.ndarray] = {}
    scales: dict[str, int] = {}

    def theta(e_acc: int) -> np.ndarray:
        return np.array(2 ** (-e_acc), dtype=np.int64)  # float threshold 1.0 in accumulator units

    w, b, ew, ea = _int_weight_bias(qm.conv1)
    P["conv1.w"], P["conv1.b"], P["conv1.theta"] = w, b, theta(ea)
    scales["conv1"] = ea
    w, b, ew, ea = _int_weight_bias(qm.conv2)
    assert ea == -cfg.u_frac
    P["conv2.w"], P["conv2.b"] = w, b
    P["u.theta"] = theta(-cfg.u_frac)
    scales["u"] = -cfg.u_frac
    for i, blk in enumerate(qm.blocks):
        pre = f"b{i}."
        for name, proj, wk, bk, tk in (("sasa.wq", blk.sasa.wq, "wq", "bq", "theta_q"),
                                       ("sasa.wk", blk.sasa.wk, "wk", "bk", "theta_k"),
                                       ("sasa.wo", blk.sasa.wo, "wo", "bo", None),
                                       ("mlp.w1", blk.mlp.w1, "w1", "b1", "theta_h"),
                                       ("mlp.w2", blk.mlp.w2, "w2", "b2", None)):
            w, b, ew, ea = _int_weight_bias(proj)
            mod = name.split(".")[0]
            P[f"{pre}{mod}.{wk}"] = w.T.copy()  # (in, out)
            P[f"{pre}{mod}.{bk}"] = b
            if tk:
                P[f"{pre}{mod}.{tk}"] = theta(ea)
            scales[pre + name] = ea
        P[pre + "sasa.theta_a"] = blk.sasa.theta_a_int().to(torch.int64).numpy()
        w, b, ew, ea = _int_weight_bias(blk.dwc.conv)
        P[pre + "dwc.w"], P[pre + "dwc.b"] = w[:, 0], b
        scales[pre + "dwc"] = ea
    w, b, ew, ea = _int_weight_bias(qm.head)
    P["head.w"], P["head.b"] = w.T.copy(), b
    scales["head"] = ea
    return P, scales


def default_vector_sets(cfg: SAFormerConfig, params: dict[str, np.ndarray], real_s: np.ndarray | None,
                        seed: int = 0, n_random: int = 16) -> dict[str, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    sets = {}
    p0 = {k[len("b0.sasa."):]: v for k, v in params.items() if k.startswith("b0.sasa.")}
    if real_s is not None:
        sets["real"] = vec.make_set(cfg, p0, real_s)
    dens = np.linspace(0.02, 0.6, n_random)
    sets["random"] = vec.make_set(cfg, p0, vec.random_spikes(cfg, rng, n_random, dens))
    sets.update(vec.worst_case_sets(cfg))
    return sets


@torch.no_grad()
def export_model(qm: SAFormer, path: str | Path, pixels: np.ndarray | None = None, meta: dict | None = None,
                 seed: int = 0, force: bool = False) -> Path:
    """Export a quantized model; SASA input spikes of block 0 for `pixels` become the 'real' vector set."""
    from saformer.golden import reference as ref

    qm.eval()
    params, scales = int_params(qm)
    real_s = None
    if pixels is not None and qm.cfg.L:
        real_s = ref.forward(np.asarray(pixels, dtype=np.int64), params, qm.cfg)["b0.sasa.s"]
    sets = default_vector_sets(qm.cfg, params, real_s, seed)
    return save_artifact(path, qm.cfg, params, sets, {"scales_log2": scales, **(meta or {})}, force=force)
