# SPDX-License-Identifier: Apache-2.0
"""Whole-network worst-case vector sets: parameter sets + images that take every bounded tensor of the network
to both ends of its reachable range (numpy only; docs/integer-semantics.md, "Bounds (the proof)" and "Reachable
ends of the network").

`network_worst_sets(cfg)` -> list of (name, params, pixels). Weights are reloadable, so every set (any in-range
parameters) is a legitimate hardware input. `reachable_bounds(cfg)` is, per `derive()` range key, the figure the
sets must reach: the `derive()` end itself, or -- where the network's structure provably cannot realise the
`derive()` end -- the reachable end computed here (each one explained in the doc and in `NARROWED`).
`reached(cfg, sets)` runs the integer reference with its range recorder and returns, per tensor instance and per
range key, the lowest and highest value the sets took.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from saformer.contract.config import Derived, SAFormerConfig, derive, membrane_range, wrange
from saformer.contract.layout import network_segments
from saformer.golden import reference as ref

I64 = np.int64


def _g(v, k: int):
    return v - (v >> k)


# ---------------------------------------------------------------------------- reachable ends (the proofs)
@lru_cache(maxsize=64)
def constant_current_membrane_hi(i_lo: int, i_hi: int, theta_max: int, k: int, T: int) -> tuple[int, int, int]:
    """Highest pre-reset membrane of a LIF whose current is the same at every timestep (conv1: direct coding)
    over every current in [i_lo, i_hi] and every theta in 1..theta_max: (value, current, theta) -- the least
    theta that reaches the value, and the least current at that theta (the pair an enumeration of theta, then
    current, in ascending order meets first; (0, 0, 1) when no current reaches above 0).

    Exact without enumerating theta: for a current c >= 0 the reset-free orbit v_1 = c, v_{m+1} = g(v_m) + c is
    non-decreasing (g is), and after a reset the neuron restarts the same orbit, so over T steps the highest
    pre-reset value under theta is v_min(j, T), j the first step with v_j >= theta. That is non-decreasing in
    theta, so a current's best is its value under theta_max, and the least theta giving it is v_(m-1) + 1, m the
    first step of the orbit at that value (v_0 = 0). A negative current never lifts the membrane above 0.
    `tests/test_net_worst.py` checks value, current and theta against the enumeration of every pair."""
    cur = np.arange(max(i_lo, 0), i_hi + 1, dtype=I64)
    if cur.size == 0:
        return 0, 0, 1
    orbit = np.empty((T, cur.size), dtype=I64)  # the reset-free orbit v_1 .. v_T of every current
    v = np.zeros_like(cur)
    for m in range(T):
        v = _g(v, k) + cur
        orbit[m] = v
    fired = np.cumsum(orbit >= theta_max, axis=0) > 0  # under theta_max: fired at or before step m
    first = np.where(fired.any(axis=0), fired.argmax(axis=0), T - 1)  # the step whose value is the best
    best = orbit[first, np.arange(cur.size)]
    top = int(best.max())
    if top <= 0:
        return 0, 0, 1
    hit = np.flatnonzero(best == top)
    m = (orbit[:, hit] == top).argmax(axis=0)  # first step of each such orbit at the value
    prev = np.where(m > 0, orbit[np.maximum(m - 1, 0), hit], 0)
    th = prev + 1
    i = int(np.argmin(th))  # the least theta; argmin takes the least current among equal ones
    return top, int(cur[hit[i]]), int(th[i])


def shared_bias_membrane_hi(b_lo: int, b_hi: int, f_lo: int, f_hi: int, theta_max: int, k: int, T: int) -> int:
    """Upper bound of the pre-reset membrane of a LIF whose current is I[t] = B + A[t]: B the same at every
    timestep (a sum of biases, in [b_lo, b_hi]) and A[t] anywhere in [f_lo, f_hi] independently per step (a sum
    of weight x spike terms). The interval iteration of `membrane_range` per B, with one more exact rule: when
    every pre-reset value is >= theta_max (so >= any theta) the neuron fires whatever theta is and the stored
    membrane is exactly 0."""
    B = np.arange(b_lo, b_hi + 1, dtype=I64)
    lo_s = np.zeros_like(B)
    hi_s = np.zeros_like(B)
    best = np.zeros_like(B)
    for _ in range(T):
        lo_p, hi_p = _g(lo_s, k) + B + f_lo, _g(hi_s, k) + B + f_hi
        best = np.maximum(best, hi_p)
        fire = lo_p >= theta_max
        lo_s = np.where(fire, 0, np.minimum(lo_p, 0))
        hi_s = np.where(fire, 0, np.minimum(hi_p, theta_max - 1))
    return int(best.max())


def u_instance_bounds(cfg: SAFormerConfig, der: Derived | None = None) -> dict[str, tuple[int, int]]:
    """Proven (lo, hi) of U after every module ("u.after.b{i}.{sasa,dwc,mlp}", the reference recorder's names;
    docs/integer-semantics.md, "Reachable ends of the network"). hi: U0's maximum plus every increment's.

    lo: a DWC tap contributes its (negative) weight only when the DWC shortcut LIF at that token fires, which
    needs the current U_dwc >= 1 at that step (v_prev <= theta - 1 gives g(v_prev) <= theta - 1). Per block, at
    the centre token n of channel c: (A) the centre fires: U_dwc[n] >= 1; (B) only neighbours fire: one of
    them has U_dwc[n'] >= 1, and U_dwc[n] - U_dwc[n'] is a sum of F terms w (x - x') >= w_lo (F = every weight
    of channel c up to U_dwc; the biases are shared), so U_dwc[n] >= 1 + F w_lo, with at most 8 taps; (C) no
    tap fires: the increment is the bias alone. The SASA and MLP increments reach their minimum independently
    of U (bias-driven all-on Q, K and H)."""
    der = der or derive(cfg)
    R = der.ranges
    wlo, _ = wrange(cfg.w_bits)
    blo, _ = wrange(cfg.bias_bits)
    (s_lo, s_hi), (d_lo, d_hi), (m_lo, m_hi) = R["sasa.increment"], R["dwc.increment"], R["mlp.increment"]
    lo, hi = R["tok.u0"]
    fan = 9 * cfg.stem_ch
    out = {}
    for i in range(cfg.L):
        lo, hi = lo + s_lo, hi + s_hi
        out[f"u.after.b{i}.sasa"] = (lo, hi)
        fan += cfg.D
        a = 1 + d_lo
        b = max(1 + fan * wlo, lo) + blo + 8 * wlo
        c = lo + blo
        lo, hi = min(a, b, c), hi + d_hi
        out[f"u.after.b{i}.dwc"] = (lo, hi)
        lo, hi = lo + m_lo, hi + m_hi
        out[f"u.after.b{i}.mlp"] = (lo, hi)
        fan += 9 + cfg.hidden
    return out


def u_lower_bound(cfg: SAFormerConfig, der: Derived | None = None) -> int:
    """Proven lower bound of the residual stream U over every module output (u_instance_bounds)."""
    return min(lo for lo, _ in u_instance_bounds(cfg, der).values())


def shortcut_membrane_lows(cfg: SAFormerConfig) -> dict[str, int]:
    """Proven low end of every shortcut LIF's and the head LIF's membrane: the lowest U it reads, every step."""
    der = derive(cfg)
    ub = u_instance_bounds(cfg, der)
    reads, prev = {}, "tok.u0"
    for i in range(cfg.L):
        for m in ("sasa", "dwc", "mlp"):
            reads[f"b{i}.{m}.shortcut_membrane"] = prev
            prev = f"u.after.b{i}.{m}"
    reads["head.shortcut_membrane"] = prev
    rng = {**ub, "tok.u0": der.ranges["tok.u0"]}
    return {k: membrane_range(*rng[u], der.theta_max, cfg.leak_shift, cfg.T)[0] for k, u in reads.items()}


def _shortcut_structures(cfg: SAFormerConfig) -> list[tuple[str, int, int]]:
    """(LIF instance, number of biases summed into its U, fan-in of weight x spike terms) of every shortcut LIF
    and the head LIF."""
    out, nb, fan = [], 1, 9 * cfg.stem_ch
    for i in range(cfg.L):
        for name, f in (("sasa", cfg.D), ("dwc", 9), ("mlp", cfg.hidden)):
            out.append((f"b{i}.{name}.shortcut_membrane", nb, fan))
            nb, fan = nb + 1, fan + f
    out.append(("head.shortcut_membrane", nb, fan))
    return out


NARROWED = {
    "tok.conv1_membrane": "hi: conv1's current is the same at every timestep (direct coding), so the "
                          "independent-current bound is replaced by the exact constant-current maximum",
    "u": "lo: a DWC tap adds its weight only when its LIF fires, which needs U_dwc >= 1 (u_lower_bound)",
    "u.membrane": "lo: the membrane of the lowest reachable U held for T steps; hi: the biases in U are the same "
                  "at every timestep (shared_bias_membrane_hi)",
    "sasa.qk_membrane": "hi: shared bias (equal to derive() for every named config)",
    "mlp.h_membrane": "hi: shared bias (equal to derive() for every named config)",
}


def reachable_bounds(cfg: SAFormerConfig) -> dict[str, tuple[int, int]]:
    """Per derive() range key, the (lo, hi) the worst-case sets must reach exactly: derive()'s end, or the
    narrower provably reachable end where the network cannot realise it (NARROWED)."""
    der = derive(cfg)
    R = dict(der.ranges)
    T, k, tm = cfg.T, cfg.leak_shift, der.theta_max
    (wlo, whi), (blo, bhi) = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    out = dict(R)
    out["tok.conv1_membrane"] = (R["tok.conv1_membrane"][0],
                                 constant_current_membrane_hi(*R["tok.conv1_current"], tm, k, T)[0])
    for key in ("sasa.qk_membrane", "mlp.h_membrane"):
        out[key] = (R[key][0], min(R[key][1], shared_bias_membrane_hi(blo, bhi, cfg.D * wlo, cfg.D * whi, tm, k, T)))
    u_lo = u_lower_bound(cfg, der)
    out["u"] = (u_lo, R["u"][1])
    hi = max(shared_bias_membrane_hi(nb * blo, nb * bhi, f * wlo, f * whi, tm, k, T)
             for _, nb, f in _shortcut_structures(cfg))
    out["u.membrane"] = (membrane_range(u_lo, R["u"][1], tm, k, T)[0], min(hi, R["u.membrane"][1]))
    return out


# ---------------------------------------------------------------------------- the sets
def _fill(cfg: SAFormerConfig, w: int, b: int, th: int) -> dict[str, np.ndarray]:
    """Every weight w, every bias b, every LIF/SN threshold th, every theta_a 1."""
    p = {}
    for s in network_segments(cfg):
        if s.name == "theta_a":
            v = 1
        elif "theta" in s.name:
            v = th
        elif s.key.rsplit(".", 1)[-1] in ("w", "w1", "w2", "wq", "wk", "wo"):
            v = w
        else:
            v = b
        p[s.key] = np.full(s.shape, v, dtype=I64)
    return p


def _blocks(cfg: SAFormerConfig, p: dict[str, np.ndarray], key: str, value) -> None:
    for i in range(cfg.L):
        p[f"b{i}.{key}"][...] = value


def _orbit(b: int, k: int, T: int) -> list[int]:
    v, out = 0, []
    for _ in range(T):
        v = int(_g(v, k)) + b
        out.append(v)
    return out


def _last_step_theta(b: int, k: int, T: int, theta_max: int) -> int | None:
    """theta such that a constant current b first fires at step T-1 (None if no such theta <= theta_max)."""
    o = _orbit(b, k, T)
    if T >= 2 and max(o[:-1]) < o[-1] <= theta_max:
        return o[-1]
    return None


def _conv1_for_current(cfg: SAFormerConfig, target: int) -> tuple[int, int, int] | None:
    """(uniform conv1 weight, uniform pixel, bias) giving the interior conv1 current `target`."""
    (wlo, whi), (blo, bhi) = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    fan = 9 * cfg.in_ch
    for px in range(cfg.pixel_max, -1, -1):
        for w in range(whi, wlo - 1, -1):
            b = target - fan * px * w
            if blo <= b <= bhi:
                return w, px, b
    return None


def _images(cfg: SAFormerConfig, *values: int) -> np.ndarray:
    return np.stack([np.full((cfg.in_ch, cfg.img, cfg.img), v, dtype=I64) for v in values])


def _max_set(cfg: SAFormerConfig) -> dict[str, np.ndarray]:
    """Everything at its maximum with thresholds 1 (all spikes on), plus one output channel per increment at its
    minimum (D-1: SASA, D-2: DWC, D-3: MLP; U stays positive there) and the last class at its minimum."""
    (wlo, whi), (blo, bhi) = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    D = cfg.D
    p = _fill(cfg, whi, bhi, 1)
    for i in range(cfg.L):
        p[f"b{i}.sasa.wo"][:, D - 1], p[f"b{i}.sasa.bo"][D - 1] = wlo, blo
        p[f"b{i}.dwc.w"][(D - 2) % D], p[f"b{i}.dwc.b"][(D - 2) % D] = wlo, blo
        p[f"b{i}.mlp.w2"][:, (D - 3) % D], p[f"b{i}.mlp.b2"][(D - 3) % D] = wlo, blo
    p["head.w"][:, -1], p["head.b"][-1] = wlo, blo
    return p


def _membrane_max_set(cfg: SAFormerConfig) -> dict[str, np.ndarray]:
    """All spikes into the SASA and MLP on, their currents at the maximum: the Q, K and H membranes climb the
    constant-current orbit. Their thresholds are the orbit's value at step T-1 (theta_max if that is larger),
    so they fire exactly at the maximum: a register too narrow for it would wrap and not fire (observable).
    Every U is positive here, so the head LIF fires at every (t, n) of every channel: the last class, at its
    minimum weights and bias, takes the logit's proven minimum (net_max's U goes negative in the channels it
    keeps at the minimum once D x w_lo outweighs U0, e.g. cifar10-384, and misses it by a channel's count)."""
    wlo, whi = wrange(cfg.w_bits)
    blo, bhi = wrange(cfg.bias_bits)
    p = _fill(cfg, whi, bhi, 1)
    p["head.w"][:, -1], p["head.b"][-1] = wlo, blo
    tm = derive(cfg).theta_max
    orbit = _orbit(cfg.D * whi + bhi, cfg.leak_shift, cfg.T)
    th = orbit[-1] if orbit[-1] <= tm and all(v < orbit[-1] for v in orbit[:-1]) else tm
    for key in ("sasa.theta_q", "sasa.theta_k", "mlp.theta_h"):
        _blocks(cfg, p, key, th)
    return p


def _min_set(cfg: SAFormerConfig) -> dict[str, np.ndarray]:
    """conv1 at its minimum (no spikes: U0 = conv2's bias, positive), so every shortcut LIF fires and the Q, K
    and H currents sit at their minimum at every step (membranes to the proven minimum, a = 0)."""
    (wlo, whi), (blo, bhi) = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    p = _fill(cfg, whi, bhi, 1)
    p["conv1.w"][...], p["conv1.b"][...] = wlo, blo
    for key, v in (("sasa.wq", wlo), ("sasa.bq", blo), ("sasa.wk", wlo), ("sasa.bk", blo), ("mlp.w1", wlo),
                   ("mlp.b1", blo)):
        _blocks(cfg, p, key, v)
    return p


def _min_u_set(cfg: SAFormerConfig) -> dict[str, np.ndarray]:
    """U at its lowest reachable value, constant over t: s1 all on, conv2 at its minimum; Q, K, H all on
    whatever the shortcut spikes are (positive weights and biases, thresholds 1) with Wo, W2 at the minimum;
    no DWC tap fires (U < 1), so DWC adds its minimum bias."""
    (wlo, whi), (blo, bhi) = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    p = _fill(cfg, whi, bhi, 1)
    p["conv2.w"][...], p["conv2.b"][...] = wlo, blo
    for key, v in (("sasa.wo", wlo), ("sasa.bo", blo), ("dwc.w", wlo), ("dwc.b", blo), ("mlp.w2", wlo),
                   ("mlp.b2", blo)):
        _blocks(cfg, p, key, v)
    p["head.w"][:, 0], p["head.b"][0] = wlo, blo
    return p


def _conv1_membrane_set(cfg: SAFormerConfig) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """conv1's current and threshold at the constant-current maximum of the conv1 membrane (None when that
    is net_max's first image)."""
    der = derive(cfg)
    val, cur, th = constant_current_membrane_hi(*der.ranges["tok.conv1_current"], der.theta_max, cfg.leak_shift,
                                                cfg.T)
    sol = _conv1_for_current(cfg, cur)
    if sol is None:
        return None
    w, px, b = sol
    if (w, px, b, th) == (wrange(cfg.w_bits)[1], cfg.pixel_max, wrange(cfg.bias_bits)[1], 1):
        return None  # the max set's first image already is this set (net_max reaches the maximum)
    p = _max_set(cfg)
    p["conv1.w"][...], p["conv1.b"][...], p["conv1.theta"][...] = w, b, th
    return p, _images(cfg, px)


def _head_membrane_set(cfg: SAFormerConfig, target: int) -> dict[str, np.ndarray] | None:
    """The head LIF stores theta_max - 1 at step T-2 and then reads U's maximum (the clipped end of the bound),
    when the sum of a channel's maximum biases is below theta_max. Everything upstream fires only at the last
    step (constant bias currents with the threshold of their step T-1), so U at the earlier steps is a sum of
    biases plus the MLP's hidden spikes, whose per-step counts (per-unit biases under one theta_h) are searched
    until the head's stored membrane is exactly theta_max - 1."""
    der = derive(cfg)
    T, k, tm = cfg.T, cfg.leak_shift, der.theta_max
    (_, whi), (_, bhi) = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    b_last = next((b for b in range(bhi, 0, -1) if _last_step_theta(b, k, T, tm)), None)
    if T < 2 or b_last is None:
        return None
    th_last = _last_step_theta(b_last, k, T, tm)
    p = _fill(cfg, whi, bhi, 1)
    p["conv1.w"][...], p["conv1.b"][...], p["conv1.theta"][...] = 0, b_last, th_last
    p["u.theta"][...] = tm
    for key, v in (("sasa.wq", 0), ("sasa.bq", b_last), ("sasa.theta_q", th_last), ("sasa.wk", 0),
                   ("sasa.bk", b_last), ("sasa.theta_k", th_last), ("mlp.w1", 0)):
        _blocks(cfg, p, key, v)
    x = _images(cfg, 0)
    n, c = cfg.grid + 1 if cfg.grid >= 3 else 0, 0  # an interior token
    # The hidden LIFs fire only at step T-1 for every (theta_h, b_z) pair below (b_z's first firing step is
    # T-1 under theta_h, and W1 = 0), so U before step T-1 -- all the search reads -- is the same for every
    # pair: one reference run gives it. Which (spike train, count) pairs store exactly theta_max - 1 at step
    # T-2 without firing is then a function of U alone, found for every count at once; the loop below meets
    # the candidates in the order of an exhaustive search and still checks each with a reference run.
    first_th = next((t for b in range(bhi, 0, -1) if (t := _last_step_theta(b, k, T, tm))), None)
    if first_th is None:
        return None
    _blocks(cfg, p, "mlp.theta_h", first_th)
    _blocks(cfg, p, "mlp.b1", next(b for b in range(1, bhi + 1) if _last_step_theta(b, k, T, tm) == first_th))
    u_early = _u_out(cfg, p, x)[0, :-1, n, c]
    counts = np.arange(cfg.hidden + 1, dtype=I64)
    solutions: dict[tuple[int, ...], np.ndarray] = {}

    def stores_tm_1(tr: tuple[int, ...]) -> np.ndarray:  # the counts n_x for which train tr works
        if tr not in solutions:
            u = u_early[:, None] + cfg.L * whi * counts[None, :] * np.array(tr, dtype=I64)[:, None]
            v = np.zeros_like(counts)
            ok = np.ones(counts.shape, dtype=bool)
            for t in range(T - 1):
                v = _g(v, k) + u[t]
                ok &= v < tm
            solutions[tr] = counts[ok & (v == tm - 1)]
        return solutions[tr]

    for th_h in sorted({t for b in range(1, bhi + 1) if (t := _last_step_theta(b, k, T, tm))}, reverse=True):
        b_z = next(b for b in range(1, bhi + 1) if _last_step_theta(b, k, T, tm) == th_h)
        trains = {}
        for b in range(1, bhi + 1):
            v, tr = 0, []
            for _ in range(T):
                v = int(_g(v, k)) + b
                tr.append(int(v >= th_h))
                v = 0 if v >= th_h else v
            if tr[-1]:
                trains.setdefault(tuple(tr[:-1]), b)
        _blocks(cfg, p, "mlp.theta_h", th_h)
        _blocks(cfg, p, "mlp.b1", b_z)
        for tr, b_x in trains.items():
            for n_x in stores_tm_1(tr):
                q = {kk: vv.copy() for kk, vv in p.items()}
                for i in range(cfg.L):
                    q[f"b{i}.mlp.b1"][:int(n_x)] = b_x
                rr: dict[str, ref.Observed] = {}
                ref.forward(x, q, cfg, rr)
                if rr["head.shortcut_membrane"].hi == target:
                    return q
    return None


def _u_out(cfg: SAFormerConfig, p: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """U after the last module (the head LIF's current), (B, T, N, D)."""
    rec = ref.forward(x, p, cfg)
    u = rec["tok.u0"].astype(I64)
    for i in range(cfg.L):
        for m in ("sasa", "dwc", "mlp"):
            u = u + rec[f"b{i}.{m}.inc"]
    return u


class WorstSet(NamedTuple):
    name: str
    params: dict[str, np.ndarray]
    pixels: np.ndarray  # (images, in_ch, img, img)


def network_worst_sets(cfg: SAFormerConfig) -> list[WorstSet]:
    """The worst-case sets of the whole network (module docstring); each 1-2 images."""
    pm = cfg.pixel_max
    sets = [WorstSet("net_max", _max_set(cfg), _images(cfg, pm, 0)),
            WorstSet("net_membrane_max", _membrane_max_set(cfg), _images(cfg, pm)),
            WorstSet("net_min", _min_set(cfg), _images(cfg, pm)),
            WorstSet("net_min_u", _min_u_set(cfg), _images(cfg, pm, 0))]
    c1 = _conv1_membrane_set(cfg)
    if c1 is not None:
        sets.append(WorstSet("net_conv1_membrane", *c1))
    want = reachable_bounds(cfg)["u.membrane"][1]
    if want > derive(cfg).ranges["u"][1]:  # the clipped end: needs a stored theta_max - 1
        hp = _head_membrane_set(cfg, want)
        if hp is not None:
            sets.append(WorstSet("net_head_membrane", hp, _images(cfg, 0)))
    return sets


def reached(cfg: SAFormerConfig, sets: list[WorstSet] | None = None
            ) -> tuple[dict[str, ref.Observed], dict[str, tuple[int, int]]]:
    """(per tensor instance, per derive() key) lowest and highest value over the sets (reference recorder)."""
    sets = network_worst_sets(cfg) if sets is None else sets
    inst: dict[str, ref.Observed] = {}
    for s in sets:
        ref.forward(s.pixels, s.params, cfg, inst)
    per_key: dict[str, tuple[int, int]] = {}
    for o in inst.values():
        lo, hi = per_key.get(o.bound, (o.lo, o.hi))
        per_key[o.bound] = (min(lo, o.lo), max(hi, o.hi))
    return inst, per_key
