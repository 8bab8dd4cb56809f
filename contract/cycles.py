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
