# SPDX-License-Identifier: Apache-2.0
"""`saformer bench --tiny` runs and writes the expected keys (no timing assertions: benchmarks are not tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from saformer.contract.errors import SaformerError

from saformer.bench import check_measured_vs_formula, cli_bench
from saformer.demo import REPO


def test_bench_tiny_writes_expected_keys(tmp_path: Path) -> None:
    # the exported artifact is only read (its Verilator build is usually cached); without one, bench
    # exports one into tmp_path
    build = REPO / "build" if (REPO / "build" / "artifact" / "manifest.json").is_file() else tmp_path
    out = tmp_path / "bench.json"
    assert cli_bench(["--tiny", "--build", str(build), "--out", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert {"engine_efficiency", "simulation_speed", "golden_speed", "throughput", "sops_energy",
            "sasa_cycles_per_real_image"} <= set(rep)
    rows = rep["engine_efficiency"]["rows"]
    assert any(r["source"].startswith("rtl") for r in rows) and any(r["source"] == "formula" for r in rows)
    for r in rows:
        assert {"P", "density", "cycles_mean", "lower_bound_mean", "ratio", "ratio_s_plus_y", "measured"} <= set(r)
        assert r["measured"] == r["source"].startswith("rtl")
    # every measured (RTL) row has a formula row on the same images and P, equal image by image
    measured = [r for r in rows if r["measured"]]
    formula = {(r["P"], r["inputs"]): r for r in rows if not r["measured"]}
    assert measured and rep["engine_efficiency"]["measured_rows_equal_formula"] == len(measured)
    for r in measured:
        f = formula[(r["P"], r["inputs"])]
        assert r["cycles"] == f["cycles"] == r["cycles_formula"] and r["cycles_mean"] == f["cycles_mean"], r
    assert sorted({r["P"] for r in measured}) == rep["engine_efficiency"]["measured_lanes"]
    sp = rep["simulation_speed"]
    assert {"cycles_per_s", "sim_cycles", "wall_s"} <= set(sp["verilator"]) <= set(sp["icarus"])
    assert "verilator_over_icarus" in sp
    # the whole accelerator's simulation speed, per-cycle cocotb and bulk, measured in the same run
    assert rep["sim_cycles_per_s_cocotb"] > 0 and rep["sim_cycles_per_s_bulk"] > 0
    ns = rep["network_sim_speed"]
    assert ns["cocotb"]["sim_cycles"] > 0 and ns["bulk"]["sim_cycles"] > 0 and ns["bulk"]["images"] == 24
    assert {"numpy_reference_images_per_s", "brevitas_eval_images_per_s", "reference_over_brevitas"} <= set(
        rep["golden_speed"])
    assert {"cycles_per_image_mean", "images_per_s"} <= set(rep["throughput"])
    assert rep["cifar10_pynq_images_per_s"] == rep["cifar"]["cifar10-pynq"]["images_per_s"] > 0
    assert rep["cifar10_384_ms_per_image"] == rep["cifar"]["cifar10-384"]["ms_per_image"] > 0
    for c in rep["cifar"].values():
        assert c["bottleneck"] in c["modules"] and c["lanes_sweep"] and c["spike_densities"]
        busiest = max(m["occupancy_mean"] for m in c["modules"].values())  # rounded to 0.1 in the report
        assert busiest - 0.05 <= c["interval_cycles"] < busiest + 1.05
    e = rep["sops_energy"]
    assert {"sops_per_image", "ann_macs_per_image", "snn_energy_nj_per_image", "ann_energy_nj_per_image"} <= set(e)


def test_measured_vs_formula_mismatch_is_an_error() -> None:
    """A measured row whose cycles differ from its formula row (or that has none) raises, naming P, the
    inputs and the first differing image."""
    m = {"P": 8, "inputs": "rtl set: random density 0.2", "measured": True, "cycles": [10, 12, 14]}
    f = dict(m, measured=False)
    assert check_measured_vs_formula([m, f]) == 1
    with pytest.raises(SaformerError, match=r"P=8 'rtl set: random density 0.2'.*first at image 1"):
        check_measured_vs_formula([dict(m, cycles=[10, 13, 14]), f])
    with pytest.raises(SaformerError, match="has no formula row"):
        check_measured_vs_formula([m, dict(f, P=4)])


def test_bench_artifact_is_the_shipped_models(tmp_path: Path) -> None:
    """The artifact `make bench` exports (when build/artifact is missing) names the shipped checkpoint, as
    `saformer export`'s does: the steps after it (and the tests' `trained` fixture) accept it as the trained one."""
    from saformer.golden.train import DEFAULT_CKPT

    from saformer.bench import trained_artifact

    art = trained_artifact(tmp_path)
    assert art.manifest["checkpoint"] == str(DEFAULT_CKPT)
    assert art.manifest["real_images"] == 128
