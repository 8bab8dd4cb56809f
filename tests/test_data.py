# SPDX-License-Identifier: Apache-2.0
"""Datasets: the digits split and the CIFAR-10 pickle loader (on small files written into tmp_path)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from saformer.contract.errors import SaformerError
from saformer.golden.data import CIFAR_TEST_BATCH, CIFAR_TRAIN_BATCHES, load_cifar10, load_digits


def test_digits_split_sizes_and_integer_pixels() -> None:
    d = load_digits()
    assert d.x_train.shape == (1437, 1, 8, 8) and d.x_test.shape == (360, 1, 8, 8)
    assert d.y_train.shape == (1437,) and d.y_test.shape == (360,)
    for x in (d.x_train, d.x_test):
        assert x.dtype == np.int64 and x.min() == 0 and x.max() == 16
    # stratified: every class has 36 test images (+-1)
    counts = np.bincount(d.y_test, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37
    # the split is fixed (random_state=0): loading twice gives the same arrays
    d2 = load_digits()
    assert np.array_equal(d.x_test, d2.x_test) and np.array_equal(d.y_test, d2.y_test)


def _write_batch(path, n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    labels = [int(v) for v in rng.integers(0, 10, size=n)]
    with open(path, "wb") as f:
        pickle.dump({b"batch_label": b"x", b"data": data, b"labels": labels, b"filenames": []}, f)
    return data, labels


@pytest.fixture
def cifar_dir(tmp_path):
    rng = np.random.default_rng(0)
    written = {}
    for i, name in enumerate(CIFAR_TRAIN_BATCHES + (CIFAR_TEST_BATCH,)):
        written[name] = _write_batch(tmp_path / name, 3 + i, rng)
    return tmp_path, written


def test_cifar10_loader_reads_pickles(cifar_dir) -> None:
    root, written = cifar_dir
    s = load_cifar10(root)
    n_train = sum(len(written[n][1]) for n in CIFAR_TRAIN_BATCHES)
    assert s.x_train.shape == (n_train, 3, 32, 32) and s.x_train.dtype == np.int64
    assert s.x_test.shape == (len(written[CIFAR_TEST_BATCH][1]), 3, 32, 32)
    # channel-major rows: the first 1024 bytes are the red plane
    d0, l0 = written[CIFAR_TRAIN_BATCHES[0]]
    assert np.array_equal(s.x_train[0, 0].ravel(), d0[0, :1024])
    assert np.array_equal(s.x_train[0, 2].ravel(), d0[0, 2048:])
    assert s.y_train[:len(l0)].tolist() == l0
    assert s.y_test.tolist() == written[CIFAR_TEST_BATCH][1]


def test_cifar10_missing_folder(tmp_path) -> None:
    with pytest.raises(SaformerError, match="does not exist"):
        load_cifar10(tmp_path / "nope")


def test_cifar10_missing_batch(cifar_dir) -> None:
    root, _ = cifar_dir
    (root / "data_batch_3").unlink()
    with pytest.raises(SaformerError, match="data_batch_3"):
        load_cifar10(root)


def test_cifar10_corrupt_batch(cifar_dir) -> None:
    root, _ = cifar_dir
    (root / CIFAR_TEST_BATCH).write_bytes(b"not a pickle at all")
    with pytest.raises(SaformerError, match="test_batch"):
        load_cifar10(root)


def test_cifar10_wrong_content(cifar_dir) -> None:
    root, _ = cifar_dir
    with open(root / "data_batch_1", "wb") as f:
        pickle.dump({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}, f)
    with pytest.raises(SaformerError, match="3072"):
        load_cifar10(root)
    with open(root / "data_batch_1", "wb") as f:
        pickle.dump([1, 2, 3], f)
    with pytest.raises(SaformerError, match="labels"):
        load_cifar10(root)
