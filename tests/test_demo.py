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

import pytest

from saformer.demo import cli_demo

SMALL = ["--images", "8", "--golden-images", "24", "--no-synth"]


def _check_ok_run(work: Path, out: str) -> None:
    rep = work / "report"
    for f in ("report.md", "demo.json", "golden.json", "rtl.json", "hls.json", "demo_raster.png",
              "demo_attention.png", "demo_cycles.png"):
        assert (rep / f).is_file() and (rep / f).stat().st_size > 0, f
    summ = json.loads((rep / "demo.json").read_text())
    lv = summ["levels"]
    assert set(lv) == {"brevitas_vs_reference", "reference_vs_rtl", "reference_vs_hls"}
    assert lv["reference_vs_rtl"]["vectors"] == 8 and lv["reference_vs_hls"]["vectors"] == 8
    assert all(v["mismatches"] == 0 for v in lv.values())
    assert lv["reference_vs_rtl"]["cycles_match_formula"]
    assert summ["cycles_per_image"]["mean"] > 0 and summ["images_per_s_at_100mhz"] > 0
    assert [s["name"] for s in summ["steps"]] == ["model", "golden", "export", "generate", "rtl", "hls", "report"]
    md = (rep / "report.md").read_text()
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


LEVELS = {"golden": "brevitas_vs_reference", "rtl": "reference_vs_rtl", "hls": "reference_vs_hls"}


def _check_failed_run(work: Path, level: str, out: str) -> None:
    assert "DEMO FAILED" in out
    key = LEVELS[level]
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
    summ = json.loads((work / f"report-{level}" / "demo.json").read_text())
    assert summ["levels"][key]["mismatches"] == 1
    assert all(lv["mismatches"] == 0 for k, lv in summ["levels"].items() if k != key), summ["levels"]


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
    for level in ("golden", "hls", "rtl"):
        rc = cli_demo([*SMALL, "--build", str(tmp_path), "--out", str(tmp_path / f"report-{level}"),
                       "--corrupt", level])
        out = capsys.readouterr().out
        assert rc == 1, out
        _check_failed_run(tmp_path, level, out)
