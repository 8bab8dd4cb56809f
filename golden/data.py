# SPDX-License-Identifier: Apache-2.0
"""Datasets: scikit-learn's bundled digits (the default) and CIFAR-10 from the standard python pickles.

Pixels are returned as exact integers (int64) with shape (B, C, H, W), the form `golden.reference.forward`
takes and the Brevitas model takes as float (digits: 0..16, `cfg.pixel_max`; CIFAR-10: 0..255).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from saformer.contract.errors import SaformerError

DIGITS_TEST_SIZE = 0.2
DIGITS_SPLIT_SEED = 0
CIFAR_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_TEST_BATCH = "test_batch"


@dataclass(frozen=True)
class Split:
    """A train/test split; x int64 (B, C, H, W), y int64 (B,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits() -> Split:
    """sklearn digits, `train_test_split(test_size=0.2, stratify=y, random_state=0)`: 1437 train, 360 test."""
    from sklearn.datasets import load_digits as _load
    from sklearn.model_selection import train_test_split

    d = _load()
    x = d.images
    xi = np.rint(x).astype(np.int64)
    if not np.array_equal(xi, x) or xi.min() < 0 or xi.max() > 16:
        raise SaformerError("digits: pixels are not integers 0..16 (unexpected scikit-learn data)")
    xi = xi[:, None]  # (B, 1, 8, 8)
    y = d.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(xi, y, test_size=DIGITS_TEST_SIZE, stratify=y,
                                          random_state=DIGITS_SPLIT_SEED)
    return Split(np.ascontiguousarray(xtr), ytr, np.ascontiguousarray(xte), yte)


def _read_cifar_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    if not path.is_file():
        raise SaformerError(f"CIFAR-10: missing batch file {path}; expected the python version "
                            "(cifar-10-batches-py: data_batch_1..5, test_batch)")
    try:
        with path.open("rb") as f:
            d = pickle.load(f, encoding="bytes")
    except Exception as e:  # noqa: BLE001 -- any unpickling failure means a corrupt file
        raise SaformerError(f"CIFAR-10: {path} is not a readable python pickle ({type(e).__name__}: {e})") from None
    if not isinstance(d, dict) or b"data" not in d or b"labels" not in d:
        raise SaformerError(f"CIFAR-10: {path} lacks the keys b'data' and b'labels'")
    data = np.asarray(d[b"data"])
    labels = np.asarray(d[b"labels"])
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise SaformerError(f"CIFAR-10: {path}: b'data' must be uint8 of shape (n, 3072), "
                            f"got {data.dtype} {data.shape}")
    if labels.ndim != 1 or labels.shape[0] != data.shape[0]:
        raise SaformerError(f"CIFAR-10: {path}: b'labels' must have one label per image "
                            f"({data.shape[0]}), got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise SaformerError(f"CIFAR-10: {path}: labels must be in 0..9")
    return data.reshape(-1, 3, 32, 32).astype(np.int64), labels.astype(np.int64)


def load_cifar10(folder: str | Path) -> Split:
    """CIFAR-10 from a folder holding the python-pickle batches (data_batch_1..5, test_batch).

    Pixels are integers 0..255, shape (B, 3, 32, 32); use a config with in_ch=3, img=32, pixel_max=255,
    pixel_frac=8.
    """
    root = Path(folder)
    if not root.is_dir():
        raise SaformerError(f"CIFAR-10: folder {root} does not exist; pass the folder that holds "
                            "data_batch_1..5 and test_batch (cifar-10-batches-py)")
    parts = [_read_cifar_batch(root / n) for n in CIFAR_TRAIN_BATCHES]
    xte, yte = _read_cifar_batch(root / CIFAR_TEST_BATCH)
    xtr = np.concatenate([p[0] for p in parts])
    ytr = np.concatenate([p[1] for p in parts])
    return Split(xtr, ytr, xte, yte)
