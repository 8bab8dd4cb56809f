# SPDX-License-Identifier: Apache-2.0
"""The MLP fold (config field `hidden_beat`) in the whole network, config `fold` (contract/configs.py
NETWORK_NAMED: fc1 in hidden / hidden_beat passes, the hidden LIF taking beats of hidden_beat currents):
bit-exact at every module boundary under every stall cross on the per-cycle testbench and on the bulk
harness, every module's cycles == contract/cycles.py, the schedule model exact for every handshake, and a
weight / bias of a later pass, moved by one, failing where the scoreboard predicts (the load's word/lane)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from saformer.golden import reference as ref
from saformer.sim.net_runner import net_artifact

from tests.net_cases import (
    bulk_mutation_fails_where_predicted,
    bulk_sets_bit_exact,
    every_stall_bit_exact,
    mutation_fails_where_predicted,
)

NAME = "fold"
IMAGES = 6


def test_fold_config_is_folded() -> None:
    cfg = net_artifact(NAME).cfg
    assert 1 < cfg.hidden_passes and cfg.hidden_lanes > cfg.lanes  # several passes, several groups a beat


def test_fold_network_bit_exact_every_stall(tmp_path: Path) -> None:
    res, rec, cfg = every_stall_bit_exact(NAME, IMAGES, tmp_path / "case")
    fc1 = res.runs["none"]["cycles"]["b0.mlp.fc1"]["measured"]
    nnz = np.count_nonzero(rec["b0.mlp.s"], axis=-1)
    assert fc1 == [int(cfg.hidden_passes * np.maximum(1, nnz[b]).sum()) for b in range(IMAGES)]


def test_fold_later_pass_bias_fails_at_predicted_coordinates(tmp_path: Path) -> None:
    """b1 of fc1's third pass (lanes 2*OB ..): the per-lane bias memory's word/lane of the load."""
    ob = net_artifact(NAME).cfg.hidden_lanes
    mutation_fails_where_predicted(NAME, IMAGES, tmp_path, "b0.mlp.b1", [2 * ob + lane for lane in range(ob)])


def test_fold_network_bulk_bit_exact_and_a_last_pass_weight() -> None:
    """The bulk harness (sim/net_bulk.py, FULL mode, input idles and output backpressure): every boundary
    value and every module's cycles per image equal the reference's and the formula's, on the artifact and
    on its weights with fc1's biases 0 (the random biases drown fc1's weights: no w1 change would show);
    on the latter, a w1 element of fc1's last pass (row: the most active input channel) moved in the stream
    fails where the scoreboard predicts (the weight load's word j*G + g and lane)."""
    art = net_artifact(NAME)
    cfg = art.cfg
    zb = {**art.params, **{f"b{i}.mlp.b1": np.zeros_like(art.params[f"b{i}.mlp.b1"]) for i in range(cfg.L)}}
    build, x, labels = bulk_sets_bit_exact(NAME, [("artifact", dict(art.params)), ("b1=0", zb)])
    ob, hid, last = cfg.hidden_lanes, cfg.hidden, cfg.hidden_passes - 1
    j = int(np.argmax(np.count_nonzero(ref.forward(x, zb, cfg)["b0.mlp.s"], axis=(0, 1, 2))))
    bulk_mutation_fails_where_predicted(NAME, build, x, labels, zb, "b0.mlp.w1",
                                        [j * hid + last * ob + lane for lane in range(ob)])
