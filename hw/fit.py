# SPDX-License-Identifier: Apache-2.0
"""Board-fit pre-check: a resource model of the design from the config alone (no Yosys), so that `make synth
CONFIG=<name> BOARD=<board>` stops before any long step with one line naming the resource and the amount
("config 'x' needs 212 BRAM36 of 140 on pynq-z2 ...; lower D or L, or pick zcu104").

The model has three parts, each written down so that a change of the RTL changes it in one place:
- the memory inventory (`network_memories`, `sasa_memories`): every memory of the RTL as it is today
  (hw/rtl/net_*.v: P-lane LIF stages with their membranes in sdp_ram, net_slin's weight rows in sdp_ram,
  net_shortcut's U FIFO in sdp_ram, net_dwc's per-lane tap-weight and bias LUT RAMs; the SASA engine), with
  its words, width, copies (lanes), read kind (`sync`: sdp_ram's registered read; `addr`: asynchronous from a registered
  address; `async`: from logic or ram_style "distributed"; `ff`: kept in flip-flops; `block`: ram_style
  "block"; `ultra`: ram_style "ultra") and read ports;
- the mapping rules (`map_memory`), the ones Yosys' memory_libmap applied in the calibration runs: LUT RAM
  costs `lutram_luts` (RAM32M 6 bits x 32 words per 4 LUTs, RAM64M 3 x 64; several read ports: quad-port
  RAM32M/RAM64M, one copy per 3 read ports; deeper: 64-word slices and a read multiplexer); a memory with a
  registered read (sdp_ram) or a registered read address goes to block RAM (RAMB18 aspect ratios,
  `bram18_count`) when it is deeper than 64 words and would take more than 64 LUTs as LUT RAM; a read address
  from logic keeps it in LUT RAM. An sdp_ram with STYLE 3 (ram_style "ultra") goes to URAM288: Yosys 0.23
  `synth_xilinx -family xcup` (without `-uram`, which would let memory_libmap pick URAM for any large memory)
  maps it to ceil(width / 72) * ceil(words / 4096) URAM288 at any size, the sdp_ram's registered read being
  the URAM's output (no extra register, no LUT up to 4096 words); `-family xc7` stops on it ("no valid
  mapping found");
- the URAM rule (`uram_styles`), the one source of which memories ask for URAM: the RTL generator
  (hw/net_generate.py) passes its RAM_STYLE to the module instances and `estimate(cfg, board=b)` counts the
  same memories as URAM. Only UltraScale+ boards with URAM, and only when the design's block RAM exceeds
  the board's; then the instances whose memories save the most BRAM36 per URAM288 move first while URAM
  is left (where on-chip state could shrink instead: `state_budget`, docs/architecture.md);
- the logic (`logic_estimate`): LUTs and FFs per module from size features per module kind (the bits its
  datapath handles per cycle, see `_sizes`) times coefficients fitted (`calibrate`) on the measured Yosys run
  of the whole network (`MEASURED_NETWORK`: the figures, the config and the command that measured them) and
  on the SASA engine's (`MEASURED_SASA`); the stream register slices and the control are structural
  (`SKID_COST`, `CTRL_*`: exact on every instance); `VALIDATION_NETWORK` is a held-out run at N = 64.

When the RTL changes (helper rework of hw/rtl/net_*.v), the inventory and the measured tables change with it:
re-run `synth_network` on the default config (and on img = 16) and paste `measured_modules` of its
per-module figures.

The verdict (`precheck`) fails when a resource exceeds 100 % of the board: a design over the board cannot be
placed at all; the model is within a few percent of Yosys on the runs it was checked on but is extrapolated
far beyond them for the CIFAR-10 sizes (and Yosys estimates themselves are not Vivado's), so a
verdict near 100 % is a question for `make synth`, not an answer. It also names the smallest board of
hw/boards.py the model fits.
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
from dataclasses import asdict
from typing import Any

from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig, derive
from saformer.contract.errors import SaformerError
from saformer.hw.boards import BOARDS, Board, board
from saformer.hw.memmap import (  # noqa: F401 -- the mapping rules, re-exported for the model's users
    BRAM_MIN_LUTS,
    BRAM_MIN_WORDS,
    RAMB18_ASPECTS,
    STYLE_ULTRA,
    URAM_WIDTH,
    URAM_WORDS,
    Memory,
    bram18_count,
    lif_memory,
    lutram_luts,
    map_memory,
    read_kind,
    uram_count,
)


# ------------------------------------------------------------------------------------------ inventory
def _w(cfg: SAFormerConfig):
    from saformer.hw.net_generate import net_widths

    return net_widths(cfg)


def sasa_memories(cfg: SAFormerConfig, module: str = "engine", style: int | None = None) -> list[Memory]:
    """The SASA engine's memories (hw/rtl/sasa_core.v, spike_linear.v, lif_lanes.v, sasa_attn.v): per lane the
    Wq, Wk, Wo columns (G * D words of w_bits; LUT RAM read asynchronously at a registered address up to 128
    words, else sdp_ram), the biases (G words, LUT RAM, asynchronous), the Q and K membranes (N * G words of
    {fired, v}; LUT RAM asynchronous up to 64 words, else sdp_ram), the Q buffer (2N words, two timestep
    banks; the same rule: G LUT RAMs of P bits, else one sdp_ram of D bits), the two A masks (2 words of P
    bits per group, LUT RAM) and the token counts a[c] (G words of ceil(log2(N+1)) bits per lane, LUT RAM).
    `style`: the engine's
    RAM_STYLE (hw/generate.py ram_style: 1 forces block RAM on every sdp_ram-or-small memory, 3 UltraRAM on
    the same ones; the network's net_sasa takes `uram_styles`' choice, 0 or 3); None: ram_style(cfg) for the
    engine alone, 0 inside the network."""
    from saformer.hw.generate import ram_style

    d = derive(cfg)
    P, D, N = cfg.lanes, cfg.D, cfg.N
    G = -(-D // P)
    mem_w = cfg.mem_bits or d.sasa_mem_bits
    if style is None:
        style = ram_style(cfg) if module == "engine" else 0

    def kind(words: int, async_max: int) -> str:
        if style in (1, STYLE_ULTRA):
            return "block" if style == 1 else "ultra"
        return "async" if style == 2 or words <= async_max else "sync"

    # the Q buffer: small, one LUT RAM per channel group (written per group, read together); else one
    # sdp_ram of whole tokens
    qk = kind(2 * N, 64)
    qbuf = (Memory(module, "Q buffer (two timestep banks) per channel group", 2 * N, P, G, qk) if qk == "async"
            else Memory(module, "Q buffer (two timestep banks)", 2 * N, D, 1, qk))
    return [
        Memory(module, "weights (Wq, Wk, Wo) per lane", G * D, cfg.w_bits, 3 * P, kind(G * D, 128)),
        Memory(module, "biases per lane", G, cfg.bias_bits, 3 * P, "async"),
        Memory(module, "Q/K membranes per lane", N * G, mem_w + 1, 2 * P, kind(N * G, 64)),
        qbuf,
        Memory(module, "A masks (two banks) per channel group", 2, P, G, "async"),
        # read-modify-write at one address: Yosys maps it single-port inside the network (hierarchy kept),
        # simple dual-port in the flattened engine alone
        Memory(module, "token counts a[c] per lane (one word per group)", G, (N + 1).bit_length(), P, "async",
               0 if module != "engine" else 1),
    ]


def styled_units(cfg: SAFormerConfig) -> list[str]:
    """The module instances of the network whose RAM_STYLE parameter sets their big memory's sdp_ram STYLE
    (hw/net_generate.py passes `uram_styles`' value): net_slin (conv2, fc1, fc2, head: the weight rows),
    net_lif (MLP hidden, head: the membranes), net_shortcut (its LIF's membranes; the U FIFO keeps the tool's
    choice), net_sasa (every sdp_ram of the SASA engine: Wq/Wk/Wo columns, Q/K membranes, Q buffer). net_tok
    and net_dwc have none."""
    out = ["conv2"]
    for i in range(cfg.L):
        p = f"b{i}."
        out += [p + "sasa.lif", p + "sasa", p + "dwc.lif", p + "mlp.lif", p + "mlp.fc1", p + "mlp.hlif",
                p + "mlp.fc2"]
    return out + ["head.lif", "head"]


def network_memories(cfg: SAFormerConfig, styles: dict[str, int] | None = None) -> list[Memory]:
    """Every memory of the network RTL of today (hw/rtl/net_*.v; module names of contract/cycles.py). The LIF
    stages (net_lif, the LIF of net_shortcut) hold their membranes P neurons to a word in an sdp_ram (N x
    ceil(C/P) words of P x membrane bits); net_slin one weight row per input spike (fan-in words of fan-out x
    w_bits, sdp_ram; fc1 with the MLP fold: fan-in x G
    words of hidden_beat x w_bits, a G-word bias memory per lane and the list of pass 0's rows that the other
    passes replay, fan-in words of row-index bits in LUT RAM; fc2 with stream beats the same at stream_beat
    lanes); net_shortcut's U FIFO is an sdp_ram (FD
    tokens: FD x D / stream_beat words of stream_beat x UW + 1 bits; LUT RAM when short: net_generate
    fifo_style); net_dwc keeps its window in a shift register
    (flip-flops and SRLs, no memory) and its tap weights and biases in per-lane LUT RAMs of G = ceil(D/P) words (a
    channel's 9 taps to a word; read at the registered group);
    net_tok its pixel rows (LUT RAM), its conv1 weights per stem channel and the spikes s1 of every timestep
    and pixel position (an sdp_ram of T*img^2 words of stem bits; a position's current and membranes are
    registers).
    `styles`: module -> RAM_STYLE of the `styled_units` (`uram_styles`; absent: 0, the tool's choice)."""
    from saformer.hw.net_generate import fifo_style, lif_fired, ram_styles  # the generator's rules

    w = _w(cfg)
    D, H, S, img, P = cfg.D, cfg.hidden, cfg.stem_ch, cfg.img, cfg.lanes
    HB, G = cfg.hidden_lanes, cfg.hidden_passes  # the MLP fold (config hidden_beat)
    SB, NB = cfg.stream_lanes, cfg.stream_beats  # stream beats (config stream_beat)
    npos = img * img
    styles = ram_styles(styles)

    def rd(module: str) -> str:  # the read kind of a styled unit's sdp_ram
        return read_kind(styles.get(module, 0))

    def lif(module: str, what: str, fo: int, mem_w: int) -> Memory:  # with the generator's fired-bit rule
        st = styles.get(module, 0)
        return lif_memory(cfg, module, fo, mem_w + lif_fired(cfg, fo, mem_w, st), st, what)

    mems = [
        Memory("tok", "pixel rows", cfg.in_ch * img, img * 8),
        Memory("tok", "conv1 weights per stem channel", 9 * cfg.in_ch, cfg.w_bits, S),
        Memory("tok", "s1[t] per timestep and position (sdp_ram, 9 window reads in turn)", cfg.T * npos, S, 1,
               "sync"),
        Memory("conv2", "weight rows", 9 * S, D * cfg.w_bits, 1, rd("conv2")),
    ]
    for i in range(cfg.L):
        p = f"b{i}."
        for m in ("sasa", "dwc", "mlp"):
            fd = itf.shortcut_fifo_tokens(cfg, m)
            mems += [lif(p + m + ".lif", "shortcut", D, w.UMW),
                     Memory(p + m + ".lif", "shortcut U FIFO", fd * NB, SB * w.UW + 1, 1,
                            "async" if fifo_style(fd * NB) == 2 else "sync")]
        mems += sasa_memories(cfg, p + "sasa", style=styles.get(p + "sasa", 0))
        gd = -(-D // P)  # net_dwc's channel groups: word g of lane l holds channel g*P + l
        mems += [Memory(p + "dwc", "tap weights per lane (9 taps of a channel per word)", gd, 9 * cfg.w_bits, P,
                        "addr"),
                 Memory(p + "dwc", "biases per lane (a word per channel group)", gd, cfg.bias_bits, P, "addr")]
        if G > 1:  # the MLP fold: word j*G + g holds row j's HB channels of pass g; a bias memory per lane
            mems += [Memory(p + "mlp.fc1", f"weight words (row, pass of {HB} channels)", D * G, HB * cfg.w_bits, 1,
                            rd(p + "mlp.fc1")),
                     Memory(p + "mlp.fc1", "bias per lane (a word per pass)", G, cfg.bias_bits, HB, "sync"),
                     Memory(p + "mlp.fc1", "pass 0's rows, replayed (LUT RAM)", D, max(1, (D - 1).bit_length()), 1,
                            "async")]
        else:
            mems += [Memory(p + "mlp.fc1", "weight rows", D, H * cfg.w_bits, 1, rd(p + "mlp.fc1"))]
        mems += [lif(p + "mlp.hlif", "hidden", H, w.HMW)]
        if NB > 1:  # stream beats: fc2 in NB passes of SB channels, as fc1's fold
            mems += [Memory(p + "mlp.fc2", f"weight words (row, pass of {SB} channels)", H * NB, SB * cfg.w_bits, 1,
                            rd(p + "mlp.fc2")),
                     Memory(p + "mlp.fc2", "bias per lane (a word per pass)", NB, cfg.bias_bits, SB, "sync"),
                     Memory(p + "mlp.fc2", "pass 0's rows, replayed (LUT RAM)", H, max(1, (H - 1).bit_length()), 1,
                            "async")]
        else:
            mems += [Memory(p + "mlp.fc2", "weight rows", H, D * cfg.w_bits, 1, rd(p + "mlp.fc2"))]
    mems += [lif("head.lif", "head", D, w.UMW),
             Memory("head", "weight rows", D, cfg.n_classes * cfg.w_bits, 1, rd("head"))]
    return mems


def uram_styles(cfg: SAFormerConfig, b: Board | None) -> dict[str, int]:
    """Which module instances of the network ask for UltraRAM on board b: {module: STYLE_ULTRA} (absent
    modules keep RAM_STYLE 0, today's mapping). The one rule the RTL generator and `estimate` share:
    - nothing unless b is UltraScale+ (`family` xcup) with URAM (ZCU104: 96, KV260: 64; Ultra96-V2 has none;
      the 7-series boards never: Yosys stops on ram_style "ultra" for xc7), and nothing while the design's
      block RAM (all RAM_STYLE 0) fits the board's BRAM36;
    - candidates are the `styled_units` whose memories with RAM_STYLE 3 save block RAM and are at most
      URAM_WORDS deep (no depth cascade: its read multiplexer is not modelled);
    - the candidate saving the most BRAM18 per URAM288 goes first (ties: inventory order), each taken while
      its URAM fits in what is left of b.uram, until the block RAM fits the board or no candidate is left.
    A design over the board's block RAM after this is over (the verdict says so): the rule spends URAM, it
    cannot make the memories smaller."""
    if b is None or b.family != "xcup" or b.uram <= 0:
        return {}
    base = network_memories(cfg)
    need18 = sum(map_memory(m)["bram18"] for m in base)
    if -(-need18 // 2) <= b.bram36:
        return {}
    cands = []
    for j, u in enumerate(styled_units(cfg)):
        auto = [m for m in base if m.module == u]
        ultra = [m for m in network_memories(cfg, {u: STYLE_ULTRA}) if m.module == u]
        saved = sum(map_memory(m)["bram18"] for m in auto) - sum(map_memory(m)["bram18"] for m in ultra)
        urams = sum(map_memory(m)["uram"] for m in ultra)
        if saved > 0 and urams > 0 and all(m.words <= URAM_WORDS for m in ultra if m.read == "ultra"):
            cands.append((-saved / urams, j, u, saved, urams))
    styles: dict[str, int] = {}
    left = b.uram
    for _, _, u, saved, urams in sorted(cands):
        if -(-need18 // 2) <= b.bram36:
            break
        if urams <= left:
            styles[u] = STYLE_ULTRA
            left -= urams
            need18 -= saved
    return styles


# ------------------------------------------------------------------------------------------ logic
# Measured: Yosys 0.23 `synth_xilinx -family xc7 -abc9` of the whole network (hw/synth.py synth_network,
# hierarchy kept: per instance, `measured_modules` names them), config 'default' (D=32, N=16, L=1, P=8) for
# pynq-z2, sources of branch tok-lines commit e10d14f (main c96b354 with net_tok position-outer: the conv1
# LIF per position, s1 of every timestep in one sdp_ram; main's tokenizer before it: 2,948 LUT, 880 of them
# LUT as memory, 1,495 FF), 2026-12-01: module -> (LUT, of them LUT as memory, FF, BRAM36). Every
# LUT-as-memory and BRAM36 figure equals the memory model's; the rest is logic.
# b0.dwc and the total: re-measured by the same run (synth_network, pynq-z2) on branch dwc-mem (main e568b87
# with net_dwc's per-lane LUT-RAM weights), 2026-12-02: 10 logic levels; b0.dwc was (1861, 0, 2817, 0.0) and
# the total (22240, 3132, 26635, 4.5) with the flip-flop weights. The other modules of that run differ from the
# rows below by main's changes since e10d14f (tok 1922 / 108 / 1894, conv2 2320, b0.sasa 3381, b0.mlp.fc1
# 2411 / 172 / 3035, the shortcut LIFs 1899 / 1899 / 1896, head.lif 1079, ctrl 212 LUT), not pasted here.
# conv2, b0.mlp.fc1, b0.mlp.fc2, head: net_slin after branch slin-lut's LUT round, each row the run's figure plus the
# difference the unit alone measured (scripts/synth_slin.py <dir> xc7 <the default instance's parameters> --abc9,
# 2026-12-02, main 39e71c5's net_slin -> the branch's: conv2 1,706 / 1,603 -> 1,478 / 1,521 LUT / FF, fc1 1,861 /
# 3,068 -> 1,595 / 3,046, fc2 1,541 / 1,636 -> 1,085 / 1,615, head 561 / 638 -> 406 / 620; LUT as memory and BRAM
# unchanged); the rows were (2324, 0, 1556, 2.0), (2089, 172, 3035, 0.0), (1605, 172, 1596, 0.0), (618, 28, 605,
# 0.0) and the total, which has the same differences, (22022, 3388, 25159, 4.5).
MEASURED_NETWORK = {
    "config": "default",
    "modules": {
        "tok": (1858, 108, 1894, 0.5), "conv2": (2096, 0, 1474, 2.0), "b0.sasa.lif": (1892, 496, 1729, 0.0),
        "b0.dwc.lif": (1892, 496, 1729, 0.0), "b0.mlp.lif": (1889, 496, 1720, 0.0),
        "b0.sasa": (3462, 992, 1735, 0.0), "b0.dwc": (1296, 256, 1391, 0.0), "b0.mlp.fc1": (1823, 172, 3013, 0.0),
        "b0.mlp.hlif": (1233, 0, 628, 2.0), "b0.mlp.fc2": (1149, 172, 1575, 0.0), "head.lif": (1072, 172, 752, 0.0),
        "head": (463, 28, 587, 0.0), "out": (199, 0, 185, 0.0), "skids": (515, 0, 5074, 0.0),
        "ctrl": (218, 0, 1661, 0.0),
    },
    "total": (20917, 3388, 25016, 4.5),  # flattened: LUT (8 of them SRL), LUT as memory, FF, BRAM36
}
# Held-out validation (not used by `calibrate`): the same run for the default config with img = 16 (N = 64
# tokens), sources of tok-lines commit bb9d805 (the tokenizer before its pixel-row address register of
# e10d14f; the default run above is of e10d14f): module -> (LUT, LUT as memory, FF, BRAM36).
# b0.dwc: net_dwc of branch dwc-mem measured alone (scripts/synth_dwc.py default:img=16, the per-module flow,
# 2026-12-02; 7 levels; the network run had (1918, 0, 2693, 0.0) with the flip-flop weights); the total is that
# flattened run's with b0.dwc's difference (-548 LUT, +256 LUT as memory, -1,437 FF), not a new flat run.
VALIDATION_NETWORK = {
    "config": {"img": 16},
    "modules": {
        "tok": (1900, 148, 1902, 0.5), "conv2": (2344, 0, 1556, 2.0), "b0.sasa.lif": (2042, 644, 1615, 2.0),
        "b0.dwc.lif": (1762, 324, 1600, 2.0), "b0.mlp.lif": (1717, 324, 1600, 2.0),
        "b0.sasa": (3144, 640, 1980, 8.5), "b0.dwc": (1370, 256, 1256, 0.0), "b0.mlp.fc1": (2153, 172, 3035, 0.0),
        "b0.mlp.hlif": (1243, 0, 636, 2.0), "b0.mlp.fc2": (1604, 172, 1596, 0.0), "head.lif": (900, 0, 632, 2.0),
        "head": (651, 28, 645, 0.0), "out": (218, 0, 207, 0.0), "skids": (579, 0, 5222, 0.0),
        "ctrl": (211, 0, 1661, 0.0),
    },
    "total": (21598, 3028, 25083, 21.0),  # flattened (b0.dwc's difference added): LUT, LUT as memory, FF, BRAM36
}
# b0.dwc.lif above: re-measured after the DWC shortcut FIFO went from N = 64 to grid + 6 = 14 tokens (branch
# dwc-fifo, contract/interface.py shortcut_fifo_tokens), out of context (hw/synth_modules.py synth_unit of that
# net_shortcut, FD 14, FIFO 14 x 481 in LUT RAM, 12.8 s); it was (2042, 644, 1615, 2.0) at FD 64. The total does not
# include this row's difference (-280 LUT, -320 LUT as memory, -15 FF).
# Held-out validation of the MLP fold (not used by `calibrate`): config 'fold' (contract/configs.py NETWORK_NAMED:
# D = 16, hidden 32, hidden_beat 8: fc1 in 4 passes, a per-lane bias LUT RAM), the same flow, re-run on main
# e839cd8 (the MLP fold with issue 13's tokenizer), 2026-12-01 (hw/synth.py synth_network on pynq-z2; 10 logic
# levels): module -> (LUT, LUT as memory, FF, BRAM36). b0.dwc: net_dwc of branch dwc-mem alone (scripts/synth_dwc.py
# fold, per-module flow, 2026-12-02; was (950, 0, 1423, 0.0)); the total is the flat run's with that difference.
# b0.mlp.fc1: net_slin of branch slin-lut alone (its pass list replayed, the list's 16 x 4 bits in LUT RAM:
# +4 LUT as memory; `scripts/synth_slin.py <dir> xc7 FI=16 FO=32 OB=8 ... --abc9`, the instance's parameters,
# 2026-12-02; was (486, 108, 458, 0.0)); the total has that difference too (conv2 and the head of that run are
# of the old net_slin, not re-measured).
VALIDATION_FOLD = {
    "config": "fold",
    "modules": {
        "tok": (1185, 124, 1036, 0.0), "conv2": (1189, 0, 805, 1.0), "b0.sasa.lif": (967, 252, 897, 0.0),
        "b0.dwc.lif": (967, 252, 897, 0.0), "b0.mlp.lif": (964, 252, 888, 0.0), "b0.sasa": (1690, 400, 1037, 0.0),
        "b0.dwc": (676, 128, 726, 0.0), "b0.mlp.fc1": (387, 112, 461, 0.0), "b0.mlp.hlif": (335, 0, 329, 1.0),
        "b0.mlp.fc2": (763, 44, 821, 0.0), "head.lif": (547, 88, 400, 0.0), "head": (489, 28, 565, 0.0),
        "out": (189, 0, 174, 0.0), "skids": (347, 0, 2416, 0.0), "ctrl": (212, 0, 1659, 0.0),
    },
    "total": (10655, 1680, 13034, 2.0),  # flattened (b0.dwc's difference added): LUT, LUT as memory, FF, BRAM36
}
# Held-out validation of stream beats (not used by `calibrate`): config 'beats' (contract/configs.py NETWORK_NAMED:
# D = 16, P = 4, stream_beat 8: U and the increments in 2 beats), re-run on the merge of branch beats into main
# (with issue 13's tokenizer), 2026-12-01 (hw/synth.py synth_network on pynq-z2; 10 logic levels): module ->
# (LUT, LUT as memory, FF, BRAM36). The same config without beats (stream_beat 0, branch beats before the merge):
# 12,191 LUT, 1,868 LUT as memory, 14,891 FF, 2 BRAM36. b0.dwc: net_dwc of branch dwc-mem alone (scripts/synth_dwc.py
# beats, per-module flow, 2026-12-02; was (957, 0, 1216, 0.0)); the total is the flat run's with that difference.
# b0.mlp.fc2: net_slin of branch slin-lut alone (as fold's fc1: its 32 x 5-bit list, +4 LUT as memory;
# scripts/synth_slin.py xc7 FI=32 FO=16 OB=8 ... --abc9, 2026-12-02; was (573, 108, 488, 0.0)); the total has
# that difference too.
VALIDATION_BEATS = {
    "config": "beats",
    "modules": {
        "tok": (1118, 124, 1036, 0.0), "conv2": (1012, 0, 805, 1.0), "b0.sasa.lif": (708, 172, 661, 0.0),
        "b0.dwc.lif": (708, 172, 661, 0.0), "b0.mlp.lif": (704, 172, 652, 0.0), "b0.sasa": (1689, 400, 828, 0.0),
        "b0.dwc": (674, 128, 517, 0.0), "b0.mlp.fc1": (1221, 88, 1540, 0.0), "b0.mlp.hlif": (615, 0, 328, 1.0),
        "b0.mlp.fc2": (446, 112, 497, 0.0), "head.lif": (483, 88, 401, 0.0), "head": (489, 28, 565, 0.0),
        "out": (189, 0, 174, 0.0), "skids": (469, 0, 2057, 0.0), "ctrl": (200, 0, 1659, 0.0),
    },
    "total": (10482, 1484, 12304, 2.0),  # flattened (b0.dwc's difference added): LUT, LUT as memory, FF, BRAM36
}
# net_dwc alone (branch dwc-mem: per-lane LUT-RAM weights and biases, registered group spikes), measured by
# scripts/synth_dwc.py CONFIG (the hw/synth_modules.py per-module flow: the accelerator of CONFIG for its target
# board elaborated once, the net_dwc unit synthesized alone, `synth_xilinx -family <family> -abc9 -flatten`),
# Yosys 0.23, 2026-12-02: config -> (LUT (SRLs included), LUT as memory, FF).
MEASURED_DWC = {"default": (1302, 256, 1380), "cifar10-pynq": (1527, 128, 1378), "cifar10-384": (6875, 512, 3841)}
# The SASA engine alone (hw/synth.py synth_config, AXI-Lite control included; docs/pynq.md P sweep and
# docs/architecture.md "Figures", RTL of commit c37f665 on branch sasa-ff): (D, N, P, LUT, FF).
MEASURED_SASA = ((32, 16, 1, 1155, 853), (32, 16, 2, 1845, 929), (32, 16, 4, 2547, 1243), (32, 16, 8, 3099, 1248),
                 (32, 16, 16, 4521, 1777), (32, 16, 32, 7719, 2861), (256, 64, 8, 6102, 2441))
# Control: the weight loader and the top's glue, plus one cycle counter per module but the SASA engines (they
# count their own) -- the default run exactly (ABC moves the loader's LUTs by about 10 between runs); and the
# stream register slices: axis_skid (two W-bit registers) LUT W + 6, FF 2W + 2, axis_half (one) LUT 3, FF
# W + 1 -- every instance of both runs, exactly.
CTRL_LUT, CTRL_FF, COUNTER_LUT, COUNTER_FF = 182, 77, 3, 132
SKID_COST = {"axis_skid": (1, 6, 2, 2), "axis_half": (0, 3, 1, 1)}  # unit -> (LUT/bit, LUT, FF/bit, FF)
# axis_split (conv2 -> U0 with stream beats): the whole token's register (FF: NB x W + 1 + the beat counter) and
# the NB:1 beat multiplexer (LUT: W x ceil((NB - 1) / 3), a LUT6 per 4:1 per bit) + 5 -- one measurement (config
# 'beats', NB = 2, VALIDATION_BEATS: the slices' 469 LUT / 2,057 FF exact), larger NB not measured.


def split_cost(w: int, nb: int) -> tuple[int, int]:
    """(LUT, FF) of an axis_split of nb beats of w bits (structural model, one measured point)."""
    return w * -(-(nb - 1) // 3) + 5, nb * w + 2 + max(1, (nb - 1).bit_length())


def measured_modules(per_module: dict[str, Any], glue: dict[str, Any]) -> dict[str, tuple[int, int, int, float]]:
    """synth_network's per-instance figures (`per_module`, `glue`) as the model's modules: u_b0_sasa_sc ->
    b0.sasa.lif, u_b0_mlp_fc1 -> b0.mlp.fc1, every u_skid_* -> skids, u_wload + u_cnt_* + glue -> ctrl:
    module -> (LUT, LUT as memory, FF, BRAM36), to paste into the tables above."""
    out: dict[str, list[float]] = {}
    for inst, r in list(per_module.items()) + [("glue", glue)]:
        acc = out.setdefault(instance_module(inst), [0, 0, 0, 0.0])
        for j, k in enumerate(("lut", "lut_mem", "ff", "bram36")):
            acc[j] += r[k]
    return {m: (int(v[0]), int(v[1]), int(v[2]), float(v[3])) for m, v in out.items()}


def instance_module(inst: str) -> str:
    """The model's module name of a net_engine instance (hw/net_generate.py): u_b0_sasa_sc -> b0.sasa.lif,
    u_b0_mlp_fc1 -> b0.mlp.fc1, u_head_lif -> head.lif, u_conv2 -> conv2, u_skid_* -> skids, u_wload,
    u_cnt_* and the glue -> ctrl."""
    n = inst.removeprefix("u_")
    if n.startswith(("skid_", "split_")):
        return "skids"
    if n.startswith("cnt_") or n in ("wload", "glue"):
        return "ctrl"
    if n == "head_lif":
        return "head.lif"
    blk, _, rest = n.partition("_")
    if blk[:1] == "b" and blk[1:].isdigit():
        return f"{blk}." + rest.replace("_sc", ".lif").replace("_", ".")
    return n


def skids(cfg: SAFormerConfig) -> list[tuple[str, int]]:
    """(unit, W) of every stream register slice of hw/net_generate.py (W: data + last bit)."""
    from saformer.hw.net_generate import WIDE

    w = _w(cfg)
    D, H, SB, NB = cfg.D, cfg.hidden, cfg.stream_lanes, cfg.stream_beats
    out = [("axis_skid", itf.pixel_beat_bits(cfg) + 1), ("axis_skid", 9 * cfg.stem_ch + 1)]
    for i in range(cfg.L):
        for m, iw in (("sasa", w.SIW), ("dwc", w.DIW), ("mlp", w.MIW)):  # U in, S out, increment in (beats)
            uin = ("axis_split", SB * w.UW) if i == 0 and m == "sasa" and NB > 1 else (WIDE, SB * w.UW + 1)
            out += [uin, ("axis_skid", D + 1), (WIDE, SB * iw + 1)]
        out += [(WIDE, cfg.hidden_lanes * w.HCW + 1), ("axis_skid", H + 1)]
    out += [(WIDE, SB * w.UW + 1), ("axis_skid", D + 1), (WIDE, cfg.n_classes * w.LGW + 1), ("axis_skid", 33)]
    return out


def _sizes(cfg: SAFormerConfig) -> dict[str, tuple[str, Any]]:
    """module -> (kind, size): the bits a module's datapath handles per cycle, the figure its logic scales
    with. lif: P lanes x membrane bits plus the selection of the lanes' inputs out of the whole token
    (fan-out x input bits; with stream beats a beat's: stream_beat x input bits); shortcut: the same on U plus
    the U adder (stream_beat x UW: D without stream beats); slin: accumulators (outputs x
    accumulator bits) and the spike finder (fan-in), two coefficients; dwc: the P lanes' adders (P x 9 taps x
    increment bits) and the spike words (9 x D: the window's tapped words, the AND-OR of a word's G P-bit
    group slices, the collector and output register of a token), two coefficients fitted on MEASURED_DWC
    (the window's untapped stretch goes to SRL LUTs, counted as logic LUTs); tok: stem x (current +
    membrane + pixel bits + the 9 window taps: conv1's tap, the LIF's registers, the gather's shift register)
    plus the pixel-row read (8 x img bits); out: classes x logit bits."""
    w = _w(cfg)
    D, H, S, P = cfg.D, cfg.hidden, cfg.stem_ch, cfg.lanes
    HB, SB = cfg.hidden_lanes, cfg.stream_lanes

    out: dict[str, tuple[str, Any]] = {
        "tok": ("tok", S * (w.C1W + w.M1W + w.PXB + 9) + 8 * cfg.img),
        "conv2": ("slin", (D * w.U0W, 9 * S)),
    }
    for i in range(cfg.L):
        p = f"b{i}."
        for m in ("sasa", "dwc", "mlp"):
            out[p + m + ".lif"] = ("shortcut", P * w.UMW + 2 * SB * w.UW)
        out[p + "sasa"] = ("sasa", 0.0)
        out[p + "dwc"] = ("dwc", (P * 9 * w.DIW, 9 * D))
        out[p + "mlp.fc1"] = ("slin", (HB * w.HCW, D))  # HB accumulators (the MLP fold; H without)
        out[p + "mlp.hlif"] = ("lif", P * w.HMW + HB * w.HCW)  # the lanes out of a beat of HB currents
        out[p + "mlp.fc2"] = ("slin", (SB * w.MIW, H))  # SB accumulators (stream beats; D without)
    out["head.lif"] = ("lif", P * w.UMW + SB * w.UW)
    out["head"] = ("slin", (cfg.n_classes * w.LGW, D))
    out["out"] = ("out", cfg.n_classes * w.LGW)
    return out


def dwc_window_ff_words(grid: int) -> int:
    """Words of net_dwc's 2*GRID+2-word window that stay flip-flops: Yosys (shregmap, chains of 3 or more) puts
    each run of untapped words together with the tapped word that ends it into SRL LUTs (default GRID = 4: runs
    of 1, no SRL; GRID = 8: 2 x 5 + 2 words in SRLs; GRID = 16: 2 x 13 + 2)."""
    srl = 2 * grid + 2
    taps = {grid + 1 - ((dy - 1) * grid + (dx - 1)) - 1 for dy in range(3) for dx in range(3)} - {-1}
    ff, run = srl, 0
    for i in range(srl):
        if i in taps:
            ff -= run + 1 if run >= 2 else 0
            run = 0
        else:
            run += 1
    return ff


def dwc_ff_features(cfg: SAFormerConfig) -> list[float]:
    """net_dwc's FF features: the window's flip-flop words (D x `dwc_window_ff_words`) and the registers of
    the lanes and the beat (collector and output register: 2 x stream_beat x increment bits; per lane the
    stage-A sums, 2 quads and tap 8 + bias, and the 8 registered tap spikes)."""
    w = _w(cfg)
    qw = cfg.w_bits + 2
    return [float(cfg.D * dwc_window_ff_words(cfg.grid)),
            float(2 * cfg.stream_lanes * w.DIW + cfg.lanes * (2 * qw + w.DIW + 8))]


def _memory_cost(cfg: SAFormerConfig, mems: list[Memory]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for m in mems:
        r = map_memory(m)
        lut, ff = out.get(m.module, (0, 0))
        out[m.module] = (lut + r["lut_mem"], ff + r["ff"])
    return out


def _features(size: Any) -> list[float]:
    return [float(x) for x in size] if isinstance(size, tuple) else [float(size)]


def calibrate() -> dict[str, Any]:
    """Coefficients from the measured runs: per module kind, least squares of (measured - memory model) over
    the kind's size features, pooled over the modules of that kind (one feature: the ratio of the sums); the
    SASA engine's logic as a least-squares a0 + a_p P + a_d D."""
    import numpy as np
    from saformer.contract.config import DEFAULT
    from saformer.contract.configs import ALL

    cfg = ALL[MEASURED_NETWORK["config"]]
    sizes = _sizes(cfg)
    memc = _memory_cost(cfg, network_memories(cfg))
    rows: dict[str, list[tuple[list[float], float, float]]] = {}
    for mod, (lut, _mem, ff, _bram) in MEASURED_NETWORK["modules"].items():
        if mod in ("skids", "ctrl") or sizes[mod][0] in ("sasa", "dwc"):  # structural; MEASURED_SASA, MEASURED_DWC
            continue
        kind, size = sizes[mod]
        ml, mf = memc.get(mod, (0, 0))
        rows.setdefault(kind, []).append((_features(size), lut - ml, ff - mf))
    lut_k, ff_k = {}, {}
    for kind, rs in rows.items():
        X = np.array([r[0] for r in rs])
        lut_k[kind] = np.linalg.lstsq(X, np.array([r[1] for r in rs]), rcond=None)[0].tolist()
        ff_k[kind] = np.linalg.lstsq(X, np.array([r[2] for r in rs]), rcond=None)[0].tolist()
    # net_dwc alone at three sizes (per-module flow): LUT logic = LUT - the measured LUT as memory (the xcup run
    # maps the LUT RAMs more densely than the xc7 geometry of `lutram_luts`); FF on its own features
    X = np.array([_features(_sizes(ALL[n])["b0.dwc"][1]) for n in MEASURED_DWC])
    lut_k["dwc"] = np.linalg.lstsq(X, np.array([v[0] - v[1] for v in MEASURED_DWC.values()], dtype=float),
                                   rcond=None)[0].tolist()
    XF = np.array([dwc_ff_features(ALL[n]) for n in MEASURED_DWC])
    ff_k["dwc"] = np.linalg.lstsq(XF, np.array([v[2] for v in MEASURED_DWC.values()], dtype=float),
                                  rcond=None)[0].tolist()
    srows, lut_y, ff_y = [], [], []
    for D, N, P, lut, ff in MEASURED_SASA:
        c = DEFAULT.replace(D=D, img=2 * int(math.isqrt(N)), lanes=P)
        ml, mf = _memory_cost(c, sasa_memories(c))["engine"]
        srows.append([1.0, P, D])
        lut_y.append(lut - ml)
        ff_y.append(ff - mf)
    A = np.array(srows)
    cl = np.linalg.lstsq(A, np.array(lut_y, dtype=float), rcond=None)[0]
    cf = np.linalg.lstsq(A, np.array(ff_y, dtype=float), rcond=None)[0]
    sasa = {"lut0": cl[0], "lut_p": cl[1], "lut_d": cl[2], "ff0": cf[0], "ff_p": cf[1], "ff_d": cf[2]}
    # inside the network (net_sasa: the engine's core without its AXI-Lite block, plus the stream adapters)
    # the engine differs by a constant: the measured b0.sasa minus the engine model at the default config
    lut, _mem, ff, _bram = MEASURED_NETWORK["modules"]["b0.sasa"]
    ml, mf = memc["b0.sasa"]
    sasa["net_lut"] = lut - ml - (sasa["lut0"] + sasa["lut_p"] * cfg.lanes + sasa["lut_d"] * cfg.D)
    sasa["net_ff"] = ff - mf - (sasa["ff0"] + sasa["ff_p"] * cfg.lanes + sasa["ff_d"] * cfg.D)
    return {"lut_per_size": lut_k, "ff_per_size": ff_k, "sasa": sasa}


@functools.cache
def calibration() -> dict[str, Any]:
    """The coefficients (computed once from the measured tables above)."""
    return calibrate()


def sasa_logic(cfg: SAFormerConfig, network: bool = False) -> tuple[float, float]:
    """LUTs and FFs of one SASA engine's logic (memories apart): a0 + a_p * P + a_d * D (+ the network's
    constant, network=True)."""
    c = calibration()["sasa"]
    nl, nf = (c["net_lut"], c["net_ff"]) if network else (0.0, 0.0)
    return (max(0.0, c["lut0"] + c["lut_p"] * cfg.lanes + c["lut_d"] * cfg.D + nl),
            max(0.0, c["ff0"] + c["ff_p"] * cfg.lanes + c["ff_d"] * cfg.D + nf))


def logic_estimate(cfg: SAFormerConfig, network: bool = True) -> dict[str, dict[str, float]]:
    """module -> {"lut_logic", "ff"} of the logic (memories apart)."""
    if not network:
        lut, ff = sasa_logic(cfg)
        return {"engine": {"lut_logic": lut, "ff": ff}}
    cal = calibration()
    w = _w(cfg)
    out = {}
    for mod, (kind, size) in _sizes(cfg).items():
        if kind == "sasa":
            lut, ff = sasa_logic(cfg, network=True)
        else:
            f = _features(size)
            lut = max(0.0, sum(c * x for c, x in zip(cal["lut_per_size"][kind], f)))
            ff = max(0.0, sum(c * x for c, x in zip(cal["ff_per_size"][kind],
                                                    dwc_ff_features(cfg) if kind == "dwc" else f)))
        out[mod] = {"lut_logic": lut, "ff": ff}
    from saformer.contract.cycles import network_modules

    ncnt = len(network_modules(cfg)) - cfg.L
    out["ctrl"] = {"lut_logic": CTRL_LUT + COUNTER_LUT * ncnt, "ff": CTRL_FF + COUNTER_FF * ncnt}
    sl = [(SKID_COST[u], wd) for u, wd in skids(cfg) if u in SKID_COST]
    sp = [split_cost(wd, cfg.stream_beats) for u, wd in skids(cfg) if u == "axis_split"]
    out["skids"] = {"lut_logic": sum(a * wd + b for (a, b, _, _), wd in sl) + sum(x for x, _ in sp),
                    "ff": sum(c * wd + d for (_, _, c, d), wd in sl) + sum(y for _, y in sp)}
    if cfg.stream_beats > 1:  # the SASA collector and output register hold a beat, not a token (the DWC's
        for i in range(cfg.L):  # FF features count its beat: dwc_ff_features)
            for m, iw in (("sasa", w.SIW),):
                d = out[f"b{i}.{m}"]
                d["ff"] = max(0.0, d["ff"] - 2 * (cfg.D - cfg.stream_lanes) * iw)
    return out


# ------------------------------------------------------------------------------------------ the estimate
def estimate(cfg: SAFormerConfig, network: bool = True, b: Board | None = None) -> dict[str, Any]:
    """The resource model of the network (or, network=False, of the SASA engine alone, what `make synth`
    builds for the scale configs): per module LUT (logic + memory), FF, BRAM36, URAM and the memory list.
    b: the target board, for the network's `uram_styles` (None: no URAM, every memory the tool's choice)."""
    styles = uram_styles(cfg, b) if network else {}
    mems = network_memories(cfg, styles) if network else sasa_memories(cfg)
    logic = logic_estimate(cfg, network)
    per: dict[str, dict[str, float]] = {m: {"lut_logic": v["lut_logic"], "lut_mem": 0.0, "ff": v["ff"],
                                            "bram18": 0, "uram": 0} for m, v in logic.items()}
    mem_rows = []
    for m in mems:
        r = map_memory(m)
        row = per.setdefault(m.module, {"lut_logic": 0.0, "lut_mem": 0.0, "ff": 0.0, "bram18": 0, "uram": 0})
        row["lut_mem"] += r["lut_mem"]
        row["ff"] += r["ff"]
        row["bram18"] += r["bram18"]
        row["uram"] += r["uram"]
        mem_rows.append({**asdict(m), "bits": m.bits, **r})
    for row in per.values():
        row["lut"] = row["lut_logic"] + row["lut_mem"]
    tot = {k: sum(r[k] for r in per.values()) for k in ("lut", "lut_logic", "lut_mem", "ff", "bram18", "uram")}
    return {
        "design": "network" if network else "SASA engine",
        "lut": int(round(tot["lut"])), "lut_logic": int(round(tot["lut_logic"])),
        "lut_mem": int(round(tot["lut_mem"])), "ff": int(round(tot["ff"])),
        # a RAMB18 is half a BRAM36 tile (Yosys' figure; the tokenizer's s1 store of the default config is one)
        "bram36": tot["bram18"] // 2 if tot["bram18"] % 2 == 0 else tot["bram18"] / 2, "uram": int(tot["uram"]),
        "dsp": 0,
        "per_module": {m: {"lut": int(round(r["lut"])), "lut_mem": int(round(r["lut_mem"])),
                           "ff": int(round(r["ff"])), "bram36": r["bram18"] / 2, "uram": r["uram"]}
                       for m, r in per.items()},
        "memories": mem_rows,
        "memory_bits": {k: sum(r["bits"] for r in mem_rows if r["mapped_to"] == k)
                        for k in ("BRAM", "URAM", "LUT RAM", "FF")},
        "board": b.name if b is not None else None,
        "ram_styles": styles,  # module -> RAM_STYLE of the generated RTL (`uram_styles`; absent: 0)
    }


RESOURCES = (("lut", "LUT", "lut"), ("lut_mem", "LUT as memory (SLICEM LUTs)", "lutram"), ("ff", "FF", "ff"),
             ("bram36", "BRAM36", "bram36"), ("uram", "URAM", "uram"), ("dsp", "DSP", "dsp"))


def fit(est: dict[str, Any], b: Board) -> dict[str, Any]:
    """Percent of board b per resource and the resources over 100 %."""
    pct, over = {}, []
    for key, label, cap_attr in RESOURCES:
        need, cap = est[key], getattr(b, cap_attr)
        pct[key] = round(100.0 * need / cap, 1) if cap else (0.0 if need == 0 else math.inf)
        if need > cap:
            over.append({"resource": label, "key": key, "needs": need, "of": cap, "percent": pct[key]})
    over.sort(key=lambda o: -o["percent"])
    return {"board": b.name, "part": b.part, "percent": pct, "over": over, "fits": not over}


def smallest_fitting_board(est: dict[str, Any], exclude: str = "", cfg: SAFormerConfig | None = None,
                           network: bool = True) -> str | None:
    """The smallest board of hw/boards.py the estimate fits (with cfg: re-estimated per board, whose URAM
    the network may use, `uram_styles`)."""
    fitting = [b for n, b in BOARDS.items()
               if n != exclude and fit(est if cfg is None else estimate(cfg, network, b), b)["fits"]]
    return min(fitting, key=lambda b: (b.lut, b.bram36)).name if fitting else None


def precheck(cfg: SAFormerConfig, name: str, b: Board, network: bool = True) -> dict[str, Any]:
    """The pre-check record (estimate + fit); raises SaformerError with one line when it does not fit."""
    est = estimate(cfg, network, b)
    f = fit(est, b)
    rec = {"config": name, **f, "estimate": {k: est[k] for k in ("design", "lut", "lut_logic", "lut_mem", "ff",
                                                                    "bram36", "uram", "dsp")}}
    if not f["fits"]:
        raise SaformerError(fit_message(name, est, f, b, cfg, network))
    return rec


def fit_message(name: str, est: dict[str, Any], f: dict[str, Any], b: Board, cfg: SAFormerConfig | None = None,
                network: bool = True) -> str:
    o = f["over"][0]
    more = "".join(f", {x['needs']:,} {x['resource']} of {x['of']:,}" for x in f["over"][1:])
    if est.get("uram"):
        more += f" (with {est['uram']} of {b.uram} URAM288 in use)"
    alt = smallest_fitting_board(est, exclude=b.name, cfg=cfg, network=network)
    pick = f", or pick {alt}" if alt else "; no board of hw/boards.py fits it"
    floor = ""
    if cfg is not None and network:
        mf = memory_floor(cfg, b)
        if mf["percent_of_block_memory"] > 100.0 or (o["key"] == "bram36" and mf["over_budget"]):
            floor = (f"; its memories alone are {mf['total_bits'] / 1e6:.2f} Mb, "
                     f"{mf['percent_of_block_memory']}% of the board's block memory")
    return (f"config '{name}' needs {o['needs']:,} {o['resource']} of {o['of']:,} on {b.name}{more} "
            f"(resource model hw/fit.py of the {est['design']}, before synthesis{floor}); lower D or L{pick}")


# ------------------------------------------------------------------------------------------ on-chip state
BRAM36_BITS = 36 * 1024  # a RAMB36 holds 36 Kb at its x9/x18/x36/x72 widths (data + parity bits)
URAM288_BITS = 288 * 1024  # a URAM288: 4K x 72


def _memory_kind(m: Memory) -> str:
    """The state category of memory m (its inventory name): what the bits are for."""
    n = m.name
    if "weight" in n or "bias" in n:
        return "weights"
    if "membrane" in n:
        return "membranes"
    if "U FIFO" in n:
        return "U FIFOs"
    if "s1[t]" in n or "Q buffer" in n or "A masks" in n:
        return "spike stores"
    return "other"


def memory_floor(cfg: SAFormerConfig, b: Board, budget_percent: float = 90.0) -> dict[str, Any]:
    """A lower bound no memory mapping can beat: the bits of every memory of the network RTL (the
    `network_memories` inventory, by category) against board b's block memory (BRAM36 x 36 Kb + URAM288 x
    288 Kb: every bit of a memory in a bit of a block RAM, perfect packing). `over_budget`: the memories alone
    pass `budget_percent` of it, so no mapping of this RTL meets that block-RAM budget -- the only way out
    is to move bits to LUT RAM (`lutram_luts_for_excess`: SDP RAM64M, 3 bits x 64 words per 4 LUTs) or to
    hold less state (a different order, `state_budget`)."""
    mems = network_memories(cfg)
    by: dict[str, int] = {}
    for m in mems:
        by[_memory_kind(m)] = by.get(_memory_kind(m), 0) + m.bits
    total = sum(by.values())
    cap = b.bram36 * BRAM36_BITS + b.uram * URAM288_BITS
    budget = cap * budget_percent / 100.0
    excess = max(0, total - int(budget))
    return {"board": b.name, "bits": by, "total_bits": total, "block_memory_bits": cap,
            "percent_of_block_memory": round(100.0 * total / cap, 1) if cap else math.inf,
            "budget_percent": budget_percent, "over_budget": total > budget,
            "excess_bits": excess, "lutram_luts_for_excess": 4 * math.ceil(excess / (3 * 64)),
            "rule": "sum of words x width x copies of every memory of hw/fit.py network_memories; block memory "
                    "= BRAM36 x 36,864 + URAM288 x 294,912 bits of the board"}


def state_budget(cfg: SAFormerConfig) -> list[dict[str, Any]]:
    """Membrane state per LIF stage in the two orders: timestep-outer (N x C membranes per LIF, kept for the
    whole image) and token-outer (a token's T timesteps back to back: C membranes), with whether the module
    may run token-outer (it is token-local), what it must buffer instead, and the order the RTL of today
    runs (`rtl_order`: the tokenizer's conv1 LIF runs position-outer, every other stage timestep-outer)."""
    w = _w(cfg)
    d = derive(cfg)
    D, N, H, T = cfg.D, cfg.N, cfg.hidden, cfg.T
    rows = [{"module": "tok conv1 LIF", "neurons": cfg.stem_ch, "mem_bits": w.M1W, "positions": cfg.img ** 2,
             "token_local": True, "rtl_order": "token-outer",
             "note": "per pixel position; token-outer (net_tok) stores s1 of every t instead for conv2's "
                     f"windows ({cfg.T * cfg.stem_ch * cfg.img ** 2} bits, an sdp_ram)"}]
    for i in range(cfg.L):
        for m in ("sasa", "dwc", "mlp"):
            rows.append({"module": f"b{i}.{m} shortcut LIF", "neurons": D, "mem_bits": w.UMW, "positions": N,
                         "token_local": True, "note": "elementwise on U"})
        rows.append({"module": f"b{i}.sasa Q/K LIFs", "neurons": 2 * D, "mem_bits": cfg.mem_bits or d.sasa_mem_bits,
                     "positions": N, "token_local": False,
                     "note": "Q, K are token-local, but A[t] needs K of all N tokens of timestep t: token-outer "
                             f"needs Q and K spikes of the whole image buffered ({2 * T * N * D} bits)"})
        rows.append({"module": f"b{i}.mlp hidden LIF", "neurons": H, "mem_bits": w.HMW, "positions": N,
                     "token_local": True, "note": "fc1 -> LIF -> fc2 is per token"})
    rows.append({"module": "head LIF", "neurons": D, "mem_bits": w.UMW, "positions": N, "token_local": True,
                 "note": "the counts sum over (t, n) in any order"})
    for r in rows:
        r.setdefault("rtl_order", "timestep-outer")
        r["timestep_outer_bits"] = r["neurons"] * r["mem_bits"] * r["positions"]
        r["token_outer_bits"] = r["neurons"] * r["mem_bits"]
    return rows


# ------------------------------------------------------------------------------------------ cli
def cli_fit(argv: list[str]) -> int:
    """`python -m saformer.hw.fit --config NAME [--board B]`: the pre-check alone (exit 2 with one line)."""
    from saformer.contract.configs import ALL, SCALE, TARGET_BOARD

    ap = argparse.ArgumentParser(prog="saformer.hw.fit", description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, choices=sorted(ALL))
    ap.add_argument("--board", default=None, choices=sorted(BOARDS),
                    help="default: the config's target board (contract/configs.py TARGET_BOARD) or pynq-z2")
    a = ap.parse_args(argv)
    b = board(a.board or TARGET_BOARD.get(a.config, "pynq-z2"))
    cfg = ALL[a.config]
    try:
        rec = precheck(cfg, a.config, b, network=a.config not in SCALE)
    except SaformerError as e:
        print(f"saformer synth: error: {e}", file=sys.stderr)
        return 2
    e = rec["estimate"]
    print(f"config '{a.config}' fits {b.name} by the resource model ({e['design']}): LUT {e['lut']:,} "
          f"({rec['percent']['lut']}%), LUT RAM {e['lut_mem']:,} ({rec['percent']['lut_mem']}%), FF {e['ff']:,}, "
          f"BRAM36 {e['bram36']} ({rec['percent']['bram36']}%), URAM {e['uram']} ({rec['percent']['uram']}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli_fit(sys.argv[1:]))
