# SPDX-License-Identifier: Apache-2.0
"""Brevitas eval forward == numpy integer reference, exactly, on random models; the proof checks."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saformer.contract.config import DEFAULT, SAFormerConfig, derive, membrane_range
from saformer.contract.configs import NAMED
from saformer.golden import reference as ref
from saformer.golden.export import int_params
from saformer.golden.model import Proj, SAFormer, fold_into
from saformer.golden.vectors import membrane_extremes, worst_case_sets


def random_quant_model(cfg: SAFormerConfig, seed: int) -> SAFormer:
    """Float twin with random weights and BN statistics that make every layer fire, folded into Brevitas."""
    torch.manual_seed(seed)
    fm, qm = SAFormer(cfg, quant=False), SAFormer(cfg, quant=True)
    for m in fm.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            m.weight.data.uniform_(0.5, 2.5)
            m.bias.data.uniform_(-0.5, 1.0)
            m.running_mean.uniform_(-0.3, 0.3)
            m.running_var.uniform_(0.5, 2.0)
    for p in fm.parameters():
        if p.dim() == 1 and p.shape[0] == cfg.heads:
            p.data.uniform_(1, cfg.N)
    fm.eval()
    fold_into(fm, qm)
    return qm.eval()


def first_mismatch(a: np.ndarray, b: np.ndarray) -> str:
    if a.shape != b.shape:
        return f"shape {a.shape} != {b.shape}"
    idx = tuple(int(i) for i in np.argwhere(a != b)[0])
    return f"at index {idx}: brevitas {a[idx]} != reference {b[idx]}"


def assert_model_equal(qm: SAFormer, pixels: np.ndarray) -> dict:
    with torch.no_grad():
        _, rec = qm(torch.from_numpy(pixels).float(), record=True)
    params, _ = int_params(qm)
    r = ref.forward(pixels, params, qm.cfg)
    assert set(rec) == set(r)
    for k in rec:
        a = rec[k].detach().double().numpy()
        assert np.all(a == np.round(a)), f"{k}: Brevitas value is not integer-valued"
        assert np.all(np.abs(a) < 2 ** 24), f"{k}: Brevitas value reaches 2^24 (float32 no longer exact)"
        b = r[k]
        assert np.issubdtype(b.dtype, np.integer), f"{k}: reference dtype {b.dtype} is not integer"
        assert a.shape == b.shape and np.array_equal(a.astype(np.int64), b), f"{k}: {first_mismatch(a, b)}"
    return r


CFG_VARIANTS = [
    DEFAULT,
    DEFAULT.replace(T=2, D=16, heads=4, L=2, stem_ch=8),
    DEFAULT.replace(T=1, D=8, heads=1, img=6, w_bits=3, bias_bits=10, leak_shift=2),
    DEFAULT.replace(T=5, D=24, heads=3, mlp_ratio=1, w_bits=5, bias_bits=13, u_frac=4),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ci=st.integers(0, len(CFG_VARIANTS) - 1), seed=st.integers(0, 2 ** 16), batch=st.integers(1, 6))
def test_brevitas_equals_reference_random_models(ci: int, seed: int, batch: int) -> None:
    cfg = CFG_VARIANTS[ci]
    qm = random_quant_model(cfg, seed)
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, cfg.pixel_max + 1, (batch, cfg.in_ch, cfg.img, cfg.img))
    r = assert_model_equal(qm, pixels)
    assert r["logits"].shape == (batch, cfg.n_classes)


def test_random_model_is_not_silent() -> None:
    """The equality test above must exercise spikes, not all-zero tensors."""
    r = assert_model_equal(random_quant_model(DEFAULT, 1), np.random.default_rng(1).integers(0, 17, (8, 1, 8, 8)))
    for k in ("tok.s1", "b0.sasa.s", "b0.sasa.q", "b0.sasa.k", "b0.sasa.y", "b0.mlp.h", "head.s"):
        assert 0 < r[k].mean() < 1, f"{k} firing rate {r[k].mean()}"


def test_every_scale_is_a_power_of_two() -> None:
    qm = random_quant_model(DEFAULT, 3)
    n = 0
    for name, m in qm.named_modules():
        if isinstance(m, Proj):
            e = m.weight_exponent()
            assert float(m.layer.quant_weight().scale.reshape(())) == 2.0 ** e, name
            n += 1
    assert n == 9
    _, scales = int_params(qm)
    assert all(isinstance(v, int) for v in scales.values())


def test_reference_imports_no_torch() -> None:
    code = ("import sys; import saformer.golden.reference, saformer.contract.artifact, saformer.golden.vectors, "
            "saformer.contract.interface, saformer.contract.configs; "
            "bad=[m for m in ('torch','brevitas') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(ref.__file__).rsplit("/golden/", 1)[0])


def test_reference_rejects_out_of_range() -> None:
    params = {"wq": np.full((4, 4), 7), "bq": np.full(4, 2047), "theta_q": np.array(5),
              "wk": np.zeros((4, 4), int), "bk": np.zeros(4, int), "theta_k": np.array(1),
              "theta_a": np.array([1]), "wo": np.zeros((4, 4), int), "bo": np.zeros(4, int)}
    cfg = SAFormerConfig(D=4, heads=1, lanes=4, stem_ch=4)
    s = np.ones((1, cfg.T, cfg.N, 4), np.uint8)
    params["wq"] = np.full((4, 4), 100)  # outside the declared 4-bit range -> current beyond the proof
    with pytest.raises(ref.RangeViolation, match="sasa Q current"):
        ref.sasa(s, params, cfg)


# --------------------------------------------------------------------------- the membrane proof
@pytest.mark.parametrize("k,T,ilo,ihi,thmax", [(1, 3, -3, 2, 3), (2, 3, -4, 3, 5), (1, 4, -2, 4, 2)])
def test_membrane_range_is_exact_by_enumeration(k: int, T: int, ilo: int, ihi: int, thmax: int) -> None:
    """Every current sequence and threshold: the bounds hold and are reached (so they are tight)."""
    lo = hi = 0
    for theta in range(1, thmax + 1):
        for seq in itertools.product(range(ilo, ihi + 1), repeat=T):
            v = 0
            for i in seq:
                v = v - (v >> k) + i
                lo, hi = min(lo, v), max(hi, v)
                v = 0 if v >= theta else v
    assert (lo, hi) == membrane_range(ilo, ihi, thmax, k, T)


@pytest.mark.parametrize("name", ["default", "minwidth", "t1", "n9"])
def test_worst_case_vectors_reach_the_proven_membrane_bounds(name: str) -> None:
    cfg = NAMED[name]
    d = derive(cfg)
    sets = worst_case_sets(cfg)
    lo = min(membrane_extremes(cfg, s)[0] for s in sets.values())
    hi = max(membrane_extremes(cfg, s)[1] for s in sets.values())
    assert (lo, hi) == d.ranges["sasa.qk_membrane"]
