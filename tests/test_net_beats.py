# SPDX-License-Identifier: Apache-2.0
"""Stream beats (config field `stream_beat`) in the whole network, config `beats` (contract/configs.py
NETWORK_NAMED: U and the increments in D / stream_beat beats of stream_beat channels: conv2's U0 through
axis_split, net_sasa / net_dwc collectors and fc2 (net_slin OB) emitting beats, every net_shortcut's FIFO,
adder and LIF on beats, the head LIF taking beats): bit-exact at every module boundary (the monitors
gather a token's beats) under every stall cross on the per-cycle testbench and on the bulk harness, every
module's cycles == contract/cycles.py, the schedule model exact for every handshake, and a weight of an
upper beat, moved by one, failing where the scoreboard predicts."""

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

NAME = "beats"
IMAGES = 6


def test_beats_config_is_in_beats() -> None:
    cfg = net_artifact(NAME).cfg
    assert cfg.stream_beats > 1 and cfg.stream_lanes > cfg.lanes  # several beats, several groups a beat


def test_beats_network_bit_exact_every_stall(tmp_path: Path) -> None:
    res, rec, cfg = every_stall_bit_exact(NAME, IMAGES, tmp_path / "case")
    fc2 = res.runs["none"]["cycles"]["b0.mlp.fc2"]["measured"]
    nnz = np.count_nonzero(rec["b0.mlp.h"], axis=-1)
    assert fc2 == [int(cfg.stream_beats * np.maximum(1, nnz[b]).sum()) for b in range(IMAGES)]


def test_beats_upper_beat_bias_fails_at_predicted_coordinates(tmp_path: Path) -> None:
    """A DWC bias of the last beat's channels (D - stream_beat ..): the wrong value travels in the DWC
    increment's last beat and the U beats after it; the gathered token record fails at the predicted
    (image, module, t, n, channel)."""
    cfg = net_artifact(NAME).cfg
    mutation_fails_where_predicted(NAME, IMAGES, tmp_path, "b0.dwc.b", list(range(cfg.D - cfg.stream_lanes, cfg.D)))


def test_beats_network_bulk_bit_exact_and_an_upper_beat_weight() -> None:
    """The bulk harness (sim/net_bulk.py, FULL mode, input idles and output backpressure): every boundary
    value and every module's cycles per image equal the reference's and the formula's; an fc2 weight of
    the last beat's channels (row: the most active hidden neuron) moved in the stream fails where the
    scoreboard predicts."""
    art = net_artifact(NAME)
    cfg = art.cfg
    build, x, labels = bulk_sets_bit_exact(NAME, [("artifact", dict(art.params))])
    D, sb = cfg.D, cfg.stream_lanes
    j = int(np.argmax(np.count_nonzero(ref.forward(x, art.params, cfg)["b0.mlp.h"], axis=(0, 1, 2))))
    bulk_mutation_fails_where_predicted(NAME, build, x, labels, dict(art.params), "b0.mlp.w2",
                                        [j * D + c for c in range(D - sb, D)])
