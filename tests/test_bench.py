"""`saformer bench --tiny` runs and writes the expected keys (no timing assertions: benchmarks are not tests)."""

from __future__ import annotations

import json
from pathlib import Path

from saformer.bench import cli_bench
from saformer.demo import REPO


def test_bench_tiny_writes_expected_keys(tmp_path: Path) -> None:
    # the exported artifact is only read (its Verilator build is usually cached); without one, bench
    # exports one into tmp_path
    build = REPO / "build" if (REPO / "build" / "artifact" / "manifest.json").is_file() else tmp_path
    out = tmp_path / "bench.json"
    assert cli_bench(["--tiny", "--build", str(build), "--out", str(out)]) == 0
    rep = json.loads(out.read_text())
    assert {"engine_efficiency", "simulation_speed", "golden_speed", "throughput", "sops_energy"} <= set(rep)
    rows = rep["engine_efficiency"]["rows"]
    assert any(r["source"].startswith("rtl") for r in rows) and any(r["source"] == "formula" for r in rows)
    for r in rows:
        assert {"P", "density", "cycles_mean", "lower_bound_mean", "ratio", "ratio_s_plus_y"} <= set(r)
    sp = rep["simulation_speed"]
    assert {"cycles_per_s", "sim_cycles", "wall_s"} <= set(sp["verilator"]) <= set(sp["icarus"])
    assert "verilator_over_icarus" in sp
    assert {"numpy_reference_images_per_s", "brevitas_eval_images_per_s", "reference_over_brevitas"} <= set(
        rep["golden_speed"])
    assert {"cycles_per_image_mean", "images_per_s"} <= set(rep["throughput"])
    e = rep["sops_energy"]
    assert {"sops_per_image", "ann_macs_per_image", "snn_energy_nj_per_image", "ann_energy_nj_per_image"} <= set(e)
