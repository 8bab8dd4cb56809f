# SPDX-License-Identifier: Apache-2.0
"""Whole-network worst-case sets (golden/net_vectors.py): together they take every bounded tensor of the network
to both ends of its reachable range -- derive()'s figure, or the narrower end the doc proves for the network
(docs/integer-semantics.md, "Reachable ends of the network") -- and the reference accepts every set. Numpy only."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from saformer.contract.config import derive, membrane_range
from saformer.contract.configs import NAMED, NETWORK_NAMED
from saformer.golden import net_vectors as nv
from saformer.golden import reference as ref

CONFIGS = {"minwidth": NAMED["minwidth"], "default": NAMED["default"], "l2": NETWORK_NAMED["l2"],
           "n9": NAMED["n9"]}


@pytest.fixture(scope="module", params=list(CONFIGS))
def case(request):
    cfg = CONFIGS[request.param]
    sets = nv.network_worst_sets(cfg)
    inst, per_key = nv.reached(cfg, sets)
    return request.param, cfg, sets, inst, per_key


def test_sets_reach_every_bound(case) -> None:
    name, cfg, _sets, inst, per_key = case
    want = nv.reachable_bounds(cfg)
    assert set(want) == set(derive(cfg).ranges)
    missed = []
    for key, (lo, hi) in want.items():
        got = per_key.get(key)
        if got is None:
            missed.append(f"{key}: never recorded")
            continue
        tensors = sorted(t for t, o in inst.items() if o.bound == key)
        if got[0] != lo:
            missed.append(f"{key} low end: reached {got[0]}, bound {lo} (tensors {tensors})")
        if got[1] != hi:
            missed.append(f"{key} high end: reached {got[1]}, bound {hi} (tensors {tensors})")
    assert not missed, f"config {name}: " + "; ".join(missed)


def test_minwidth_reaches_derive_except_the_documented_ends() -> None:
    """minwidth (the tight widths): every derive() end is reached except the three the doc proves unreachable."""
    cfg = NAMED["minwidth"]
    R, want = derive(cfg).ranges, nv.reachable_bounds(cfg)
    differ = {(k, e) for k in R for e in (0, 1) if R[k][e] != want[k][e]}
    assert differ == {("tok.conv1_membrane", 1), ("u", 0), ("u.membrane", 0)}


def test_reachable_ends_lie_inside_derive_and_are_documented(case) -> None:
    _name, cfg, *_ = case
    R, want = derive(cfg).ranges, nv.reachable_bounds(cfg)
    for k, (lo, hi) in want.items():
        assert R[k][0] <= lo <= hi <= R[k][1], k
        if (lo, hi) != R[k]:
            assert k in nv.NARROWED, f"{k}: narrowed without a documented reason"


def test_reference_accepts_every_set_and_the_recorder_changes_nothing(case) -> None:
    _name, cfg, sets, _inst, _ = case
    assert 4 <= len(sets) <= 8
    for s in sets:
        assert 1 <= s.pixels.shape[0] <= 4
        plain = ref.forward(s.pixels, s.params, cfg)  # raises RangeViolation if any value left its range
        rec: dict[str, ref.Observed] = {}
        recorded = ref.forward(s.pixels, s.params, cfg, rec)
        assert plain.keys() == recorded.keys()
        for k in plain:
            assert np.array_equal(plain[k], recorded[k]), k
        assert rec, "the recorder saw nothing"


def test_every_tensor_instance_is_recorded(case) -> None:
    _name, cfg, _sets, inst, _ = case
    want = {"tok.conv1_current", "tok.conv1_membrane", "tok.u0", "head.shortcut_membrane", "head.count",
            "head.logit"}
    for i in range(cfg.L):
        want |= {f"b{i}.sasa.{t}" for t in ("q_current", "k_current", "q_membrane", "k_membrane", "a",
                                            "increment", "shortcut_membrane")}
        want |= {f"b{i}.dwc.increment", f"b{i}.dwc.shortcut_membrane", f"b{i}.mlp.shortcut_membrane",
                 f"b{i}.mlp.h_current", f"b{i}.mlp.h_membrane", f"b{i}.mlp.increment"}
        want |= {f"u.after.b{i}.{m}" for m in ("sasa", "dwc", "mlp")}
    assert set(inst) == want


# ------------------------------------------------------------------------------ the proofs' ingredients
def _lif_pre(currents, theta, k):
    v, out = 0, []
    for i in currents:
        v = v - (v >> k) + i
        out.append(v)
        v = 0 if v >= theta else v
    return out


def test_a_lif_fires_only_on_a_positive_current() -> None:
    """The DWC argument of u_lower_bound: a spike at step t needs I[t] >= 1, whatever the history."""
    for T, k, th in itertools.product((1, 2, 3), (1, 2), (1, 2, 3, 5)):
        for cur in itertools.product(range(-4, 5), repeat=T):
            pre = _lif_pre(cur, th, k)
            for t in range(T):
                if pre[t] >= th:
                    assert cur[t] >= 1, (cur, th, k)


def test_shared_bias_bound_holds_by_enumeration() -> None:
    """Every sequence I[t] = B + A[t] with one B, every theta: the pre-reset membrane never exceeds the bound,
    and the bound is never above membrane_range's (independent currents)."""
    for T, k, tm in ((2, 1, 3), (3, 1, 4), (3, 2, 5)):
        b_lo, b_hi, f_lo, f_hi = -2, 3, -2, 2
        bound = nv.shared_bias_membrane_hi(b_lo, b_hi, f_lo, f_hi, tm, k, T)
        assert bound <= membrane_range(b_lo + f_lo, b_hi + f_hi, tm, k, T)[1]
        top = 0
        for B in range(b_lo, b_hi + 1):
            for a in itertools.product(range(f_lo, f_hi + 1), repeat=T):
                for th in range(1, tm + 1):
                    top = max(top, *_lif_pre([B + x for x in a], th, k))
        assert top <= bound


def test_constant_current_maximum_by_enumeration() -> None:
    """The closed form (value, least theta, least current at it) against the enumeration of every (theta,
    current) pair, theta outer, ascending, the first strict improvement kept."""
    for T, k, tm in ((1, 1, 7), (3, 1, 7), (4, 2, 9), (4, 1, 40), (5, 3, 100), (2, 1, 1)):
        for lo, hi in ((-5, 11), (-4, -1), (0, 0), (3, 60)):
            best = (0, 0, 1)
            for th in range(1, tm + 1):
                for i in range(max(lo, 0), hi + 1):
                    top = max(_lif_pre([i] * T, th, k))
                    if top > best[0]:
                        best = (top, i, th)
            assert nv.constant_current_membrane_hi(lo, hi, tm, k, T) == best, (T, k, tm, lo, hi)


def test_u_after_every_module_and_every_shortcut_low_end_reached(case) -> None:
    """Per instance: U after each module reaches both ends of its own proven range, and every shortcut / head
    LIF membrane the low end of its own (the membrane of the lowest U it reads, held for T steps)."""
    name, cfg, _sets, inst, _ = case
    missed = [f"{k}: reached [{inst[k].lo}, {inst[k].hi}], proven [{lo}, {hi}]"
              for k, (lo, hi) in nv.u_instance_bounds(cfg).items() if (inst[k].lo, inst[k].hi) != (lo, hi)]
    missed += [f"{k} low end: reached {inst[k].lo}, proven {lo}"
               for k, lo in nv.shortcut_membrane_lows(cfg).items() if inst[k].lo != lo]
    assert not missed, f"config {name}: " + "; ".join(missed)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cifar10-pynq", "cifar10-384"])
def test_cifar_sets_reach_every_end_but_the_unreachable_membrane_top(name: str) -> None:
    """At 16-bit thresholds the sets reach every end of reachable_bounds except u.membrane's high end, an upper
    bound the shared theta_u keeps out of reach (docs/integer-semantics.md, "The CIFAR-10 configurations"):
    there the sets reach U's maximum (the head LIF firing at every step)."""
    from saformer.contract.configs import ALL

    cfg = ALL[name]
    _inst, per_key = nv.reached(cfg)
    want = nv.reachable_bounds(cfg)
    missed = [f"{k}: reached {per_key.get(k)}, bound {v}" for k, v in want.items()
              if k != "u.membrane" and per_key.get(k) != v]
    assert not missed, f"config {name}: " + "; ".join(missed)
    assert per_key["u.membrane"] == (want["u.membrane"][0], derive(cfg).ranges["u"][1])
    assert want["u.membrane"][1] > derive(cfg).ranges["u"][1]
