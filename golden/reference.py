# SPDX-License-Identifier: Apache-2.0
"""Vectorised numpy integer reference of the exported SAFormer (docs/integer-semantics.md).

Imports neither torch nor brevitas. Integer dtypes only (int64 in flight); every value is asserted to lie in
its proven range (`saformer.contract.config.derive`), because numpy int64 never wraps but the RTL would.

Layout: token tensors are (B, T, N, D) with n = row * grid + col; `forward` returns the same record keys as
the Brevitas model's `forward(record=True)`.

Range recorder: `forward(..., ranges=d)` (and `sasa`, `lif`, `check_range` alike) also folds the lowest and
highest value of every bounded tensor into the dict `d`: tensor name (e.g. "b0.sasa.q_membrane", "u.after.b0.dwc")
-> `Observed(lo, hi, bound)`, `bound` the `derive()` range key the tensor is checked against. With the default
`ranges=None` nothing is recorded (golden/net_vectors.py uses it to show its worst-case sets reach every bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from saformer.contract.config import Derived, SAFormerConfig, derive

I64 = np.int64


class RangeViolation(AssertionError):
    """A value left its proven range: the proof or the implementation is wrong."""


@dataclass
class Observed:
    """Lowest and highest value a tensor took (range recorder), and the derive() range key bounding it."""

    lo: int
    hi: int
    bound: str


def observe(ranges: dict[str, Observed] | None, key: str, bound: str, x: np.ndarray) -> None:
    """Fold x's min/max into ranges[key] (no-op when ranges is None or x is empty)."""
    if ranges is None or x.size == 0:
        return
    lo, hi = int(x.min()), int(x.max())
    o = ranges.get(key)
    ranges[key] = Observed(lo, hi, bound) if o is None else Observed(min(o.lo, lo), max(o.hi, hi), bound)


def check_range(name: str, x: np.ndarray, rng: tuple[int, int], ranges: dict[str, Observed] | None = None,
                key: str = "", bound: str = "") -> None:
    if x.size == 0:
        return
    observe(ranges, key or name, bound, x)
    lo, hi = int(x.min()), int(x.max())
    if lo < rng[0] or hi > rng[1]:
        idx = np.argwhere((x < rng[0]) | (x > rng[1]))[0]
        raise RangeViolation(f"{name}: value {int(x[tuple(idx)])} at {tuple(int(i) for i in idx)} "
                             f"outside the proven range [{rng[0]}, {rng[1]}]")


def lif(current: np.ndarray, theta: int | np.ndarray, k: int, mem_range: tuple[int, int] | None = None,
        name: str = "lif", ranges: dict[str, Observed] | None = None, key: str = "", bound: str = "") -> np.ndarray:
    """current (B, T, ...) int -> spikes (B, T, ...) uint8.

    v <- v - (v >> k) + I; s = v >= theta; v <- s ? 0 : v  (numpy >> on signed ints is arithmetic).
    """
    assert np.issubdtype(current.dtype, np.integer)
    v = np.zeros(current.shape[:1] + current.shape[2:], dtype=I64)
    out = np.zeros(current.shape, dtype=np.uint8)
    for t in range(current.shape[1]):
        v = v - (v >> k) + current[:, t].astype(I64)
        if mem_range is not None:
            check_range(f"{name} membrane t={t}", v, mem_range, ranges, key, bound)
        s = v >= theta
        out[:, t] = s
        v = np.where(s, 0, v)
    return out


def linear(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x (..., in) ints/spikes, w (in, out), b (out,) -> (..., out) int64. On spikes: sum of the weight rows
    of the active inputs plus the bias (no multiplication needed)."""
    return x.astype(I64) @ w.astype(I64) + b.astype(I64)


def conv3x3(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, groups: int = 1) -> np.ndarray:
    """x (B, C, H, W) ints, w (Cout, C/groups, 3, 3), zero padding 1 -> (B, Cout, H', W') int64."""
    B, C, H, W = x.shape
    cout = w.shape[0]
    xp = np.pad(x.astype(I64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    Ho, Wo = (H - 1) // stride + 1, (W - 1) // stride + 1
    cols = np.stack([xp[:, :, dy:dy + stride * (Ho - 1) + 1:stride, dx:dx + stride * (Wo - 1) + 1:stride]
                     for dy in range(3) for dx in range(3)], axis=2)  # (B, C, 9, Ho, Wo)
    wk = w.astype(I64).reshape(cout, w.shape[1], 9)
    if groups == 1:
        y = np.einsum("bckhw,ock->bohw", cols, wk)
    else:
        assert groups == C == cout and w.shape[1] == 1
        y = np.einsum("bckhw,ck->bchw", cols, wk[:, 0])
    return y + b.astype(I64)[None, :, None, None]


def sasa(s: np.ndarray, p: dict[str, np.ndarray], cfg: SAFormerConfig, der: Derived | None = None,
         ranges: dict[str, Observed] | None = None, prefix: str = "b0.sasa") -> dict:
    """The SASA block: s (B, T, N, D) spikes -> dict with q, k, a, A, y, inc.

    p holds wq, bq, theta_q, wk, bk, theta_k, theta_a (heads,), wo, bo -- weights laid out (in, out).
    """
    der = der or derive(cfg)
    k_ = cfg.leak_shift
    qc, kc = linear(s, p["wq"], p["bq"]), linear(s, p["wk"], p["bk"])
    R = der.ranges
    check_range("sasa Q current", qc, R["sasa.qk_current"], ranges, f"{prefix}.q_current", "sasa.qk_current")
    check_range("sasa K current", kc, R["sasa.qk_current"], ranges, f"{prefix}.k_current", "sasa.qk_current")
    mem = R["sasa.qk_membrane"]
    q = lif(qc, int(p["theta_q"]), k_, mem, "sasa Q", ranges, f"{prefix}.q_membrane", "sasa.qk_membrane")
    k = lif(kc, int(p["theta_k"]), k_, mem, "sasa K", ranges, f"{prefix}.k_membrane", "sasa.qk_membrane")
    a = k.astype(I64).sum(axis=2)  # (B, T, D): tokens that fired, per timestep and channel
    observe(ranges, f"{prefix}.a", "sasa.a", a)
    th = np.repeat(p["theta_a"].astype(I64), cfg.head_dim)  # (D,)
    A = (a >= th).astype(np.uint8)  # stateless
    y = q & A[:, :, None, :]
    inc = linear(y, p["wo"], p["bo"])
    check_range("sasa increment", inc, R["sasa.increment"], ranges, f"{prefix}.increment", "sasa.increment")
    return dict(q=q, k=k, a=a, A=A, y=y, inc=inc)


SASA_KEYS = ("wq", "bq", "theta_q", "wk", "bk", "theta_k", "theta_a", "wo", "bo")


def block_params(params: dict[str, np.ndarray], i: int, module: str) -> dict[str, np.ndarray]:
    pre = f"b{i}.{module}."
    return {k[len(pre):]: v for k, v in params.items() if k.startswith(pre)}


def forward(pixels: np.ndarray, params: dict[str, np.ndarray], cfg: SAFormerConfig,
            ranges: dict[str, Observed] | None = None) -> dict[str, np.ndarray]:
    """pixels (B, C, H, W) integers 0..pixel_max -> record dict (same keys as the Brevitas model).

    `ranges`: optional range recorder (module docstring); None records nothing."""
    der = derive(cfg)
    R = der.ranges
    T, k_ = cfg.T, cfg.leak_shift
    x = np.asarray(pixels)
    assert np.issubdtype(x.dtype, np.integer), "pixels must be integers"
    check_range("pixels", x, (0, cfg.pixel_max))
    rec: dict[str, np.ndarray] = {}
    c1 = conv3x3(x, params["conv1.w"], params["conv1.b"])
    check_range("tok conv1 current", c1, R["tok.conv1_current"], ranges, "tok.conv1_current", "tok.conv1_current")
    s1 = lif(np.broadcast_to(c1[:, None], (c1.shape[0], T) + c1.shape[1:]), int(params["conv1.theta"]), k_,
             R["tok.conv1_membrane"], "tok LIF", ranges, "tok.conv1_membrane", "tok.conv1_membrane")
    B = x.shape[0]
    u0 = conv3x3(s1.reshape((B * T,) + s1.shape[2:]), params["conv2.w"], params["conv2.b"], stride=cfg.patch)
    u = u0.reshape(B, T, cfg.D, cfg.N).transpose(0, 1, 3, 2)  # (B, T, N, D)
    check_range("U0", u, R["tok.u0"], ranges, "tok.u0", "tok.u0")
    rec["tok.s1"], rec["tok.u0"] = s1, u
    theta_u = int(params["u.theta"])
    g = cfg.grid
    for i in range(cfg.L):
        for name in ("sasa", "dwc", "mlp"):
            s = lif(u, theta_u, k_, R["u.membrane"], f"b{i}.{name} shortcut LIF", ranges,
                    f"b{i}.{name}.shortcut_membrane", "u.membrane")
            p = block_params(params, i, name)
            rec[f"b{i}.{name}.s"] = s
            if name == "sasa":
                r = sasa(s, p, cfg, der, ranges, f"b{i}.sasa")
                for kk, vv in r.items():
                    rec[f"b{i}.sasa.{kk}"] = vv
                inc = r["inc"]
            elif name == "dwc":
                xs = s.reshape(B * T, g, g, cfg.D).transpose(0, 3, 1, 2)
                inc = conv3x3(xs, p["w"][:, None], p["b"], groups=cfg.D)
                inc = inc.transpose(0, 2, 3, 1).reshape(B, T, cfg.N, cfg.D)
                check_range("dwc increment", inc, R["dwc.increment"], ranges, f"b{i}.dwc.increment",
                            "dwc.increment")
                rec[f"b{i}.dwc.inc"] = inc
            else:
                hc = linear(s, p["w1"], p["b1"])
                check_range("mlp hidden current", hc, R["mlp.h_current"], ranges, f"b{i}.mlp.h_current",
                            "mlp.h_current")
                h = lif(hc, int(p["theta_h"]), k_, R["mlp.h_membrane"], "mlp hidden", ranges,
                        f"b{i}.mlp.h_membrane", "mlp.h_membrane")
                inc = linear(h, p["w2"], p["b2"])
                check_range("mlp increment", inc, R["mlp.increment"], ranges, f"b{i}.mlp.increment",
                            "mlp.increment")
                rec[f"b{i}.mlp.h"], rec[f"b{i}.mlp.inc"] = h, inc
            u = u + inc
            check_range("U", u, R["u"], ranges, f"u.after.b{i}.{name}", "u")
    s = lif(u, theta_u, k_, R["u.membrane"], "head shortcut LIF", ranges, "head.shortcut_membrane", "u.membrane")
    counts = s.astype(I64).sum(axis=(1, 2))  # (B, D)
    observe(ranges, "head.count", "head.count", counts)
    logits = linear(counts, params["head.w"], params["head.b"])
    check_range("logits", logits, R["head.logit"], ranges, "head.logit", "head.logit")
    rec["head.s"], rec["head.counts"], rec["logits"] = s, counts, logits
    return rec


def predict(logits: np.ndarray) -> np.ndarray:
    """argmax with ties to the lowest class index (np.argmax returns the first maximum)."""
    return np.argmax(logits, axis=-1)
