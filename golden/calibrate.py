# SPDX-License-Identifier: Apache-2.0
"""Random integer models whose spike densities are chosen (numpy only): the stand-in for a trained model
when a configuration has none (CIFAR-10: no data offline), so that the cycle model sees the sparsity a
trained spiking transformer has (0.1-0.2 of the spikes on) rather than what full-range random biases give
(about 0.45: the biases dominate every current).

`density_params(cfg, rng, pixels, target)` draws the weights as `golden.vectors.random_params` does, makes
every bias small (+-BIAS_SPAN around an offset) and then, in pipeline order on the calibration images,
chooses each threshold and each increment's bias offset by integer bisection so that the next LIF's spike
density is closest to `target`: conv1.theta (s1), u.theta (the first shortcut LIF), per SASA block theta_k
(K), theta_a per head (A about half on), theta_q (Y = Q & A), the SASA, DWC and MLP increments' bias
offsets (the density of the shortcut LIF that follows), theta_h (MLP hidden spikes). Every value stays in
its declared range, so the model is a legitimate hardware input; the densities it reaches are measured by
`golden.reference.forward` (`spike_densities`), never assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from saformer.contract.artifact import save_artifact
from saformer.contract.config import SAFormerConfig, derive, wrange
from saformer.golden import reference as ref
from saformer.golden.vectors import make_set, random_params, worst_case_sets

BIAS_SPAN = 4  # every bias: offset + uniform integer in [-BIAS_SPAN, BIAS_SPAN]
TARGET = 0.15  # the spike density aimed at (the "random spike densities of 0.1-0.2")
CALIB_IMAGES = 8
A_TARGET = 0.5  # density of the attention mask A: Y = Q & A, so Q is aimed at TARGET / A


def random_pixels(cfg: SAFormerConfig, rng: np.random.Generator, count: int) -> np.ndarray:
    """Uniform random integer images (count, in_ch, img, img) in 0..pixel_max."""
    return rng.integers(0, cfg.pixel_max + 1, (count, cfg.in_ch, cfg.img, cfg.img)).astype(np.int64)


def _bisect(lo: int, hi: int, density: Callable[[int], float], target: float, increasing: bool) -> int:
    """Integer x in [lo, hi] whose density(x) is closest to target; density monotone in x."""
    a, b = lo, hi
    while b - a > 1:
        m = (a + b) // 2
        d = density(m)
        if (d < target) == increasing:
            a = m
        else:
            b = m
    return min((a, b), key=lambda x: abs(density(x) - target))


def _dens(s: np.ndarray) -> float:
    return float(np.asarray(s).mean())


def density_params(cfg: SAFormerConfig, rng: np.random.Generator, pixels: np.ndarray,
                   target: float = TARGET) -> dict[str, np.ndarray]:
    """A random integer model of `cfg` calibrated on `pixels` (module docstring)."""
    der = derive(cfg)
    R = der.ranges
    th_max = der.theta_max
    k_ = cfg.leak_shift
    blo, bhi = wrange(cfg.bias_bits)
    p = random_params(cfg, rng)

    def small_bias(n: int) -> np.ndarray:
        return rng.integers(-BIAS_SPAN, BIAS_SPAN + 1, n).astype(np.int64)

    def lif(cur: np.ndarray, th: int) -> np.ndarray:
        return ref.lif(cur, th, k_)

    def theta_for(cur: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """The threshold whose LIF(cur) (& mask) density is closest to the target."""
        def dens(th: int) -> float:
            s_ = lif(cur, th)
            return _dens(s_ if mask is None else s_ & mask)
        return np.array(_bisect(1, th_max, dens, target, False))

    # tokenizer: conv1 bias small, theta for s1
    p["conv1.b"] = small_bias(cfg.stem_ch)
    c1 = ref.conv3x3(pixels, p["conv1.w"], p["conv1.b"])
    B, T = pixels.shape[0], cfg.T
    c1t = np.broadcast_to(c1[:, None], (B, T) + c1.shape[1:])
    p["conv1.theta"] = theta_for(c1t)
    s1 = lif(c1t, int(p["conv1.theta"]))
    p["conv2.b"] = small_bias(cfg.D)
    u0 = ref.conv3x3(s1.reshape((B * T,) + s1.shape[2:]), p["conv2.w"], p["conv2.b"], stride=cfg.patch)
    u = u0.reshape(B, T, cfg.D, cfg.N).transpose(0, 1, 3, 2)
    p["u.theta"] = theta_for(u)
    th_u = int(p["u.theta"])
    g = cfg.grid

    def recenter(key: str, u_now: np.ndarray, inc_nobias: np.ndarray) -> np.ndarray:
        """Choose the bias offset of `key` so that LIF(u + inc) has the target density; returns u + inc."""
        jitter = small_bias(p[key].shape[0])
        lo, hi = blo + BIAS_SPAN, bhi - BIAS_SPAN
        c = _bisect(lo, hi, lambda c: _dens(lif(u_now + inc_nobias + jitter + c, th_u)), target, True)
        p[key] = (jitter + c).astype(np.int64)
        u_new = u_now + inc_nobias + p[key]
        ref.check_range("U", u_new, R["u"])
        return u_new

    for i in range(cfg.L):
        pre = f"b{i}."
        # SASA
        s = lif(u, th_u)
        kc = ref.linear(s, p[pre + "sasa.wk"], np.zeros(cfg.D, np.int64))
        qc = ref.linear(s, p[pre + "sasa.wq"], np.zeros(cfg.D, np.int64))
        p[pre + "sasa.bk"] = small_bias(cfg.D)
        p[pre + "sasa.bq"] = small_bias(cfg.D)
        kc, qc = kc + p[pre + "sasa.bk"], qc + p[pre + "sasa.bq"]
        p[pre + "sasa.theta_k"] = theta_for(kc)
        kk = lif(kc, int(p[pre + "sasa.theta_k"]))
        a = kk.astype(np.int64).sum(axis=2)  # (B, T, D)
        hd = cfg.head_dim
        tha = np.zeros(cfg.heads, dtype=np.int64)
        for h in range(cfg.heads):
            ah = a[:, :, h * hd:(h + 1) * hd]
            tha[h] = _bisect(1, cfg.N, lambda t_, ah=ah: _dens(ah >= t_), A_TARGET, False)
        p[pre + "sasa.theta_a"] = tha
        A = (a >= np.repeat(tha, hd)).astype(np.uint8)
        p[pre + "sasa.theta_q"] = theta_for(qc, A[:, :, None, :])
        y = lif(qc, int(p[pre + "sasa.theta_q"])) & A[:, :, None, :]
        u = recenter(pre + "sasa.bo", u, ref.linear(y, p[pre + "sasa.wo"], np.zeros(cfg.D, np.int64)))
        # DWC
        s = lif(u, th_u)
        xs = s.reshape(B * T, g, g, cfg.D).transpose(0, 3, 1, 2)
        inc = ref.conv3x3(xs, p[pre + "dwc.w"][:, None], np.zeros(cfg.D, np.int64), groups=cfg.D)
        inc = inc.transpose(0, 2, 3, 1).reshape(B, T, cfg.N, cfg.D)
        u = recenter(pre + "dwc.b", u, inc)
        # MLP
        s = lif(u, th_u)
        p[pre + "mlp.b1"] = small_bias(cfg.hidden)
        hc = ref.linear(s, p[pre + "mlp.w1"], p[pre + "mlp.b1"])
        p[pre + "mlp.theta_h"] = theta_for(hc)
        h = lif(hc, int(p[pre + "mlp.theta_h"]))
        u = recenter(pre + "mlp.b2", u, ref.linear(h, p[pre + "mlp.w2"], np.zeros(cfg.D, np.int64)))
    p["head.b"] = small_bias(cfg.n_classes)
    return {k: np.asarray(v, dtype=np.int64) for k, v in p.items()}


SPIKE_RECORDS = ("tok.s1", "sasa.s", "sasa.q", "sasa.k", "sasa.A", "sasa.y", "dwc.s", "mlp.s", "mlp.h", "head.s")


def spike_densities(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, float]:
    """Measured fraction of spikes on, per spike record of `golden.reference.forward` (blocks kept apart)."""
    out = {}
    for k, v in rec.items():
        if k.split(".", 1)[-1] in SPIKE_RECORDS or k in SPIKE_RECORDS:
            out[k] = round(float(np.asarray(v).mean()), 4)
    return out


def density_artifact(cfg: SAFormerConfig, path: str | Path, seed: int = 0, target: float = TARGET,
                     images: int = CALIB_IMAGES) -> Path:
    """Artifact of a density-calibrated random integer model: the SASA vector set `random` holds block 0's
    input spikes of `images` random images (seed `seed`, the calibration images), plus the worst-case sets;
    the manifest records the seed, the target and the densities the reference measured."""
    rng = np.random.default_rng(seed)
    px = random_pixels(cfg, rng, images)
    params = density_params(cfg, rng, px, target)
    rec = ref.forward(px, params, cfg)
    p0 = {k[len("b0.sasa."):]: v for k, v in params.items() if k.startswith("b0.sasa.")}
    sets = {"random": make_set(cfg, p0, rec["b0.sasa.s"])}
    sets.update(worst_case_sets(cfg))
    meta = {"source": f"density-calibrated random integer model, seed {seed}, target density {target}",
            "calibration": {"seed": seed, "images": images, "target": target,
                            "densities": spike_densities(cfg, rec)}}
    return save_artifact(path, cfg, params, sets, meta)
