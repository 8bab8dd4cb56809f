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
from saformer.contract import layout
from saformer.golden import reference as ref
from saformer.sim.net_runner import STALLS, ensure_net_built, net_artifact, network_images, run_net_case
from saformer.sim.net_scoreboard import reaching_mutation

NAME = "beats"
IMAGES = 6


def test_beats_config_is_in_beats() -> None:
    cfg = net_artifact(NAME).cfg
    assert cfg.stream_beats > 1 and cfg.stream_lanes > cfg.lanes  # several beats, several groups a beat


def test_beats_network_bit_exact_every_stall(tmp_path: Path) -> None:
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
    fc2 = res.runs["none"]["cycles"]["b0.mlp.fc2"]["measured"]
    nnz = np.count_nonzero(rec["b0.mlp.h"], axis=-1)
    assert fc2 == [int(cfg.stream_beats * np.maximum(1, nnz[b]).sum()) for b in range(IMAGES)]
    sch = res.runs["none"]["schedule"]
    assert sch["equal"], res.report()
    assert sch["latency_measured"] == sch["latency_model"] and sch["interval_measured"] == sch["interval_model"]


def test_beats_upper_beat_bias_fails_at_predicted_coordinates(tmp_path: Path) -> None:
    """A DWC bias of the last beat's channels (D - stream_beat ..): the wrong value travels in the DWC
    increment's last beat and the U beats after it; the gathered token record fails at the predicted
    (image, module, t, n, channel)."""
    art = net_artifact(NAME)
    cfg = art.cfg
    build = ensure_net_built(NAME, cfg)
    x, y = network_images(art, IMAGES)
    key = "b0.dwc.b"
    flat, new, want = reaching_mutation(cfg, art.params, x, key, list(range(cfg.D - cfg.stream_lanes, cfg.D)))
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    res = run_net_case(build, art, x, y, ("none",), seed=3, workdir=tmp_path / key, patch={word: new},
                       waves_on_fail=False)
    assert res.failed, f"mutation of {key}[{flat}] went unnoticed"
    assert res.runs["none"]["first_mismatch"] == want, (key, res.runs["none"]["first_mismatch"], want)


def test_beats_network_bulk_bit_exact_and_an_upper_beat_weight() -> None:
    """The bulk harness (sim/net_bulk.py, FULL mode, input idles and output backpressure): every boundary
    value and every module's cycles per image equal the reference's and the formula's; an fc2 weight of
    the last beat's channels (row: the most active hidden neuron) moved in the stream fails where the
    scoreboard predicts."""
    from saformer.sim.net_bulk import ensure_bulk_built
    from saformer.sim.net_bulk_check import WeightSet
    from saformer.sim.net_bulk_verify import run_set

    art = net_artifact(NAME)
    cfg = art.cfg
    build = ensure_bulk_built(NAME, cfg)
    x, _ = network_images(art, 8)
    labels = [f"image {i}" for i in range(x.shape[0])]
    r = run_set(build, cfg, WeightSet("artifact", dict(art.params)), x, labels, "both", 11, "beats-bulk")
    assert r["images"] == 8 and r["mismatching_images"] == 0 and r["mismatching_values"] == 0, r["first_mismatch"]
    assert r["cycles_match_formula"], r["cycle_errors"][:3]
    assert not r["faults"] and not r["bulk_failed"], r["bulk_first"]
    D, sb = cfg.D, cfg.stream_lanes
    j = int(np.argmax(np.count_nonzero(ref.forward(x, art.params, cfg)["b0.mlp.h"], axis=(0, 1, 2))))
    key = "b0.mlp.w2"
    flat, new, want = reaching_mutation(cfg, dict(art.params), x, key, [j * D + c for c in range(D - sb, D)])
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    r = run_set(build, cfg, WeightSet("edited", dict(art.params), {word: new}), x, labels, "none", 3,
                "beats-bulk-mutation")
    assert r["mismatching_values"] > 0 and r["first_mismatch"].startswith(want), (r["first_mismatch"], want)
