# SPDX-License-Identifier: Apache-2.0
"""PYNQ board table: part, fabric capacity, PS type, Yosys family and default fabric clock (one place for these
numbers). Capacities from Xilinx DS190 (Zynq-7000) and DS891 (Zynq UltraScale+ MPSoC); `lutram` counts the
LUTs of SLICEM/CLBM slices (distributed RAM bits / 64)."""

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
    family: str = "xc7"  # Yosys `synth_xilinx -family`: xc7 (7-series) or xcup (UltraScale+)
    uram: int = 0  # UltraRAM blocks (288 Kb each; UltraScale+ EV/K26 parts)
    pynq_name: str = ""  # the board's name in PYNQ (pynq.Device / BOARD environment variable)


# Zynq-7020 (xc7z020clg400-1) capacities from Xilinx DS190: 53,200 LUTs, 17,400 of them in SLICEMs,
# 106,400 FFs, 140 BRAM36 (4.9 Mb), 220 DSP48E1.
# Zynq UltraScale+: xczu7ev (ZCU104) 230,400 LUTs (101,760 as distributed RAM: 6.2 Mb), 460,800 FFs,
# 312 BRAM36, 96 URAM, 1,728 DSP48E2; xck26 (Kria KV260 SOM) 117,120 LUTs (57,600: 3.5 Mb), 234,240 FFs,
# 144 BRAM36, 64 URAM, 1,248 DSP48E2; xczu3eg (Ultra96-V2) 70,560 LUTs (28,800: 1.8 Mb), 141,120 FFs,
# 216 BRAM36, no URAM, 360 DSP48E2.
BOARDS: dict[str, Board] = {
    "pynq-z2": Board("pynq-z2", "xc7z020clg400-1", 53200, 17400, 106400, 140, 220, "processing_system7", 100.0,
                     "tul.com.tw:pynq-z2:part0:1.0", pynq_name="Pynq-Z2"),
    "pynq-z1": Board("pynq-z1", "xc7z020clg400-1", 53200, 17400, 106400, 140, 220, "processing_system7", 100.0,
                     "www.digilentinc.com:pynq-z1:part0:1.0", pynq_name="Pynq-Z1"),
    "zcu104": Board("zcu104", "xczu7ev-ffvc1156-2-e", 230400, 101760, 460800, 312, 1728, "zynq_ultra_ps_e", 100.0,
                    "xilinx.com:zcu104:part0:1.1", family="xcup", uram=96, pynq_name="ZCU104"),
    "kv260": Board("kv260", "xck26-sfvc784-2LV-c", 117120, 57600, 234240, 144, 1248, "zynq_ultra_ps_e", 100.0,
                   "xilinx.com:kv260_som:part0:1.4", family="xcup", uram=64, pynq_name="KV260"),
    "ultra96v2": Board("ultra96v2", "xczu3eg-sbva484-1-e", 70560, 28800, 141120, 216, 360, "zynq_ultra_ps_e", 100.0,
                       "avnet.com:ultra96v2:part0:1.2", family="xcup", uram=0, pynq_name="Ultra96"),
}


def board(name: str) -> Board:
    try:
        return BOARDS[name]
    except KeyError:
        raise SaformerError(f"board '{name}' is unknown; known boards: {', '.join(BOARDS)}") from None
