"""`saformer demo` end to end on a reduced setting (8 images through RTL and HLS, 24 golden images, no
Yosys), and the loud failure when one expected word of a level is corrupted. Everything generated goes
under tmp_path; the Verilator build is the shared hash-keyed one under build/sim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saformer.demo import cli_demo

SMALL = ["--images", "8", "--golden-images", "24", "--no-synth"]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


def test_demo_small_end_to_end(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = cli_demo([*SMALL, "--build", str(work)])
    out = capsys.readouterr().out
    assert rc == 0, out
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
    md = (rep / "report.md").read_text()
    assert "![raster](demo_raster.png)" in md and "![cycles](demo_cycles.png)" in md
    assert "all levels agree bit-exactly" in out and "modelled images/s at 100 MHz" in out


@pytest.mark.parametrize("level", ["hls", "rtl"])
def test_demo_fails_loudly_on_a_corrupted_level(level: str, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = cli_demo([*SMALL, "--build", str(work), "--out", str(work / f"report-{level}"), "--corrupt", level])
    out = capsys.readouterr().out
    assert rc == 1, out
    assert "DEMO FAILED" in out
    key = {"rtl": "reference_vs_rtl", "hls": "reference_vs_hls"}[level]
    assert f"{key}: 1 mismatches" in out, out
    if level == "rtl":
        assert "first mismatch: vector real[0], t=0, n=0, channel=0" in out, out
    else:
        assert "FIRST MISMATCH vector=0 t=0 n=0 channel=0" in out, out
    summ = json.loads((work / f"report-{level}" / "demo.json").read_text())
    other = {"rtl": "reference_vs_hls", "hls": "reference_vs_rtl"}[level]
    assert summ["levels"][key]["mismatches"] == 1 and summ["levels"][other]["mismatches"] == 0
