"""Cycle model of each hardware module: it describes the architecture (docs/architecture.md), so it lives
with the contract; the testbench, the synth report, the demo, the driver's timeout and the docs read it.

SASA engine (hw/rtl/sasa_core.v): active cycles per image, exact, from the spike counts.
"""

from __future__ import annotations

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig


def fixed_cycles(cfg: SAFormerConfig) -> int:
    """The spike-independent part of the cycle formula: T * (N * (1 + 2G) + 1)."""
    G = itf.groups(cfg)
    return cfg.T * (cfg.N * (1 + 2 * G) + 1)


def spike_cycles(cfg: SAFormerConfig) -> int:
    """Cycles per input or attention-output spike: G = ceil(D / P)."""
    return itf.groups(cfg)


def cycle_formulas(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact active cycles of each image of a batch (docs/architecture.md): s, y are (..., T, N, D)
    spikes; returns an int64 array of the leading shape (a 0-d array for one image).

    T * (N * (1 + 2G) + 1) + G * (nnz(S) + nnz(Y)), G = ceil(D / P):
    per token 1 accept cycle + G * (nnz(S[t,n]) + 1) QK cycles; 1 A cycle per timestep;
    per token G * (nnz(Y[t,n]) + 1) Y cycles (accumulate + emit).
    """
    s, y = np.asarray(s), np.asarray(y)
    nnz = np.count_nonzero(s, axis=(-3, -2, -1)) + np.count_nonzero(y, axis=(-3, -2, -1))
    return fixed_cycles(cfg) + spike_cycles(cfg) * np.asarray(nnz, dtype=np.int64)


def cycle_formula(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> int:
    """Exact active cycles of one image: s, y are (T, N, D) spikes (`cycle_formulas` for a batch)."""
    return int(cycle_formulas(cfg, s, y))


def worst_cycles(cfg: SAFormerConfig) -> int:
    """The cycle formula's upper bound for one image: every S and Y spike on."""
    ones = np.ones((cfg.T, cfg.N, cfg.D), dtype=np.uint8)
    return cycle_formula(cfg, ones, ones)


# ============================================================================== the whole network
# One engine per module (hw/rtl/net_*.v, docs/architecture.md "The whole network"); every figure below is
# the module's exact active cycles per image, a function of the reference's spike records of that image.
def conv2_window_spikes(cfg: SAFormerConfig, s1: np.ndarray) -> np.ndarray:
    """Active bits of conv2's input windows per image: s1 (B, T, stem, img, img) -> (B,) int64 (the 3x3
    windows at stride `patch`, zero padding 1, summed over every output token and timestep)."""
    s1 = np.asarray(s1).astype(np.int64)
    g, p = cfg.grid, cfg.patch
    sp = np.pad(s1, ((0, 0), (0, 0), (0, 0), (1, 1), (1, 1)))
    tot = np.zeros(s1.shape[0], dtype=np.int64)
    for dy in range(3):
        for dx in range(3):
            tot += sp[:, :, :, dy:dy + p * (g - 1) + 1:p, dx:dx + p * (g - 1) + 1:p].sum(axis=(1, 2, 3, 4))
    return tot


def network_modules(cfg: SAFormerConfig) -> list[str]:
    """The network's engines in pipeline order (the names of the cycle model and the monitors)."""
    mods = ["tok", "conv2"]
    for i in range(cfg.L):
        mods += [f"b{i}.sasa.lif", f"b{i}.sasa", f"b{i}.dwc.lif", f"b{i}.dwc", f"b{i}.mlp.lif", f"b{i}.mlp.fc1",
                 f"b{i}.mlp.hlif", f"b{i}.mlp.fc2"]
    return mods + ["head.lif", "head", "out"]


def network_cycles(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Exact active cycles per image of every network module, from `golden.reference.forward`'s records of a
    batch: module -> (B,) int64.

    tok: in_ch*img pixel beats + 9*in_ch*img^2 conv1 taps + T*img^2 LIF positions + T*N windows;
    conv2, fc1, fc2, head (spike-driven full rows): nnz(input spikes) + T*N (one fire cycle per token);
    SASA: `cycle_formulas` (the SASA engine); DWC, every LIF stage: T*N; out: n_classes + 1.
    """
    B = rec["logits"].shape[0]
    TN = cfg.T * cfg.N

    def const(v: int) -> np.ndarray:
        return np.full(B, v, dtype=np.int64)

    def nnz(a: np.ndarray) -> np.ndarray:
        return np.count_nonzero(np.asarray(a).reshape(B, -1), axis=1).astype(np.int64)

    img2 = cfg.img * cfg.img
    out = {"tok": const(cfg.in_ch * cfg.img + 9 * cfg.in_ch * img2 + cfg.T * img2 + TN),
           "conv2": conv2_window_spikes(cfg, rec["tok.s1"]) + TN}
    for i in range(cfg.L):
        p = f"b{i}."
        out[p + "sasa.lif"] = const(TN)
        out[p + "sasa"] = np.asarray(cycle_formulas(cfg, rec[p + "sasa.s"], rec[p + "sasa.y"]), dtype=np.int64)
        out[p + "dwc.lif"] = const(TN)
        out[p + "dwc"] = const(TN)
        out[p + "mlp.lif"] = const(TN)
        out[p + "mlp.fc1"] = nnz(rec[p + "mlp.s"]) + TN
        out[p + "mlp.hlif"] = const(TN)
        out[p + "mlp.fc2"] = nnz(rec[p + "mlp.h"]) + TN
    out["head.lif"] = const(TN)
    out["head"] = nnz(rec["head.s"]) + TN
    out["out"] = const(cfg.n_classes + 1)
    return out


def network_lower_bounds(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each module's own lower bound per image: one weight row per active spike per cycle (a spike-driven
    engine cannot do less), and at least one cycle per output token (per output beat for SASA, per tap for
    conv1): module -> (B,) int64."""
    B = rec["logits"].shape[0]
    TN = cfg.T * cfg.N
    G = itf.groups(cfg)

    def nnz(a: np.ndarray) -> np.ndarray:
        return np.count_nonzero(np.asarray(a).reshape(B, -1), axis=1).astype(np.int64)

    img2 = cfg.img * cfg.img
    lb = {"tok": np.full(B, 9 * cfg.in_ch * img2 + cfg.T * img2, dtype=np.int64),
          "conv2": np.maximum(conv2_window_spikes(cfg, rec["tok.s1"]), TN)}
    for i in range(cfg.L):
        p = f"b{i}."
        lb[p + "sasa.lif"] = np.full(B, TN, dtype=np.int64)
        lb[p + "sasa"] = np.maximum(G * (nnz(rec[p + "sasa.s"]) + nnz(rec[p + "sasa.y"])), TN * G)
        lb[p + "dwc.lif"] = np.full(B, TN, dtype=np.int64)
        lb[p + "dwc"] = np.full(B, TN, dtype=np.int64)
        lb[p + "mlp.lif"] = np.full(B, TN, dtype=np.int64)
        lb[p + "mlp.fc1"] = np.maximum(nnz(rec[p + "mlp.s"]), TN)
        lb[p + "mlp.hlif"] = np.full(B, TN, dtype=np.int64)
        lb[p + "mlp.fc2"] = np.maximum(nnz(rec[p + "mlp.h"]), TN)
    lb["head.lif"] = np.full(B, TN, dtype=np.int64)
    lb["head"] = np.maximum(nnz(rec["head.s"]), TN)
    lb["out"] = np.full(B, cfg.n_classes + 1, dtype=np.int64)
    return lb


def network_interval(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> int:
    """Modelled steady-state interval per image: the busiest module's mean active cycles (the modules run
    concurrently, joined by FIFOs that hold their schedule's window)."""
    cyc = network_cycles(cfg, rec)
    return int(np.ceil(max(float(v.mean()) for v in cyc.values())))
