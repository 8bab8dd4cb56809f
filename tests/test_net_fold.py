# SPDX-License-Identifier: Apache-2.0
"""The MLP fold (config field `hidden_beat`) in the whole network, config `fold` (contract/configs.py
NETWORK_NAMED: fc1 in hidden / hidden_beat passes, the hidden LIF taking beats of hidden_beat currents):
bit-exact at every module boundary under every stall cross on the per-cycle testbench and on the bulk
harness, every module's cycles == contract/cycles.py, the schedule model exact for every handshake, and a
weight / bias of a later pass, moved by one, failing where the scoreboard predicts (the load's word/lane)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from saformer.contract import layout
from saformer.golden import reference as ref
from saformer.sim.net_runner import STALLS, ensure_net_built, net_artifact, network_images, run_net_case
from saformer.sim.net_scoreboard import reaching_mutation

NAME = "fold"
IMAGES = 6


def test_fold_config_is_folded() -> None:
    cfg = net_artifact(NAME).cfg
    assert 1 < cfg.hidden_passes and cfg.hidden_lanes > cfg.lanes  # several passes, several groups a beat


def test_fold_network_bit_exact_every_stall(tmp_path: Path) -> None:
    art = net_artifact(NAME)
    cfg = art.cfg
    build = ensure_net_built(NAME, cfg)
    x, y = network_images(art, IMAGES)
    res = run_net_case(build, art, x, y, STALLS, seed=5, workdir=tmp_path / "case", label=NAME)
    assert not res.failed, res.report()
    rec = ref.forward(x, art.params, cfg)
    for st, r in res.runs.items():
        assert r["images"] == IMAGES
        assert np.array_equal(np.array(r["logits_hw"]), rec["logits"]), st
        for m, c in r["cycles"].items():
            assert c["measured"] == c["formula"] and len(c["measured"]) == IMAGES, (st, m)
    fc1 = res.runs["none"]["cycles"]["b0.mlp.fc1"]["measured"]
    nnz = np.count_nonzero(rec["b0.mlp.s"], axis=-1)
    assert fc1 == [int(cfg.hidden_passes * np.maximum(1, nnz[b]).sum()) for b in range(IMAGES)]
    sch = res.runs["none"]["schedule"]
    assert sch["equal"], res.report()
    assert sch["latency_measured"] == sch["latency_model"] and sch["interval_measured"] == sch["interval_model"]


def test_fold_later_pass_bias_fails_at_predicted_coordinates(tmp_path: Path) -> None:
    """b1 of fc1's third pass (lanes 2*OB ..): the per-lane bias memory's word/lane of the load."""
    art = net_artifact(NAME)
    cfg = art.cfg
    build = ensure_net_built(NAME, cfg)
    x, y = network_images(art, IMAGES)
    ob = cfg.hidden_lanes
    key = "b0.mlp.b1"
    flat, new, want = reaching_mutation(cfg, art.params, x, key, [2 * ob + lane for lane in range(ob)])
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    res = run_net_case(build, art, x, y, ("none",), seed=3, workdir=tmp_path / key, patch={word: new},
                       waves_on_fail=False)
    assert res.failed, f"mutation of {key}[{flat}] went unnoticed"
    assert res.runs["none"]["first_mismatch"] == want, (key, res.runs["none"]["first_mismatch"], want)


def test_fold_network_bulk_bit_exact_and_a_last_pass_weight() -> None:
    """The bulk harness (sim/net_bulk.py, FULL mode, input idles and output backpressure): every boundary
    value and every module's cycles per image equal the reference's and the formula's, on the artifact and
    on its weights with fc1's biases 0 (the random biases drown fc1's weights: no w1 change would show);
    on the latter, a w1 element of fc1's last pass (row: the most active input channel) moved in the stream
    fails where the scoreboard predicts (the weight load's word j*G + g and lane)."""
    from saformer.sim.net_bulk import ensure_bulk_built
    from saformer.sim.net_bulk_check import WeightSet
    from saformer.sim.net_bulk_verify import run_set

    art = net_artifact(NAME)
    cfg = art.cfg
    build = ensure_bulk_built(NAME, cfg)
    x, _ = network_images(art, 8)
    labels = [f"image {i}" for i in range(x.shape[0])]
    zb = {**art.params, **{f"b{i}.mlp.b1": np.zeros_like(art.params[f"b{i}.mlp.b1"]) for i in range(cfg.L)}}
    for name, params in (("artifact", dict(art.params)), ("b1=0", zb)):
        r = run_set(build, cfg, WeightSet(name, params), x, labels, "both", 11, f"fold-bulk-{name}")
        assert r["images"] == 8 and r["mismatching_images"] == 0 and r["mismatching_values"] == 0, \
            (name, r["first_mismatch"])
        assert r["cycles_match_formula"], (name, r["cycle_errors"][:3])
        assert not r["faults"] and not r["bulk_failed"], (name, r["bulk_first"])
    ob, hid, last = cfg.hidden_lanes, cfg.hidden, cfg.hidden_passes - 1
    j = int(np.argmax(np.count_nonzero(ref.forward(x, zb, cfg)["b0.mlp.s"], axis=(0, 1, 2))))
    key = "b0.mlp.w1"
    flat, new, want = reaching_mutation(cfg, zb, x, key, [j * hid + last * ob + lane for lane in range(ob)])
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    r = run_set(build, cfg, WeightSet("edited", zb, {word: new}), x, labels, "none", 3, "fold-bulk-mutation")
    assert r["mismatching_values"] > 0 and r["first_mismatch"].startswith(want), (r["first_mismatch"], want)
