# SPDX-License-Identifier: Apache-2.0
"""The CIFAR-10 configurations (issue 13): golden reference, export, artifacts and the loader at 3 x 32 x 32
pixels 0..255; density-calibrated random models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from saformer.contract.artifact import load_artifact
from saformer.contract.config import derive
from saformer.contract.configs import ALL, CIFAR, TARGET_BOARD
from saformer.golden import reference as ref
from saformer.golden.calibrate import density_artifact, density_params, random_pixels, spike_densities
from saformer.golden.data import CIFAR_TEST_BATCH, CIFAR_TRAIN_BATCHES, load_cifar10
from saformer.golden.export import export_model
from saformer.golden.train import _check_data_fits, load_config
from saformer.golden.vectors import random_params
from saformer.hw.boards import BOARDS

from tests.test_data import _write_batch
from tests.test_spine_reference import assert_model_equal, random_quant_model


def test_cifar_configs_are_the_issue_sizes() -> None:
    for name, cfg in CIFAR.items():
        assert ALL[name] is cfg
        assert (cfg.img, cfg.in_ch, cfg.pixel_max, cfg.patch, cfg.N, cfg.T, cfg.mlp_ratio, cfg.w_bits) == \
            (32, 3, 255, 4, 64, 4, 4, 4), name
        assert TARGET_BOARD[name] in BOARDS
    assert (CIFAR["cifar10-pynq"].D, CIFAR["cifar10-pynq"].L) == (128, 2)
    assert (CIFAR["cifar10-384"].D, CIFAR["cifar10-384"].L) == (384, 4)
    assert BOARDS[TARGET_BOARD["cifar10-pynq"]].part.startswith("xc7z020")
    assert BOARDS[TARGET_BOARD["cifar10-384"]].part == "xczu7ev-ffvc1156-2-e"
    assert set(TARGET_BOARD) == set(CIFAR)


def test_named_config_on_the_command_line() -> None:
    assert load_config("cifar10-pynq") == CIFAR["cifar10-pynq"]


def test_brevitas_equals_reference_and_exports_at_cifar_size(tmp_path: Path) -> None:
    """Brevitas eval forward == the integer reference on 2 random 3x32x32 images (pixels 0..255, including a
    saturated one) of a random folded cifar10-pynq model, every record exactly; the export loads back."""
    cfg = CIFAR["cifar10-pynq"]
    qm = random_quant_model(cfg, seed=3)
    px = random_pixels(cfg, np.random.default_rng(3), 2)
    px[1] = cfg.pixel_max
    assert_model_equal(qm, px)
    out = export_model(qm, tmp_path / "art", px)
    art = load_artifact(out)
    assert art.cfg == cfg and art.vectors["real"]["s"].shape == (2, cfg.T, cfg.N, cfg.D)
    assert art.params["conv1.w"].shape == (cfg.stem_ch, 3, 3, 3)


@pytest.mark.parametrize("name", sorted(CIFAR))
def test_reference_runs_on_random_images(name: str) -> None:
    """The integer reference on a full-range random model and extreme images stays inside every proven range
    (it asserts them) and its records have the network's shapes."""
    cfg = CIFAR[name]
    rng = np.random.default_rng(7)
    p = random_params(cfg, rng)
    px = np.stack([random_pixels(cfg, rng, 1)[0], np.full((3, 32, 32), cfg.pixel_max)])
    r = ref.forward(px, p, cfg)
    assert r["tok.s1"].shape == (2, cfg.T, cfg.stem_ch, 32, 32)
    assert r[f"b{cfg.L - 1}.mlp.h"].shape == (2, cfg.T, cfg.N, cfg.hidden)
    assert r["logits"].shape == (2, cfg.n_classes)
    lo, hi = derive(cfg).ranges["head.logit"]
    assert lo <= int(r["logits"].min()) and int(r["logits"].max()) <= hi


def test_density_calibration_reaches_the_target_on_fresh_images() -> None:
    """Calibrated on 4 images, the model's spike densities on 4 other random images are within 0.1-0.2 for
    every module's input spikes (measured by the reference)."""
    cfg = CIFAR["cifar10-pynq"]
    rng = np.random.default_rng(11)
    p = density_params(cfg, rng, random_pixels(cfg, rng, 4))
    dens = spike_densities(cfg, ref.forward(random_pixels(cfg, np.random.default_rng(12), 4), p, cfg))
    cost_inputs = {k: v for k, v in dens.items() if k.endswith((".s", ".y", ".h", "s1"))}
    assert len(cost_inputs) == 2 + 5 * cfg.L
    bad = {k: v for k, v in cost_inputs.items() if not 0.1 <= v <= 0.2}
    assert not bad, f"densities outside 0.1-0.2: {bad}"


def test_density_artifact_records_its_densities(tmp_path: Path) -> None:
    cfg = CIFAR["cifar10-pynq"]
    art = load_artifact(density_artifact(cfg, tmp_path / "a", seed=2, images=2))
    cal = art.manifest["calibration"]
    assert cal["seed"] == 2 and cal["images"] == 2
    rec = ref.forward(random_pixels(cfg, np.random.default_rng(2), 2), art.params, cfg)
    assert cal["densities"] == spike_densities(cfg, rec)
    assert np.array_equal(art.vectors["random"]["s"], rec["b0.sasa.s"])


def test_cifar10_files_feed_the_cifar_config(tmp_path: Path) -> None:
    """Small generated CIFAR-10 batch files: loaded as (n, 3, 32, 32) integers 0..255, accepted by the
    cifar10-pynq config, and run through its integer reference."""
    rng = np.random.default_rng(5)
    for i, n in enumerate(CIFAR_TRAIN_BATCHES + (CIFAR_TEST_BATCH,)):
        _write_batch(tmp_path / n, 2 + i, rng)
    split = load_cifar10(tmp_path)
    cfg = CIFAR["cifar10-pynq"]
    _check_data_fits(cfg, split)
    assert split.x_test.shape == (7, 3, 32, 32) and split.x_test.dtype == np.int64
    p = density_params(cfg, rng, split.x_train[:4])
    r = ref.forward(split.x_test[:2], p, cfg)
    assert r["logits"].shape == (2, 10)


def test_cifar_bench_figures_follow_the_cycle_model() -> None:
    """The bench's modelled CIFAR figures: interval = the busiest module's occupancy (network_occupancy_interval),
    images/s and ms/image from the board clock, the bottleneck is that module, more lanes never slow down."""
    from saformer.contract import cycles
    from saformer.contract.paths import build_dir
    from saformer.golden.named_artifacts import artifact_for

    from saformer.cifar_bench import config_figures

    r = config_figures("cifar10-pynq", 2)
    cfg = CIFAR["cifar10-pynq"]
    art = artifact_for("cifar10-pynq", build_dir() / "sim")
    px = random_pixels(cfg, np.random.default_rng(r["image_seed"]), 2)
    rec = ref.forward(px, art.params, cfg)
    occ = cycles.network_occupancy(cfg, rec)
    assert r["interval_cycles"] == cycles.network_occupancy_interval(cfg, rec)
    assert r["bottleneck"] == max(occ, key=lambda m: float(occ[m].mean()))
    assert r["images_per_s"] == round(r["clock_mhz"] * 1e6 / r["interval_cycles"], 1)
    assert {m: v["cycles_max"] for m, v in r["modules"].items()} == \
        {m: int(v.max()) for m, v in cycles.network_cycles(cfg, rec).items()}
    iv = [row["interval_cycles"] for row in r["lanes_sweep"]]
    assert iv == sorted(iv, reverse=True) and [row["P"] for row in r["lanes_sweep"]][0] == 4
    lo, hi = r["spike_density_range"]
    assert 0.1 <= lo <= hi <= 0.2, r["spike_densities"]
