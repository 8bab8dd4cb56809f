# SPDX-License-Identifier: Apache-2.0
"""`saformer demo` end to end on a reduced setting (8 images through RTL and HLS, 24 golden images, no
Yosys), and the loud failure when one compared value of a level (golden, HLS, RTL) is corrupted. Everything
generated goes under tmp_path; the Verilator build is the shared hash-keyed one under build/sim. One test
function on purpose: the four runs share one artifact path and so one Verilator build (pytest-xdist would otherwise
build it once per worker)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest

from saformer.demo import cli_demo

SMALL = ["--images", "8", "--golden-images", "24", "--net-images", "8", "--no-synth"]


def _check_ok_run(work: Path, out: str) -> None:
    rep = work / "report"
    for f in ("report.md", "demo.json", "golden.json", "rtl.json", "hls.json", "demo_raster.png",
              "demo_attention.png", "demo_cycles.png"):
        assert (rep / f).is_file() and (rep / f).stat().st_size > 0, f
    summ = json.loads((rep / "demo.json").read_text())
    md = (rep / "report.md").read_text()
    lv = summ["levels"]
    assert set(lv) == {"brevitas_vs_reference", "reference_vs_rtl", "reference_vs_hls", "reference_vs_network_rtl"}
    assert lv["reference_vs_rtl"]["vectors"] == 8 and lv["reference_vs_hls"]["vectors"] == 8
    assert all(v["mismatches"] == 0 for v in lv.values())
    assert lv["reference_vs_rtl"]["cycles_match_formula"]
    assert summ["cycles_per_image"]["mean"] > 0 and summ["images_per_s_at_100mhz"] > 0
    assert [s["name"] for s in summ["steps"]] == ["model", "golden", "export", "generate", "rtl", "hls", "network",
                                                  "report"]
    # the whole accelerator: image in, class out, hardware accuracy == golden on these images, cycles == model
    net = json.loads((rep / "network.json").read_text())
    assert net["images"] == 8 and net["mismatching_images"] == 0 and net["mismatching_values"] == 0
    assert net["accuracy_hw"] == net["accuracy_golden"] and net["cycles_match_formula"]
    assert set(net["modules"]) >= {"tok", "conv2", "b0.sasa", "b0.dwc", "b0.mlp.fc1", "head"}
    assert all(m["measured_equals_formula"] for m in net["modules"].values())
    assert "![network](demo_network_cycles.png)" in md and "whole accelerator RTL / golden" in out
    assert "![raster](demo_raster.png)" in md and "![cycles](demo_cycles.png)" in md
    assert "all levels agree bit-exactly" in out and "modelled images/s at 100 MHz" in out
    # the verdict and rtl.json agree; coverage is reported beside it
    rtl = json.loads((rep / "rtl.json").read_text())
    assert rtl["ok"] is True and rtl["coverage_required"] is False and "missed" in rtl["coverage"]
    cov = summ["rtl_coverage"]
    assert cov["required"] == len(rtl["coverage"]["required"]) and cov["missed"] == rtl["coverage"]["missed"]
    assert cov["counts_toward_verdict"] is False and "RTL coverage" in md and "RTL coverage bins" in out
    # every plot the demo made is linked from report.md
    pngs = sorted(p.name for p in rep.glob("*.png"))
    assert "golden_firing.png" in pngs and all(f"]({p})" in md for p in pngs), (pngs, md)
    # progress lines: [i/n] for i = 1..n, one n
    steps = re.findall(r"^\[(\d+)/(\d+)\] (\w+)", out, flags=re.M)
    assert [int(i) for i, _, _ in steps] == list(range(1, len(steps) + 1)), steps
    assert {int(n) for _, n, _ in steps} == {len(steps)} and [s for _, _, s in steps] == [
        s["name"] for s in summ["steps"]]
    assert not list(rep.glob(".demo-tmp-*")), "staging folder left behind"


LEVELS = {"golden": "brevitas_vs_reference", "rtl": "reference_vs_rtl", "hls": "reference_vs_hls",
          "network": "reference_vs_network_rtl"}


def _check_failed_run(work: Path, level: str, out: str) -> None:
    assert "DEMO FAILED" in out
    key = LEVELS[level]
    summ = json.loads((work / f"report-{level}" / "demo.json").read_text())
    assert all(lv["mismatches"] == 0 for k, lv in summ["levels"].items() if k != key), summ["levels"]
    if level == "network":  # one conv2 weight off by one: the first mismatch is on conv2's output U0 (tok.u0)
        n = summ["levels"][key]["mismatches"]
        assert n > 0 and f"{key}: {n} mismatches" in out, out
        assert "module tok.u0," in summ["levels"][key]["first_mismatch"], summ["levels"][key]
        net = json.loads((work / f"report-{level}" / "network.json").read_text())
        assert net["corrupted_by_demo"] is True and net["mismatching_images"] > 0
        return
    assert f"{key}: 1 mismatches" in out, out
    if level == "golden":  # the first mismatch with its key and index
        assert f"{key}: 1 mismatches; 'logits' index [0, 0]: Brevitas" in out, out
        golden = json.loads((work / f"report-{level}" / "golden.json").read_text())
        assert golden["first_mismatch"]["key"] == "logits" and golden["first_mismatch"]["index"] == [0, 0]
        assert "corrupted_by_demo" in golden
    elif level == "rtl":
        assert "first mismatch: vector real[0], t=0, n=0, channel=0" in out, out
    else:
        assert "FIRST MISMATCH vector=0 t=0 n=0 channel=0" in out, out
    assert summ["levels"][key]["mismatches"] == 1


def test_demo_small_and_corrupted_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import saformer.sim.verify as sim_verify

    rc = cli_demo([*SMALL, "--build", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0, out
    _check_ok_run(tmp_path, out)

    # no waveform rerun on the corrupted RTL level (a tracing build costs a minute; tests/test_rtl_sim.py
    # checks the waveform)
    monkeypatch.setattr(sim_verify, "run_case", functools.partial(sim_verify.run_case, waves_on_fail=False))
    for level in ("golden", "hls", "rtl", "network"):
        rc = cli_demo([*SMALL, "--build", str(tmp_path), "--out", str(tmp_path / f"report-{level}"),
                       "--corrupt", level])
        out = capsys.readouterr().out
        assert rc == 1, out
        _check_failed_run(tmp_path, level, out)


# ------------------------------------------------------------------------------ the plots people read
@pytest.fixture
def figs(monkeypatch: pytest.MonkeyPatch) -> list:
    """The figures the demo's plot functions make, captured before they are saved (and closed)."""
    import saformer.demo as demo

    got: list = []
    real = demo._save_fig

    def keep(fig, path: Path) -> Path:
        got.append(fig)
        return real(fig, path)

    monkeypatch.setattr(demo, "_save_fig", keep)
    return got


@pytest.fixture(scope="module")
def real_art(tmp_path_factory: pytest.TempPathFactory):
    from saformer.contract.artifact import Artifact, load_artifact
    from saformer.contract.configs import NAMED
    from saformer.golden.vectors import random_artifact

    art = load_artifact(random_artifact(NAMED["t1"], tmp_path_factory.mktemp("art") / "a", seed=4, n_random=4))
    return Artifact(art.path, art.cfg, art.params, {"real": art.vectors["random"]}, art.manifest)


def test_raster_shows_the_digit_and_the_prediction(real_art, figs: list, tmp_path: Path) -> None:
    from saformer.demo import plot_raster

    img = {"index": 0, "pixels": np.arange(64).reshape(1, 8, 8), "label": 3, "predicted": 5}
    plot_raster(real_art, tmp_path / "r.png", image=img)
    titles = [ax.get_title() for ax in figs[0].axes]
    assert any("label 3, predicted 5 (WRONG)" in t for t in titles), titles
    assert any(ax.images and ax.images[0].get_array().shape == (8, 8) for ax in figs[0].axes)


def test_attention_has_a_legend_and_names_each_threshold(real_art, figs: list, tmp_path: Path) -> None:
    from saformer.demo import plot_attention

    plot_attention(real_art, tmp_path / "a.png")
    a0 = figs[0].axes[0]
    assert a0.get_legend() is not None and [t.get_text() for t in a0.get_legend().get_texts()] == ["A = 1"]
    theta = real_art.params["b0.sasa.theta_a"]
    texts = [t.get_text() for t in a0.texts]
    for h in range(real_art.cfg.heads):
        assert f"head {h}: A = a >= theta_a[{h}] = {int(theta[h])}" in texts, texts


def test_cycles_plot_shows_measured_minus_formula(real_art, figs: list, tmp_path: Path) -> None:
    from saformer.demo import plot_cycles

    rtl = {"per_vector": {f"real[{i}]": {"cycles_formula": 100 + i, "cycles_measured": {"none": 100 + i}}
                          for i in range(4)}}
    plot_cycles(real_art, rtl, "none", tmp_path / "c.png")
    ax = figs[0].axes[0]
    (pts,) = ax.collections
    assert list(pts.get_offsets()[:, 1]) == [0, 0, 0, 0] and "every image exact" in ax.get_title()
    rtl["per_vector"]["real[2]"]["cycles_measured"]["none"] = 103
    plot_cycles(real_art, rtl, "none", tmp_path / "c2.png")
    assert list(figs[1].axes[0].collections[0].get_offsets()[:, 1]) == [0, 0, 1, 0]
    assert "1 images differ" in figs[1].axes[0].get_title()


def test_resources_stack_lut_ram_inside_lut_and_say_what_is_excluded(figs: list, tmp_path: Path) -> None:
    from saformer.demo import EXCLUDED, plot_resources

    res = {"lut": 1000, "lut_logic": 700, "lut_mem": 250, "lut_srl": 50, "ff": 800, "bram36": 0, "dsp": 0,
           "config": {"name": "default"},
           "board": {"lut": 53200, "ff": 106400, "bram36": 140, "dsp": 220, "part": "xc7z020clg400-1",
                     "name": "pynq-z2"}}
    plot_resources(res, tmp_path / "res.png")
    fig = figs[0]
    ax = fig.axes[0]
    lut_bars = [p for p in ax.patches if abs(p.get_y() + p.get_height() / 2) < 1e-9]  # row 0 = LUT
    assert len(lut_bars) == 2
    assert sum(p.get_width() for p in lut_bars) == pytest.approx(100 * 1000 / 53200)
    assert lut_bars[1].get_x() == pytest.approx(lut_bars[0].get_width())  # LUT-RAM stacked after the logic
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["logic", "LUT-RAM + SRL"]
    assert EXCLUDED in [t.get_text() for t in fig.texts] and "DMA" in EXCLUDED and "PS" in EXCLUDED
    assert [t.get_text() for t in ax.get_yticklabels()] == ["LUT", "FF", "BRAM36", "DSP48"]


def test_firing_rates_have_readable_layer_labels(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt
    import saformer.golden.report as gr

    captured = []
    orig = gr.save_figure
    gr.save_figure = lambda fig, path: captured.append([t.get_text() for t in fig.axes[0].get_yticklabels()]) \
        or orig(fig, path)
    try:
        gr.plot_rates({"firing_rate": {"tok.s1": 0.1, "b0.sasa.q": 0.2, "head.s": 0.3}, "test_images": 5},
                      tmp_path / "f.png")
    finally:
        gr.save_figure = orig
        plt.close("all")
    assert captured == [["tokenizer conv1 LIF (tok.s1)", "block 0: SASA Q (b0.sasa.q)", "head LIF (head.s)"]]
