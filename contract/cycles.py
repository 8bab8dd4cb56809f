# SPDX-License-Identifier: Apache-2.0
"""Cycle model of each hardware module: it describes the architecture (docs/architecture.md, "Exact cycle
count"), so it lives with the contract; the testbench, the synth report, the demo, the driver's timeout and
the docs read it.

SASA engine (hw/rtl/sasa_core.v), per module: the QK pass (spike_linear over S, Wq and Wk), the Y pass
(spike_linear over Y = Q & A, Wo), and the whole engine's latency as a max-plus schedule of the two passes'
per-timestep cycles (QK(t+1) overlaps Y(t) through sasa_attn's two banks).
"""

from __future__ import annotations

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig

# ---------------------------------------------------------------------------------------- cycle model
# The exact cycle model of the engine's modules (docs/architecture.md, "Exact cycle count"); every figure is
# checked against the RTL's counters in every regression run. Constants of the schedule (cycles between
# events of the pipelines, with no stalls):
QK_START = 1   # first token taken (image start, cycle 0) -> its first QK issue cycle
QK_GAP = 8     # QK: after timestep t's last issue, timestep t+1's first issue (LIF pipeline drain, A latch)
QK_BANK = 1    # QK: Y(t-1)'s issue end -> QK(t+1)'s first issue (the bank it writes is released)
Y_START = 9    # QK(t)'s issue end -> Y(t)'s first issue (drain, A latch, Q-buffer read, token load)
OUT_LAT = 3    # Y's last issue end -> the last beat has left m_axis (accumulate, result = m_axis), inclusive count


def token_cycles(cfg: SAFormerConfig, x: np.ndarray) -> np.ndarray:
    """Issue cycles of each token of a spike_linear pass over x (..., T, N, D): G * max(1, nnz(x[t, n]))."""
    return itf.groups(cfg) * np.maximum(1, np.count_nonzero(np.asarray(x), axis=-1)).astype(np.int64)


def qk_cycles(cfg: SAFormerConfig, s: np.ndarray) -> np.ndarray:
    """QK pass (spike_linear over S, Wq and Wk together): issue cycles per image, (..., T, N, D) -> (...)."""
    return token_cycles(cfg, s).sum(axis=(-2, -1))


def y_cycles(cfg: SAFormerConfig, y: np.ndarray) -> np.ndarray:
    """Y pass (spike_linear over Y = Q & A, Wo): issue cycles per image."""
    return token_cycles(cfg, y).sum(axis=(-2, -1))


def active_formulas(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CYCLES_ACTIVE of each image: QK issue cycles + Y issue cycles (stall-invariant)."""
    return qk_cycles(cfg, s) + y_cycles(cfg, y)


def active_formula(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> int:
    return int(active_formulas(cfg, s, y))


def cycle_formulas(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact latency of each image with no stalls (first token taken .. last beat left m_axis, both
    counted), a max-plus schedule of the per-timestep pass cycles q[t] (QK) and y[t] (Y):

        QS[0] = QK_START
        QS[t+1] = max(QS[t] + q[t] + QK_GAP, YE[t-1] + QK_BANK)       (QK(t+1) overlaps Y(t))
        YS[t] = max(QS[t] + q[t] + Y_START, YE[t-1]),  YE[t] = YS[t] + y[t]
        latency = YE[T-1] + OUT_LAT

    with YE[-1] = -inf; s, y are (..., T, N, D) spikes; returns an int64 array of the leading shape."""
    q = token_cycles(cfg, s).sum(axis=-1)
    yy = token_cycles(cfg, y).sum(axis=-1)
    T = q.shape[-1]
    qs = np.full(q.shape[:-1], QK_START, dtype=np.int64)
    ye_prev = np.full(q.shape[:-1], np.iinfo(np.int64).min // 4, dtype=np.int64)
    ye_prev2 = ye_prev.copy()
    for t in range(T):
        if t > 0:  # qs holds QS[t-1] here
            qs = np.maximum(qs + q[..., t - 1] + QK_GAP, ye_prev2 + QK_BANK)
        ys = np.maximum(qs + q[..., t] + Y_START, ye_prev)
        ye_prev2, ye_prev = ye_prev, ys + yy[..., t]
    return ye_prev + OUT_LAT


def cycle_formula(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> int:
    """Exact latency of one image: s, y are (T, N, D) spikes (`cycle_formulas` for a batch)."""
    return int(cycle_formulas(cfg, s, y))


def fixed_cycles(cfg: SAFormerConfig) -> int:
    """The latency of an all-silent image (every token costs G cycles in each pass)."""
    z = np.zeros((cfg.T, cfg.N, cfg.D), dtype=np.uint8)
    return cycle_formula(cfg, z, z)


def spike_cycles(cfg: SAFormerConfig) -> int:
    """Issue cycles per active spike beyond a token's first: G = ceil(D / P)."""
    return itf.groups(cfg)


def worst_cycles(cfg: SAFormerConfig) -> int:
    """The latency formula's upper bound for one image: every S and Y spike on."""
    ones = np.ones((cfg.T, cfg.N, cfg.D), dtype=np.uint8)
    return cycle_formula(cfg, ones, ones)


# ============================================================================== the whole network
# One engine per module (hw/rtl/net_*.v, docs/architecture.md "The whole network"); every figure below is
# the module's exact active cycles per image, a function of the reference's spike records of that image.
def conv2_window_counts(cfg: SAFormerConfig, s1: np.ndarray) -> np.ndarray:
    """Active bits of each conv2 input window: s1 (B, T, stem, img, img) -> (B, T, grid, grid) int64 (the 3x3
    window at stride `patch`, zero padding 1, over every stem channel)."""
    s1 = np.asarray(s1).astype(np.int64)
    g, p = cfg.grid, cfg.patch
    sp = np.pad(s1, ((0, 0), (0, 0), (0, 0), (1, 1), (1, 1)))
    tot = np.zeros((s1.shape[0], s1.shape[1], g, g), dtype=np.int64)
    for dy in range(3):
        for dx in range(3):
            tot += sp[:, :, :, dy:dy + p * (g - 1) + 1:p, dx:dx + p * (g - 1) + 1:p].sum(axis=2)
    return tot


def conv2_window_spikes(cfg: SAFormerConfig, s1: np.ndarray) -> np.ndarray:
    """Active bits of conv2's input windows per image: s1 (B, T, stem, img, img) -> (B,) int64."""
    return conv2_window_counts(cfg, s1).sum(axis=(1, 2, 3))


def slin_cycles(counts: np.ndarray) -> np.ndarray:
    """Active cycles per image of a spike-driven full-row layer (net_slin): max(1, nnz) per token; counts is
    (B, tokens...) of per-token active spikes -> (B,) int64."""
    c = np.asarray(counts).astype(np.int64)
    return np.maximum(1, c).reshape(c.shape[0], -1).sum(axis=1)


def token_nnz(x: np.ndarray) -> np.ndarray:
    """Active spikes per token: (B, T, N, C) -> (B, T, N) int64."""
    return np.count_nonzero(np.asarray(x), axis=-1).astype(np.int64)


def lif_groups(cfg: SAFormerConfig, fo: int) -> int:
    """Cycles of a network LIF stage (net_lif) per token: its fo neurons in groups of P = cfg.lanes."""
    return -(-fo // cfg.lanes)


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
    conv2, fc1, fc2, head (spike-driven full rows): sum over tokens of max(1, nnz(token's input spikes));
    SASA: `active_formulas` (the SASA engine's CYCLES_ACTIVE: QK + Y issue cycles, stall-invariant; its
    occupancy per image is `network_sasa_latency`); DWC (P channels per cycle): T*N*ceil(D/P); every LIF
    stage (P neurons per cycle): T*N*ceil(fo/P) (`lif_groups`); out: n_classes + 1.
    """
    B = rec["logits"].shape[0]
    TN = cfg.T * cfg.N

    def const(v: int) -> np.ndarray:
        return np.full(B, v, dtype=np.int64)

    def nnz(a: np.ndarray) -> np.ndarray:
        return np.count_nonzero(np.asarray(a).reshape(B, -1), axis=1).astype(np.int64)

    img2 = cfg.img * cfg.img
    lif_d, lif_h = TN * lif_groups(cfg, cfg.D), TN * lif_groups(cfg, cfg.hidden)
    out = {"tok": const(cfg.in_ch * cfg.img + 9 * cfg.in_ch * img2 + cfg.T * img2 + TN),
           "conv2": slin_cycles(conv2_window_counts(cfg, rec["tok.s1"]))}
    for i in range(cfg.L):
        p = f"b{i}."
        out[p + "sasa.lif"] = const(lif_d)
        out[p + "sasa"] = np.asarray(active_formulas(cfg, rec[p + "sasa.s"], rec[p + "sasa.y"]), dtype=np.int64)
        out[p + "dwc.lif"] = const(lif_d)
        out[p + "dwc"] = const(lif_d)  # P channels per cycle, as the LIF stages
        out[p + "mlp.lif"] = const(lif_d)
        out[p + "mlp.fc1"] = slin_cycles(token_nnz(rec[p + "mlp.s"]))
        out[p + "mlp.hlif"] = const(lif_h)
        out[p + "mlp.fc2"] = slin_cycles(token_nnz(rec[p + "mlp.h"]))
    out["head.lif"] = const(lif_d)
    out["head"] = slin_cycles(token_nnz(rec["head.s"]))
    out["out"] = const(cfg.n_classes + 1)
    return out


def network_lower_bounds(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each module's own lower bound per image: one weight row per active spike per cycle (a spike-driven
    engine cannot do less), and at least one cycle per output token (per output beat of P channels for
    SASA, DWC and the LIF stages, which work P = cfg.lanes channels per cycle; per tap for conv1):
    module -> (B,) int64."""
    B = rec["logits"].shape[0]
    TN = cfg.T * cfg.N
    G = itf.groups(cfg)

    def nnz(a: np.ndarray) -> np.ndarray:
        return np.count_nonzero(np.asarray(a).reshape(B, -1), axis=1).astype(np.int64)

    img2 = cfg.img * cfg.img
    lif_d, lif_h = TN * lif_groups(cfg, cfg.D), TN * lif_groups(cfg, cfg.hidden)
    lb = {"tok": np.full(B, 9 * cfg.in_ch * img2 + cfg.T * img2, dtype=np.int64),
          "conv2": np.maximum(conv2_window_spikes(cfg, rec["tok.s1"]), TN)}
    for i in range(cfg.L):
        p = f"b{i}."
        lb[p + "sasa.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "sasa"] = np.maximum(G * (nnz(rec[p + "sasa.s"]) + nnz(rec[p + "sasa.y"])), TN * G)
        lb[p + "dwc.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "dwc"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "mlp.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "mlp.fc1"] = np.maximum(nnz(rec[p + "mlp.s"]), TN)
        lb[p + "mlp.hlif"] = np.full(B, lif_h, dtype=np.int64)
        lb[p + "mlp.fc2"] = np.maximum(nnz(rec[p + "mlp.h"]), TN)
    lb["head.lif"] = np.full(B, lif_d, dtype=np.int64)
    lb["head"] = np.maximum(nnz(rec["head.s"]), TN)
    lb["out"] = np.full(B, cfg.n_classes + 1, dtype=np.int64)
    return lb


def network_sasa_latency(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each SASA engine's latency per image with no stalls (`cycle_formulas`: its QK and Y passes overlap
    across timesteps, and an image begins only after the previous one's last beat has left the engine, so
    this is its occupancy per image): module -> (B,) int64."""
    return {f"b{i}.sasa": np.asarray(cycle_formulas(cfg, rec[f"b{i}.sasa.s"], rec[f"b{i}.sasa.y"]),
                                     dtype=np.int64) for i in range(cfg.L)}


def network_occupancy(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Cycles each module is occupied per image: its active cycles, the SASA engines' latency."""
    occ = network_cycles(cfg, rec)
    occ.update(network_sasa_latency(cfg, rec))
    return occ


def network_interval(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> int:
    """Modelled steady-state interval per image: the busiest module's mean occupancy (the modules run
    concurrently, joined by FIFOs that hold their schedule's window)."""
    occ = network_occupancy(cfg, rec)
    return int(np.ceil(max(float(v.mean()) for v in occ.values())))
