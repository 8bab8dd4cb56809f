# SPDX-License-Identifier: Apache-2.0
"""predict(images, backend=...): golden (numpy reference), hls (the HLS kernel's C-simulation in-process via
ctypes) and rtl (the network RTL in Verilator) give the same logits on real test images of the shipped model;
`bench` reports images/s of each side by side."""

from __future__ import annotations

import numpy as np
import pytest
from saformer.contract.artifact import Artifact
from saformer.contract.errors import SaformerError
from saformer.golden.data import load_digits

from saformer.predict import BACKENDS, backend_speed, classify, hls_kernel, predict


def test_three_backends_equal_on_real_images(trained: Artifact) -> None:
    sp = load_digits()
    x, y = sp.x_test[:8], sp.y_test[:8]
    got = {b: predict(x, b, trained) for b in BACKENDS}
    assert got["golden"].shape == (8, trained.cfg.n_classes) and got["golden"].dtype == np.int64
    assert np.array_equal(got["hls"], got["golden"]) and np.array_equal(got["rtl"], got["golden"])
    cls, lg = classify(x, "hls", trained)
    assert np.array_equal(lg, got["golden"]) and np.array_equal(cls, np.argmax(got["golden"], axis=1))
    assert (cls == y).mean() >= 0.75  # the shipped model classifies (golden accuracy is ~0.95)


def test_hls_predict_all_test_images_in_process(trained: Artifact) -> None:
    x = load_digits().x_test
    kern = hls_kernel(trained)
    assert np.array_equal(predict(x, "hls", trained, kernel=kern), predict(x, "golden", trained))
    # the weights stay loaded between calls (as on the board); a second parameter set reloads
    p2 = {k: v.copy() for k, v in trained.params.items()}
    p2["head.b"] = p2["head.b"] * 0
    from saformer.golden import reference as ref

    assert np.array_equal(kern.predict(p2, x[:5]), ref.forward(x[:5], p2, trained.cfg)["logits"])
    assert np.array_equal(kern.predict(trained.params, x[:5]), predict(x[:5], "golden", trained))


def test_bad_backend_and_pixels_are_errors(trained: Artifact) -> None:
    x = load_digits().x_test[:2]
    with pytest.raises(SaformerError, match="backend 'fpga'"):
        predict(x, "fpga", trained)
    with pytest.raises(SaformerError, match="integer pixels"):
        predict(x.astype(float), "hls", trained)
    with pytest.raises(SaformerError, match="0..16"):
        predict(x * 2, "hls", trained)


def test_backend_speed_side_by_side(trained: Artifact) -> None:
    r = backend_speed(trained, {"golden": 16, "hls": 16, "rtl": 2})
    for b in BACKENDS:
        assert r[b]["images_per_s"] > 0 and r[b]["logits_equal_golden"], (b, r[b])
