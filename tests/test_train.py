# SPDX-License-Identifier: Apache-2.0
"""The shipped checkpoint: loading, validation, Brevitas == reference exactly, accuracy; a tiny training run."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from saformer.contract.artifact import load_artifact
from saformer.contract.config import DEFAULT
from saformer.contract.errors import SaformerError
from saformer.golden import reference as ref
from saformer.golden.data import load_digits
from saformer.golden.export import int_params
from saformer.golden.report import brevitas_record
from saformer.golden.train import (
    DEFAULT_CKPT,
    TrainOptions,
    accuracy_float,
    cli_export,
    load_checkpoint,
    save_checkpoint,
    train,
)

from saformer.cli import main as cli_main

SUBSET = 64


@pytest.fixture(scope="module")
def shipped():
    qm, meta = load_checkpoint(DEFAULT_CKPT, expect=DEFAULT, with_float=True)
    return qm, meta


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_shipped_checkpoint_is_small_and_default(shipped) -> None:
    qm, meta = shipped
    assert DEFAULT_CKPT.stat().st_size < 1_000_000
    assert qm.cfg == DEFAULT and not qm.training
    assert meta["test_images"] == 360


def test_brevitas_equals_reference_on_test_images(shipped, digits) -> None:
    """Every record key (every spike tensor, increment, count and logit) equal, image by image."""
    qm, _ = shipped
    x = digits.x_test[:SUBSET]
    params, _ = int_params(qm)
    r = ref.forward(x, params, qm.cfg)
    b = brevitas_record(qm, x)
    assert set(b) == set(r)
    for key in r:  # dataflow order: the first failure is the earliest layer
        bv, rv = b[key], r[key]
        assert bv.shape == rv.shape, f"{key}: shape {bv.shape} vs {rv.shape}"
        assert np.all(bv == np.round(bv)), f"{key}: Brevitas value not an integer"
        diff = bv != rv.astype(np.float64)
        if diff.any():
            idx = tuple(int(i) for i in np.argwhere(diff)[0])
            pytest.fail(f"first mismatch at '{key}' index {idx} (image {idx[0]}): "
                        f"Brevitas {bv[idx]}, reference {rv[idx]}")


def test_quantized_accuracy_meets_target(shipped, digits) -> None:
    qm, meta = shipped
    params, _ = int_params(qm)
    logits = ref.forward(digits.x_test, params, qm.cfg)["logits"]
    acc_q = float((ref.predict(logits) == digits.y_test).mean())
    acc_f = accuracy_float(meta["float_model"], digits.x_test, digits.y_test)
    assert acc_q >= 0.97, f"quantized accuracy {acc_q:.4f} < 0.97"
    assert acc_f - acc_q <= 0.01 + 1e-12, f"quantized {acc_q:.4f} more than 1 point below float {acc_f:.4f}"
    # integer path: the count of correct images is exact; the float twin is a float path (BLAS order)
    n = len(digits.y_test)
    assert round(acc_q * n) == round(meta["accuracy_quantized"] * n)
    assert acc_f == pytest.approx(meta["accuracy_float"])


def test_sasa_mask_not_constant(shipped, digits) -> None:
    qm, _ = shipped
    params, _ = int_params(qm)
    A = ref.forward(digits.x_test[:SUBSET], params, qm.cfg)["b0.sasa.A"]
    per_head = A.reshape(*A.shape[:2], qm.cfg.heads, -1).mean(axis=(0, 1, 3))
    assert np.all((per_head > 0) & (per_head < 1)), f"constant A per head: {per_head}"


# ------------------------------------------------------------------------------- checkpoint errors
def _blob():
    return torch.load(DEFAULT_CKPT, map_location="cpu", weights_only=True)


def test_missing_checkpoint(tmp_path) -> None:
    with pytest.raises(SaformerError, match="does not exist"):
        load_checkpoint(tmp_path / "none.pt")


@pytest.mark.parametrize("cut", [0, 100, 5000])
def test_truncated_checkpoint(tmp_path, cut: int) -> None:
    p = tmp_path / "bad.pt"
    p.write_bytes(DEFAULT_CKPT.read_bytes()[:cut])
    with pytest.raises(SaformerError, match="corrupt"):
        load_checkpoint(p)


def test_garbage_checkpoint(tmp_path) -> None:
    p = tmp_path / "bad.pt"
    p.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(SaformerError, match="corrupt"):
        load_checkpoint(p)


def test_checkpoint_wrong_format_and_version(tmp_path) -> None:
    p = tmp_path / "c.pt"
    blob = _blob()
    torch.save({**blob, "format": "other"}, p)
    with pytest.raises(SaformerError, match="'format'"):
        load_checkpoint(p)
    torch.save({**blob, "version": 99}, p)
    with pytest.raises(SaformerError, match="'version'"):
        load_checkpoint(p)
    torch.save({k: v for k, v in blob.items() if k != "quant_state"}, p)
    with pytest.raises(SaformerError, match="quant_state"):
        load_checkpoint(p)


def test_checkpoint_config_mismatch(tmp_path) -> None:
    p = tmp_path / "c.pt"
    blob = _blob()
    # weights of D=32 with a config that says D=16: the state does not fit
    torch.save({**blob, "config": {**blob["config"], "D": 16, "lanes": 8}}, p)
    with pytest.raises(SaformerError, match="quant_state"):
        load_checkpoint(p)
    # a valid checkpoint, but not the expected config
    with pytest.raises(SaformerError, match=r"is for config 'default' \(T=4\); this step needs a config with T=5"):
        load_checkpoint(DEFAULT_CKPT, expect=DEFAULT.replace(T=5))
    # a config out of range
    torch.save({**blob, "config": {**blob["config"], "heads": 3}}, p)
    with pytest.raises(SaformerError, match="heads"):
        load_checkpoint(p)


def test_cli_corrupt_checkpoint_one_line_error(tmp_path, capsys) -> None:
    p = tmp_path / "bad.pt"
    p.write_bytes(b"xx")
    assert cli_main(["export", "--ckpt", str(p), "--out", str(tmp_path / "art")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.pt" in err
    assert not (tmp_path / "art").exists()


# ------------------------------------------------------------------------------- export
def test_cli_export_real_vectors(tmp_path) -> None:
    out = tmp_path / "artifact"
    assert cli_export(["--out", str(out)]) == 0
    art = load_artifact(out)
    assert art.cfg == DEFAULT
    assert art.vectors["real"]["s"].shape[0] >= 100
    qm, _ = load_checkpoint(DEFAULT_CKPT)
    params, _ = int_params(qm)
    for k, v in params.items():
        assert np.array_equal(art.params[k], v), k


# ------------------------------------------------------------------------------- training smoke test
TINY = DEFAULT.replace(T=2, D=8, heads=2, stem_ch=4, lanes=4, mlp_ratio=1)
TINY_OPTS = TrainOptions(epochs_float=1, epochs_qat=1, max_train=96, batch=32, progress=False)


def test_tiny_training_runs_and_round_trips(tmp_path, digits) -> None:
    res = train(TINY, TINY_OPTS, data=digits)
    m = res.meta
    assert 0.0 <= m["accuracy_float"] <= 1.0 and 0.0 <= m["accuracy_quantized"] <= 1.0
    assert m["train_images"] == 96
    p = save_checkpoint(tmp_path / "tiny.pt", res)
    assert [f.name for f in tmp_path.iterdir()] == ["tiny.pt"]  # no temp file left behind
    qm, meta = load_checkpoint(p, expect=TINY, with_float=True)
    assert meta["accuracy_quantized"] == m["accuracy_quantized"]
    for k, v in res.qmodel.state_dict().items():
        assert torch.equal(qm.state_dict()[k], v), k
    # the loaded model computes what was trained, bit for bit
    x = digits.x_test[:16]
    pa, _ = int_params(res.qmodel)
    pb, _ = int_params(qm)
    assert np.array_equal(ref.forward(x, pa, TINY)["logits"], ref.forward(x, pb, TINY)["logits"])
    # same seed -> same model (determinism of the recipe)
    res2 = train(TINY, TINY_OPTS, data=digits)
    for k, v in res.qmodel.state_dict().items():
        assert torch.equal(res2.qmodel.state_dict()[k], v), k
