# SPDX-License-Identifier: Apache-2.0
"""cocotb testbench of the whole-network accelerator (`net_engine`), run by sim/net_runner.py.

The case (artifact, images, stall patterns, seed, optional weight-word patches) comes from the file named by
NET_CASE (case.json + case.npz written by sim/net_runner.py). Expected values are the integer reference's
records (`golden.reference.forward`), recomputed here: every monitored module boundary (mon_fire /
mon_<k>_data, in hw/net_generate.py: boundaries order) feeds its own `BoundaryCheck` (sim/scoreboard.py's
StreamScoreboard on that boundary's expected beats); the result stream is
checked beat by beat (logits and class); every module's per-image active cycles (mon_done / mon_cyc) are
compared with contract/cycles.py: network_cycles. One test per stall pattern (`@cocotb.parametrize`); the
test asserts, so results.xml says FAIL when anything differs, and writes its figures to the results JSON.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import ClassVar

import cocotb
import numpy as np
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource
from saformer.contract import cycles
from saformer.contract import interface as itf
from saformer.contract.artifact import load_artifact
from saformer.contract.config import SAFormerConfig
from saformer.golden import reference as ref
from saformer.hw.net_generate import boundaries
from saformer.sim.net_scoreboard import make_checks, schedule_check

STALLS = ("none", "in_idle", "out_bp", "both")
CLK_NS = 10


class _Stream(AxiStreamBus):
    _optional_signals: ClassVar[list[str]] = ["tvalid", "tready", "tlast"]


def _pauses(rng: random.Random, p: float, burst: int):
    while True:
        if rng.random() < p:
            for _ in range(rng.randint(1, burst)):
                yield True
        yield False


def load_case() -> tuple[dict, dict]:
    case_json = Path(os.environ["NET_CASE"])
    case = json.loads(case_json.read_text())
    npz = dict(np.load(case_json.with_suffix(".npz")))
    return case, npz


class TB:
    """Clock, reset, pixel and weight sources, result sink, the module-boundary monitor."""

    def __init__(self, dut, cfg: SAFormerConfig) -> None:
        self.dut = dut
        self.cfg = cfg
        self.clk = dut.aclk
        cocotb.start_soon(Clock(self.clk, CLK_NS, unit="ns").start())
        self.src = AxiStreamSource(_Stream.from_prefix(dut, "s_axis"), self.clk, dut.aresetn,
                                   reset_active_level=False, byte_size=itf.pixel_beat_bits(cfg))
        self.wsrc = AxiStreamSource(_Stream.from_prefix(dut, "s_axis_w"), self.clk, dut.aresetn,
                                    reset_active_level=False, byte_size=itf.WEIGHT_WORD_BITS)
        self.sink = AxiStreamSink(_Stream.from_prefix(dut, "m_axis"), self.clk, dut.aresetn,
                                  reset_active_level=False, byte_size=itf.NET_OUT_WORD_BITS)
        self.cycle = 0
        self.nb = len(boundaries(cfg))
        self.mods = cycles.network_modules(cfg)
        self.data = [getattr(dut, f"mon_{i}_data") for i in range(self.nb)]
        self.checks: list = []
        self.measured: dict[str, list[int]] = {m: [] for m in self.mods}
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.monitoring = False
        # per-token handshake cycles (case "trace": true): every boundary's fires, the pixel beats taken
        # (s_axis) and the result beats that left m_axis (cycle, tlast); the cycle-model comparison reads them
        self.trace = False
        self.fires: list[list[int]] = [[] for _ in range(self.nb)]
        self.px_fires: list[int] = []
        self.out_fires: list[tuple[int, int]] = []

    async def reset(self) -> None:
        self.dut.aresetn.value = 0
        await ClockCycles(self.clk, 4)
        self.dut.aresetn.value = 1
        await ClockCycles(self.clk, 2)

    async def monitor(self) -> None:
        dut = self.dut
        out_j = self.mods.index("out")
        while True:
            await RisingEdge(self.clk)
            self.cycle += 1
            if not self.monitoring:
                continue
            if int(dut.mon_img_start.value):
                self.starts.append(self.cycle)
            f = int(dut.mon_fire.value)
            if self.trace:
                if int(dut.s_axis_tvalid.value) and int(dut.s_axis_tready.value):
                    self.px_fires.append(self.cycle)
                if int(dut.m_axis_tvalid.value) and int(dut.m_axis_tready.value):
                    self.out_fires.append((self.cycle, int(dut.m_axis_tlast.value)))
            while f:
                i = (f & -f).bit_length() - 1
                f &= f - 1
                self.checks[i].observe(int(self.data[i].value))
                if self.trace:
                    self.fires[i].append(self.cycle)
            dn = int(dut.mon_done.value)
            if dn:
                cyc = int(dut.mon_cyc.value)
                while dn:
                    j = (dn & -dn).bit_length() - 1
                    dn &= dn - 1
                    self.measured[self.mods[j]].append((cyc >> (32 * j)) & 0xFFFFFFFF)
                    if j == out_j:
                        self.ends.append(self.cycle)

    async def load_weights(self, words: list[int]) -> None:
        await self.wsrc.send(AxiStreamFrame(list(words)))
        await self.wsrc.wait()
        for _ in range(100):
            await RisingEdge(self.clk)
            if int(self.dut.weights_loaded.value) or int(self.dut.err_hdr.value) or int(self.dut.err_len.value):
                break


@cocotb.test()
@cocotb.parametrize(stall=list(STALLS))
async def run_images(dut, stall: str) -> None:
    case, npz = load_case()  # the runner selects the stall patterns of the case with test_filter
    cfg = SAFormerConfig.from_dict(case["config"])
    art = load_artifact(case["artifact"])
    pixels = npz["pixels"].astype(np.int64)
    labels = [int(x) for x in npz["labels"]]
    rec = ref.forward(pixels, art.params, cfg)
    formula = cycles.network_cycles(cfg, rec)
    tb = TB(dut, cfg)
    # the stall-free run of unpatched weights is checked against the network's schedule model, handshake by
    # handshake (sim/net_scoreboard.py schedule_check)
    sched_on = stall == "none" and not case.get("patch")
    tb.trace = bool(case.get("trace", False)) or sched_on
    seed = int(case["seed"]) + STALLS.index(stall)
    rng = random.Random(seed)
    if stall in ("in_idle", "both"):
        tb.src.set_pause_generator(_pauses(rng, 0.05, 40))
    if stall in ("out_bp", "both"):
        tb.sink.set_pause_generator(_pauses(random.Random(seed + 100), 0.3, 8))
    cocotb.start_soon(tb.monitor())
    t0, c0 = time.perf_counter(), time.process_time()
    await tb.reset()
    words = itf.net_weight_stream(cfg, art.params)
    for i, v in case.get("patch", {}).items():
        words[int(i)] = int(v) & 0xFFFFFFFF
    await tb.load_weights(words)
    assert int(dut.weights_loaded.value) == 1, "weights did not load (err_hdr/err_len set?)"
    B = pixels.shape[0]
    tb.checks = make_checks(cfg, rec, list(range(B)))
    tb.monitoring = True
    for b in range(B):
        await tb.src.send(AxiStreamFrame(itf.pack_pixels(cfg, pixels[b])))
    limit = int(max(v.max() for v in formula.values())) * 20 * (B + 4) + 20_000
    got_logits, got_cls = [], []
    out_mism = 0
    out_first = None
    for b in range(B):
        start = tb.cycle
        while tb.sink.empty():
            await RisingEdge(tb.clk)
            assert tb.cycle - start < limit, f"timeout waiting for image {b}'s result (stall={stall}, seed={seed})"
        fr = await tb.sink.recv()
        beats = [int(x) for x in fr.tdata]
        want = itf.pack_net_output(rec["logits"][b])
        if beats != want:
            out_mism += 1
            if out_first is None:
                out_first = f"image {b}: output beats {beats} != expected {want}"
        lg, c = itf.unpack_net_output(cfg, beats) if len(beats) == len(want) else (np.zeros(cfg.n_classes), -1)
        got_logits.append([int(v) for v in lg])
        got_cls.append(c)
    await ClockCycles(tb.clk, 50)
    tb.monitoring = False
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    res = {"stall": stall, "seed": seed, "images": B, "boundaries": {}, "cycles": {}, "first_mismatch": None,
           "output_mismatching_images": out_mism, "output_first": out_first,
           # simulation speed of this per-cycle path (drivers, monitor, scoreboard in Python every cycle)
           "sim_cycles": tb.cycle, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
    first = None
    mism_vals = 0
    mism_imgs: set[int] = set()
    for ch in tb.checks:
        res["boundaries"][ch.name] = {"mismatching_values": ch.mismatching_values, "missing": ch.missing(),
                                      "first": ch.first_text()}
        mism_vals += ch.mismatching_values + ch.missing()
        mism_imgs |= ch.mismatching_images
        first = first or ch.first  # the earliest boundary in pipeline order (predict_first_mismatch's order)
    cyc_err = []
    for m in tb.mods:
        meas = tb.measured[m]
        want_c = [int(x) for x in formula[m]]
        res["cycles"][m] = {"measured": meas, "formula": want_c}
        if meas != want_c:
            cyc_err.append(f"{m}: measured {meas[:4]}... != formula {want_c[:4]}... ({len(meas)} vs {len(want_c)})")
    if sched_on:
        trace = {"boundaries": {b.name: tb.fires[i] for i, b in enumerate(boundaries(cfg))},
                 "px": tb.px_fires, "out": tb.out_fires}
        res["schedule"], sched_err = schedule_check(cfg, rec, tb.starts, tb.ends, trace)
        cyc_err += sched_err
    res["first_mismatch"] = first.text() if first else None
    res["mismatching_values"] = mism_vals
    res["mismatching_images"] = sorted(mism_imgs)
    res["cycle_errors"] = cyc_err
    res["starts"], res["ends"] = tb.starts, tb.ends
    if tb.trace:
        res["trace"] = {"boundaries": {b.name: tb.fires[i] for i, b in enumerate(boundaries(cfg))},
                        "px": tb.px_fires, "out": tb.out_fires}
    res["classes_hw"] = got_cls
    res["classes_golden"] = [int(x) for x in ref.predict(rec["logits"])]
    res["labels"] = labels
    res["logits_hw"] = got_logits
    out = Path(case["results_dir"]) / f"{stall}.json"
    out.write_text(json.dumps(res))
    assert out_mism == 0, f"[stall={stall}, seed={seed}] {out_first}"
    assert mism_vals == 0, f"[stall={stall}, seed={seed}] {res['first_mismatch']} ({mism_vals} values)"
    assert not cyc_err, f"[stall={stall}, seed={seed}] cycle model: {cyc_err[0]}"
