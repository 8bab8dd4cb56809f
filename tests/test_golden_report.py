# SPDX-License-Identifier: Apache-2.0
"""`saformer golden`: Brevitas vs reference on the whole test split, report JSON, constant-A defect."""

from __future__ import annotations

import json

import numpy as np
import torch
from saformer.contract.config import DEFAULT
from saformer.golden.report import a_fraction_per_head, cli_golden, compare_records
from saformer.golden.train import DEFAULT_CKPT


def test_cli_golden_whole_split(tmp_path, capsys) -> None:
    out = tmp_path / "report" / "golden.json"
    rc = cli_golden(["--out", str(out)])
    rep = json.loads(out.read_text())
    assert rc == 0, capsys.readouterr().out
    assert rep["test_images"] == 360
    assert rep["mismatching_images"] == 0 and rep["mismatching_values"] == 0
    assert rep["first_mismatch"] is None
    assert rep["accuracy_quantized"] >= 0.97
    assert rep["accuracy_float"] - rep["accuracy_quantized"] <= 0.01 + 1e-12
    assert rep["accuracy_quantized_brevitas"] == rep["accuracy_quantized"]
    assert {"tok.s1", "b0.sasa.q", "b0.sasa.k", "b0.sasa.A", "b0.sasa.y", "b0.mlp.h", "head.s"} <= set(
        rep["firing_rate"])
    assert "logits" not in rep["firing_rate"] and "b0.sasa.a" not in rep["firing_rate"]
    fr = rep["a_fraction_per_head"]["b0.sasa.A"]
    assert len(fr) == DEFAULT.heads and all(0 < f < 1 for f in fr)
    assert rep["constant_A"] == [] and rep["ok"] is True
    assert "mismatching images 0" in capsys.readouterr().out
    assert sorted(p.name for p in out.parent.iterdir()) == ["golden.json", "golden_firing.png"]


def test_compare_records_reports_first_mismatch() -> None:
    r = {"x": np.zeros((3, 2, 4), np.uint8), "logits": np.arange(6, dtype=np.int64).reshape(3, 2)}
    b = {k: v.astype(np.float64) for k, v in r.items()}
    assert compare_records(b, r)["mismatching_images"] == 0
    b["x"][2, 1, 3] = 1.0
    b["logits"][0, 0] = 0.5  # not an integer
    c = compare_records(b, r)
    assert c["mismatching_images"] == 2 and c["mismatching_image_indices"] == [0, 2]
    assert c["mismatching_values"] == 2
    assert c["first_mismatch"] == dict(key="x", index=[2, 1, 3], brevitas=1.0, reference=0)


def test_a_fraction_per_head() -> None:
    cfg = DEFAULT
    A = np.zeros((5, cfg.T, cfg.D), np.uint8)
    A[:, :, cfg.head_dim:] = 1
    A[0, 0, 0] = 1
    fr = a_fraction_per_head({"b0.sasa.A": A}, cfg)["b0.sasa.A"]
    assert fr[1] == 1.0 and 0 < fr[0] < 1


def test_constant_A_fails_the_command(tmp_path, capsys) -> None:
    """A model whose K never fires has A == 0 for every head: flagged, exit status non-zero."""
    blob = torch.load(DEFAULT_CKPT, map_location="cpu", weights_only=True)
    qs = dict(blob["quant_state"])
    w = qs["blocks.0.sasa.wk.layer.weight"]
    qs["blocks.0.sasa.wk.layer.weight"] = torch.full_like(w, -0.01)
    qs["blocks.0.sasa.wk.layer.bias"] = torch.full_like(qs["blocks.0.sasa.wk.layer.bias"], -1.0)
    bad = tmp_path / "dead.pt"
    torch.save({**blob, "quant_state": qs}, bad)
    out = tmp_path / "golden.json"
    assert cli_golden(["--ckpt", str(bad), "--out", str(out), "--images", "40", "--no-plot"]) == 1
    rep = json.loads(out.read_text())
    assert rep["mismatching_images"] == 0
    assert rep["a_fraction_per_head"]["b0.sasa.A"] == [0.0, 0.0]
    assert len(rep["constant_A"]) == 2 and rep["ok"] is False
    assert "constant SASA mask A" in capsys.readouterr().out
