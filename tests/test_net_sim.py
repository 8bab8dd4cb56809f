# SPDX-License-Identifier: Apache-2.0
"""The whole-network accelerator in Verilator (sim/tb_net.py via sim/net_runner.py): real test images of the
shipped model bit-exact at every module boundary under every stall cross, the cycle model exact for every
module and image, the network's schedule model exact for every image and handshake of the stall-free run,
and one mutation per module kind failing at the predicted coordinates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from saformer.contract import layout
from saformer.contract.artifact import Artifact
from saformer.golden import reference as ref
from saformer.sim.net_runner import STALLS, ensure_net_built, network_images, run_net_case
from saformer.sim.net_scoreboard import predict_first_mismatch

IMAGES = 16


def test_network_bit_exact_real_images_every_stall(trained: Artifact, tmp_path: Path, monkeypatch) -> None:
    build = ensure_net_built("default", trained.cfg)
    x, y = network_images(trained, IMAGES)
    assert x.shape[0] == IMAGES and (y >= 0).all()
    res = run_net_case(build, trained, x, y, STALLS, seed=1, workdir=tmp_path / "case")
    assert not res.failed, res.report()
    rec = ref.forward(x, trained.params, trained.cfg)
    golden = ref.predict(rec["logits"])
    for st, r in res.runs.items():
        assert r["images"] == IMAGES
        assert r["classes_hw"] == [int(c) for c in golden], st
        assert np.array_equal(np.array(r["logits_hw"]), rec["logits"]), st
        for m, c in r["cycles"].items():
            assert c["measured"] == c["formula"] and len(c["measured"]) == IMAGES, (st, m)
    # the schedule model (contract/cycles.py network_schedule) of the stall-free back-to-back run: per image
    # latency and completion interval, and every handshake of every boundary, measured == model
    sch = res.runs["none"]["schedule"]
    assert sch["equal"], res.report()
    assert len(sch["latency_measured"]) == IMAGES and sch["latency_measured"] == sch["latency_model"]
    assert sch["interval_measured"] == sch["interval_model"]
    assert sch["handshakes_compared"] > IMAGES * trained.cfg.T * trained.cfg.N * 10
    # the same recorded run against a schedule one cycle off (the SASA Y pass's start) must fail at image 0
    from saformer.contract import cycles
    from saformer.sim.net_scoreboard import schedule_check

    r = res.runs["none"]
    monkeypatch.setattr(cycles, "SASA_Q_Y", cycles.SASA_Q_Y + 1)
    _, errs = schedule_check(trained.cfg, rec, r["starts"], r["ends"], r["trace"])
    assert errs and errs[0].startswith("schedule: image 0: latency measured"), errs


# one weight per module kind: (segment key, flat element)
MUTATIONS = (("conv1.w", 4), ("conv2.w", 10), ("u.theta", 0), ("b0.sasa.wo", 33), ("b0.dwc.w", 4),
             ("b0.mlp.w1", 7), ("b0.mlp.w2", 5), ("head.w", 3))


def test_network_mutations_fail_at_predicted_coordinates(trained: Artifact, tmp_path: Path) -> None:
    cfg = trained.cfg
    build = ensure_net_built("default", cfg)
    x, y = network_images(trained, 3)
    rec = ref.forward(x, trained.params, cfg)
    segs = {s.key: s for s in layout.network_segments(cfg)}
    offs = layout.network_offsets(cfg)
    for key, flat in MUTATIONS:
        p = {k: v.copy() for k, v in trained.params.items()}
        seg = segs[key]
        a = p[key].reshape(-1).astype(np.int64)
        old = int(a[flat])
        new = old + 1 if old < seg.hi else old - 1
        if key == "u.theta":
            new = old // 2  # the threshold of every shortcut LIF: half
        a[flat] = new
        p[key] = a.reshape(p[key].shape).astype(trained.params[key].dtype)
        want = predict_first_mismatch(cfg, rec, ref.forward(x, p, cfg), list(range(x.shape[0])))
        assert want is not None, f"mutation of {key}[{flat}] changes nothing on these images; pick another"
        word = layout.HEADER_WORDS + offs[key][1] + flat
        res = run_net_case(build, trained, x, y, ("none",), seed=3, workdir=tmp_path / key,
                           patch={word: new}, waves_on_fail=False)
        assert res.failed, f"mutation of {key}[{flat}] went unnoticed"
        assert res.runs["none"]["first_mismatch"] == want, (key, res.runs["none"]["first_mismatch"], want)


def test_schedule_check_reports_the_first_mismatch_by_image(trained: Artifact) -> None:
    """sim/net_scoreboard.py schedule_check: the model's own schedule passes; one image's end a cycle late,
    or one handshake a cycle late, is reported at that image (and boundary, word)."""
    from saformer.contract import cycles
    from saformer.sim.net_scoreboard import schedule_check

    cfg = trained.cfg
    x, _ = network_images(trained, 4)
    rec = ref.forward(x, trained.params, cfg)
    sch = cycles.network_schedule(cfg, rec)
    ends = [e + 1 for e in sch["end"]]  # the out counter's done: the cycle after the last beat
    trace = {"px": list(sch["px"]), "out": [(c, 0) for c in sch["out"]],
             "boundaries": {n: list(v) for n, v in sch["fires"].items()}}
    r, errs = schedule_check(cfg, rec, sch["start"], ends, trace)
    assert errs == [] and r["equal"] and r["latency_measured"] == sch["latency"]
    late = list(ends)
    late[2] += 1
    _, errs = schedule_check(cfg, rec, sch["start"], late)
    assert errs[0].startswith("schedule: image 2: latency measured") and "image 2: interval" in errs[1]
    w = cfg.T * cfg.N
    trace["boundaries"]["b0.dwc.inc"][w + 5] += 1
    _, errs = schedule_check(cfg, rec, sch["start"], ends, trace)
    assert errs == [f"schedule: image 1, b0.dwc.inc word 5: handshake at cycle {sch['fires']['b0.dwc.inc'][w + 5] + 1}"
                    f" (from the first pixel beat) != model {sch['fires']['b0.dwc.inc'][w + 5]}"]
