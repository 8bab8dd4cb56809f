# SPDX-License-Identifier: Apache-2.0
"""Generate the whole-network accelerator's top (`net_engine`) for one configuration.

Hand-written units live in hw/rtl/ (net_*.v beside the SASA engine's units, which are used as they are);
this generator only fills in parameters -- every one from `saformer.contract` (config, `derive(cfg)`,
interface, the layout table's segment ids) -- and wires the pipeline: one engine per module, an
`axis_skid` on every stream between two engines, the weight loader's payload port to every module, the
per-module cycle counters (`net_cnt`) and the monitor ports the testbench's module-boundary scoreboard
reads (`mon_fire`, `mon_<k>_data`, `mon_done`, `mon_cyc`). The text depends on the configuration and on
the memories' RAM_STYLE per module instance (`styles`: hw/fit.py `uram_styles(cfg, board)`, UltraRAM on
UltraScale+ boards where the rule asks for it, computed by the caller that knows the board: hw/synth.py,
hw/vivado.py); without it every memory is the tool's choice (RAM_STYLE 0: what simulation builds).

    python -m saformer.hw.net_generate --config default --out build/rtl
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from saformer.contract import interface as itf
from saformer.contract import layout
from saformer.contract.config import SAFormerConfig, derive
from saformer.contract.cycles import network_modules
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_atomic
from saformer.hw.generate import RTL_DIR, config_id, sources_hash
from saformer.hw.memmap import lif_memory, map_memory

NET_TOP = "net_engine"
# The wide token streams (U, increments, hidden currents, logits) get the one-entry register slice: their
# consumers take a token at most every ceil(D/P) cycles (net_lif) or are far from the bottleneck.
WIDE = "axis_half"
# A shortcut U FIFO of at most this many words (beats) is asked to be LUT RAM (net_shortcut FIFO_STYLE 2): it is
# a few tokens of a wide word (the DWC's grid + 6 tokens), which block RAM holds at its width's cost (cifar10-pynq:
# 112 x 257 bits in 8 RAMB18, 20 % used; 688 LUTs as two RAM64M slices); a deeper FIFO keeps the tool's choice.
FIFO_LUTRAM_WORDS = 128


# RAM_STYLE of module instances the generator always sets (overridden by the board's `styles`, hw/fit.py
# uram_styles): the head's weight rows (D words of n_classes x w_bits) are LUT RAM -- Yosys chose that itself on
# cifar10-pynq (128 x 40 bits, 112 LUTs, where the resource model counted a BRAM36); asked for, both agree.
FIXED_STYLES = {"head": 2}


def ram_styles(styles: dict[str, int] | None) -> dict[str, int]:
    """module -> RAM_STYLE of the generated net_engine: FIXED_STYLES, then the board's `styles` on top."""
    return {**FIXED_STYLES, **(styles or {})}


def fifo_style(words: int) -> int:
    """net_shortcut FIFO_STYLE of a U FIFO of `words` beats (hw/fit.py network_memories reads the same rule)."""
    return 2 if words <= FIFO_LUTRAM_WORDS else 0


def lif_fired(cfg: SAFormerConfig, fo: int, mem_w: int, style: int = 0) -> int:
    """net_lif FIRED of a LIF stage of `fo` neurons and `mem_w`-bit membranes whose memory has RAM_STYLE `style`:
    1 (a fired bit per lane beside the membrane, no write-back multiplexer) where its memory maps to block RAM
    or UltraRAM (hw/fit.py map_memory) and the wider word takes no more of them; else 0. hw/fit.py
    network_memories counts the membrane words with the same rule."""

    narrow, wide = (map_memory(lif_memory(cfg, "", fo, mem_w + b, style)) for b in (0, 1))
    if narrow["mapped_to"] not in ("BRAM", "URAM") or wide["mapped_to"] != narrow["mapped_to"]:
        return 0
    return int(wide["bram18"] <= narrow["bram18"] and wide["uram"] <= narrow["uram"])
NET_UNITS = ("sign_extend", "axis_skid", "axis_half", "pop_sat3", "spike_chunks", "sdp_ram", "spike_linear",
             "lif_lanes", "sasa_attn", "spike_deser", "sasa_wload", "sasa_core",
             "net_wload", "net_wdec", "net_cnt", "net_slin", "net_lif", "net_shortcut", "net_sasa", "net_dwc",
             "net_tok", "net_out")
# units only a configuration with stream beats (config stream_beat) instantiates: listed only when the generated
# top uses them (an unused module would be a second top for the elaborators)
BEAT_UNITS = ("axis_split", "net_gather")


def _bits(x: int) -> int:
    return max(1, int(x).bit_length())


@dataclass(frozen=True)
class Boundary:
    """A monitored stream: name (the reference record it is checked against), the Verilog signal prefix of
    the producer side and its data width."""

    name: str
    sig: str
    width: int
    beats: int = 1  # beats per token on the stream (config stream_beat); > 1: gathered for the monitor


@dataclass(frozen=True)
class NetWidths:
    UW: int  # residual stream U
    UMW: int  # shortcut / head membranes
    C1W: int
    M1W: int
    U0W: int
    SIW: int  # SASA increment
    DIW: int  # DWC increment
    HCW: int  # MLP hidden current
    HMW: int  # MLP hidden membrane
    MIW: int  # MLP increment
    LGW: int  # logits
    PXB: int


def net_widths(cfg: SAFormerConfig) -> NetWidths:
    d = derive(cfg)
    return NetWidths(UW=d.width("u"), UMW=d.width("u.membrane"), C1W=d.width("tok.conv1_current"),
                     M1W=d.width("tok.conv1_membrane"), U0W=d.width("tok.u0"), SIW=d.width("sasa.increment"),
                     DIW=d.width("dwc.increment"), HCW=d.width("mlp.h_current"), HMW=d.width("mlp.h_membrane"),
                     MIW=d.width("mlp.increment"), LGW=d.width("head.logit"), PXB=_bits(cfg.pixel_max))


def check_network_config(cfg: SAFormerConfig) -> None:
    if cfg.pixel_max > 255:
        raise SaformerError(f"config field 'pixel_max' = {cfg.pixel_max}: the network's pixel stream carries "
                            "one byte per pixel (<= 255)")
    if derive(cfg).width("head.logit") > 32:
        raise SaformerError("config: logits wider than the 32-bit output beat")


def boundaries(cfg: SAFormerConfig) -> list[Boundary]:
    w = net_widths(cfg)
    D, H, nb = cfg.D, cfg.hidden, cfg.stream_beats
    out = [Boundary("tok.win", "win", cfg.stem_ch * 9), Boundary("tok.u0", "u0", D * w.UW)]
    for i in range(cfg.L):
        p = f"b{i}_"
        out += [Boundary(f"b{i}.sasa.s", p + "sasa_s", D), Boundary(f"b{i}.sasa.inc", p + "sasa_inc", D * w.SIW, nb),
                Boundary(f"b{i}.sasa.u", p + "sasa_u", D * w.UW, nb),
                Boundary(f"b{i}.dwc.s", p + "dwc_s", D), Boundary(f"b{i}.dwc.inc", p + "dwc_inc", D * w.DIW, nb),
                Boundary(f"b{i}.dwc.u", p + "dwc_u", D * w.UW, nb),
                Boundary(f"b{i}.mlp.s", p + "mlp_s", D), Boundary(f"b{i}.mlp.h", p + "mlp_h", H),
                Boundary(f"b{i}.mlp.inc", p + "mlp_inc", D * w.MIW, nb),
                Boundary(f"b{i}.mlp.u", p + "mlp_u", D * w.UW, nb)]
    out += [Boundary("head.s", "head_s", D), Boundary("logits", "logits", cfg.n_classes * w.LGW)]
    return out


def _stream(name: str, width: int) -> str:
    return (f"    wire [{width - 1}:0] {name}_data;\n    wire {name}_last, {name}_valid, {name}_ready;\n")


def _skid(src: str, dst: str, width: int, unit: str = "axis_skid") -> str:
    """axis_skid (or `unit`, e.g. axis_half) from producer stream `src` to consumer stream `dst` (both
    declared)."""
    return (f"    {unit} #(.W({width + 1})) u_skid_{dst} (.clk(aclk), .rst(rst_q),\n"
            f"        .s_data({{{src}_last, {src}_data}}), .s_valid({src}_valid), .s_ready({src}_ready),\n"
            f"        .m_data({{{dst}_last, {dst}_data}}), .m_valid({dst}_valid), .m_ready({dst}_ready));\n")


def render_net_top(cfg: SAFormerConfig, name: str, styles: dict[str, int] | None = None) -> str:  # noqa: PLR0915
    """net_engine.v of `cfg` (one linear wiring list); `styles`: module -> RAM_STYLE (hw/fit.py uram_styles,
    the rule the resource model counts with; absent modules and None: 0)."""
    check_network_config(cfg)
    rs = ram_styles(styles)

    def st(module: str) -> str:  # the RAM_STYLE parameter of a module instance (fit.styled_units)
        return f".RAM_STYLE({rs.get(module, 0)})"

    w = net_widths(cfg)
    D, N, T, HID, NC = cfg.D, cfg.N, cfg.T, cfg.hidden, cfg.n_classes
    HB = cfg.hidden_lanes  # fc1 -> hidden LIF: hidden currents per beat (the MLP fold, config hidden_beat)
    SB, NB = cfg.stream_lanes, cfg.stream_beats  # U and increments: channels per beat, beats per token
    offs = layout.network_offsets(cfg)
    segs = layout.network_segments(cfg)
    nseg = len(segs)
    seg_w = _bits(nseg)
    el_w = _bits(max(s.size for s in segs))
    seg_last = "".join(f"{s.size - 1:0{el_w}b}" for s in reversed(segs))
    sid = {k: v[0] for k, v in offs.items()}
    count = layout.network_payload_words(cfg)
    k_, thw, ww, bw_ = cfg.leak_shift, cfg.theta_bits, cfg.w_bits, cfg.bias_bits
    d = derive(cfg)
    sasa_count = layout.sasa_payload_words(cfg)
    mods = network_modules(cfg)
    bnds = boundaries(cfg)
    o: list[str] = []
    a = o.append
    a(f"// generated by hw/net_generate.py from contract/config.py (config '{name}', id {config_id(name, cfg)}, "
      f"hash {cfg.hash()[:16]}); do not edit")
    a("`default_nettype none")
    a(f"// {NET_TOP}: the whole SAFormer of configuration '{name}' as a dataflow pipeline (docs/architecture.md,")
    a("// 'The whole network'): pixels in (s_axis), logits + class out (m_axis), one weight stream (s_axis_w).")
    a("// Glue only: one engine per module, an axis_skid on every stream between engines, the weight loader,")
    a("// the per-module cycle counters and the monitor ports of the testbench's module-boundary scoreboard.")
    a("// Reset: aresetn is registered once here into rst_q, the synchronous active-high reset of every unit.")
    a(f"module {NET_TOP} (")
    a("    input  wire aclk,")
    a("    input  wire aresetn,")
    a(f"    input  wire [{itf.pixel_beat_bits(cfg) - 1}:0] s_axis_tdata,")
    a("    input  wire s_axis_tvalid,\n    output wire s_axis_tready,\n    input  wire s_axis_tlast,")
    a("    input  wire [31:0] s_axis_w_tdata,")
    a("    input  wire s_axis_w_tvalid,\n    output wire s_axis_w_tready,\n    input  wire s_axis_w_tlast,")
    a("    output wire [31:0] m_axis_tdata,")
    a("    output wire m_axis_tvalid,\n    input  wire m_axis_tready,\n    output wire m_axis_tlast,")
    a("    output wire weights_loaded,\n    output wire err_hdr,\n    output wire err_len,\n"
      "    output wire err_proto,\n    output wire busy,")
    a(f"    output wire [{len(bnds) - 1}:0] mon_fire,")
    for i, b in enumerate(bnds):
        a(f"    output wire [{b.width - 1}:0] mon_{i}_data,  // {b.name}")
    a("    output wire mon_img_start,  // pulse: the first pixel beat of an image was taken")
    a(f"    output wire [{len(mods) - 1}:0] mon_done,")
    a(f"    output wire [{32 * len(mods) - 1}:0] mon_cyc,")
    a(f"    output wire [{32 * len(mods) - 1}:0] mon_active,")
    a(f"    output wire [{32 * len(mods) - 1}:0] mon_stall")
    a(");")
    a("    reg rst_q;  // the internal reset, derived here from aresetn")
    a("    always @(posedge aclk) rst_q <= !aresetn;")
    a("")
    # ---------------------------------------------------------------- weight loader
    a("    // ---------------------------------------------------------------- network weight stream")
    a(f"    wire wp_valid, wp_ready, wl_start, wl_abort, wl_busy, wl_loaded;\n    wire [{seg_w - 1}:0] wp_seg;")
    a(f"    wire [{el_w - 1}:0] wp_elem;\n    wire [31:0] wp_data;\n    wire wl_take = wp_valid && wp_ready;")
    # the image count in flight: tok_start enters it through a register (tstart_q), so the tokenizer's
    # start (and the weight stream's `tok_en` before it) does not reach the counter's carry chain in the same
    # cycle; idle = no image in flight, exactly as a direct count would say (inflight_q + tstart_q is it)
    a("    reg [15:0] inflight_q;  // images taken and not yet out, but for one taken last cycle (tstart_q)")
    a("    reg tstart_q;  // tok_start, registered")
    a("    wire idle = (inflight_q == 16'd0) && !tstart_q;")
    a(f"    net_wload #(.WW(32), .MAGIC(32'h{itf.NET_WEIGHT_MAGIC:08x}), .VERSION(32'd{itf.NET_WEIGHT_FORMAT_VERSION}),"
      f" .HASH(32'h{cfg.hash32:08x}), .COUNT(32'd{count}),\n        .NSEG({nseg}), .SEG_W({seg_w}), .EL_W({el_w}), "
      f".SEG_LAST({nseg * el_w}'b{seg_last})) u_wload (\n"
      "        .clk(aclk), .rst(rst_q), .en(idle), .s_data(s_axis_w_tdata), .s_valid(s_axis_w_tvalid),\n"
      "        .s_last(s_axis_w_tlast), .s_ready(s_axis_w_tready), .p_valid(wp_valid), .p_ready(wp_ready),\n"
      "        .p_seg(wp_seg), .p_elem(wp_elem), .p_data(wp_data), .start(wl_start), .abort(wl_abort),\n"
      "        .busy(wl_busy), .loaded(wl_loaded), .err_hdr(err_hdr), .err_len(err_len));")
    a("    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" + str(el_w - 1) + ":0] unused_elem = wp_elem;\n"
      "    /* verilator lint_on UNUSEDSIGNAL */")
    # ---------------------------------------------------------------- streams
    a("    // ---------------------------------------------------------------- streams (producer side, consumer side)")
    decl = [("px", itf.pixel_beat_bits(cfg)), ("win", cfg.stem_ch * 9), ("win_c", cfg.stem_ch * 9),
            ("u0", D * w.UW)]
    for i in range(cfg.L):
        p = f"b{i}_"
        for m, iw in (("sasa", w.SIW), ("dwc", w.DIW), ("mlp", w.MIW)):
            decl += [(p + m + "_uin", SB * w.UW), (p + m + "_s", D), (p + m + "_s_c", D),
                     (p + m + "_inc", SB * iw), (p + m + "_inc_c", SB * iw), (p + m + "_u", SB * w.UW)]
        decl += [(p + "mlp_hc", HB * w.HCW), (p + "mlp_hc_c", HB * w.HCW), (p + "mlp_h", HID),
                 (p + "mlp_h_c", HID)]
    decl += [("head_uin", SB * w.UW), ("head_s", D), ("head_s_c", D), ("logits", NC * w.LGW),
             ("logits_c", NC * w.LGW), ("res", 32)]
    for nm, wd in decl:
        a(_stream(nm, wd).rstrip("\n"))
    a("    /* verilator lint_off UNUSEDSIGNAL */  // the SASA engine's slots: it counts its own cycles")
    a("    wire [" + str(len(mods) - 1) + ":0] m_act, m_end, m_busy;")
    a("    /* verilator lint_on UNUSEDSIGNAL */")
    a("")
    a("    wire all_loaded;\n    wire tok_en = all_loaded && !wl_busy && !s_axis_w_tvalid;\n    wire tok_start;")
    a("    wire [" + str(4 * cfg.L + 1) + ":0] perr;")
    a(_skid_in := "    axis_skid #(.W(" + str(itf.pixel_beat_bits(cfg) + 1) + ")) u_skid_px (.clk(aclk), .rst(rst_q),\n"
      "        .s_data({s_axis_tlast, s_axis_tdata}), .s_valid(s_axis_tvalid), .s_ready(s_axis_tready),\n"
      "        .m_data({px_last, px_data}), .m_valid(px_valid), .m_ready(px_ready));")
    mi = {m: j for j, m in enumerate(mods)}

    def wl(extra: str = "") -> str:
        return f".wl_take(wl_take), .wl_seg(wp_seg), .wl_data(wp_data){extra}"

    a(f"    net_tok #(.IMG({cfg.img}), .IC({cfg.in_ch}), .STEM({cfg.stem_ch}), .T({T}), .PATCH({cfg.patch}), "
      f".PXB({w.PXB}), .W_W({ww}), .B_W({bw_}),\n        .C1_W({w.C1W}), .M1_W({w.M1W}), .TH_W({thw}), .K({k_}), "
      f".SEG_W({seg_w}), .SEG_W1({sid['conv1.w']}), .SEG_B1({sid['conv1.b']}), "
      f".SEG_TH1({sid['conv1.theta']})) u_tok (\n"
      "        .clk(aclk), .rst(rst_q), .en(tok_en), .s_data(px_data), .s_last(px_last), .s_valid(px_valid),\n"
      "        .s_ready(px_ready), .m_data(win_data), .m_last(win_last), .m_valid(win_valid), .m_ready(win_ready),\n"
      f"        .wl_start(wl_start), {wl()}, .act(m_act[{mi['tok']}]), .img_start(tok_start),\n"
      f"        .img_end(m_end[{mi['tok']}]), .err_proto(perr[0]));")
    a(f"    assign m_busy[{mi['tok']}] = px_valid || win_valid;")
    a(_skid("win", "win_c", cfg.stem_ch * 9).rstrip("\n"))
    a(f"    net_slin #(.FI({cfg.stem_ch * 9}), .FO({D}), .W_W({ww}), .B_W({bw_}), .ACC_W({w.U0W}), .OUT_W({w.UW}), "
      f".IMG_ACC(0), {st('conv2')}, .SEG_W({seg_w}),\n        .SEG_WT({sid['conv2.w']}), .SEG_B({sid['conv2.b']}), "
      ".COL_OUTER(1)) u_conv2 (\n"
      "        .clk(aclk), .rst(rst_q), .s_data(win_c_data), .s_last(win_c_last), .s_valid(win_c_valid),\n"
      "        .s_ready(win_c_ready), .m_data(u0_data), .m_last(u0_last), .m_valid(u0_valid), .m_ready(u0_ready),\n"
      f"        .wl_start(wl_start), {wl()}, .act(m_act[{mi['conv2']}]), .img_end(m_end[{mi['conv2']}]));")
    a(f"    assign m_busy[{mi['conv2']}] = win_c_valid || (u0_valid && !u0_ready);")
    prev = "u0"
    sasa_loaded = []
    wl_readies = []
    ei = 1
    for i in range(cfg.L):
        p = f"b{i}_"
        for m, iw in (("sasa", w.SIW), ("dwc", w.DIW), ("mlp", w.MIW)):
            pm = p + m
            fd = itf.shortcut_fifo_tokens(cfg, m)
            if prev == "u0" and NB > 1:  # conv2's whole token -> NB beats (axis_split replaces axis_half)
                a(f"    axis_split #(.W({SB * w.UW}), .NB({NB})) u_split_{pm}_uin (.clk(aclk), .rst(rst_q),\n"
                  f"        .s_data(u0_data), .s_last(u0_last), .s_valid(u0_valid), .s_ready(u0_ready),\n"
                  f"        .m_data({pm}_uin_data), .m_last({pm}_uin_last), .m_valid({pm}_uin_valid), "
                  f".m_ready({pm}_uin_ready));")
            else:
                a(_skid(prev, pm + "_uin", SB * w.UW, WIDE).rstrip("\n"))
            a(f"    net_shortcut #(.D({D}), .UW({w.UW}), .IW({iw}), .MEM_W({w.UMW}), .TH_W({thw}), .K({k_}), .N({N}), "
              f".T({T}), .FD({fd}), .FIFO_STYLE({fifo_style(fd * NB)}), .P({cfg.lanes}), {st(f'b{i}.{m}.lif')}, "
              f".FIRED({lif_fired(cfg, D, w.UMW, rs.get(f'b{i}.{m}.lif', 0))}),\n"
              f"        .SEG_W({seg_w}), .SEG_TH({sid['u.theta']}), .SB({SB})) u_{pm}_sc (\n"
              f"        .clk(aclk), .rst(rst_q), .s_u_data({pm}_uin_data), .s_u_last({pm}_uin_last), "
              f".s_u_valid({pm}_uin_valid), .s_u_ready({pm}_uin_ready),\n"
              f"        .m_s_data({pm}_s_data), .m_s_last({pm}_s_last), .m_s_valid({pm}_s_valid), "
              f".m_s_ready({pm}_s_ready),\n"
              f"        .s_inc_data({pm}_inc_c_data), .s_inc_valid({pm}_inc_c_valid), .s_inc_ready({pm}_inc_c_ready),\n"
              f"        .m_u_data({pm}_u_data), .m_u_last({pm}_u_last), .m_u_valid({pm}_u_valid), "
              f".m_u_ready({pm}_u_ready),\n"
              f"        {wl()}, .act(m_act[{mi[f'b{i}.{m}.lif']}]), .img_end(m_end[{mi[f'b{i}.{m}.lif']}]), "
              f".err_proto(perr[{ei}]));")
            a(f"    assign m_busy[{mi[f'b{i}.{m}.lif']}] = {pm}_uin_valid;")
            a("    /* verilator lint_off UNUSEDSIGNAL */\n"
              f"    wire unused_{pm}_inc_last = {pm}_inc_c_last;\n    /* verilator lint_on UNUSEDSIGNAL */")
            ei += 1
            a(_skid(pm + "_s", pm + "_s_c", D).rstrip("\n"))
            a(_skid(pm + "_inc", pm + "_inc_c", SB * iw, WIDE).rstrip("\n"))
            mj = mi[f"b{i}.{m}"] if m != "mlp" else None
            if m == "sasa":
                a(f"    wire {pm}_done, {pm}_loaded, {pm}_wready, {pm}_ebusy;\n    wire [31:0] {pm}_cyc;")
                a(f"    net_sasa #(.D({D}), .N({N}), .T({T}), .P({cfg.lanes}), .H({cfg.heads}), .W_W({ww}), "
                  f".B_W({bw_}), "
                  f".TH_W({thw}), .ACC_W({d.sasa_acc_bits}),\n        .MEM_W({cfg.mem_bits or d.sasa_mem_bits}), "
                  f".K({k_}), .IW({w.SIW}), .HASH(32'h{cfg.hash32:08x}), .COUNT(32'd{sasa_count}), "
                  f"{st(f'b{i}.sasa')}, .SEG_W({seg_w}),\n"
                  f"        .SEG_FIRST({sid[f'b{i}.sasa.wq']}), .OB({SB})) u_{pm} (\n"
                  f"        .clk(aclk), .rst(rst_q), .s_data({pm}_s_c_data), .s_last({pm}_s_c_last), "
                  f".s_valid({pm}_s_c_valid), .s_ready({pm}_s_c_ready),\n"
                  f"        .m_data({pm}_inc_data), .m_last({pm}_inc_last), .m_valid({pm}_inc_valid), "
                  f".m_ready({pm}_inc_ready),\n"
                  f"        .wl_valid(wp_valid), .wl_seg(wp_seg), .wl_data(wp_data), .wl_abort(wl_abort), "
                  f".wl_ready({pm}_wready),\n"
                  f"        .loaded({pm}_loaded), .busy({pm}_ebusy), .img_done({pm}_done), .cycles_active({pm}_cyc), "
                  f".err_proto(perr[{3 * cfg.L + 1 + i}]));")
                a(f"    assign m_act[{mj}] = 1'b0;  // the SASA engine counts its own cycles (cycles_active)")
                a(f"    assign m_end[{mj}] = 1'b0;")
                a(f"    assign m_busy[{mj}] = {pm}_ebusy;")
                sasa_loaded.append(f"{pm}_loaded")
                wl_readies.append(f"{pm}_wready")
            elif m == "dwc":
                a(f"    net_dwc #(.D({D}), .GRID({cfg.grid}), .T({T}), .W_W({ww}), .B_W({bw_}), .IW({w.DIW}), "
                  f".P({cfg.lanes}), .SEG_W({seg_w}), .SEG_WT({sid[f'b{i}.dwc.w']}),\n"
                  f"        .SEG_B({sid[f'b{i}.dwc.b']}), .OB({SB})) u_{pm} (\n"
                  f"        .clk(aclk), .rst(rst_q), .s_data({pm}_s_c_data), .s_last({pm}_s_c_last), "
                  f".s_valid({pm}_s_c_valid), .s_ready({pm}_s_c_ready),\n"
                  f"        .m_data({pm}_inc_data), .m_last({pm}_inc_last), .m_valid({pm}_inc_valid), "
                  f".m_ready({pm}_inc_ready),\n"
                  f"        .wl_start(wl_start), {wl()}, .act(m_act[{mj}]), .img_end(m_end[{mj}]));")
                a(f"    assign m_busy[{mj}] = {pm}_s_c_valid || ({pm}_inc_valid && !{pm}_inc_ready);")
            else:
                f1, hl, f2 = mi[f"b{i}.mlp.fc1"], mi[f"b{i}.mlp.hlif"], mi[f"b{i}.mlp.fc2"]
                a(f"    net_slin #(.FI({D}), .FO({HID}), .W_W({ww}), .B_W({bw_}), .ACC_W({w.HCW}), .OUT_W({w.HCW}), "
                  f".IMG_ACC(0), {st(f'b{i}.mlp.fc1')}, .SEG_W({seg_w}),\n        .SEG_WT({sid[f'b{i}.mlp.w1']}), "
                  f".SEG_B({sid[f'b{i}.mlp.b1']}), "
                  f".COL_OUTER(0), .OB({HB})) u_{pm}_fc1 (\n"
                  f"        .clk(aclk), .rst(rst_q), .s_data({pm}_s_c_data), .s_last({pm}_s_c_last), "
                  f".s_valid({pm}_s_c_valid), .s_ready({pm}_s_c_ready),\n"
                  f"        .m_data({pm}_hc_data), .m_last({pm}_hc_last), .m_valid({pm}_hc_valid), "
                  f".m_ready({pm}_hc_ready),\n"
                  f"        .wl_start(wl_start), {wl()}, .act(m_act[{f1}]), .img_end(m_end[{f1}]));")
                a(f"    assign m_busy[{f1}] = {pm}_s_c_valid || ({pm}_hc_valid && !{pm}_hc_ready);")
                a(_skid(pm + "_hc", pm + "_hc_c", HB * w.HCW, WIDE).rstrip("\n"))
                a(f"    net_lif #(.FO({HID}), .IN_W({w.HCW}), .MEM_W({w.HMW}), .TH_W({thw}), .K({k_}), .N({N}), "
                  f".T({T}), .P({cfg.lanes}), {st(f'b{i}.mlp.hlif')}, "
                  f".FIRED({lif_fired(cfg, HID, w.HMW, rs.get(f'b{i}.mlp.hlif', 0))}), "
                  f".SEG_W({seg_w}), .SEG_TH({sid[f'b{i}.mlp.theta_h']}), .IB({HB})) u_{pm}_hlif (\n"
                  f"        .clk(aclk), .rst(rst_q), .s_data({pm}_hc_c_data), .s_last({pm}_hc_c_last), "
                  f".s_valid({pm}_hc_c_valid), .s_ready({pm}_hc_c_ready),\n"
                  f"        .m_data({pm}_h_data), .m_last({pm}_h_last), .m_valid({pm}_h_valid), "
                  f".m_ready({pm}_h_ready),\n"
                  f"        {wl()}, .act(m_act[{hl}]), .img_end(m_end[{hl}]), .err_proto(perr[{ei - 1}]));"
                  .replace(f"perr[{ei - 1}]", f"perr_h{i}"))
                a(f"    assign m_busy[{hl}] = {pm}_hc_c_valid;")
                a(_skid(pm + "_h", pm + "_h_c", HID).rstrip("\n"))
                a(f"    net_slin #(.FI({HID}), .FO({D}), .W_W({ww}), .B_W({bw_}), .ACC_W({w.MIW}), .OUT_W({w.MIW}), "
                  f".IMG_ACC(0), {st(f'b{i}.mlp.fc2')}, .SEG_W({seg_w}),\n        .SEG_WT({sid[f'b{i}.mlp.w2']}), "
                  f".SEG_B({sid[f'b{i}.mlp.b2']}), "
                  f".COL_OUTER(0), .OB({SB})) u_{pm}_fc2 (\n"
                  f"        .clk(aclk), .rst(rst_q), .s_data({pm}_h_c_data), .s_last({pm}_h_c_last), "
                  f".s_valid({pm}_h_c_valid), .s_ready({pm}_h_c_ready),\n"
                  f"        .m_data({pm}_inc_data), .m_last({pm}_inc_last), .m_valid({pm}_inc_valid), "
                  f".m_ready({pm}_inc_ready),\n"
                  f"        .wl_start(wl_start), {wl()}, .act(m_act[{f2}]), .img_end(m_end[{f2}]));")
                a(f"    assign m_busy[{f2}] = {pm}_h_c_valid || ({pm}_inc_valid && !{pm}_inc_ready);")
            prev = pm + "_u"
    a(_skid(prev, "head_uin", SB * w.UW, WIDE).rstrip("\n"))
    hl, hd, ou = mi["head.lif"], mi["head"], mi["out"]
    a(f"    net_lif #(.FO({D}), .IN_W({w.UW}), .MEM_W({w.UMW}), .TH_W({thw}), .K({k_}), .N({N}), .T({T}), "
      f".P({cfg.lanes}), {st('head.lif')}, .FIRED({lif_fired(cfg, D, w.UMW, rs.get('head.lif', 0))}), "
      f".SEG_W({seg_w}), .SEG_TH({sid['u.theta']}), .IB({SB})) u_head_lif (\n"
      "        .clk(aclk), .rst(rst_q), .s_data(head_uin_data), .s_last(head_uin_last), .s_valid(head_uin_valid),\n"
      "        .s_ready(head_uin_ready), .m_data(head_s_data), .m_last(head_s_last), .m_valid(head_s_valid),\n"
      f"        .m_ready(head_s_ready), {wl()}, .act(m_act[{hl}]), .img_end(m_end[{hl}]), "
      f".err_proto(perr[{3 * cfg.L + 1 + cfg.L}]));")
    a(f"    assign m_busy[{hl}] = head_uin_valid;")
    a(_skid("head_s", "head_s_c", D).rstrip("\n"))
    a(f"    net_slin #(.FI({D}), .FO({NC}), .W_W({ww}), .B_W({bw_}), .ACC_W({w.LGW}), .OUT_W({w.LGW}), .IMG_ACC(1), "
      f"{st('head')}, .SEG_W({seg_w}),\n        .SEG_WT({sid['head.w']}), .SEG_B({sid['head.b']}), "
      ".COL_OUTER(0)) u_head (\n"
      "        .clk(aclk), .rst(rst_q), .s_data(head_s_c_data), .s_last(head_s_c_last), .s_valid(head_s_c_valid),\n"
      "        .s_ready(head_s_c_ready), .m_data(logits_data), .m_last(logits_last), .m_valid(logits_valid),\n"
      f"        .m_ready(logits_ready), .wl_start(wl_start), {wl()}, .act(m_act[{hd}]), .img_end(m_end[{hd}]));")
    a(f"    assign m_busy[{hd}] = head_s_c_valid || (logits_valid && !logits_ready);")
    a(_skid("logits", "logits_c", NC * w.LGW, WIDE).rstrip("\n"))
    a("    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_logits_last = logits_c_last;\n"
      "    /* verilator lint_on UNUSEDSIGNAL */")
    a(f"    net_out #(.NC({NC}), .LW({w.LGW})) u_out (.clk(aclk), .rst(rst_q), .s_data(logits_c_data), "
      ".s_valid(logits_c_valid),\n        .s_ready(logits_c_ready), .m_data(res_data), .m_last(res_last), "
      f".m_valid(res_valid), .m_ready(res_ready),\n        .act(m_act[{ou}]), .img_end(m_end[{ou}]));")
    a(f"    assign m_busy[{ou}] = res_valid;")
    a("    axis_skid #(.W(33)) u_skid_res (.clk(aclk), .rst(rst_q),\n"
      "        .s_data({res_last, res_data}), .s_valid(res_valid), .s_ready(res_ready),\n"
      "        .m_data({m_axis_tlast, m_axis_tdata}), .m_valid(m_axis_tvalid), .m_ready(m_axis_tready));")
    # ---------------------------------------------------------------- control, counters, monitors
    a("    // ---------------------------------------------------------------- control, counters, monitors")
    ready = " && ".join(wl_readies) if wl_readies else "1'b1"
    a(f"    assign wp_ready = {ready};")
    a(f"    assign all_loaded = wl_loaded{''.join(' && ' + s for s in sasa_loaded)};")
    a("    assign weights_loaded = all_loaded;")
    a("    assign err_proto = |perr;")
    a("    wire out_end = m_axis_tvalid && m_axis_tready && m_axis_tlast;")
    a("    always @(posedge aclk) begin\n        if (rst_q) begin\n            inflight_q <= 16'd0;\n"
      "            tstart_q <= 1'b0;\n        end else begin\n            tstart_q <= tok_start;\n"
      "            inflight_q <= inflight_q + {15'd0, tstart_q} - {15'd0, out_end};\n        end\n    end")
    a("    assign busy = !idle;")
    a("    assign mon_img_start = tok_start;")
    for j, m in enumerate(mods):
        if m.endswith("sasa") and m.startswith("b"):
            pm = m.replace(".", "_")
            a(f"    assign mon_done[{j}] = {pm}_done;\n    assign mon_cyc[{j * 32} +: 32] = {pm}_cyc;")
            a(f"    assign mon_active[{j * 32} +: 32] = 32'd0;\n    assign mon_stall[{j * 32} +: 32] = 32'd0;")
            continue
        a(f"    net_cnt u_cnt_{j} (.clk(aclk), .rst(rst_q), .act(m_act[{j}]), .busy(m_busy[{j}]), .img_end(m_end[{j}]),"
          f"  // {m}\n        .img_cycles(mon_cyc[{j * 32} +: 32]), .done(mon_done[{j}]), "
          f".total_active(mon_active[{j * 32} +: 32]), .total_stall(mon_stall[{j * 32} +: 32]));")
    gathered = [(i, b) for i, b in enumerate(bnds) if b.beats > 1]
    for i, b in enumerate(bnds):
        if b.beats > 1:
            continue
        a(f"    assign mon_fire[{i}] = {b.sig}_valid && {b.sig}_ready;  // {b.name}")
        a(f"    assign mon_{i}_data = {b.sig}_data;")
    if gathered:
        # streams in beats: a token's beats gathered for its monitor (simulation only: Yosys defines SYNTHESIS)
        a("`ifndef SYNTHESIS")
        for i, b in gathered:
            a(f"    net_gather #(.W({b.width // b.beats}), .NB({b.beats})) u_gather_{i} (.clk(aclk), .rst(rst_q), "
              f".fire({b.sig}_valid && {b.sig}_ready),\n        .data({b.sig}_data), .m_fire(mon_fire[{i}]), "
              f".m_data(mon_{i}_data));  // {b.name}")
        a("`else")
        for i, b in gathered:
            a(f"    assign mon_fire[{i}] = 1'b0;  // {b.name}\n    assign mon_{i}_data = {b.width}'d0;")
        a("`endif")
    for i in range(cfg.L):
        a(f"    /* verilator lint_off UNUSEDSIGNAL */\n    wire unused_perr_h{i} = perr_h{i};\n"
          "    /* verilator lint_on UNUSEDSIGNAL */")
    a("endmodule")
    a("`default_nettype wire")
    text = "\n".join(o) + "\n"
    decls = "".join(f"    wire perr_h{i};\n" for i in range(cfg.L))
    return text.replace("    wire all_loaded;\n", decls + "    wire all_loaded;\n", 1)


def net_unit_sources(top: Path | None = None) -> list[Path]:
    """The hand-written units of net_engine; with `top` (a generated net_engine.v), also the BEAT_UNITS it
    instantiates."""
    text = Path(top).read_text() if top is not None and Path(top).is_file() else ""
    return [RTL_DIR / f"{u}.v" for u in NET_UNITS] + [RTL_DIR / f"{u}.v" for u in BEAT_UNITS
                                                      if f"    {u} #(" in text]


def generate_net(cfg: SAFormerConfig, out_root: str | Path, name: str = "custom",
                 styles: dict[str, int] | None = None) -> Path:
    """Write <out_root>/net-<config-id>/net_engine.v (with RAM styles: net-<config-id>-rs<hash of the styles>/,
    so two texts never share a folder); returns the folder."""
    tag = ""
    if styles:
        tag = "-rs" + hashlib.sha256(json.dumps(sorted(styles.items())).encode()).hexdigest()[:8]
    gen = Path(out_root) / f"net-{config_id(name, cfg)}{tag}"
    gen.mkdir(parents=True, exist_ok=True)
    write_atomic(gen / f"{NET_TOP}.v", render_net_top(cfg, name, styles))
    return gen


def net_sources(gen_dir: Path) -> list[Path]:
    top = Path(gen_dir) / f"{NET_TOP}.v"
    return net_unit_sources(top) + [top]


def net_sources_hash(files: list[Path], extra: str = "") -> str:
    return sources_hash(files, extra)


def main(argv: list[str] | None = None) -> int:
    from saformer.contract.configs import NAMED

    ap = argparse.ArgumentParser(prog="python -m saformer.hw.net_generate", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default", choices=sorted(NAMED))
    ap.add_argument("--out", default="build/rtl")
    a = ap.parse_args(argv)
    print(generate_net(NAMED[a.config], a.out, a.config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
