# SPDX-License-Identifier: Apache-2.0
"""Memory mapping rules of the resource model (hw/fit.py) and the generator (hw/net_generate.py): where Yosys 0.23
puts a memory of given words x width x read kind (block RAM, UltraRAM, LUT RAM, flip-flops) and what it costs.
No project imports: both the model and the generator read it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BRAM_MIN_WORDS = 64  # a memory with a registered read (or read address) deeper than this ...
BRAM_MIN_LUTS = 64  # ... that would take more LUTs than this as LUT RAM goes to block RAM (the runs' choice)
URAM_WORDS, URAM_WIDTH = 4096, 72  # URAM288 geometry (one aspect ratio; Yosys' xilinx/urams.txt: abits 12, width 72)
STYLE_ULTRA = 3  # sdp_ram STYLE / the modules' RAM_STYLE that asks for UltraRAM (hw/rtl/sdp_ram.v)


@dataclass(frozen=True)
class Memory:
    """One memory (times `copies` identical ones, e.g. one per lane) of a module."""

    module: str  # the module instance (contract/cycles.py network_modules names, "skids", "engine")
    name: str
    words: int
    width: int
    copies: int = 1
    read: str = "async"  # "sync": registered read data (sdp_ram); "addr": asynchronous read from a registered
    # address (Yosys' memory_dff absorbs the address register, so block RAM is possible); "async": from logic;
    # or a LUT RAM by ram_style "distributed"; "ff": a small array Yosys keeps in flip-flops (none in the
    # RTL of today; net_dwc's tap weights were until branch dwc-mem); "block": an sdp_ram with ram_style
    # "block" (the SASA engine's RAM_STYLE = 1); "ultra": an sdp_ram with ram_style "ultra" (RAM_STYLE = 3,
    # `uram_styles`)
    ports: int = 1  # read ports (an asynchronous LUT RAM is copied per read port); 0: single port (the read
    # at the write address)

    @property
    def bits(self) -> int:
        return self.words * self.width * self.copies


def _lutram_slice(words: int, width: int, ports: int) -> int:
    """LUTs of one slice of at most 64 words: SP (ports = 0: read at the write address) RAM32M holds 8 bits x
    32, RAM64M 4 bits x 64; SDP (one read port) RAM32M 6 bits x 32, RAM64M 3 bits x 64; QP (2..3 read ports
    per copy, one copy per 3 read ports) RAM32M 2 bits x 32, RAM64M 1 bit x 64."""
    if ports == 0:
        return 4 * math.ceil(width / (8 if words <= 32 else 4))
    if ports <= 1:
        return 4 * math.ceil(width / (6 if words <= 32 else 3))
    return math.ceil(ports / 3) * 4 * math.ceil(width / (2 if words <= 32 else 1))


def lutram_luts(words: int, width: int, ports: int = 1) -> int:
    """LUTs (as memory) of one words x width LUT RAM with `ports` asynchronous read ports: 64-word slices and
    a remainder slice (RAM32M when it is at most 32 words); the read multiplexer between slices is logic.
    Exact on every memory of the calibration runs (default network: 3,856 LUT as memory)."""
    full, rem = divmod(words, 64)
    return full * _lutram_slice(64, width, ports) + (_lutram_slice(rem, width, ports) if rem else 0)


# RAMB18 (simple dual port) aspect ratios: (depth, width); a RAMB36 is two
RAMB18_ASPECTS = ((512, 36), (1024, 18), (2048, 9), (4096, 4), (8192, 2), (16384, 1))


def bram18_count(words: int, width: int) -> int:
    """RAMB18s for a words x width memory: the best aspect ratio, cascading in depth and width."""
    return min(-(-words // d) * -(-max(width, 1) // w) for d, w in RAMB18_ASPECTS)


def uram_count(words: int, width: int) -> int:
    """URAM288s for a words x width memory with ram_style "ultra": 4K x 72 each, side by side in width and
    stacked in depth (measured, Yosys 0.23 -family xcup: 72x4096 -> 1, 8x4096 -> 1, 73x4096 -> 2,
    144x512 -> 2, 576x384 -> 8, 72x8192 -> 2 plus a 72-LUT read multiplexer, 1x16 -> 1)."""
    return -(-max(width, 1) // URAM_WIDTH) * -(-words // URAM_WORDS)


def map_memory(m: Memory) -> dict[str, Any]:
    """Where the mapping rules put memory m, and what it costs (module docstring)."""
    if m.read == "ff":  # kept in flip-flops (Yosys' memory_map): every bit a register, no LUT RAM
        return {"mapped_to": "FF", "bram18": 0, "uram": 0, "lut_mem": 0, "ff": m.copies * m.words * m.width}
    if m.read == "block":  # ram_style "block"
        return {"mapped_to": "BRAM", "bram18": m.copies * bram18_count(m.words, m.width), "uram": 0, "lut_mem": 0,
                "ff": 0}
    if m.read == "ultra":  # ram_style "ultra": URAM288 (`uram_styles` keeps it at most URAM_WORDS deep)
        return {"mapped_to": "URAM", "bram18": 0, "uram": m.copies * uram_count(m.words, m.width), "lut_mem": 0,
                "ff": 0}
    lut = m.copies * lutram_luts(m.words, m.width, m.ports)
    if m.read in ("sync", "addr") and m.words > BRAM_MIN_WORDS and lut > m.copies * BRAM_MIN_LUTS:
        return {"mapped_to": "BRAM", "bram18": m.copies * bram18_count(m.words, m.width), "uram": 0, "lut_mem": 0,
                "ff": 0}
    ff = m.copies * m.width if m.read == "sync" else 0  # the registered read's output register
    return {"mapped_to": "LUT RAM", "bram18": 0, "uram": 0, "lut_mem": lut, "ff": ff}


def read_kind(style: int) -> str:
    """The Memory read kind of an sdp_ram of RAM_STYLE `style` (2: LUT RAM, STYLE_ULTRA: UltraRAM)."""
    return "ultra" if style == STYLE_ULTRA else "async" if style == 2 else "sync"


def lif_memory(cfg: Any, module: str, fo: int, lane_w: int, style: int = 0, what: str = "LIF") -> Memory:
    """The membrane memory of a net_lif stage of `fo` neurons: N x ceil(fo / P) words of P lanes of `lane_w`
    bits (the membrane, plus its fired bit where net_generate.lif_fired sets it), read as RAM_STYLE `style`."""
    P = cfg.lanes
    return Memory(module, f"{what} membranes ({P} per word)", cfg.N * -(-fo // P), P * lane_w, 1, read_kind(style))
