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
QK_START = 2   # first token taken (image start, cycle 0) -> its first QK issue cycle
QK_GAP = 9     # QK: after timestep t's last issue, timestep t+1's first issue (LIF pipeline drain, A latch)
QK_BANK = 2    # QK: Y(t-1)'s issue end -> QK(t+1)'s first issue (the bank it writes is released)
Y_START = 10   # QK(t)'s issue end -> Y(t)'s first issue (drain, A latch, Q-buffer read, token load)
OUT_LAT = 4    # Y's last issue end -> the last beat has left m_axis (accumulate, skid), inclusive count


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
