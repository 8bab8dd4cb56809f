# SPDX-License-Identifier: Apache-2.0
"""A user with CIFAR-10 trains and exports a bigger config with the same commands (tiny files written here)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from saformer.contract.artifact import load_artifact
from saformer.contract.errors import SaformerError
from saformer.golden.data import CIFAR_TEST_BATCH, CIFAR_TRAIN_BATCHES
from saformer.golden.train import cli_export, cli_train, load_config

from tests.test_data import _write_batch

CIFAR_CFG = {"img": 32, "in_ch": 3, "pixel_max": 255, "pixel_frac": 8, "patch": 4, "D": 8, "heads": 1,
             "stem_ch": 4, "T": 2, "theta_bits": 16, "lanes": 4}


def test_train_and_export_on_cifar10_files(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    data = tmp_path / "cifar"
    data.mkdir()
    for i, name in enumerate(CIFAR_TRAIN_BATCHES + (CIFAR_TEST_BATCH,)):
        _write_batch(data / name, 6 + i, rng)
    cfg = tmp_path / "cifar.json"
    cfg.write_text(json.dumps(CIFAR_CFG))
    ckpt = tmp_path / "c.pt"
    common = ["--data", "cifar10", "--data-dir", str(data)]
    assert cli_train(["--out", str(ckpt), "--config", str(cfg), "--epochs-float", "1", "--epochs-qat", "1",
                      "--threads", "1", *common]) == 0
    assert cli_export(["--ckpt", str(ckpt), "--out", str(tmp_path / "art"), "--images", "4", *common]) == 0
    art = load_artifact(tmp_path / "art")
    assert art.cfg.img == 32 and art.cfg.in_ch == 3 and art.vectors["real"]["s"].shape[0] == 4


def test_cifar_needs_a_folder_and_a_matching_config(tmp_path: Path) -> None:
    with pytest.raises(SaformerError, match="--data-dir"):
        cli_train(["--data", "cifar10", "--out", str(tmp_path / "x.pt")])
    (tmp_path / "bad.json").write_text("{oops")
    with pytest.raises(SaformerError, match="corrupt JSON"):
        load_config(str(tmp_path / "bad.json"))
    (tmp_path / "bad2.json").write_text(json.dumps({"heads": 3}))
    with pytest.raises(SaformerError, match="'heads'"):
        load_config(str(tmp_path / "bad2.json"))
