# SPDX-License-Identifier: Apache-2.0
"""The minwidth whole-network worst-case sets (golden/net_vectors.py; each its own artifact) through the network
RTL (net_engine, sim/net_worst.py) with crossed input idles and output backpressure: bit-exact at every module
boundary, logits and cycle counts; and a weight edit in one of them is caught."""

from __future__ import annotations

import numpy as np
from saformer.contract.configs import NAMED
from saformer.golden.net_vectors import network_worst_sets
from saformer.sim.net_worst import run_worst


def test_minwidth_worst_sets_bit_exact_on_the_rtl() -> None:
    cfg = NAMED["minwidth"]
    r = run_worst("minwidth", ("both",))
    sets = network_worst_sets(cfg)
    assert list(r["sets"]) == [s.name for s in sets]  # every set ran
    assert r["images"] == sum(s.pixels.shape[0] for s in sets)
    for name, e in r["sets"].items():
        x = e["both"]
        assert (x["mismatching_images"], x["mismatching_values"], x["output_mismatching_images"]) == (0, 0, 0), \
            f"set {name}: {x['first_mismatch']}\nrerun: {e['rerun']}"
        assert not x["cycle_errors"], f"set {name}: {x['cycle_errors'][:2]}"
    assert r["ok"]


def test_a_weight_edit_in_a_worst_set_fails_at_the_predicted_coordinates(tmp_path) -> None:
    """The comparison can fail: net_min_u with one MLP output bias moved by one (the edited weight word is sent,
    the reference keeps the set's value) mismatches first where the scoreboard predicts."""
    from saformer.contract import layout
    from saformer.golden import reference as ref
    from saformer.sim.net_runner import ensure_net_built, run_net_case
    from saformer.sim.net_scoreboard import predict_first_mismatch
    from saformer.sim.net_worst import worst_artifacts

    cfg = NAMED["minwidth"]
    name, art, x = next(t for t in worst_artifacts("minwidth", cfg) if t[0] == "net_min_u")
    key, flat = "b0.mlp.b2", 0
    p = {k: v.copy() for k, v in art.params.items()}
    a = p[key].reshape(-1).astype(np.int64)
    a[flat] += 1
    p[key] = a.reshape(p[key].shape)
    want = predict_first_mismatch(cfg, ref.forward(x, art.params, cfg), ref.forward(x, p, cfg), list(range(len(x))))
    assert want is not None
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    res = run_net_case(ensure_net_built("minwidth", cfg), art, x, np.full(len(x), -1), ("none",), seed=5,
                       workdir=tmp_path / "mut", patch={word: int(a[flat])}, waves_on_fail=False)
    assert res.failed and res.runs["none"]["first_mismatch"] == want, (res.runs["none"]["first_mismatch"], want)


def test_verify_network_section_gains_the_worst_entry(monkeypatch) -> None:
    """sim/net_verify.py: minwidth gets a `worst` entry and a mismatch there makes the section not ok (stubbed)."""
    import saformer.sim.net_worst as nw
    from saformer.sim.net_verify import network_worst

    fig = {"sets": {}, "images": 7, "mismatching_images": 1, "mismatching_values": 2, "ok": False}
    monkeypatch.setattr(nw, "run_worst", lambda name, stalls: dict(fig, name=name))
    sec = {"minwidth": {"stalls": ["both"]}, "default": {"stalls": ["both"]}}
    assert network_worst(sec) is False
    assert sec["minwidth"]["worst"]["name"] == "minwidth" and "worst" not in sec["default"]
    monkeypatch.setattr(nw, "run_worst", lambda name, stalls: dict(fig, ok=True))
    assert network_worst({"minwidth": {}}) is True
    assert network_worst({"default": {}}) is True  # minwidth not run: nothing to add
