"""cocotb testbench of the generated SASA engine (`sasa_engine`), run by sim/runner.py.

The case to run -- weight streams, spike words, expected increments, images per vector set -- comes from
the files named by the SASA_CASE environment variable (case.json + case.npz, written by sim/runner.py);
results go to the JSON file named in the case. Dimensions are read back from the DUT's parameters, never
restated. One test per stall pattern (`@cocotb.parametrize`), each sending every image of every vector set
back-to-back (weights reloaded between sets).
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, Timer
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource

from golden.config import SAFormerConfig
from sim.scoreboard import check_image

STALLS = ("none", "in_idle", "out_bp", "both")
S_IN, S_QK, S_A, S_Y = 0, 1, 2, 3
PHASES = {S_IN: "qk", S_QK: "qk", S_A: "a", S_Y: "y"}


def _pauses(rng: random.Random, p: float, burst: int):
    """Endless random pause pattern: a burst of 1..burst pause cycles starts with probability p per cycle
    (bursts longer than a token's work drain the skid buffers, so the engine itself stalls)."""
    while True:
        if rng.random() < p:
            for _ in range(rng.randint(1, burst)):
                yield True
        yield False


class TB:
    """Clock, reset, AXI-Stream source/sink for spikes, weights and increments."""

    def __init__(self, dut) -> None:
        self.dut = dut
        # parameters read back from the DUT (the generated top's parameters)
        self.D = int(dut.D.value)
        self.N = int(dut.N.value)
        self.T = int(dut.T.value)
        self.P = int(dut.P.value)
        self.G = int(dut.G.value)
        self.SW = int(dut.SW.value)
        self.LANE = int(dut.OUT_LANE_W.value)
        cocotb.start_soon(Clock(dut.aclk, 10, unit="ns").start())
        self.src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.aclk, dut.aresetn,
                                   reset_active_level=False, byte_size=self.SW)
        self.wsrc = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis_w"), dut.aclk, dut.aresetn,
                                    reset_active_level=False, byte_size=32)
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.aclk, dut.aresetn,
                                  reset_active_level=False, byte_size=self.P * self.LANE)
        self.done_log: list[tuple[int, int]] = []
        self.bins: dict[str, int] = {}
        self.cycles = 0

    async def reset(self) -> None:
        self.dut.aresetn.value = 0
        await ClockCycles(self.dut.aclk, 4)
        self.dut.aresetn.value = 1
        await ClockCycles(self.dut.aclk, 2)

    def set_stalls(self, stall: str, seed: int) -> None:
        rng = random.Random(seed)
        burst = 4 * self.G + 8
        self.src.set_pause_generator(_pauses(rng, 0.08, burst) if stall in ("in_idle", "both") else None)
        self.sink.set_pause_generator(_pauses(rng, 0.08, burst) if stall in ("out_bp", "both") else None)

    async def monitor(self) -> None:
        """Per cycle: record the cycle counters at every img_done pulse, count stall cycles per phase."""
        core = self.dut.u_core
        d = self.dut
        while True:
            await RisingEdge(d.aclk)
            self.cycles += 1
            if int(d.img_done.value):
                self.done_log.append((int(d.cycles_active.value), int(d.cycles_total.value)))
            if int(d.busy.value):
                ph = PHASES[int(core.state_q.value)]
                if not int(d.s_axis_tvalid.value):
                    k = f"stall_{ph}_input_idle"
                    self.bins[k] = self.bins.get(k, 0) + 1
                if int(d.m_axis_tvalid.value) and not int(d.m_axis_tready.value):
                    k = f"stall_{ph}_output_backpressure"
                    self.bins[k] = self.bins.get(k, 0) + 1
                if int(core.state_q.value) == S_Y and int(core.out_valid.value) and not int(core.out_ready.value):
                    self.bins["engine_stall_emit"] = self.bins.get("engine_stall_emit", 0) + 1
                if int(core.state_q.value) == S_IN and not int(core.in_valid.value):
                    self.bins["engine_stall_accept"] = self.bins.get("engine_stall_accept", 0) + 1

    async def load_weights(self, words: list[int]) -> dict[str, int]:
        await self.wsrc.send(AxiStreamFrame([int(w) & 0xFFFF_FFFF for w in words]))
        await self.wsrc.wait()
        await ClockCycles(self.dut.aclk, 3)
        d = self.dut
        return {"loaded": int(d.weights_loaded.value), "err_hdr": int(d.err_hdr.value),
                "err_len": int(d.err_len.value)}


@cocotb.test()
@cocotb.parametrize(stall=list(STALLS))
async def run_images(dut, stall: str) -> None:
    case_path = Path(os.environ["SASA_CASE"])
    case = json.loads(case_path.read_text())
    if stall not in case["stalls"]:
        return
    arrays = np.load(case_path.with_suffix(".npz"))
    spikes, expected = arrays["spikes"], arrays["expected"]
    cfg = SAFormerConfig.from_dict(case["config"])
    tb = TB(dut)
    assert (tb.D, tb.N, tb.T, tb.P) == (cfg.D, cfg.N, cfg.T, cfg.lanes), "DUT parameters differ from the case"
    tb.set_stalls(stall, case["seed"] + STALLS.index(stall))
    await tb.reset()
    cocotb.start_soon(tb.monitor())
    t0 = time.perf_counter()
    images = []
    first = None
    for si, wset in enumerate(case["sets"]):
        st = await tb.load_weights(wset["weights"])
        if not st["loaded"]:
            raise AssertionError(f"weight load of set '{wset['name']}' refused: {st}")
        idx = [i for i, im in enumerate(case["images"]) if im["set"] == si]
        for i in idx:
            await tb.src.send(AxiStreamFrame([int(w) for w in spikes[i]]))
        for i in idx:
            im = case["images"][i]
            frame = await tb.sink.recv()
            beats = [int(b) for b in frame.tdata]
            chk = check_image(cfg, im["label"], beats, expected[i])
            rec = {"label": im["label"], "mismatches": chk.mismatches, "cycles_formula": im["formula"],
                   "first_mismatch": chk.first.text() if chk.first else None,
                   "first_coords": None if chk.first is None else
                   [chk.first.t, chk.first.n, chk.first.channel], "details": chk.details}
            images.append(rec)
            if chk.first is not None and first is None:
                first = rec
        await ClockCycles(dut.aclk, 2)  # the img_done pulse of the last image
    wall = time.perf_counter() - t0
    for rec, (act, tot) in zip(images, tb.done_log):
        rec["cycles_measured"] = act
        rec["cycles_total"] = tot
    status = {"err_proto": int(dut.err_proto.value), "err_hdr": int(dut.err_hdr.value),
              "err_len": int(dut.err_len.value)}
    out = {"stall": stall, "images": images, "bins": tb.bins, "sim_cycles": tb.cycles, "wall_s": wall,
           "status": status, "done_pulses": len(tb.done_log)}
    res_dir = Path(case["results_dir"])
    tmp = res_dir / f".{stall}.json.tmp"
    tmp.write_text(json.dumps(out))
    os.replace(tmp, res_dir / f"{stall}.json")
    await Timer(1, unit="ns")


@cocotb.test()
async def weight_load_flags(dut) -> None:
    """Header checks of the weight stream (run when the case asks for it): a wrong config hash sets
    err_hdr, a truncated and an over-long load set err_len, none of them leaves weights loaded; a valid
    load afterwards sets weights_loaded and clears the flags."""
    case_path = Path(os.environ["SASA_CASE"])
    case = json.loads(case_path.read_text())
    if not case.get("load_checks"):
        return
    tb = TB(dut)
    await tb.reset()
    good = [int(w) for w in case["sets"][0]["weights"]]
    out = {}
    bad_hash = list(good)
    bad_hash[2] ^= 1
    out["wrong_hash"] = await tb.load_weights(bad_hash)
    out["truncated"] = await tb.load_weights(good[:-1])
    out["over_long"] = await tb.load_weights(good + [0])
    out["valid"] = await tb.load_weights(good)
    res_dir = Path(case["results_dir"])
    (res_dir / "load_checks.json").write_text(json.dumps(out))
