# SPDX-License-Identifier: Apache-2.0
"""Shared bodies of the per-cycle whole-network tests of the named network configs (test_net_beats.py,
test_net_fold.py): every stall cross bit-exact with cycles == formula and the schedule model exact, and one
parameter moved in the weight stream failing at the coordinates the scoreboard predicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from saformer.contract import layout
from saformer.golden import reference as ref
from saformer.sim.net_runner import STALLS, ensure_net_built, net_artifact, network_images, run_net_case
from saformer.sim.net_scoreboard import reaching_mutation


def every_stall_bit_exact(name: str, images: int, workdir: Path) -> tuple[Any, dict[str, Any], Any]:
    """Runs config `name` on `images` images under every stall cross; asserts logits == reference, every
    module's cycles == formula and the schedule model exact. -> (the case result, the reference record, cfg)."""
    art = net_artifact(name)
    cfg = art.cfg
    build = ensure_net_built(name, cfg)
    x, y = network_images(art, images)
    res = run_net_case(build, art, x, y, STALLS, seed=5, workdir=workdir, label=name)
    assert not res.failed, res.report()
    rec = ref.forward(x, art.params, cfg)
    for st, r in res.runs.items():
        assert r["images"] == images
        assert np.array_equal(np.array(r["logits_hw"]), rec["logits"]), st
        for m, c in r["cycles"].items():
            assert c["measured"] == c["formula"] and len(c["measured"]) == images, (st, m)
    sch = res.runs["none"]["schedule"]
    assert sch["equal"], res.report()
    assert sch["latency_measured"] == sch["latency_model"] and sch["interval_measured"] == sch["interval_model"]
    return res, rec, cfg


def mutation_fails_where_predicted(name: str, images: int, workdir: Path, key: str, channels: list[int]) -> None:
    """Moves one element of parameter `key` (on one of `channels`, chosen by `reaching_mutation` so that the
    change reaches the logits' path) in the weight stream; asserts the run fails at the predicted coordinates."""
    art = net_artifact(name)
    cfg = art.cfg
    build = ensure_net_built(name, cfg)
    x, y = network_images(art, images)
    flat, new, want = reaching_mutation(cfg, art.params, x, key, channels)
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    res = run_net_case(build, art, x, y, ("none",), seed=3, workdir=workdir / key, patch={word: new},
                       waves_on_fail=False)
    assert res.failed, f"mutation of {key}[{flat}] went unnoticed"
    assert res.runs["none"]["first_mismatch"] == want, (key, res.runs["none"]["first_mismatch"], want)


def bulk_sets_bit_exact(name: str, sets: list[tuple[str, dict[str, Any]]], images: int = 8) -> tuple[Any, Any, Any]:
    """The bulk harness (FULL mode, input idles and output backpressure) on each (label, params) weight set:
    every boundary value and every module's cycles per image equal the reference's and the formula's.
    -> (the bulk build, the images, their labels) for a mutation run after."""
    from saformer.sim.net_bulk import ensure_bulk_built
    from saformer.sim.net_bulk_check import WeightSet
    from saformer.sim.net_bulk_verify import run_set

    art = net_artifact(name)
    cfg = art.cfg
    build = ensure_bulk_built(name, cfg)
    x, _ = network_images(art, images)
    labels = [f"image {i}" for i in range(x.shape[0])]
    for label, params in sets:
        r = run_set(build, cfg, WeightSet(label, params), x, labels, "both", 11, f"{name}-bulk-{label}")
        assert r["images"] == images and r["mismatching_images"] == 0 and r["mismatching_values"] == 0, \
            (label, r["first_mismatch"])
        assert r["cycles_match_formula"], (label, r["cycle_errors"][:3])
        assert not r["faults"] and not r["bulk_failed"], (label, r["bulk_first"])
    return build, x, labels


def bulk_mutation_fails_where_predicted(name: str, build: Any, x: np.ndarray, labels: list[str],
                                        params: dict[str, Any], key: str, channels: list[int]) -> None:
    """One element of `key` (on one of `channels`, `reaching_mutation`) moved in the bulk harness's weight
    stream: the first mismatch is at the predicted coordinates."""
    from saformer.sim.net_bulk_check import WeightSet
    from saformer.sim.net_bulk_verify import run_set

    cfg = net_artifact(name).cfg
    flat, new, want = reaching_mutation(cfg, params, x, key, channels)
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    r = run_set(build, cfg, WeightSet("edited", params, {word: new}), x, labels, "none", 3, f"{name}-bulk-mutation")
    assert r["mismatching_values"] > 0 and r["first_mismatch"].startswith(want), (r["first_mismatch"], want)
