# SPDX-License-Identifier: Apache-2.0
"""SASA-block test vectors: random and worst-case parameter sets and spike inputs (numpy only).

A vector set is a dict: the SASA parameters it runs with (`wq`, `bq`, ... as in golden.reference.SASA_KEYS)
plus `s` (V, T, N, D) input spikes and the reference's q, k, a, A, y, inc. Weights are reloadable, so sets
with parameters other than the trained model's (worst cases, random) are legitimate hardware inputs.
"""

from __future__ import annotations

import numpy as np
from saformer.contract.artifact import VECTOR_KEYS, param_specs, save_artifact
from saformer.contract.config import SAFormerConfig, derive, wrange
from saformer.golden import reference as ref


def random_sasa_params(cfg: SAFormerConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random in-range SASA parameters with thresholds that make spikes neither silent nor saturated."""
    der = derive(cfg)
    wlo, whi = wrange(cfg.w_bits)
    blo, bhi = wrange(cfg.bias_bits)
    D = cfg.D
    span = max(1, min(whi, 3))
    p = {
        "wq": rng.integers(-span, span + 1, (D, D)), "wk": rng.integers(-span, span + 1, (D, D)),
        "wo": rng.integers(wlo, whi + 1, (D, D)),
        "bq": rng.integers(max(blo, -4), min(bhi, 4) + 1, D), "bk": rng.integers(max(blo, -4), min(bhi, 4) + 1, D),
        "bo": rng.integers(blo, bhi + 1, D),
        "theta_q": np.array(min(der.theta_max, max(1, span * 2))),
        "theta_k": np.array(min(der.theta_max, max(1, span * 2))),
        "theta_a": rng.integers(1, cfg.N + 1, cfg.heads),
    }
    return {k: np.asarray(v, dtype=np.int64) for k, v in p.items()}


def random_spikes(cfg: SAFormerConfig, rng: np.random.Generator, count: int,
                  density: float | np.ndarray = 0.25) -> np.ndarray:
    d = np.broadcast_to(np.asarray(density, dtype=float), (count,))[:, None, None, None]
    return (rng.random((count, cfg.T, cfg.N, cfg.D)) < d).astype(np.uint8)


def worst_case_sets(cfg: SAFormerConfig) -> dict[str, dict[str, np.ndarray]]:
    """All spikes on with extreme weights and biases.

    `worst_min`: every weight and bias at its minimum, so Q and K membranes fall to the proven minimum
    f^T(0) with f(v) = v - (v >>> k) + Imin; `worst_max`: every weight and bias at its maximum and
    thresholds at their maximum, so the membranes climb as high as a constant current allows (the proven
    maximum, for configurations where the interval iteration never clips; see docs/integer-semantics.md).
    `worst_wrap`: the minimum currents with thresholds at 1 (see below).
    Also spans a=0 / a=N and empty tokens through a mixed image.
    """
    der = derive(cfg)
    D, T, N = cfg.D, cfg.T, cfg.N
    wlo, whi = wrange(cfg.w_bits)
    blo, bhi = wrange(cfg.bias_bits)
    ones = np.ones((1, T, N, D), dtype=np.uint8)
    mixed = ones.copy()
    mixed[0, :, : N // 2] = 0  # empty tokens
    s = np.concatenate([ones, mixed, np.zeros_like(ones)])
    out = {}
    for name, w, b, th in (("worst_min", wlo, blo, der.theta_max), ("worst_max", whi, bhi, der.theta_max)):
        p = {"wq": np.full((D, D), w), "wk": np.full((D, D), w), "wo": np.full((D, D), w),
             "bq": np.full(D, b), "bk": np.full(D, b), "bo": np.full(D, b),
             "theta_q": np.array(th), "theta_k": np.array(th),
             "theta_a": np.arange(cfg.heads) % 2 * (N - 1) + 1}  # heads alternate theta_a = 1 and N
        p = {k: np.asarray(v, dtype=np.int64) for k, v in p.items()}
        out[name] = make_set(cfg, p, s)
    # Thresholds at 1 with minimum currents: a membrane register one bit narrower than the proof wraps
    # the negative extreme to a positive value that fires, so this set catches a too-narrow membrane
    # (with theta at its maximum a wrapped value may never change a spike).
    p = {k: v.copy() for k, v in out["worst_min"].items() if k in ref.SASA_KEYS}
    p["theta_q"] = p["theta_k"] = np.array(1, dtype=np.int64)
    out["worst_wrap"] = make_set(cfg, p, s)
    return out


def make_set(cfg: SAFormerConfig, params: dict[str, np.ndarray], s: np.ndarray) -> dict[str, np.ndarray]:
    r = ref.sasa(s, params, cfg)
    out = {k: np.asarray(params[k], dtype=np.int64) for k in ref.SASA_KEYS}
    out["s"] = s.astype(np.uint8)
    for k in VECTOR_KEYS[1:]:
        out[k] = r[k]
    return out


def membrane_extremes(cfg: SAFormerConfig, vset: dict[str, np.ndarray]) -> tuple[int, int]:
    """Lowest and highest pre-reset Q/K membrane a vector set reaches (for coverage and the width test)."""
    lo, hi = 0, 0
    k_ = cfg.leak_shift
    for w, b, th in (("wq", "bq", "theta_q"), ("wk", "bk", "theta_k")):
        cur = ref.linear(vset["s"], vset[w], vset[b])
        v = np.zeros(cur.shape[:1] + cur.shape[2:], dtype=np.int64)
        for t in range(cur.shape[1]):
            v = v - (v >> k_) + cur[:, t]
            lo, hi = min(lo, int(v.min())), max(hi, int(v.max()))
            v = np.where(v >= int(vset[th]), 0, v)
    return lo, hi


def random_params(cfg: SAFormerConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A whole random integer model within the declared ranges (weights are reloadable: any in-range
    value is a legitimate input). SASA parameters come from `random_sasa_params`."""

    out = {}
    for name, (shape, (lo, hi)) in param_specs(cfg).items():
        if "theta" in name:
            out[name] = np.asarray(rng.integers(lo, min(hi, 64) + 1, shape), dtype=np.int64)
        else:
            out[name] = np.asarray(rng.integers(lo, hi + 1, shape), dtype=np.int64)
    for i in range(cfg.L):
        for k, v in random_sasa_params(cfg, rng).items():
            out[f"b{i}.sasa.{k}"] = v
    return out


def random_artifact(cfg: SAFormerConfig, path, seed: int = 0, n_random: int = 16):
    """Artifact of a random integer model (for configurations that have no trained model):
    random-density and worst-case SASA vector sets."""

    rng = np.random.default_rng(seed)
    params = random_params(cfg, rng)
    p0 = {k[len("b0.sasa."):]: v for k, v in params.items() if k.startswith("b0.sasa.")}
    sets = {"random": make_set(cfg, p0, random_spikes(cfg, rng, n_random, np.linspace(0.02, 0.6, n_random)))}
    sets.update(worst_case_sets(cfg))
    return save_artifact(path, cfg, params, sets, {"source": f"random integer model, seed {seed}"})
