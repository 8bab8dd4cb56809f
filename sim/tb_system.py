# SPDX-License-Identifier: Apache-2.0
"""cocotb system tests of the SASA engine top through AXI-Lite (run by sim/system.py).

The case (SASA_CASE: case.json + case.npz) names the checks to run; sim/system.py passes them to the cocotb
runner as `testcase=` (no test returns early to skip). Each check starts from a reset, uses the `TB` of
sim/tb_sasa.py (same port-name map, so the Vitis-named wrapper runs the same checks) and writes
results/<check>.json for the report; the newer checks (reset_handshakes, framing, done_after_drain,
counters_64bit) assert inside the test, so results.xml says FAIL when they fail.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge, Timer
from cocotb.utils import get_sim_time
from cocotbext.axi import AxiStreamFrame
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.interface import registers
from saformer.sim.axi_harness import PORT_NAMES
from saformer.sim.scoreboard import check_image
from saformer.sim.tb_sasa import CTRL_DONE, CTRL_IDLE, CTRL_START, TB


def _case():
    path = Path(os.environ["SASA_CASE"])
    case = json.loads(path.read_text())
    return case, np.load(path.with_suffix(".npz")), SAFormerConfig.from_dict(case["config"])


def _save(case: dict, check: str, data: dict) -> None:
    res = Path(case["results_dir"])
    tmp = res / f".{check}.json.tmp"
    tmp.write_text(json.dumps(data))
    os.replace(tmp, res / f"{check}.json")


async def _setup(dut, case, cfg) -> TB:
    tb = TB(dut, case.get("ports", "house"), cfg)
    await tb.reset()
    return tb


async def _run_image(tb: TB, case, arrays, cfg, i: int, images_reg: int = 1) -> dict:
    """Send image i, ap_start (IMAGES = images_reg), check its beats, wait for ap_done."""
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][i]]))
    ctrl = await tb.start(images_reg)
    label, formula = case["images"][i]["label"], case["images"][i]["formula"]
    frame = await tb.recv_frame(formula, f"image {label}")
    chk = check_image(cfg, label, [int(b) for b in frame.tdata], arrays["expected"][i])
    done = await tb.wait_done(formula, f"image {label}")
    act = await tb.read("CYCLES_ACTIVE")
    return {"label": case["images"][i]["label"], "mismatches": chk.mismatches,
            "first": chk.first.text() if chk.first else None, "ctrl_at_start": ctrl, "ctrl_done": done,
            "cycles_active": act, "formula": case["images"][i]["formula"]}


def _want(case, w: str) -> list[int]:
    return [i for i, im in enumerate(case["images"]) if im["w"] == w]


@cocotb.test()
async def regmap(dut) -> None:
    """Every register of contract/interface.py's map read back through AXI-Lite after reset; RW registers
    written and read back."""
    case, _arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    reads = {r.name: await tb.read(r.name) for r in registers(cfg)}
    rw = {}
    for name, val in (("IMAGES", 0x12345678), ("GIE", 1), ("IER", 3)):
        await tb.write(name, val)
        rw[name] = await tb.read(name)
        await tb.write(name, 0)
    unmapped = await tb.axil.read_dword(max(r.offset for r in registers(cfg)) + 8)
    _save(case, "regmap", {"reads": reads, "rw": rw, "unmapped": unmapped})


@cocotb.test()
async def control(dut) -> None:
    """ap_ctrl_hs: ap_start reads 1 during a run, ap_done/ap_ready clear on read, ap_idle, interrupt with
    GIE/IER, ISR toggle-on-write; IMAGES = 0 runs one image; IMAGES = 2 runs two images in one start."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    a = _want(case, "A")
    st = await tb.load_weights(case["weights"]["A"])
    await tb.write("GIE", 1)
    await tb.write("IER", 1)
    out = {"load": st, "images": []}
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][a[0]]]))
    out["ctrl_at_start"] = await tb.start(1)
    frame = await tb.recv_frame(case["images"][a[0]]["formula"], f"control: image {case['images'][a[0]]['label']}")
    chk = check_image(cfg, case["images"][a[0]]["label"], [int(b) for b in frame.tdata], arrays["expected"][a[0]])
    out["images"].append({"label": case["images"][a[0]]["label"], "mismatches": chk.mismatches})
    for _ in range(50):
        if int(tb.irq.value):
            break
        await RisingEdge(tb.clk)
    out["irq"] = int(tb.irq.value)
    out["isr"] = await tb.read("ISR")
    out["ctrl_1st_read"] = await tb.read("CTRL")
    out["ctrl_2nd_read"] = await tb.read("CTRL")
    await tb.write("ISR", 1)
    out["isr_after_toggle"] = await tb.read("ISR")
    await ClockCycles(tb.clk, 2)
    out["irq_after_toggle"] = int(tb.irq.value)
    await tb.write("GIE", 0)
    # IMAGES = 0 counts as 1
    r0 = await _run_image(tb, case, arrays, cfg, a[1], images_reg=0)
    out["images"].append(r0)
    await ClockCycles(tb.clk, 200)
    out["extra_frames_after_images0"] = tb.sink.count()
    # two images in one run
    for i in a[2:4]:
        await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][i]]))
    out["ctrl_at_start2"] = await tb.start(2)
    for i in a[2:4]:
        frame = await tb.recv_frame(case["images"][i]["formula"], f"control: image {case['images'][i]['label']}")
        chk = check_image(cfg, case["images"][i]["label"], [int(b) for b in frame.tdata], arrays["expected"][i])
        out["images"].append({"label": case["images"][i]["label"], "mismatches": chk.mismatches})
    await tb.wait_done(sum(case["images"][i]["formula"] for i in a[2:4]), "control: two-image run")
    out["run2_cycles_active"] = await tb.read("CYCLES_ACTIVE")
    out["run2_formula"] = sum(case["images"][i]["formula"] for i in a[2:4])
    out["ctrl_final"] = await tb.read("CTRL")
    _save(case, "control", out)


@cocotb.test()
async def start_before_load(dut) -> None:
    """ap_start before any weight load is refused (STATUS bit0, no output); after a valid load the same
    queued image runs bit-exact."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    i = _want(case, "A")[0]
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][i]]))
    out = {"ctrl_at_start": await tb.start(1)}
    await ClockCycles(tb.clk, 300)
    out["status"] = await tb.read("STATUS")
    out["ctrl"] = await tb.read("CTRL")
    out["beats_out"] = tb.sink.count()
    out["load"] = await tb.load_weights(case["weights"]["A"])
    out["ctrl_at_start_after_load"] = await tb.start(1)
    where = f"start_before_load: image {case['images'][i]['label']}"
    frame = await tb.recv_frame(case["images"][i]["formula"], where)
    chk = check_image(cfg, case["images"][i]["label"], [int(b) for b in frame.tdata], arrays["expected"][i])
    await tb.wait_done(case["images"][i]["formula"], where)
    out["images"] = [{"label": case["images"][i]["label"], "mismatches": chk.mismatches}]
    out["status_end"] = await tb.read("STATUS")
    _save(case, "start_before_load", out)


@cocotb.test()
async def load_errors(dut) -> None:
    """After a valid load and image: a wrong-hash, a truncated and an over-long load each raise their flag
    and refuse ap_start (the failed load leaves no usable weights); a valid load then runs bit-exact."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    good = [int(w) for w in case["weights"]["A"]]
    bad_hash = list(good)
    bad_hash[2] ^= 1
    bads = {"wrong_hash": bad_hash, "truncated": good[:-1], "over_long": good + [0]}
    a = _want(case, "A")
    out = {"first": [], "kinds": {}, "images": []}
    await tb.load_weights(good)
    out["first"].append(await _run_image(tb, case, arrays, cfg, a[0]))
    for j, (kind, words) in enumerate(bads.items()):
        rec = {"load": await tb.load_weights(words), "status": await tb.read("STATUS"),
               "ctrl_at_start": await tb.start(1)}
        await ClockCycles(tb.clk, 20)
        rec["ctrl"] = await tb.read("CTRL")
        rec["valid_load"] = await tb.load_weights(good)
        rec["status_after_valid"] = await tb.read("STATUS")
        r = await _run_image(tb, case, arrays, cfg, a[(j + 1) % len(a)])
        rec["image"] = r
        out["images"].append(r)
        out["kinds"][kind] = rec
    out["images"] += out["first"]
    _save(case, "load_errors", out)


@cocotb.test()
async def reset_mid_image(dut) -> None:
    """aresetn pulled in the middle of an image (half-way through its cycles): the engine returns idle with
    no weights; after a reload the next image is bit-exact and nothing of the aborted image comes out."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    a = _want(case, "A")
    await tb.load_weights(case["weights"]["A"])
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][a[0]]]))
    out = {"ctrl_at_start": await tb.start(1)}
    await ClockCycles(tb.clk, case["images"][a[0]]["formula"] // 2)
    out["busy_at_reset"] = int(tb.eng.busy.value)
    await tb.reset()
    out["status_after_reset"] = await tb.read("STATUS")
    out["ctrl_after_reset"] = await tb.read("CTRL")
    out["frames_after_reset"] = tb.sink.count()
    out["load"] = await tb.load_weights(case["weights"]["A"])
    r = await _run_image(tb, case, arrays, cfg, a[1])
    await ClockCycles(tb.clk, 100)
    out["extra_frames"] = tb.sink.count()
    out["images"] = [r]
    _save(case, "reset_mid_image", out)


@cocotb.test()
async def reload(dut) -> None:
    """Weights reloaded between images, alternating two artifacts (A, B, A, B, A): each image bit-exact,
    CYCLES_ACTIVE equal to its formula."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    a, b = _want(case, "A"), _want(case, "B")
    order = [("A", a[0]), ("B", b[0]), ("A", a[1]), ("B", b[1 % len(b)]), ("A", a[2])]
    out = {"images": [], "loads": []}
    for w, i in order:
        out["loads"].append(await tb.load_weights(case["weights"][w]))
        out["images"].append(await _run_image(tb, case, arrays, cfg, i))
    _save(case, "reload", out)


@cocotb.test()
async def long_run(dut) -> None:
    """Many runs in one simulation (the plan of sim/system.py: run_long): resets and reloads between runs,
    random stall patterns; every output frame compared beat by beat with the reference."""
    case, arrays, cfg = _case()
    spikes, expected, formula = arrays["spikes"], arrays["expected"], arrays["formula"]
    tb = TB(dut, case.get("ports", "house"), cfg)
    await tb.reset()
    t0 = time.perf_counter()
    lost = dup = wrong = images = cycle_errors = timeouts = 0
    first = None
    recover = False  # after a timeout: reset and reload before the next run (the engine state is unknown)
    weights = None
    sim_t0 = get_sim_time("ns")
    for ri, run in enumerate(case["plan"]):
        if os.environ.get("SASA_DEBUG"):  # one log line per run (a hang shows where)
            dut._log.warning("run %s", run)
        tb.set_stalls("none", 0)
        if run["reset"] or recover:
            await tb.reset()
        if run["load"] or recover or weights != run["w"]:
            st = await tb.load_weights(case["weights"]["AB"[run["w"]]])
            if not st["loaded"]:
                raise AssertionError(f"weight load refused: {st}")
            weights = run["w"]
        recover = False
        tb.set_stalls(run["stall"], run["stall_seed"])
        if ri == case.get("hang_run"):  # fault injection (tests): a consumer that never takes output
            tb.sink.set_pause_generator(None)
            tb.sink.pause = True
        lo, k = run["first"], run["count"]
        for i in range(lo, lo + k):
            await tb.src.send(AxiStreamFrame([int(w) for w in spikes[i]]))
        ctrl = await tb.start(k)
        if not ctrl & CTRL_START:
            raise AssertionError(f"ap_start refused (CTRL 0x{ctrl:x}) at image {lo}")
        for i in range(lo, lo + k):
            want = itf.pack_increments(expected[i].astype(np.int64), cfg.lanes)
            images += 1
            try:
                frame = await tb.recv_frame(int(formula[i]), f"long run: image {i} (run of images {lo}..{lo + k - 1}, "
                                            f"stall {run['stall']})")
            except AssertionError as e:  # a wholly missing frame: every beat of it (and of the rest) lost
                timeouts += 1
                lost += len(want) + sum(len(itf.pack_increments(expected[j].astype(np.int64), cfg.lanes))
                                        for j in range(i + 1, lo + k))
                images += lo + k - 1 - i
                first = first or str(e)
                recover = True
                break
            got = [int(x) for x in frame.tdata]
            if got != want:
                lost += max(0, len(want) - len(got))
                dup += max(0, len(got) - len(want))
                bad = sum(1 for g, w in zip(got, want) if g != w)
                wrong += bad
                if first is None:
                    first = check_image(cfg, f"long[{i}]", got, expected[i]).first
                    first = first.text() if first else f"image {i}: {len(got)} beats for {len(want)}"
        tb.set_stalls("none", 0)
        if recover:
            cycle_errors += 1
            continue
        try:
            await tb.wait_done(int(formula[lo:lo + k].sum()), f"long run: images {lo}..{lo + k - 1}")
        except AssertionError as e:
            timeouts += 1
            cycle_errors += 1
            first = first or str(e)
            recover = True
            continue
        if images // 1000 != (images - k) // 1000:
            dut._log.warning("long run: %d images, %d lost, %d duplicated, %d wrong, %.0f s", images, lost, dup,
                             wrong, time.perf_counter() - t0)
        if await tb.read("CYCLES_ACTIVE") != int(formula[lo:lo + k].sum()):
            cycle_errors += 1
    await ClockCycles(tb.clk, 200)
    dup += sum(len(f.tdata) for f in [tb.sink.recv_nowait() for _ in range(tb.sink.count())] if f)
    ctrl = await tb.read("CTRL")
    sim_cycles = int((get_sim_time("ns") - sim_t0) // 10)
    _save(case, "long_run", {"images": images, "lost": lost, "duplicated": dup, "wrong": wrong,
                             "first_wrong": first, "cycle_errors": cycle_errors, "timeouts": timeouts,
                             "ctrl_end": ctrl,
                             "idle_end": bool(ctrl & CTRL_IDLE), "done_pending": bool(ctrl & CTRL_DONE),
                             "sim_cycles": sim_cycles, "sim_wall_s": round(time.perf_counter() - t0, 2)})


def _port(dut, prefix: str, sig: str):
    """A top-level port by bus prefix and signal name, in the top's spelling (house: lower, Vitis: upper)."""
    for name in (f"{prefix}_{sig}", f"{prefix}_{sig.upper()}"):
        if hasattr(dut, name):
            return getattr(dut, name)
    raise AttributeError(f"no port {prefix}_{sig}")


def _expect_exact(cfg: SAFormerConfig, label: str, frame, want) -> None:
    chk = check_image(cfg, label, [int(b) for b in frame.tdata], want)
    assert chk.mismatches == 0, f"{label}: {chk.mismatches} mismatches, first {chk.first.text()}"


@cocotb.test()
async def reset_handshakes(dut) -> None:
    """While aresetn is low, every AXI ready and valid output of the top is low (AXI A3.1.2): from the very
    cycle aresetn falls (combinationally, not from the next clock edge), in the middle of an image with the
    spike input ready and the AXI-Lite slave ready; afterwards a reload and an image are bit-exact."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    names = PORT_NAMES[case.get("ports", "house")]
    ctl = names["ctrl"]
    outs = {f"{names['s_axis']}_tready": _port(dut, names["s_axis"], "tready"),
            f"{names['s_axis_w']}_tready": _port(dut, names["s_axis_w"], "tready"),
            f"{names['m_axis']}_tvalid": _port(dut, names["m_axis"], "tvalid"),
            **{f"{ctl}_{sig}": _port(dut, ctl, sig) for sig in ("awready", "wready", "bvalid", "arready", "rvalid")}}
    a = _want(case, "A")
    await tb.load_weights(case["weights"]["A"])
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][a[0]]]))
    await tb.start(1)
    await ClockCycles(tb.clk, max(4, case["images"][a[0]]["formula"] // 3))
    await FallingEdge(tb.clk)
    before = {k: int(v.value) for k, v in outs.items()}
    assert before[f"{ctl}_awready"] == 1 and before[f"{ctl}_arready"] == 1, before
    tb.rstn.value = 0
    await Timer(1, "ns")
    now = {k: int(v.value) for k, v in outs.items()}
    assert not any(now.values()), f"in the cycle aresetn fell: {now}"
    for cyc in range(4):
        await RisingEdge(tb.clk)
        await ReadOnly()
        now = {k: int(v.value) for k, v in outs.items()}
        assert not any(now.values()), f"cycle {cyc} of reset: {now}"
    await FallingEdge(tb.clk)
    tb.rstn.value = 1
    await ClockCycles(tb.clk, 2)
    tb.sink.clear()
    assert await tb.read("STATUS") & 1, "after reset the weights must be reloaded (STATUS bit0)"
    await tb.load_weights(case["weights"]["A"])
    r = await _run_image(tb, case, arrays, cfg, a[1])
    assert r["mismatches"] == 0, r
    _save(case, "reset_handshakes", {"outputs_before": before, "images": [r]})


@cocotb.test()
async def framing(dut) -> None:
    """The framing policy (docs/interface.md): an early TLAST ends the image with silent tokens (the output is
    the reference of the zero-filled image) and a missing TLAST drops words up to the next TLAST; either way
    STATUS bit protocol is set and the images after it are bit-exact."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    a = _want(case, "A")
    words_per_token = -(-cfg.D // cfg.stream_bits)
    await tb.load_weights(case["weights"]["A"])
    proto = 1 << itf.STATUS_BITS["protocol"]
    # early TLAST: only the first trunc_tokens tokens of image a[0], TLAST on the last word of the last one
    k = case["trunc_tokens"]
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][a[0]][:k * words_per_token]]))
    await tb.start(1)
    label = case["images"][a[0]]["label"] + f" (TLAST after {k} tokens)"
    frame = await tb.recv_frame(case["images"][a[0]]["formula"], f"framing: {label}")
    _expect_exact(cfg, label, frame, arrays["trunc_expected"])
    await tb.wait_done(case["images"][a[0]]["formula"], f"framing: {label}")
    assert await tb.read("STATUS") & proto, "early TLAST must set STATUS protocol"
    r1 = await _run_image(tb, case, arrays, cfg, a[1])
    assert r1["mismatches"] == 0, r1
    # missing TLAST: image a[2] complete but without TLAST, followed by 3 stray words and the TLAST
    words = [int(w) for w in arrays["spikes"][a[2]]] + [0x5, 0x6, 0x7]
    await tb.src.send(AxiStreamFrame(words))
    await tb.start(1)
    label = case["images"][a[2]]["label"] + " (no TLAST, 3 stray words)"
    frame = await tb.recv_frame(case["images"][a[2]]["formula"], f"framing: {label}")
    _expect_exact(cfg, label, frame, arrays["expected"][a[2]])
    await tb.wait_done(case["images"][a[2]]["formula"], f"framing: {label}")
    r3 = await _run_image(tb, case, arrays, cfg, a[3])
    assert r3["mismatches"] == 0, f"the image after a missing TLAST: {r3}"
    assert await tb.read("STATUS") & proto, "missing TLAST must set STATUS protocol"
    assert tb.sink.count() == 0, "no extra output frames"
    _save(case, "framing", {"images": [r1, r3]})


@cocotb.test()
async def done_after_drain(dut) -> None:
    """Under output backpressure (m_axis held not-ready for PAUSE cycles while beats wait), ap_done, ap_ready
    and the interrupt stay low until the image's last beat has left m_axis, and rise only after it;
    CYCLES_TOTAL counts the drain (= the image's first-token-to-last-beat count + 2)."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    pause = 300
    i = _want(case, "A")[0]
    await tb.load_weights(case["weights"]["A"])
    await tb.write("GIE", 1)
    await tb.write("IER", 3)
    cocotb.start_soon(tb.monitor())
    m_valid, m_ready, m_last = tb.sink.bus.tvalid, tb.sink.bus.tready, tb.sink.bus.tlast
    tb.sink.pause = True
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][i]]))
    await tb.start(1)
    formula = case["images"][i]["formula"]
    # hold the output until the engine has long finished computing, then let the beats drain
    await ClockCycles(tb.clk, formula + pause)
    assert int(m_valid.value) == 1, "beats must be waiting"
    assert int(tb.irq.value) == 0 and not tb.done_log, "interrupt/img_done before the output drained"
    assert not (await tb.read("CTRL")) & CTRL_DONE, "ap_done before the output drained"
    tb.sink.pause = False
    last_beat = irq_rise = None
    cyc = 0
    while irq_rise is None and cyc < 10 * formula + 1000:
        await RisingEdge(tb.clk)
        await ReadOnly()
        cyc += 1
        if last_beat is None and int(m_valid.value) and int(m_ready.value) and int(m_last.value):
            last_beat = cyc
            assert int(tb.irq.value) == 0, "interrupt high while the last beat is still in m_axis"
        if int(tb.irq.value):
            irq_rise = cyc
    assert last_beat is not None and irq_rise is not None and irq_rise > last_beat, (last_beat, irq_rise)
    await RisingEdge(tb.clk)
    frame = await tb.recv_frame(formula, "done_after_drain")
    _expect_exact(cfg, case["images"][i]["label"], frame, arrays["expected"][i])
    ctrl = await tb.read("CTRL")
    assert ctrl & CTRL_DONE, ctrl
    total = await tb.read("CYCLES_TOTAL") | (await tb.read("CYCLES_TOTAL_HI")) << 32
    assert tb.done_log, "img_done never pulsed"
    img_total = tb.done_log[-1][1]
    assert total == img_total + 2 and total >= formula + pause, (total, img_total, formula, pause)
    _save(case, "done_after_drain", {"cycles_total": total, "image_cycles_total": img_total, "formula": formula,
                                     "pause": pause, "last_beat_cycle": last_beat, "irq_cycle": irq_rise})


@cocotb.test()
async def counters_64bit(dut) -> None:
    """CYCLES_ACTIVE and CYCLES_TOTAL are 64 bits: with their low halves advanced close to 2^32 during a run
    (the run's true counts plus a known offset), the 64-bit pair read after ap_done is exact -- the carry
    lands in the *_HI register, nothing wraps."""
    case, arrays, cfg = _case()
    tb = await _setup(dut, case, cfg)
    i = _want(case, "A")[0]
    await tb.load_weights(case["weights"]["A"])
    r = await _run_image(tb, case, arrays, cfg, i)
    tot0 = await tb.read("CYCLES_TOTAL")
    assert await tb.read("CYCLES_TOTAL_HI") == 0 and await tb.read("CYCLES_ACTIVE_HI") == 0
    ctrl = tb.eng.u_ctrl
    off_t, off_a = 0xFFFF_FFFF - tot0 // 2, 0xFFFF_FFFF - r["cycles_active"] // 2
    await tb.src.send(AxiStreamFrame([int(w) for w in arrays["spikes"][i]]))
    await tb.start(1)
    await FallingEdge(tb.clk)
    assert int(ctrl.act_q.value) == 0, "the offset must go in before the image ends"
    ctrl.tot_q.value = int(ctrl.tot_q.value) + off_t
    ctrl.act_q.value = off_a
    frame = await tb.recv_frame(case["images"][i]["formula"], "counters_64bit")
    _expect_exact(cfg, case["images"][i]["label"], frame, arrays["expected"][i])
    await tb.wait_done(case["images"][i]["formula"], "counters_64bit")
    tot = await tb.read("CYCLES_TOTAL") | (await tb.read("CYCLES_TOTAL_HI")) << 32
    act = await tb.read("CYCLES_ACTIVE") | (await tb.read("CYCLES_ACTIVE_HI")) << 32
    assert act == r["cycles_active"] + off_a and act >= 2 ** 32, (hex(act), r["cycles_active"], hex(off_a))
    assert tot == tot0 + off_t and tot >= 2 ** 32, (hex(tot), tot0, hex(off_t))
    _save(case, "counters_64bit", {"cycles_total": tot, "cycles_active": act})
