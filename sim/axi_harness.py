# SPDX-License-Identifier: Apache-2.0
"""The one AXI harness of the SASA engine's top under cocotb: clock, reset, the three AXI-Stream ports
(cocotbext-axi sources/sink) and the AXI-Lite master, for the house-style top (`sasa_engine`) and the
Vitis-named wrapper (`sasa_top`). Shared by the testbenches (`sim/tb_sasa.py: TB`, `sim/tb_system.py`) and
the driver's simulator backend (`driver/cocotb_session.py`), so the three drive the same buses the same way.
No cocotb tests here (importing it registers none). Dimensions are read back from the DUT (its header's localparams).

`AxisMonitor` watches one AXI-Stream port and puts every handshaked beat (tdata, tlast) into a queue, so a
checker (e.g. `sim/scoreboard.py: StreamScoreboard`) can sit at any stream boundary.
"""

from __future__ import annotations

from typing import ClassVar

import cocotb
from cocotb.clock import Clock
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiStreamBus, AxiStreamSink, AxiStreamSource
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.interface import registers

CLK_NS = 10  # clock period (100 MHz, the boards' FCLK_CLK0)
# clock, reset, bus prefixes and the engine instance of each top (bus signal names match in any case)
PORT_NAMES = {
    "house": {"clk": "aclk", "rstn": "aresetn", "s_axis": "s_axis", "s_axis_w": "s_axis_w", "m_axis": "m_axis",
              "ctrl": "s_axil", "irq": "interrupt", "engine": None},
    "vitis": {"clk": "ap_clk", "rstn": "ap_rst_n", "s_axis": "s_axis", "s_axis_w": "s_axis_w",
              "m_axis": "m_axis", "ctrl": "s_axi_control", "irq": "interrupt", "engine": "u_engine"},
}


class Stream(AxiStreamBus):
    """AXI-Stream bus without TKEEP: one stream word is one 'byte' of the word width (the Vitis wrapper's
    TKEEP/TSTRB inputs are left undriven; it ignores them)."""

    _optional_signals: ClassVar[list[str]] = ["tvalid", "tready", "tlast"]


class AxiHarness:
    """Clock, reset, AXI-Stream source/sink for spikes, weights and increments, AXI-Lite by register name."""

    def __init__(self, dut, ports: str = "house", cfg: SAFormerConfig | None = None, clock: bool = True,
                 net: bool = False) -> None:
        self.dut = dut
        names = PORT_NAMES[ports]
        self.names = names
        # the sasa_engine instance (the network accelerator's testbench reads only the ports)
        self.eng = getattr(dut, names["engine"]) if names["engine"] and not net else dut
        self.clk = getattr(dut, names["clk"])
        self.rstn = getattr(dut, names["rstn"])
        self.irq = getattr(dut, names["irq"])
        if net:  # the network accelerator (hw/rtl/net_accel.v, net_top.v): its own register table and widths
            self._net(dut, names, cfg, clock)
            return
        self.regs = {r.name: r.offset for r in registers(cfg)} if cfg is not None else {}
        # read back from the DUT: the localparams of the configuration header the top includes
        self.D = int(dut.D.value)
        self.N = int(dut.N.value)
        self.T = int(dut.T.value)
        self.P = int(dut.P.value)
        self.G = -(-self.D // self.P)  # derived, as every unit derives it
        self.SW = int(dut.SW.value)
        self.LANE = int(dut.OUT_LANE_W.value)
        if clock:
            cocotb.start_soon(Clock(self.clk, CLK_NS, unit="ns").start())
        clk, rstn = self.clk, self.rstn
        self.src = AxiStreamSource(Stream.from_prefix(dut, names["s_axis"]), clk, rstn,
                                   reset_active_level=False, byte_size=self.SW)
        self.wsrc = AxiStreamSource(Stream.from_prefix(dut, names["s_axis_w"]), clk, rstn,
                                    reset_active_level=False, byte_size=itf.WEIGHT_WORD_BITS)
        self.sink = AxiStreamSink(Stream.from_prefix(dut, names["m_axis"]), clk, rstn,
                                  reset_active_level=False, byte_size=self.P * self.LANE)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, names["ctrl"]), clk, rstn,
                                  reset_active_level=False)

    def _net(self, dut, names: dict, cfg: SAFormerConfig | None, clock: bool) -> None:
        from saformer.contract.regmap import net_registers

        self.regs = {r.name: r.offset for r in net_registers(cfg)} if cfg is not None else {}
        # read back from the DUT's localparam (a Vitis export has none: then the config's width)
        self.PXW = int(dut.PXW.value) if hasattr(dut, "PXW") else itf.pixel_beat_bits(cfg)
        if clock:
            cocotb.start_soon(Clock(self.clk, CLK_NS, unit="ns").start())
        clk, rstn = self.clk, self.rstn
        self.src = AxiStreamSource(Stream.from_prefix(dut, names["s_axis"]), clk, rstn,
                                   reset_active_level=False, byte_size=self.PXW)
        self.wsrc = AxiStreamSource(Stream.from_prefix(dut, names["s_axis_w"]), clk, rstn,
                                    reset_active_level=False, byte_size=itf.WEIGHT_WORD_BITS)
        self.sink = AxiStreamSink(Stream.from_prefix(dut, names["m_axis"]), clk, rstn,
                                  reset_active_level=False, byte_size=itf.NET_OUT_WORD_BITS)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, names["ctrl"]), clk, rstn,
                                  reset_active_level=False)

    async def reset(self) -> None:
        self.rstn.value = 0
        await ClockCycles(self.clk, 4)
        self.rstn.value = 1
        await ClockCycles(self.clk, 2)

    async def read(self, name: str) -> int:
        return await self.axil.read_dword(self.regs[name])

    async def write(self, name: str, value: int) -> None:
        await self.axil.write_dword(self.regs[name], int(value) & 0xFFFF_FFFF)

    async def read64(self, name: str) -> int:
        """A 64-bit counter as its two registers (`name`: bits 31..0, `name`_HI: bits 63..32)."""
        return await self.read(name) | (await self.read(name + "_HI")) << 32


class AxisMonitor:
    """Every handshaked beat of one AXI-Stream port, as (tdata, tlast), into `queue` (a cocotb Queue)."""

    def __init__(self, bus, clk, queue: Queue | None = None) -> None:
        self.bus, self.clk = bus, clk
        self.queue: Queue = queue if queue is not None else Queue()
        self.beats = 0
        self._task = cocotb.start_soon(self._run())

    async def _run(self) -> None:
        b = self.bus
        while True:
            await RisingEdge(self.clk)  # sampled as TB.monitor samples: the values of the handshake at this edge
            if int(b.tvalid.value) and int(b.tready.value):
                self.beats += 1
                self.queue.put_nowait((int(b.tdata.value), int(b.tlast.value) if hasattr(b, "tlast") else 1))
