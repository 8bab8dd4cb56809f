# SPDX-License-Identifier: Apache-2.0
"""Simulation backend: the generated engine (house-style top `sasa_engine`) in Verilator under cocotb.

`CocotbBackend` gives `SasaEngine` the same synchronous calls as the board backend. cocotb is async and
owns the simulator; the driver's code runs in a thread started with `cocotb.bridge`, and every backend call
hands a coroutine back to the simulator with `cocotb.resume` and blocks until it completes -- simulated time
passes only inside those calls (cocotb 2.x's bridge: the thread and the simulator never run at once).
The buses are the testbench's: `sim/axi_harness.py: AxiHarness` (clock, reset, cocotbext-axi AxiLiteMaster on
s_axil with offsets from the driver, AxiStreamSource/Sink on the streams, widths read back from the DUT), the
one AXI harness shared with sim/tb_sasa.py and sim/tb_system.py.

`driver_session` is the cocotb test that `driver/sim.py: simulate` launches: it loads the job (a
cloudpickled function taking a SasaEngine), runs it in the bridge thread and pickles its result (or its
exception) back.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import cloudpickle
import cocotb
from cocotb.simtime import get_sim_time
from cocotb.task import bridge, resume  # cocotb 2.x thread bridge (cocotb 1.x: cocotb.external / cocotb.function)
from cocotb.triggers import ClockCycles, SimTimeoutError, with_timeout
from cocotbext.axi import AxiStreamFrame
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.driver.sasa import EngineTimeout, SasaEngine
from saformer.sim.axi_harness import CLK_NS, AxiHarness

CLOCK_NS = CLK_NS  # 100 MHz, the boards' FCLK_CLK0 (hw/boards.py); SasaEngine gets clock_hz from it


class CocotbBackend:
    """Synchronous backend over a cocotb DUT; call its methods only from a cocotb.bridge thread."""

    def __init__(self, dut, net_cfg: SAFormerConfig | None = None) -> None:
        self.dut = dut
        # starts the clock; the driver addresses registers by offset. `net_cfg`: the network accelerator
        # (hw/rtl/net_accel.v) of that configuration instead of the SASA engine.
        if net_cfg is not None:
            self.h = AxiHarness(dut, "house", net_cfg, net=True)
        else:
            self.h = AxiHarness(dut, "house")
            self.P, self.SW, self.LANE = self.h.P, self.h.SW, self.h.LANE
        self.src, self.wsrc, self.sink, self.axil = self.h.src, self.h.wsrc, self.h.sink, self.h.axil

    async def reset(self) -> None:
        await self.h.reset()

    # ---------------------------------------------------------------- async halves
    async def _send_weights(self, words: list[int]) -> None:
        await self.wsrc.send(AxiStreamFrame(words))
        await self.wsrc.wait()
        await ClockCycles(self.dut.aclk, 3)  # the last word reaches the load sequencer

    async def _transfer(self, words: list[list[int]], beats: int, timeout_s: float) -> list[list[int]]:
        deadline = get_sim_time("ns") + timeout_s * 1e9
        for w in words:
            await self.src.send(AxiStreamFrame(w))  # queued: the source streams them back-to-back
        out = []
        for i in range(len(words)):
            left = max(1, int(deadline - get_sim_time("ns")))
            try:
                frame = await with_timeout(self.sink.recv(), left, "ns")
            except SimTimeoutError:
                raise EngineTimeout(f"image {i}: no complete output frame within {timeout_s:.6f} s of simulated "
                                    "time") from None
            if len(frame.tdata) != beats:
                raise EngineTimeout(f"image {i}: {len(frame.tdata)} beats before TLAST, expected {beats}")
            out.append([int(b) for b in frame.tdata])
        return out

    async def _now(self) -> float:
        return get_sim_time("ns") * 1e-9

    async def _pause(self) -> None:
        await ClockCycles(self.dut.aclk, 16)

    # ---------------------------------------------------------------- synchronous API (bridge thread)
    def read(self, offset: int) -> int:
        return int(resume(self.axil.read_dword)(offset))

    def write(self, offset: int, value: int) -> None:
        resume(self.axil.write_dword)(offset, int(value) & 0xFFFF_FFFF)

    def send_weights(self, words) -> None:
        resume(self._send_weights)([int(w) & ((1 << itf.WEIGHT_WORD_BITS) - 1) for w in words])

    def transfer_images(self, words, beats: int, timeout_s: float) -> list[list[int]]:
        return resume(self._transfer)([[int(x) for x in w] for w in words], beats, timeout_s)

    def stall_output(self, on: bool = True) -> None:
        """Hold m_axis_tready low (a receive DMA that is never armed): for timeout tests."""
        self.sink.pause = on

    def now(self) -> float:
        return resume(self._now)()

    def pause(self) -> None:
        resume(self._pause)()


@cocotb.test()
async def driver_session(dut) -> None:
    job_dir = Path(os.environ["SASA_DRIVER_JOB"])
    job = cloudpickle.loads((job_dir / "job.pkl").read_bytes())
    cfg = SAFormerConfig.from_dict(job["config"])
    if job.get("kind") == "net":  # the network accelerator: a NetAccel driver (driver/net.py)
        from saformer.driver.net import NetAccel

        backend = CocotbBackend(dut, net_cfg=cfg)
        assert int(dut.PXW.value) == itf.pixel_beat_bits(cfg), "DUT pixel width differs from the job's config"
        await backend.reset()
        engine = NetAccel(backend, cfg, clock_hz=1e9 / CLOCK_NS)
    else:
        backend = CocotbBackend(dut)
        got = tuple(int(getattr(dut, k).value) for k in ("D", "N", "T", "P"))
        assert got == (cfg.D, cfg.N, cfg.T, cfg.lanes), f"DUT parameters {got} differ from the job's config"
        await backend.reset()
        engine = SasaEngine(backend, cfg, clock_hz=1e9 / CLOCK_NS)
    fn = job["fn"]

    def body():
        try:
            return {"ok": fn(engine)}
        except BaseException as e:  # the exception goes back to the caller of simulate()
            return {"error": e, "traceback": traceback.format_exc()}

    result = await bridge(body)()
    result["sim_time_ns"] = get_sim_time("ns")
    tmp = job_dir / ".result.pkl.tmp"
    tmp.write_bytes(cloudpickle.dumps(result))
    os.replace(tmp, job_dir / "result.pkl")
