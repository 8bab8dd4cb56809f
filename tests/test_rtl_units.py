# SPDX-License-Identifier: Apache-2.0
"""Hand-written RTL units on Icarus through cocotb (quick builds into tmp_path, xdist-safe)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from saformer.contract.config import derive
from saformer.contract.configs import NAMED
from saformer.hw.generate import RTL_DIR

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")


def _run(tmp_path: Path, top: str, files: list[str], params: dict[str, int], test: str) -> None:
    from cocotb_tools.runner import get_runner

    r = get_runner("icarus")
    r.build(sources=[RTL_DIR / f for f in files], hdl_toplevel=top, parameters=params, build_dir=tmp_path,
            always=True, timescale=("1ns", "1ps"))
    xml = r.test(test_module="saformer.sim.tb_units", hdl_toplevel=top, hdl_toplevel_lang="verilog", build_dir=tmp_path,
                 testcase=test, results_xml=str(tmp_path / "results.xml"),
                 extra_env={"PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])})
    from cocotb_tools.runner import get_results

    total, failed = get_results(xml)
    assert total >= 1 and failed == 0, f"{test}: {failed} of {total} failed, see {tmp_path}"


@pytest.mark.parametrize("name", ["default", "minwidth", "t1"])
def test_lif_unit(name: str, tmp_path: Path) -> None:
    cfg = NAMED[name]
    d = derive(cfg)
    params = {"MEM_W": d.sasa_mem_bits, "CUR_W": d.sasa_acc_bits, "TH_W": cfg.theta_bits, "K": cfg.leak_shift}
    _run(tmp_path, "lif_unit", ["sign_extend.v", "lif_unit.v"], params, "lif_unit_matches_semantics")


@pytest.mark.parametrize("w", [8, 33])
def test_spike_finder(w: int, tmp_path: Path) -> None:
    _run(tmp_path, "spike_finder", ["spike_finder.v"], {"W": w, "IW": max(1, (w - 1).bit_length())},
         "spike_finder_lowest_bit")


@pytest.mark.parametrize("w,kw", [(8, 1), (33, 3), (128, 4), (384, 4), (40, 5), (1100, 5)])  # exhaustive at 8; a padded
# last chunk; chunks of 32 (KW = 5: the grouped "three or more")
def test_spike_chunks(w: int, kw: int, tmp_path: Path) -> None:
    _run(tmp_path, "spike_chunks", ["pop_sat3.v", "spike_chunks.v"],
         {"W": w, "KW": kw, "IW": max(1, (w - 1).bit_length())}, "spike_chunks_port_contract")


def test_axis_skid(tmp_path: Path) -> None:
    _run(tmp_path, "axis_skid", ["axis_skid.v"], {"W": 17}, "axis_skid_no_loss_no_dup")


def test_axis_half(tmp_path: Path) -> None:
    _run(tmp_path, "axis_half", ["axis_half.v"], {"W": 17}, "axis_half_no_loss_no_dup")


@pytest.mark.parametrize("nb", [1, 2, 3, 4, 12])  # NB = 1: axis_half's timing; 3: not a power of two; 12: the shift
def test_axis_split(nb: int, tmp_path: Path) -> None:
    _run(tmp_path, "axis_split", ["axis_split.v"], {"W": 13, "NB": nb}, "axis_split_beats_in_order")


@pytest.mark.parametrize("nb", [2, 3, 8])
def test_net_gather(nb: int, tmp_path: Path) -> None:
    _run(tmp_path, "net_gather", ["net_gather.v"], {"W": 11, "NB": nb}, "net_gather_tokens")


@pytest.mark.parametrize("style", [0, 1, 2, 3])  # tool's choice, block, distributed, ultra: one behaviour
def test_sdp_ram(style: int, tmp_path: Path) -> None:
    _run(tmp_path, "sdp_ram", ["sdp_ram.v"], {"W": 13, "DEPTH": 37, "STYLE": style}, "sdp_ram_sync_read")


@pytest.mark.parametrize("fi,fo,p,m,style", [(32, 32, 8, 2, 0), (20, 13, 5, 1, 0), (70, 6, 6, 1, 0), (1, 1, 1, 1, 0),
                                             (32, 32, 8, 2, 1), (20, 13, 5, 1, 1)])
def test_spike_linear(fi: int, fo: int, p: int, m: int, style: int, tmp_path: Path) -> None:
    """Fan-in above a 64-bit word (70), P not dividing fan-out (13 / 5), P = fan-out, the 1x1 edge; RAM_STYLE
    0 (these small weight memories: asynchronous LUT-RAM read) and 1 (synchronous block-RAM read)."""
    params = {"FAN_IN": fi, "FAN_OUT": fo, "P": p, "M": m, "W_W": 4, "B_W": 6, "ACC_W": 12, "TAG_W": 3,
              "RAM_STYLE": style}
    _run(tmp_path, "spike_linear", ["sign_extend.v", "sdp_ram.v", "pop_sat3.v", "spike_chunks.v", "spike_linear.v"],
         params, "spike_linear_matches_reference")


@pytest.mark.parametrize("name,style,lat", [("default", 0, 3), ("minwidth", 0, 3), ("default", 0, 2),
                                            ("minwidth", 0, 2), ("default", 1, 3)])
def test_lif_lanes(name: str, style: int, lat: int, tmp_path: Path) -> None:
    """RAM_STYLE 0 at DEPTH 6: the asynchronous LUT-RAM read (latency 3 or 2); 1: the synchronous (block RAM)
    read (latency 3)."""
    cfg = NAMED[name]
    d = derive(cfg)
    params = {"P": 3, "MEM_W": d.sasa_mem_bits, "CUR_W": d.sasa_acc_bits, "TH_W": cfg.theta_bits,
              "K": cfg.leak_shift, "DEPTH": 6, "TAG_W": 2, "RAM_STYLE": style, "OUT_LAT": lat}
    _run(tmp_path, "lif_lanes", ["sign_extend.v", "sdp_ram.v", "lif_lanes.v"], params, "lif_lanes_matches_semantics")


@pytest.mark.parametrize("d,n,h,p,dly,style", [(16, 9, 2, 4, 1, 0), (8, 1, 4, 3, 1, 0), (16, 9, 2, 16, 0, 0),
                                               (16, 9, 2, 5, 0, 1)])
def test_sasa_attn(d: int, n: int, h: int, p: int, dly: int, style: int, tmp_path: Path) -> None:
    """RAM_STYLE 0 (a small Q buffer: asynchronous LUT-RAM read) and 1 (synchronous block-RAM read); G groups
    of P lanes per token (P = 3, 5: a padded last group; P = D: one group); A latched 1 or 2 cycles after the
    last group (A_DELAY)."""
    _run(tmp_path, "sasa_attn", ["sdp_ram.v", "sasa_attn.v"],
         {"D": d, "N": n, "H": h, "P": p, "A_DELAY": dly, "RAM_STYLE": style}, "sasa_attn_tokens")


@pytest.mark.parametrize("fi,fo,ob,co", [(16, 32, 32, 0), (16, 32, 8, 0), (13, 24, 8, 0), (16, 12, 3, 0), (5, 8, 1, 0),
                                         (128, 24, 8, 0), (384, 24, 2, 0), (1536, 12, 1, 0), (13, 24, 24, 1),
                                         (1, 8, 8, 1)])
def test_net_slin(fi: int, fo: int, ob: int, co: int, tmp_path: Path) -> None:
    """net_slin with OB = FO (one pass: the unfolded module) and the output fold OB < FO: G = 4, 3 (word j*G +
    g not a shift), 4 with OB = 3, 8 passes of one lane; FI not a power of two; FI = 128 (chunks of 16); FI = 384
    and 1536 with G = 12 (cifar10-384's fc1 / fc2 sizes). The linear weight order (COL_OUTER 0: a word's lanes
    shifted in) and the conv order (1: read-modify-write per element; FI = 1: one word, the previous element's
    write forwarded)."""
    params = {"FI": fi, "FO": fo, "OB": ob, "W_W": 4, "B_W": 6, "ACC_W": 12, "OUT_W": 14, "SEG_W": 3,
              "SEG_WT": 2, "SEG_B": 5, "COL_OUTER": co}
    _run(tmp_path, "net_slin", ["pop_sat3.v", "spike_chunks.v", "sdp_ram.v", "net_wdec.v", "net_slin.v"], params,
         "net_slin_matches_reference")


@pytest.mark.parametrize("fo,ib,p,n,fired", [(32, 32, 4, 3, 0), (32, 8, 4, 3, 0), (24, 8, 8, 2, 0), (12, 6, 3, 1, 0),
                                         (16, 4, 4, 4, 0), (32, 8, 4, 3, 1), (12, 6, 3, 1, 1)])
def test_net_lif(fo: int, ib: int, p: int, n: int, fired: int, tmp_path: Path) -> None:
    """net_lif with IB = FO (the whole token per beat) and beats of IB < FO currents: 2 groups a beat, one
    group a beat (IB = P), P = 3 with N = 1 (N*G = 4); membrane width the proven bound for these currents;
    FIRED = 1 (a fired bit per lane stored beside the membrane instead of writing 0) on two of them."""
    from saformer.contract.config import membrane_range, signed_width

    in_w, th_w, k, t = 7, 6, 1, 3
    mem_w = signed_width(*membrane_range(-(1 << (in_w - 1)), (1 << (in_w - 1)) - 1, (1 << th_w) - 1, k, t))
    params = {"FO": fo, "IB": ib, "IN_W": in_w, "MEM_W": mem_w, "TH_W": th_w, "K": k, "N": n, "T": t, "P": p,
              "SEG_W": 3, "SEG_TH": 6, "FIRED": fired}
    _run(tmp_path, "net_lif", ["sign_extend.v", "sdp_ram.v", "net_lif.v"], params, "net_lif_matches_semantics")
