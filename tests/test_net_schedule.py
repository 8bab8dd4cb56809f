# SPDX-License-Identifier: Apache-2.0
"""contract/cycles.py network_schedule, the solver alone (no simulator; tests/test_net_sim.py and the verify
network section check it against the RTL handshake by handshake): its fixed point does not depend on the
sweep window, a prefix of the images has the prefix of the schedule (no word waits for a later one), and
its figures are the schedule's."""

from __future__ import annotations

import numpy as np
import pytest
from saformer.contract import cycles
from saformer.contract.artifact import Artifact
from saformer.golden import reference as ref
from saformer.sim.net_runner import network_images


@pytest.fixture(scope="module")
def run(trained: Artifact) -> tuple:
    x, _ = network_images(trained, 8)
    rec = ref.forward(x, trained.params, trained.cfg)
    return trained.cfg, x, rec, cycles.network_schedule(trained.cfg, rec)


def test_schedule_does_not_depend_on_the_sweep_window(run, monkeypatch) -> None:
    cfg, _, rec, sch = run
    for w in (1, 8):
        monkeypatch.setattr(cycles, "SCHEDULE_WINDOW", w)
        other = cycles.network_schedule(cfg, rec)
        for key in ("px", "out", "start", "end"):
            assert other[key] == sch[key], (w, key)
        for n, v in sch["fires"].items():
            k = next((k for k in range(len(v)) if v[k] != other["fires"][n][k]), None)
            assert k is None, f"window {w}: {n} word {k}: {other['fires'][n][k]} != {v[k]}"


def test_schedule_of_a_prefix_is_the_prefix(run, trained: Artifact) -> None:
    cfg, x, rec, sch = run
    sub = cycles.network_schedule(cfg, ref.forward(x[:3], trained.params, cfg))
    assert sub["end"] == sch["end"][:3] and sub["start"] == sch["start"][:3]
    w = cfg.T * cfg.N
    for n, v in sub["fires"].items():
        per = 1 if n == "logits" else w
        assert v == sch["fires"][n][:3 * per], n


def test_schedule_figures(run) -> None:
    cfg, _, rec, sch = run
    assert sch["latency"] == [e - s + 1 for s, e in zip(sch["start"], sch["end"])]
    assert sch["interval"] == list(np.diff(sch["end"]))
    assert list(cycles.network_latency(cfg, rec)) == sch["latency"]
    assert cycles.network_interval(cfg, rec) == cycles.steady_interval(sch["end"])
    # every stream in order, one handshake per cycle at most
    for n, v in sch["fires"].items():
        assert all(b > a for a, b in zip(v, v[1:])), n
    assert sch["px"] == sorted(set(sch["px"])) and sch["out"] == sorted(set(sch["out"]))
