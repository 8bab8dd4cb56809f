# SPDX-License-Identifier: Apache-2.0
"""Static checks of the whole-network RTL: `verilator --lint-only -Wall` clean for every configuration of the
network regression, and a bad parameter set stops elaboration."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from saformer.hw.net_generate import NET_TOP, generate_net, net_sources
from saformer.sim.net_runner import NET_CONFIGS, net_config
from saformer.sim.runner import verilator_env


@pytest.mark.parametrize("name", NET_CONFIGS)
def test_net_lint_clean(name: str, tmp_path: Path) -> None:
    root = verilator_env()
    gen = generate_net(net_config(name), tmp_path, name)
    r = subprocess.run([str(root / "bin" / "verilator"), "--lint-only", "-Wall", "--top-module", NET_TOP,
                        *map(str, net_sources(gen))], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_bad_parameter_set_stops_elaboration(tmp_path: Path) -> None:
    root = verilator_env()
    top = tmp_path / "bad.v"
    top.write_text("`default_nettype none\nmodule bad;\n  wire [1:0] q;\n  net_shortcut #(.UW(8), .IW(9), .FD(1)) u ("
                   ".clk(1'b0), .rst(1'b0), .s_u_data(256'd0), .s_u_last(1'b0), .s_u_valid(1'b0), .s_u_ready(q[0]),"
                   " .m_s_data(), .m_s_last(), .m_s_valid(), .m_s_ready(1'b0), .s_inc_data(288'd0), "
                   ".s_inc_valid(1'b0), .s_inc_ready(q[1]), .m_u_data(), .m_u_last(), .m_u_valid(), "
                   ".m_u_ready(1'b0), .wl_take(1'b0), .wl_seg(5'd0), .wl_data(32'd0), .act(), .img_end(), "
                   ".err_proto());\nendmodule\n")
    rtl = Path(net_sources(tmp_path)[0]).parent
    srcs = [rtl / f"{u}.v" for u in ("sign_extend", "sdp_ram", "net_lif", "net_shortcut")]
    r = subprocess.run([str(root / "bin" / "verilator"), "--lint-only", "--top-module", "bad", str(top),
                        *map(str, srcs)], capture_output=True, text=True)
    assert r.returncode != 0 and "net_bad_parameter_set" in (r.stdout + r.stderr), r.stdout + r.stderr


def _ram_styles_in(text: str) -> dict[str, int | None]:
    """model module -> the RAM_STYLE of its instance in a generated net_engine (None: not passed)."""
    from saformer.hw.fit import instance_module

    out: dict[str, int | None] = {}
    for _mod, params, inst in re.findall(r"\b(net_slin|net_lif|net_shortcut|net_sasa) #\((.*?)\) (u_\w+) \(", text,
                                         re.S):
        m = re.search(r"\.RAM_STYLE\((\d+)\)", params)
        out[instance_module(inst)] = int(m.group(1)) if m else None
    return out


@pytest.mark.parametrize("bname", [None, "zcu104", "kv260", "ultra96v2", "pynq-z2"])
def test_generated_ram_styles_follow_the_uram_rule(bname: str | None) -> None:
    """cifar10-384's net_engine passes every styled instance the RAM_STYLE of hw/fit.py uram_styles (3 =
    UltraRAM on ZCU104 / KV260, 0 elsewhere and without a board) over the generator's FIXED_STYLES (the head's
    LUT RAM): the generator and the model share the rule."""
    from saformer.contract.configs import CIFAR
    from saformer.hw import fit
    from saformer.hw.boards import board
    from saformer.hw.net_generate import ram_styles, render_net_top

    cfg = CIFAR["cifar10-384"]
    st = fit.uram_styles(cfg, board(bname)) if bname else {}
    assert bool(st) == (bname in ("zcu104", "kv260"))
    text = render_net_top(cfg, "cifar10-384", st)
    want = ram_styles(st)
    assert _ram_styles_in(text) == {u: want.get(u, 0) for u in fit.styled_units(cfg)}


def test_net_lint_clean_with_uram_styles(tmp_path: Path) -> None:
    """The network with UltraRAM styles (config d128 on a ZCU104 with too little block RAM, so the rule moves
    memories, the SASA engine's among them) is Verilator -Wall clean as well."""
    from dataclasses import replace

    from saformer.hw import fit
    from saformer.hw.boards import BOARDS

    cfg = net_config("d128")
    b = replace(BOARDS["zcu104"], name="xcup-small", bram36=1)
    st = fit.uram_styles(cfg, b)
    assert st and any(u.endswith(".sasa") for u in st)
    gen = generate_net(cfg, tmp_path, "d128", st)
    assert "-rs" in gen.name and "RAM_STYLE(3)" in (gen / f"{NET_TOP}.v").read_text()
    root = verilator_env()
    r = subprocess.run([str(root / "bin" / "verilator"), "--lint-only", "-Wall", "--top-module", NET_TOP,
                        *map(str, net_sources(gen))], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("inst", [
    "net_slin #(.FI(8), .FO(12), .OB(5)) u (",  # OB does not divide FO
    "net_slin #(.FI(8), .FO(12), .OB(4), .IMG_ACC(1)) u (",  # a fold accumulates no image
    "net_lif #(.FO(16), .P(4), .IB(6)) u (",  # IB not a multiple of P (nor a divisor of FO)
    "net_lif #(.FO(24), .P(4), .IB(16)) u (",  # IB does not divide FO
])
def test_bad_fold_parameters_stop_elaboration(inst: str, tmp_path: Path) -> None:
    root = verilator_env()
    top = tmp_path / "bad.v"
    top.write_text("`default_nettype none\nmodule bad;\n" + inst + ".clk(1'b0), .rst(1'b0));\nendmodule\n")
    rtl = Path(net_sources(tmp_path)[0]).parent
    srcs = [rtl / f"{u}.v" for u in ("sign_extend", "sdp_ram", "spike_chunks", "pop_sat3", "net_wdec", "net_slin",
                                     "net_lif")]
    r = subprocess.run([str(root / "bin" / "verilator"), "--lint-only", "-Wno-PINMISSING", "--top-module", "bad",
                        str(top), *map(str, srcs)], capture_output=True, text=True)
    assert r.returncode != 0 and "net_bad_parameter_set_" in (r.stdout + r.stderr), r.stdout + r.stderr
    assert ("_fold" if "slin" in inst else "_beat") in (r.stdout + r.stderr)


def test_cifar_folds_lint_clean(tmp_path: Path) -> None:
    """cifar10-384's fold (12 passes: word j*12 + g, not a shift) and cifar10-pynq's (32) lint clean."""
    from saformer.contract.configs import CIFAR

    root = verilator_env()
    for name, cfg in CIFAR.items():
        assert cfg.hidden_passes > 1, name
        gen = generate_net(cfg, tmp_path, name)
        r = subprocess.run([str(root / "bin" / "verilator"), "--lint-only", "-Wall", "--top-module", NET_TOP,
                            *map(str, net_sources(gen))], capture_output=True, text=True)
        assert r.returncode == 0, (name, r.stdout + r.stderr)
