"""Scoreboard and cycle formula of the SASA engine (no cocotb: importable by pytest, verify and demos).

Every output beat is compared with the integer reference with `==`; the first mismatch is reported by
its coordinates (vector, timestep t, token n, channel c) with the seed and a one-line rerun command.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from golden import interface as itf
from golden.config import SAFormerConfig


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


def beat_lanes(beat: int, lanes: int) -> list[int]:
    out = []
    for i in range(lanes):
        x = (int(beat) >> (itf.LANE_BITS * i)) & itf.LANE_MASK
        out.append(x - (1 << itf.LANE_BITS) if x >> (itf.LANE_BITS - 1) else x)
    return out


@dataclass
class Mismatch:
    vector: str
    t: int
    n: int
    channel: int
    got: int | None
    expected: int | None

    def text(self) -> str:
        g = "missing" if self.got is None else str(self.got)
        return (f"first mismatch: vector {self.vector}, t={self.t}, n={self.n}, channel={self.channel}: "
                f"got {g}, expected {self.expected}")


@dataclass
class ImageCheck:
    vector: str
    mismatches: int = 0
    first: Mismatch | None = None
    extra_beats: int = 0
    details: list[str] = field(default_factory=list)


def check_image(cfg: SAFormerConfig, vector: str, beats: list[int], expected: np.ndarray,
                tlasts: list[int] | None = None) -> ImageCheck:
    """Compare the beats of one image with expected increments (T, N, D). Counts mismatching words
    (channels), missing beats count as mismatches of every channel they carry. With `tlasts` (TLAST of
    each received beat) a TLAST that is not 1 on the image's last beat and 0 elsewhere counts too."""
    N, D, P = cfg.N, cfg.D, cfg.lanes
    G = itf.groups(cfg)
    res = ImageCheck(vector)
    want_beats = itf.pack_increments(expected, P)
    for b, want in enumerate(want_beats):
        t, rem = divmod(b, N * G)
        n, g = divmod(rem, G)
        got_l = beat_lanes(beats[b], P) if b < len(beats) else [None] * P
        want_l = beat_lanes(want, P)
        for i in range(P):
            c = g * P + i
            if got_l[i] != want_l[i]:
                res.mismatches += 1
                if res.first is None:
                    res.first = Mismatch(vector, t, n, c, got_l[i], want_l[i] if c < D else 0)
        if tlasts is not None and b < len(tlasts) and tlasts[b] != int(b == len(want_beats) - 1):
            res.mismatches += 1
            res.details.append(f"tlast wrong on beat {b} (t={t}, n={n}, group {g}): {tlasts[b]}")
    res.extra_beats = max(0, len(beats) - len(want_beats))
    if res.extra_beats:
        res.mismatches += res.extra_beats
        res.details.append(f"{res.extra_beats} extra beats")
    return res
