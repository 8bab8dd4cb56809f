# SPDX-License-Identifier: Apache-2.0
"""cocotb testbench of the network accelerator with AXI-Lite (hw/rtl/net_accel.v, or its Vitis-named wrapper
net_top / a Vitis export of the HLS kernel), run by sim/net_accel_sim.py, through the shared AXI harness
(sim/axi_harness.py: AxiHarness, net=True).

The case (artifact, images, stall patterns, seed, port names) comes from NET_ACCEL_CASE (case.json + .npz).
One test per stall pattern (`@cocotb.parametrize`), each asserting where it checks:
  - registers at idle: CONFIG_HASH, N_MODULES, CTRL ap_idle, STATUS after the weight load;
  - a run of IMAGES = B images started by ap_start with GIE/IER set: the result stream beat by beat equals
    the integer reference (logits and class of every image); `interrupt` rises only after the last result
    beat has left m_axis (every beat is in the sink then); CTRL reads ap_done then 0 (clear on read); ISR
    toggles off on a write of 1 and `interrupt` falls;
  - the counters: every module's <MOD>_ACTIVE (64 bits) == contract/cycles.py network_cycles summed over
    the run's images, IMAGES_DONE == B, CYCLES_TOTAL (64 bits) == the cycles from ap_start to ap_done seen
    here (within the CTRL write's response latency);
  - a second run of one image (the pixel stream is held off between runs) gives the next image's result.
Figures go to the results JSON beside.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, RisingEdge
from cocotbext.axi import AxiStreamFrame
from saformer.contract import cycles
from saformer.contract import interface as itf
from saformer.contract.artifact import load_artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.regmap import NET_STATUS_BITS, module_reg
from saformer.golden import reference as ref
from saformer.sim.axi_harness import AxiHarness

STALLS = ("none", "in_idle", "out_bp", "both")
C = itf.CTRL_BITS


def _pauses(rng: random.Random, p: float, burst: int):
    while True:
        if rng.random() < p:
            for _ in range(rng.randint(1, burst)):
                yield True
        yield False


def load_case() -> tuple[dict, dict]:
    case_json = Path(os.environ["NET_ACCEL_CASE"])
    return json.loads(case_json.read_text()), dict(np.load(case_json.with_suffix(".npz")))


async def _wait_irq(tb: AxiHarness, limit: int, what: str) -> int:
    for n in range(limit):
        await RisingEdge(tb.clk)
        if int(tb.irq.value):
            return n
    raise AssertionError(f"timeout ({limit} cycles) waiting for the interrupt of {what}")


async def _frames(tb: AxiHarness, n: int) -> list[list[int]]:
    return [[int(x) for x in (await tb.sink.recv()).tdata] for _ in range(n)]


@cocotb.test()
@cocotb.parametrize(stall=list(STALLS))
async def run_accel(dut, stall: str) -> None:
    case, npz = load_case()
    cfg = SAFormerConfig.from_dict(case["config"])
    art = load_artifact(case["artifact"])
    pixels = npz["pixels"].astype(np.int64)
    B = pixels.shape[0] - 1  # the first run takes B images, the second the last one
    assert B >= 1, "the case needs at least two images"
    rec = ref.forward(pixels, art.params, cfg)
    formula = cycles.network_cycles(cfg, rec)
    mods = cycles.network_modules(cfg)
    tb = AxiHarness(dut, case["ports"], cfg, net=True)
    seed = int(case["seed"]) + STALLS.index(stall)
    if stall in ("in_idle", "both"):
        tb.src.set_pause_generator(_pauses(random.Random(seed), 0.05, 40))
    if stall in ("out_bp", "both"):
        tb.sink.set_pause_generator(_pauses(random.Random(seed + 100), 0.3, 8))
    await tb.reset()
    res: dict = {"stall": stall, "seed": seed, "images": B + 1}

    # ---- idle registers, weight load
    assert await tb.read("CONFIG_HASH") == cfg.hash32
    assert await tb.read("N_MODULES") == len(mods)
    ctrl = await tb.read("CTRL")
    assert ctrl >> C["ap_idle"] & 1 and not ctrl >> C["ap_start"] & 1, f"CTRL at reset 0x{ctrl:x}"
    assert await tb.read("STATUS") >> NET_STATUS_BITS["not_loaded"] & 1, "STATUS not_loaded clear before a load"
    await tb.wsrc.send(AxiStreamFrame(itf.net_weight_stream(cfg, art.params)))
    await tb.wsrc.wait()
    for _ in range(200):
        if await tb.read("STATUS") == 0:
            break
    status = await tb.read("STATUS")
    assert status == 0, f"STATUS 0x{status:x} after a valid weight load"

    # ---- run 1: B images
    await tb.write("IMAGES", B)
    await tb.write("GIE", 1)
    await tb.write("IER", 1)
    for b in range(B + 1):  # the last image's pixels wait: the stream is held off after the run's B images
        await tb.src.send(AxiStreamFrame(itf.pack_pixels(cfg, pixels[b])))
    await tb.write("CTRL", 1 << C["ap_start"])
    limit = int(sum(int(v.sum()) for v in formula.values())) * 20 + 50_000
    waited = await _wait_irq(tb, limit, f"run 1 ({B} images)")
    frames_at_irq = tb.sink.queue.qsize()  # whole result frames (tlast seen) in the sink when interrupt rose
    got = await _frames(tb, B)
    assert frames_at_irq == B, f"interrupt with {frames_at_irq} of {B} results out (ap_done before the last beat)"
    want = [itf.pack_net_output(rec["logits"][b]) for b in range(B)]
    for b in range(B):
        assert got[b] == want[b], f"[stall={stall}, seed={seed}] image {b}: result beats {got[b]} != {want[b]}"
    ctrl = await tb.read("CTRL")
    assert ctrl >> C["ap_done"] & 1 and ctrl >> C["ap_idle"] & 1, f"CTRL after the run 0x{ctrl:x}"
    ctrl2 = await tb.read("CTRL")
    assert not ctrl2 >> C["ap_done"] & 1, f"ap_done not cleared on read (CTRL 0x{ctrl2:x})"
    assert await tb.read("ISR") & 1 == 1
    await tb.write("ISR", 1)  # toggle on write 1
    assert await tb.read("ISR") == 0
    await ClockCycles(tb.clk, 2)
    assert int(tb.irq.value) == 0, "interrupt still high after ISR was cleared"

    # ---- counters of run 1 against the cycle model
    regs = {"IMAGES_DONE": await tb.read("IMAGES_DONE"), "CYCLES_TOTAL": await tb.read64("CYCLES_TOTAL")}
    assert regs["IMAGES_DONE"] == B, regs
    act = {m: await tb.read64(f"{module_reg(m)}_ACTIVE") for m in mods}
    stall_regs = {m: await tb.read64(f"{module_reg(m)}_STALL") for m in mods}
    # the RTL accelerator counts every module's cycles; the HLS kernel (a Vitis export under test by
    # `make hls-rtl-sim`) reports 0 in every counter: a C function has no clock (hls/README.md)
    zero = case.get("counters", "model") == "zero"
    model = {m: 0 if zero else int(formula[m][:B].sum()) for m in mods}
    res.update({"registers": regs, "active": act, "active_model": model, "stall_cycles": stall_regs,
                "cycles_to_irq": waited})
    bad = [f"{m}: register {act[m]} != model {model[m]}" for m in mods if act[m] != model[m]]
    assert not bad, f"[stall={stall}, seed={seed}] module active cycles: {bad[:3]}"
    # CYCLES_TOTAL runs from the cycle ap_start was taken (before the CTRL write's response came back) to
    # ap_done (the cycle before interrupt rose): at least the cycles waited here, at most a write response more
    if zero:
        assert regs["CYCLES_TOTAL"] == 0, regs
    else:
        assert waited <= regs["CYCLES_TOTAL"] <= waited + 16, (regs, waited)

    # ---- run 2: the held-off image
    await tb.write("IMAGES", 1)
    await tb.write("CTRL", 1 << C["ap_start"])
    await _wait_irq(tb, limit, "run 2 (1 image)")
    got2 = await _frames(tb, 1)
    assert got2[0] == itf.pack_net_output(rec["logits"][B]), f"[stall={stall}] run 2: {got2[0]}"
    act2 = {m: await tb.read64(f"{module_reg(m)}_ACTIVE") for m in mods}
    model2 = {m: 0 if zero else int(formula[m][B]) for m in mods}
    assert act2 == model2, f"[stall={stall}] run 2 active cycles {act2} != model {model2}"
    assert await tb.read("IMAGES_DONE") == 1
    res["classes_hw"] = [itf.unpack_net_output(cfg, f)[1] for f in got + got2]
    res["classes_golden"] = [int(x) for x in ref.predict(rec["logits"])]
    assert res["classes_hw"] == res["classes_golden"]
    (Path(case["results_dir"]) / f"{stall}.json").write_text(json.dumps(res))
