"""PYNQ board table: part, fabric capacity, PS type and default fabric clock (one place for these numbers)."""

from __future__ import annotations

from dataclasses import dataclass

from saformer.contract.errors import SaformerError


@dataclass(frozen=True)
class Board:
    name: str
    part: str  # Vivado part name
    lut: int  # 6-input LUTs (logic + memory)
    lutram: int  # LUTs usable as distributed RAM / shift registers (SLICEM)
    ff: int
    bram36: int  # 36 Kb block RAMs
    dsp: int  # DSP48E1 slices
    ps: str  # processing system IP
    clock_mhz: float  # default fabric clock (FCLK_CLK0)
    board_part: str  # Vivado board_part, when the board files are installed


# Zynq-7020 (xc7z020clg400-1) capacities from Xilinx DS190: 53,200 LUTs, 17,400 of them in SLICEMs,
# 106,400 FFs, 140 BRAM36 (4.9 Mb), 220 DSP48E1.
BOARDS: dict[str, Board] = {
    "pynq-z2": Board("pynq-z2", "xc7z020clg400-1", 53200, 17400, 106400, 140, 220, "processing_system7", 100.0,
                     "tul.com.tw:pynq-z2:part0:1.0"),
    "pynq-z1": Board("pynq-z1", "xc7z020clg400-1", 53200, 17400, 106400, 140, 220, "processing_system7", 100.0,
                     "www.digilentinc.com:pynq-z1:part0:1.0"),
}


def board(name: str) -> Board:
    try:
        return BOARDS[name]
    except KeyError:
        raise SaformerError(f"board '{name}' is unknown; known boards: {', '.join(BOARDS)}") from None
