# SPDX-License-Identifier: Apache-2.0
"""`make hls-synth` for the network kernel: the csynth report parser on a small synthetic csynth.xml, the
one-line error where vitis_hls is missing, and (vitis-marked) the real Vitis run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from saformer.contract.errors import SaformerError
from saformer.hls.net_synth import parse_csynth

REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<profile>
  <ReportVersion><Version>2023.2</Version></ReportVersion>
  <UserAssignments><Part>xc7z020-clg400-1</Part><TopModelName>{name}</TopModelName>
    <TargetClockPeriod>10.00</TargetClockPeriod></UserAssignments>
  <PerformanceEstimates>
    <SummaryOfTimingAnalysis><unit>ns</unit><EstimatedClockPeriod>7.30</EstimatedClockPeriod></SummaryOfTimingAnalysis>
    <SummaryOfOverallLatency><Best-caseLatency>{best}</Best-caseLatency><Average-caseLatency>{avg}</Average-caseLatency>
      <Worst-caseLatency>{worst}</Worst-caseLatency><Interval-min>{imin}</Interval-min>
      <Interval-max>{imax}</Interval-max></SummaryOfOverallLatency>
  </PerformanceEstimates>
  <AreaEstimates><Resources><BRAM_18K>{bram}</BRAM_18K><DSP>0</DSP><FF>{ff}</FF><LUT>{lut}</LUT><URAM>0</URAM>
    </Resources><AvailableResources><BRAM_18K>280</BRAM_18K><DSP>220</DSP><FF>106400</FF><LUT>53200</LUT>
    <URAM>0</URAM></AvailableResources></AreaEstimates>
</profile>
"""


def test_csynth_parser_on_a_synthetic_report(tmp_path: Path) -> None:
    (tmp_path / "csynth.xml").write_text(REPORT.format(name="net_top", best=4100, avg=4800, worst="undef",
                                                       imin=3900, imax=5000, bram=40, ff=12000, lut=21000))
    (tmp_path / "sasa_attn_csynth.xml").write_text(REPORT.format(name="sasa_attn", best=900, avg=1000, worst=3000,
                                                                 imin=901, imax=3001, bram=4, ff=3000, lut=8000))
    (tmp_path / "dwc_csynth.xml").write_text(REPORT.format(name="dwc", best=64, avg=64, worst=64, imin=65,
                                                           imax=65, bram=1, ff=500, lut=900))
    r = parse_csynth(tmp_path)
    assert r["module"] == "net_top" and r["clock_target_ns"] == 10.0 and r["clock_estimated_ns"] == 7.3
    assert r["latency_cycles"] == {"best": 4100, "average": 4800, "worst": None}  # 'undef' is not a number
    assert r["interval_cycles"] == {"min": 3900, "max": 5000}
    assert r["resources"] == {"BRAM_18K": 40, "DSP": 0, "FF": 12000, "LUT": 21000, "URAM": 0}
    assert r["available"]["LUT"] == 53200
    assert set(r["modules"]) == {"sasa_attn", "dwc"}
    assert r["modules"]["sasa_attn"]["latency_cycles"]["worst"] == 3000
    assert r["modules"]["dwc"]["resources"]["LUT"] == 900


def test_csynth_parser_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(SaformerError, match="no csynth.xml"):
        parse_csynth(tmp_path)
    (tmp_path / "csynth.xml").write_text("<profile><x/></profile>")
    with pytest.raises(SaformerError, match="csynth.xml: no UserAssignments"):
        parse_csynth(tmp_path)
    (tmp_path / "csynth.xml").write_text("not xml")
    with pytest.raises(SaformerError, match="not a readable csynth report"):
        parse_csynth(tmp_path)


@pytest.mark.skipif(shutil.which("vitis_hls") is not None, reason="vitis_hls is on PATH here")
def test_hls_synth_without_vitis_is_one_line(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "saformer.hls.net_synth", "--out", str(tmp_path), "--images", "2",
                        "--report", str(tmp_path / "r.json")], capture_output=True, text=True)
    assert p.returncode == 2
    err = p.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("saformer hls-synth: error: vitis_hls not found on PATH"), p.stderr
    folder = tmp_path / "net-default"
    assert (folder / "run_hls.tcl").is_file() and (folder / "vectors" / "real" / "expected.txt").is_file()
    tcl = (folder / "run_hls.tcl").read_text()
    for step in ("csim_design", "csynth_design", "cosim_design", "export_design -format ip_catalog"):
        assert step in tcl


@pytest.mark.vitis
@pytest.mark.skipif(shutil.which("vitis_hls") is None, reason="vitis_hls not on PATH")
def test_vitis_csim_csynth_cosim_export_and_report(tmp_path: Path) -> None:
    import json

    p = subprocess.run([sys.executable, "-m", "saformer.hls.net_synth", "--out", str(tmp_path), "--report",
                        str(tmp_path / "r.json")], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["module"] == "net_top" and rep["modules"] and rep["latency_cycles"]["best"]
    assert list((tmp_path / "net-default" / "net_prj").rglob("*.zip")), "export_design produced no IP archive"
