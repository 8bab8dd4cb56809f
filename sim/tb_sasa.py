# SPDX-License-Identifier: Apache-2.0
"""cocotb testbench of the generated SASA engine (`sasa_engine`), run by sim/runner.py.

The case to run -- weight streams, spike words, expected increments, images per vector set -- comes from
the files named by the SASA_CASE environment variable (case.json + case.npz, written by sim/runner.py);
results go to the JSON file named in the case. Dimensions are read back from the DUT's parameters, never
restated. One test per stall pattern (`@cocotb.parametrize`), each sending every image of every vector set
back-to-back as one AXI-Lite run (IMAGES = the set's images, then ap_start; weights reloaded between sets).
Each test asserts its verdict inside (every word == the reference, every counter == the cycle model), so
results.xml says FAIL on wrong data; the JSON it writes first is the report. The runner picks the tests with
`test_filter=` (no test returns early).

The TB drives either the house-style top (`sasa_engine`: aclk, aresetn, s_axis, s_axis_w, m_axis, s_axil)
or the Vitis-named wrapper (`sasa_top`: ap_clk, ap_rst_n, ..., s_axi_control): it picks its clock, reset
and bus prefixes from `PORT_NAMES[case["ports"]]`.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, RisingEdge, SimTimeoutError, Timer, with_timeout
from cocotbext.axi import AxiStreamFrame
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.sim.axi_harness import CLK_NS, AxiHarness, AxisMonitor
from saformer.sim.scoreboard import StreamScoreboard, check_image, increment_coords, run_errors

STALLS = ("none", "in_idle", "out_bp", "both")
# CTRL bits (contract/interface.py CTRL_BITS) as masks
CTRL_START, CTRL_DONE, CTRL_IDLE, CTRL_READY = (1 << itf.CTRL_BITS[k] for k in ("ap_start", "ap_done", "ap_idle",
                                                                               "ap_ready"))
WORD_MASK = (1 << itf.WEIGHT_WORD_BITS) - 1  # one weight-stream word
WAIT_FACTOR, WAIT_MARGIN = 10, 5_000  # every wait is bounded: 10x the formula's cycles + a margin (cycles)


def wait_bound_cycles(formula_cycles: int) -> int:
    """Upper bound, in clock cycles, of a wait for work whose cycle formula gives `formula_cycles`: the
    stall patterns at most double a run; 10x plus a margin for AXI-Lite polling and pause bursts."""
    return WAIT_FACTOR * int(formula_cycles) + WAIT_MARGIN


def load_flags(status: int) -> dict[str, int]:
    """The weight-load flags of a STATUS value (contract/interface.py: status_flags)."""
    flags = itf.status_flags(status)
    return {"loaded": int("not_loaded" not in flags), "err_hdr": int("header" in flags),
            "err_len": int("length" in flags)}


def _pauses(rng: random.Random, p: float, burst: int):
    """Endless random pause pattern: a burst of 1..burst pause cycles starts with probability p per cycle
    (bursts longer than a token's work drain the skid buffers, so the engine itself stalls)."""
    while True:
        if rng.random() < p:
            for _ in range(rng.randint(1, burst)):
                yield True
        yield False


class TB(AxiHarness):
    """The testbench of one top: the shared AXI harness (sim/axi_harness.py) plus run control, bounded waits,
    stall patterns and the per-cycle monitor of counters and stalls."""

    def __init__(self, dut, ports: str = "house", cfg: SAFormerConfig | None = None) -> None:
        super().__init__(dut, ports, cfg)
        self.done_log: list[tuple[int, int]] = []
        self.out_tlast: list[int] = []  # TLAST of every output beat taken (m_axis handshake), in order
        self.bins: dict[str, int] = {}
        self.cycles = 0

    async def start(self, images: int) -> int:
        """IMAGES = images, ap_start; returns CTRL read right after (bit0 = the start was taken)."""
        await self.write("IMAGES", images)
        await self.write("CTRL", CTRL_START)
        return await self.read("CTRL")

    async def wait_done(self, formula_cycles: int, where: str) -> int:
        """Poll CTRL until ap_done (clear on read); returns the CTRL value that showed it. Bounded by
        `wait_bound_cycles(formula_cycles)`: a timeout raises AssertionError naming `where` (the images)."""

        async def poll() -> int:
            while True:
                v = await self.read("CTRL")
                if v & CTRL_DONE:
                    return v
                await ClockCycles(self.clk, 8)

        bound = wait_bound_cycles(formula_cycles)
        try:
            return await with_timeout(poll(), bound * CLK_NS, "ns")
        except SimTimeoutError:
            raise AssertionError(f"{where}: ap_done did not rise within {bound} cycles (10 x formula "
                                 f"{formula_cycles} + {WAIT_MARGIN})") from None

    async def recv_frame(self, formula_cycles: int, where: str) -> AxiStreamFrame:
        """The next output frame (up to TLAST), bounded like `wait_done`; a timeout raises AssertionError
        naming `where` (the image coordinates)."""
        bound = wait_bound_cycles(formula_cycles)
        try:
            return await with_timeout(self.sink.recv(), bound * CLK_NS, "ns")
        except SimTimeoutError:
            raise AssertionError(f"{where}: no complete output frame within {bound} cycles (10 x formula "
                                 f"{formula_cycles} + {WAIT_MARGIN})") from None

    def set_stalls(self, stall: str, seed: int) -> None:
        rng = random.Random(seed)
        burst = 4 * self.G + 8
        self.src.set_pause_generator(_pauses(rng, 0.08, burst) if stall in ("in_idle", "both") else None)
        self.sink.set_pause_generator(_pauses(rng, 0.08, burst) if stall in ("out_bp", "both") else None)
        # a pause generator stopped in a pause burst leaves `pause` set (cocotbext-axi): release it
        for port in (self.src, self.sink):
            if port._pause_generator is None:
                port.pause = False

    async def monitor(self) -> None:
        """Per cycle: record the cycle counters at every img_done pulse and TLAST of every output beat, count
        stall cycles per phase (qk while the QK pass has work left, else y) and the engine's own stalls."""
        d = self.eng
        s_valid, m_valid, m_ready = self.src.bus.tvalid, self.sink.bus.tvalid, self.sink.bus.tready
        m_last = self.sink.bus.tlast
        core = d.u_core
        while True:
            await RisingEdge(self.clk)
            self.cycles += 1
            if int(m_valid.value) and int(m_ready.value):
                self.out_tlast.append(int(m_last.value))
            if int(d.img_done.value):
                self.done_log.append((int(d.cycles_active.value), int(d.cycles_total.value),
                                      int(d.cycles_qk.value), int(d.cycles_y.value)))
            if int(d.busy.value):
                ph = "qk" if not int(core.all_q.value) else "y"
                if not int(s_valid.value):
                    k = f"stall_{ph}_input_idle"
                    self.bins[k] = self.bins.get(k, 0) + 1
                if int(m_valid.value) and not int(m_ready.value):
                    k = f"stall_{ph}_output_backpressure"
                    self.bins[k] = self.bins.get(k, 0) + 1
                if int(d.stall_out.value):
                    self.bins["engine_stall_emit"] = self.bins.get("engine_stall_emit", 0) + 1
                if int(d.stall_in.value):
                    self.bins["engine_stall_accept"] = self.bins.get("engine_stall_accept", 0) + 1

    async def load_weights(self, words: list[int]) -> dict[str, int]:
        """Send one weight load; returns the flags, read through STATUS (AXI-Lite)."""
        await self.wsrc.send(AxiStreamFrame([int(w) & WORD_MASK for w in words]))
        bound = wait_bound_cycles(len(words))
        try:
            await with_timeout(self.wsrc.wait(), bound * CLK_NS, "ns")
        except SimTimeoutError:
            raise AssertionError(f"weight load of {len(words)} words not accepted within {bound} cycles") from None
        await ClockCycles(self.clk, 3)
        st = await self.read("STATUS")
        return load_flags(st)


@cocotb.test()
@cocotb.parametrize(stall=list(STALLS))
async def run_images(dut, stall: str) -> None:
    case_path = Path(os.environ["SASA_CASE"])
    case = json.loads(case_path.read_text())
    arrays = np.load(case_path.with_suffix(".npz"))
    spikes, expected = arrays["spikes"], arrays["expected"]
    cfg = SAFormerConfig.from_dict(case["config"])
    tb = TB(dut, case.get("ports", "house"), cfg)
    assert (tb.D, tb.N, tb.T, tb.P) == (cfg.D, cfg.N, cfg.T, cfg.lanes), "DUT parameters differ from the case"
    tb.set_stalls(stall, case["seed"] + STALLS.index(stall))
    await tb.reset()
    cocotb.start_soon(tb.monitor())
    # the monitor-fed scoreboard at m_axis: every beat checked as it leaves, in order, TLAST included
    board = StreamScoreboard("m_axis", [(f"vector {im['label']}", itf.pack_increments(expected[i], cfg.lanes))
                                        for si in range(len(case["sets"]))
                                        for i, im in enumerate(case["images"]) if im["set"] == si],
                             cfg.lanes, tb.LANE, increment_coords(cfg))
    mon = AxisMonitor(tb.sink.bus, tb.clk)
    cocotb.start_soon(board.run(mon.queue))
    t0 = time.perf_counter()
    images = []
    runs: list[dict] = []
    first = None
    tl_pos = 0  # output beats already checked (index into tb.out_tlast)
    for si, wset in enumerate(case["sets"]):
        st = await tb.load_weights(wset["weights"])
        if not st["loaded"]:
            raise AssertionError(f"weight load of set '{wset['name']}' refused: {st}")
        idx = [i for i, im in enumerate(case["images"]) if im["set"] == si]
        if not idx:
            continue
        for i in idx:
            await tb.src.send(AxiStreamFrame([int(w) for w in spikes[i]]))
        ctrl = await tb.start(len(idx))
        if not ctrl & CTRL_START:
            raise AssertionError(f"ap_start refused for set '{wset['name']}' (CTRL 0x{ctrl:x})")
        got = []
        for i in idx:
            im = case["images"][i]
            frame = await tb.recv_frame(im["formula"], f"stall={stall}, set '{wset['name']}', image {im['label']}")
            got.append([int(b) for b in frame.tdata])
        ctrl = await tb.wait_done(sum(case["images"][i]["formula"] for i in idx),
                                  f"stall={stall}, set '{wset['name']}', images "
                                  f"{[case['images'][i]['label'] for i in idx]}")
        # the monitor has seen every beat by now: each image's TLAST must be 1 on its last beat only
        for i, beats in zip(idx, got):
            im = case["images"][i]
            tlasts = tb.out_tlast[tl_pos:tl_pos + len(beats)]
            tl_pos += len(beats)
            chk = check_image(cfg, im["label"], beats, expected[i], tlasts)
            rec = {"label": im["label"], "mismatches": chk.mismatches, "cycles_formula": im["active"],
                   "latency_formula": im["formula"], "qk_formula": im["qk"], "y_formula": im["y"],
                   "first_mismatch": chk.first.text() if chk.first else None,
                   "first_coords": None if chk.first is None else list(chk.first.at.values()),
                   "details": chk.details,
                   "beats": len(beats), "tlast_checked": len(tlasts)}
            images.append(rec)
            if chk.first is not None and first is None:
                first = rec
        run = {"set": wset["name"], "ctrl": ctrl, "cycles_active": await tb.read("CYCLES_ACTIVE"),
               "cycles_total": await tb.read("CYCLES_TOTAL"),
               "formula": sum(case["images"][i]["active"] for i in idx),
               "latency": sum(case["images"][i]["formula"] for i in idx)}
        runs.append(run)
    wall = time.perf_counter() - t0
    for rec, (act, tot, qk, y) in zip(images, tb.done_log):
        rec["cycles_measured"] = act
        rec["cycles_total"] = tot
        rec["cycles_qk"] = qk
        rec["cycles_y"] = y
    st = await tb.read("STATUS")
    flags = itf.status_flags(st)
    status = {"err_proto": int("protocol" in flags), "err_hdr": int("header" in flags),
              "err_len": int("length" in flags)}
    await Timer(1, unit="ns")
    out = {"stall": stall, "images": images, "bins": tb.bins, "sim_cycles": tb.cycles, "wall_s": wall,
           "status": status, "done_pulses": len(tb.done_log), "runs": runs,
           "stream_scoreboard": {"observed": board.observed, "mismatches": board.mismatches,
                                 "missing": board.missing(), "first": board.first_text()}}
    res_dir = Path(case["results_dir"])
    tmp = res_dir / f".{stall}.json.tmp"
    tmp.write_text(json.dumps(out))
    os.replace(tmp, res_dir / f"{stall}.json")
    await Timer(1, unit="ns")
    # the verdict, inside the test (results.xml says FAIL on wrong data); the JSON above is the report
    assert first is None, f"stall={stall}: {sum(r['mismatches'] for r in images)} mismatching words, first " \
                          f"{first['first_mismatch']}"
    assert board.first is None and board.missing() == 0, \
        f"stall={stall}: m_axis scoreboard: {board.first_text()}, {board.missing()} beats missing"
    errs = run_errors(stall, out)
    assert not errs, f"stall={stall}: measured cycles != the cycle model: {errs[:5]}"


@cocotb.test()
async def weight_load_flags(dut) -> None:
    """Header checks of the weight stream (run when the case asks for it): a wrong config hash sets
    err_hdr, a truncated and an over-long load set err_len, none of them leaves weights loaded; a valid
    load afterwards sets weights_loaded and clears the flags."""
    case_path = Path(os.environ["SASA_CASE"])
    case = json.loads(case_path.read_text())
    tb = TB(dut, case.get("ports", "house"), SAFormerConfig.from_dict(case["config"]))
    await tb.reset()
    good = [int(w) for w in case["sets"][0]["weights"]]
    out = {}
    bad_hash = list(good)
    bad_hash[2] ^= 1
    out["wrong_hash"] = await tb.load_weights(bad_hash)
    out["truncated"] = await tb.load_weights(good[:-1])
    out["over_long"] = await tb.load_weights(good + [0])
    # a payload word with garbage above its declared width (first wq word, bit 20 set): refused, STATUS value
    bad_val = list(good)
    bad_val[4] = (bad_val[4] ^ (1 << 20)) & WORD_MASK
    flags = await tb.load_weights(bad_val)
    out["upper_bits"] = {**flags, "err_val": int("value" in itf.status_flags(await tb.read("STATUS")))}
    out["valid"] = await tb.load_weights(good)
    res_dir = Path(case["results_dir"])
    tmp = res_dir / ".load_checks.json.tmp"
    tmp.write_text(json.dumps(out))
    os.replace(tmp, res_dir / "load_checks.json")
