# SPDX-License-Identifier: Apache-2.0
"""cocotb tests of the hand-written units on Icarus (tests/test_rtl_units.py builds and runs them).
Parameters are read back from the DUT; the expected values are computed here from the written semantics."""

from __future__ import annotations

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, Timer


def _signed(x: int, w: int) -> int:
    x &= (1 << w) - 1
    return x - (1 << w) if x >> (w - 1) else x


async def _stream_beats(dut, toks: list[tuple[int, int]], n_want: int, ob: int, w: int, rng: random.Random,
                        max_cycles: int) -> tuple[list[tuple[int, list[int]]], int, int]:
    """Drive `toks` ((data, last) per token) into s_* under random input gaps (valid 70 %) and take m_* beats under
    random backpressure (ready 60 %) until `n_want` beats arrived or `max_cycles` passed: returns the beats
    (m_last, OB signed lanes of `w` bits), the act cycles and the img_end pulses seen."""
    got: list[tuple[int, list[int]]] = []
    act, ends, i = 0, 0, 0
    for _cycle in range(max_cycles):
        v = i < len(toks) and rng.random() < 0.7
        rd = rng.random() < 0.6
        dut.s_valid.value, dut.m_ready.value = int(v), int(rd)
        dut.s_data.value, dut.s_last.value = (toks[i][0], int(toks[i][1])) if i < len(toks) else (0, 0)
        await ReadOnly()
        if v and int(dut.s_ready.value):
            i += 1
        if rd and int(dut.m_valid.value):
            data = int(dut.m_data.value)
            got.append((int(dut.m_last.value), [_signed(data >> (k * w), w) for k in range(ob)]))
        act += int(dut.act.value)
        ends += int(dut.img_end.value)
        await RisingEdge(dut.clk)
        if len(got) == n_want:
            break
    return got, act, ends


def _check_beats(got: list[tuple[int, list[int]]], want: list[tuple[int, list[int]]], per_token: int, ob: int,
                 what: str) -> None:
    """Beats equal, the first difference by (beat, token, `what` within the token, lane, channel)."""
    assert len(got) == len(want), (len(got), len(want))
    for k, (a, b) in enumerate(zip(got, want)):
        tok, g = divmod(k, per_token)
        assert a[0] == b[0], f"beat {k} (token {tok}, {what} {g}): m_last {a[0]} != {b[0]}"
        for lane, (x, y) in enumerate(zip(a[1], b[1])):
            assert x == y, f"beat {k} (token {tok}, {what} {g}), lane {lane} (channel {g * ob + lane}): {x} != {y}"


@cocotb.test()
async def lif_unit_matches_semantics(dut) -> None:
    """v' = v - (v >>> k) + I; s = v' >= theta; stored = s ? 0 : v' -- v and I over their full ranges
    (both ends included), thresholds at 1, 2 and the top, and pre-reset values aimed at the proven bounds."""
    mem_w, cur_w, th_w, k = (int(dut.MEM_W.value), int(dut.CUR_W.value), int(dut.TH_W.value), int(dut.K.value))
    rng = random.Random(5)
    vlo, vhi = -(1 << (mem_w - 1)), (1 << (mem_w - 1)) - 1
    clo, chi = -(1 << (cur_w - 1)), (1 << (cur_w - 1)) - 1
    thmax = (1 << th_w) - 1
    vs = (vlo, vlo + 1, vlo // 2, -1, 0, 1, vhi // 2, vhi - 1, vhi)
    cs = (clo, clo + 1, -1, 0, 1, chi - 1, chi)
    ths = sorted({1, 2, max(1, thmax - 1), thmax})
    cases = [(v, c, th, cl) for v in vs for c in cs for th in ths for cl in (0, 1)]
    cases += [(rng.randint(vlo, vhi), rng.randint(clo, chi), rng.randint(1, thmax), rng.randint(0, 1))
              for _ in range(2000)]
    # pre-reset values exactly at the ends of the membrane range (and next to them)
    for target in (vlo, vlo + 1, vhi - 1, vhi):
        for _ in range(50):
            v = rng.randint(vlo, vhi)
            c = target - (v - (v >> k))
            if clo <= c <= chi:
                cases.append((v, c, rng.randint(1, thmax), 0))
    checked = 0
    for v, c, th, cl in cases:
        dut.v_old.value = v & ((1 << mem_w) - 1)
        dut.cur.value = c & ((1 << cur_w) - 1)
        dut.theta.value = th
        dut.clear.value = cl
        await Timer(1, unit="ns")
        v0 = 0 if cl else v
        pre = v0 - (v0 >> k) + c
        if not vlo <= pre <= vhi:
            continue  # outside the proven range: the width proof excludes it
        s = int(pre >= th)
        assert int(dut.spike.value) == s, (v, c, th, cl)
        assert _signed(int(dut.v_new.value), mem_w) == (0 if s else pre), (v, c, th, cl)
        checked += 1
    assert checked > len(cases) // 2, (checked, len(cases))  # most draws lie in the proven range


@cocotb.test()
async def spike_finder_lowest_bit(dut) -> None:
    w = int(dut.W.value)
    rng = random.Random(6)
    masks = range(1 << w) if w <= 10 else [rng.getrandbits(w) for _ in range(3000)] + [0, 1 << (w - 1)]
    for m in masks:
        dut.mask.value = m
        await Timer(1, unit="ns")
        assert int(dut.any.value) == int(m != 0)
        if m:
            low = (m & -m).bit_length() - 1
            assert int(dut.idx.value) == low, (m, int(dut.idx.value))
            assert int(dut.rest.value) == m & (m - 1)


@cocotb.test()
async def spike_chunks_port_contract(dut) -> None:
    """spike_chunks against its port contract (the values of spike_finder and pop_sat3 over the whole mask), with
    nz / g2 the mask's chunk flags and r_sel / r_loc its own sel / locs fed back."""
    w, kw, iw = int(dut.W.value), int(dut.KW.value), int(dut.IW.value)
    k = 1 << kw
    c = (w + k - 1) // k
    rng = random.Random(13)

    def flags(m: int) -> tuple[int, int]:
        nz = g2 = 0
        for i in range(c):
            n = bin((m >> (i * k)) & ((1 << k) - 1)).count("1")
            nz |= int(n >= 1) << i
            g2 |= int(n >= 2) << i
        return nz, g2

    # sparse and dense draws, every single bit, the empty and the full mask
    masks = (range(1 << w) if w <= 10 else
             [rng.getrandbits(w) & rng.getrandbits(w) & rng.getrandbits(w) for _ in range(800)]
             + [rng.getrandbits(w) for _ in range(800)] + [1 << i for i in range(w)] + [0, (1 << w) - 1])
    for m in masks:
        nz, g2 = flags(m)
        other = rng.getrandbits(w)
        dut.mask.value, dut.nz.value, dut.g2.value = m, nz, g2
        dut._id("in", extended=False).value = other  # `in` is a Python keyword
        await Timer(1, unit="ns")
        dut.r_sel.value = int(dut.sel.value)
        dut.r_loc.value = int(dut.locs.value)
        await Timer(1, unit="ns")
        rest = m & (m - 1)
        assert int(dut.any.value) == int(m != 0), m
        assert int(dut.one.value) == int(bin(m).count("1") <= 1), m
        assert int(dut.rest.value) == rest, (m, int(dut.rest.value))
        assert (int(dut.nz_rest.value), int(dut.g2_rest.value)) == flags(rest), m
        assert (int(dut.in_nz.value), int(dut.in_g2.value)) == flags(other), other
        low = (m & -m).bit_length() - 1 if m else 0
        assert int(dut.r_idx.value) == low & ((1 << iw) - 1), (m, int(dut.r_idx.value))


async def _no_loss_no_dup(dut, seed: int, cycles_per_word: int) -> None:
    """Random valid and ready on a one-input one-output stream buffer: every word out once, in order; at most
    `cycles_per_word` cycles a word (+2) when never stalled."""
    width = int(dut.W.value)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    rng = random.Random(seed)
    dut.rst.value = 1
    dut.s_valid.value = 0
    dut.m_ready.value = 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    for p_in, p_out in ((1.0, 1.0), (0.6, 0.5), (1.0, 0.3), (0.3, 1.0)):
        words = [rng.getrandbits(width) for _ in range(300)]
        got, i, cycles = [], 0, 0
        while len(got) < len(words):
            v = i < len(words) and rng.random() < p_in
            dut.s_valid.value = int(v)
            dut.s_data.value = words[i] if i < len(words) else 0
            dut.m_ready.value = int(rng.random() < p_out)
            await ReadOnly()
            if v and int(dut.s_ready.value):
                i += 1
            if int(dut.m_valid.value) and int(dut.m_ready.value):
                got.append(int(dut.m_data.value))
            await RisingEdge(dut.clk)
            cycles += 1
        assert got == words, (p_in, p_out)
        if p_in == p_out == 1.0:
            assert cycles <= cycles_per_word * len(words) + 2
        dut.s_valid.value = 0
        await ClockCycles(dut.clk, 3)


@cocotb.test()
async def axis_skid_no_loss_no_dup(dut) -> None:
    """axis_skid: every word once, in order; full throughput (one word a cycle) when never stalled."""
    await _no_loss_no_dup(dut, seed=7, cycles_per_word=1)


@cocotb.test()
async def axis_half_no_loss_no_dup(dut) -> None:
    """axis_half: every word once, in order; one word per two cycles when never stalled."""
    await _no_loss_no_dup(dut, seed=11, cycles_per_word=2)


@cocotb.test()
async def axis_split_beats_in_order(dut) -> None:
    """axis_split: every token once, as NB beats in channel order (beat b = bits b*W ..), m_last only on
    the last beat of a token taken with s_last; NB + 1 cycles a token when never stalled (one entry)."""
    w, nb = int(dut.W.value), int(dut.NB.value)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    rng = random.Random(17)
    dut.rst.value = 1
    dut.s_valid.value = 0
    dut.s_last.value = 0
    dut.m_ready.value = 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    for p_in, p_out in ((1.0, 1.0), (0.6, 0.5), (1.0, 0.3), (0.3, 1.0)):
        toks = [(rng.getrandbits(nb * w), rng.random() < 0.3) for _ in range(100)]
        want = [((d >> (b * w)) & ((1 << w) - 1), int(last and b == nb - 1)) for d, last in toks for b in range(nb)]
        got, i, cycles = [], 0, 0
        while len(got) < len(want):
            v = i < len(toks) and rng.random() < p_in
            dut.s_valid.value = int(v)
            dut.s_data.value = toks[i][0] if i < len(toks) else 0
            dut.s_last.value = int(toks[i][1]) if i < len(toks) else 0
            dut.m_ready.value = int(rng.random() < p_out)
            await ReadOnly()
            if v and int(dut.s_ready.value):
                i += 1
            if int(dut.m_valid.value) and int(dut.m_ready.value):
                got.append((int(dut.m_data.value), int(dut.m_last.value)))
            await RisingEdge(dut.clk)
            cycles += 1
        assert got == want, (p_in, p_out, next(j for j in range(len(got)) if got[j] != want[j]))
        if p_in == p_out == 1.0:
            assert cycles <= (nb + 1) * len(toks) + 2, cycles
        dut.s_valid.value = 0
        await ClockCycles(dut.clk, 3)


@cocotb.test()
async def net_gather_tokens(dut) -> None:
    """net_gather: m_fire exactly with every NB-th beat transferred, m_data = the token (beat b at bits
    b*W ..) in that cycle, for random gaps between beats."""
    w, nb = int(dut.W.value), int(dut.NB.value)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    rng = random.Random(23)
    dut.rst.value = 1
    dut.fire.value = 0
    dut.data.value = 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    beats = [rng.getrandbits(w) for _ in range(nb * 120)]
    want = [sum(beats[k * nb + b] << (b * w) for b in range(nb)) for k in range(120)]
    got, i = [], 0
    while i < len(beats):
        f = rng.random() < 0.6
        dut.fire.value = int(f)
        dut.data.value = beats[i] if f else rng.getrandbits(w)
        await ReadOnly()
        if int(dut.m_fire.value):
            assert f and i % nb == nb - 1, i
            got.append(int(dut.m_data.value))
        else:
            assert not (f and i % nb == nb - 1), i
        if f:
            i += 1
        await RisingEdge(dut.clk)
    dut.fire.value = 0
    assert got == want


async def _clock_reset(dut) -> None:
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0


def _wrap(x: int, w: int) -> int:
    return _signed(x, w)


@cocotb.test()
async def sdp_ram_sync_read(dut) -> None:
    """Registered read: rdata is the word at raddr one cycle after re = 1 and holds while re = 0."""
    w, depth = int(dut.W.value), int(dut.DEPTH.value)
    rng = random.Random(8)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    mem = [rng.getrandbits(w) for _ in range(depth)]
    dut.re.value = 0
    for a, v in enumerate(mem):
        dut.we.value, dut.waddr.value, dut.wdata.value = 1, a, v
        await RisingEdge(dut.clk)
    dut.we.value = 0
    held = None
    for _ in range(400):
        re, a = rng.random() < 0.6, rng.randrange(depth)
        dut.re.value, dut.raddr.value = int(re), a
        await RisingEdge(dut.clk)
        await ReadOnly()
        if re:
            held = mem[a]
        if held is not None:
            assert int(dut.rdata.value) == held, (a, re)
        await Timer(1, unit="ns")


@cocotb.test()
async def spike_linear_matches_reference(dut) -> None:
    """Random weights, biases and tokens (densities 0..1), random token gaps and random `en` freezes: every
    result equals bias + the sum of the active rows (ACC_W-bit wrap), in order, with its tag, and the issue
    cycles equal G * max(1, nnz) per token (stall-invariant)."""
    fi, fo, p, m = (int(dut.FAN_IN.value), int(dut.FAN_OUT.value), int(dut.P.value), int(dut.M.value))
    ww, bw, aw, tw = int(dut.W_W.value), int(dut.B_W.value), int(dut.ACC_W.value), int(dut.TAG_W.value)
    g_n = -(-fo // p)
    rng = random.Random(9)
    W = [[[rng.randint(-(1 << (ww - 1)), (1 << (ww - 1)) - 1) for _ in range(fo)] for _ in range(fi)] for _ in range(m)]
    B = [[rng.randint(-(1 << (bw - 1)), (1 << (bw - 1)) - 1) for _ in range(fo)] for _ in range(m)]
    for sig in (dut.en, dut.tok_valid, dut.w_we, dut.b_we):
        sig.value = 0
    await _clock_reset(dut)
    for mi in range(m):  # loader order: word (j, c) to lane c mod P at (c div P) * FAN_IN + j
        for j in range(fi):
            for c in range(fo):
                dut.w_we.value, dut.wr_lane.value = 1 << mi, 1 << (c % p)
                dut.w_waddr.value, dut.w_wdata.value = (c // p) * fi + j, W[mi][j][c] & ((1 << ww) - 1)
                await RisingEdge(dut.clk)
        dut.w_we.value = 0
        for c in range(fo):
            dut.b_we.value, dut.wr_lane.value = 1 << mi, 1 << (c % p)
            dut.b_waddr.value, dut.b_wdata.value = c // p, B[mi][c] & ((1 << bw) - 1)
            await RisingEdge(dut.clk)
        dut.b_we.value = 0
    toks = [0, (1 << fi) - 1] + [sum(1 << j for j in range(fi) if rng.random() < d)
                                 for d in (0.05, 0.3, 0.7) for _ in range(8)]
    tags = [rng.getrandbits(tw) for _ in toks]
    want = []
    for x, tg in zip(toks, tags):
        for g in range(g_n):
            vals = []
            for mi in range(m):
                for lane in range(p):
                    c = g * p + lane
                    v = (B[mi][c] + sum(W[mi][j][c] for j in range(fi) if x >> j & 1)) if c < fo else None
                    vals.append(v)
            want.append((g, g == g_n - 1, tg, vals))
    got, issues, i = [], 0, 0
    for _cycle in range(40 * len(want) + 200):
        en = rng.random() < 0.75
        v = i < len(toks) and rng.random() < 0.7
        dut.en.value, dut.tok_valid.value = int(en), int(v)
        dut.tok_data.value, dut.tok_tag.value = (toks[i], tags[i]) if i < len(toks) else (0, 0)
        await ReadOnly()
        if v and int(dut.tok_ready.value):
            i += 1
        if en and int(dut.res_valid.value):
            bits = str(dut.res_data.value)  # MSB first; padded lanes past FAN_OUT may be X (never written)
            lanes = [bits[len(bits) - (k + 1) * aw:len(bits) - k * aw] for k in range(m * p)]
            vals = [_wrap(int(b, 2), aw) if set(b) <= {"0", "1"} else None for b in lanes]
            got.append((int(dut.res_g.value), int(dut.res_tok_end.value), int(dut.res_tag.value), vals))
        issues += int(dut.issue.value)
        await RisingEdge(dut.clk)
        if len(got) == len(want):
            break
    assert len(got) == len(want), (len(got), len(want))
    for k, (a, b) in enumerate(zip(got, want)):
        assert a[:3] == (b[0], int(b[1]), b[2]), (k, a[:3], b[:3])
        for lane, (x, y) in enumerate(zip(a[3], b[3])):
            assert y is None or (x is not None and x == _wrap(y, aw)), (k, lane, x, y)
    assert issues == sum(g_n * max(1, bin(x).count("1")) for x in toks), issues


@cocotb.test()
async def lif_lanes_matches_semantics(dut) -> None:
    """T timesteps over every membrane address, currents over the full CUR_W range, random bubbles: the
    spikes equal the written neuron's (the membrane read-modify-write through the lane memory)."""
    p, mem_w, cur_w, th_w, k, depth = (int(dut.P.value), int(dut.MEM_W.value), int(dut.CUR_W.value),
                                       int(dut.TH_W.value), int(dut.K.value), int(dut.DEPTH.value))
    rng = random.Random(10)
    theta = rng.randint(1, (1 << th_w) - 1)
    dut.theta.value, dut.in_valid.value = theta, 0
    await _clock_reset(dut)
    v = [[0] * p for _ in range(depth)]
    want, got, sent = [], [], 0
    plan = []
    for t in range(4):
        for a in range(depth):
            cur = [rng.randint(-(1 << (cur_w - 1)), (1 << (cur_w - 1)) - 1) for _ in range(p)]
            plan.append((t == 0, a, cur, rng.getrandbits(int(dut.TAG_W.value))))
    for clr, a, cur, tg in plan:
        spikes = 0
        for lane in range(p):
            v0 = 0 if clr else v[a][lane]
            pre = _wrap(v0 - (v0 >> k) + cur[lane], mem_w)
            s = int(pre >= theta)
            v[a][lane] = 0 if s else pre
            spikes |= s << lane
        want.append((spikes, tg))
    idx = 0
    for _cycle in range(3 * len(plan) + 50):
        go = idx < len(plan) and rng.random() < 0.7
        if go:
            clr, a, cur, tg = plan[idx]
            dut.in_clear.value, dut.in_addr.value, dut.in_tag.value = int(clr), a, tg
            dut.in_cur.value = sum((c & ((1 << cur_w) - 1)) << (lane * cur_w) for lane, c in enumerate(cur))
            idx += 1
        dut.in_valid.value = int(go)
        await ReadOnly()
        if int(dut.out_valid.value):
            got.append((int(dut.out_spikes.value), int(dut.out_tag.value)))
        await RisingEdge(dut.clk)
        sent += go
    assert got == want


@cocotb.test()
async def sasa_attn_tokens(dut) -> None:
    """T timesteps of random Q/K words, sent as G groups of P lanes per token, with random gaps and random
    Y-side readiness: every Y token equals Q[t, n] & (a >= theta_a[head]), in order; banks are released
    after each timestep's last token."""
    d, n, h, p = int(dut.D.value), int(dut.N.value), int(dut.H.value), int(dut.P.value)
    g_n = -(-d // p)
    rng = random.Random(11)
    # thresholds around the counts' mean (K has density 1/4), so that a[c] == theta_a happens and both
    # mask values occur (checked below)
    tha = [rng.randint(0, n // 4 + 1) for _ in range(h)]
    for sig in (dut.tha_we, dut.qk_valid, dut.y_ready, dut.y_release):
        sig.value = 0
    await _clock_reset(dut)
    for hh, th in enumerate(tha):
        dut.tha_we.value, dut.tha_addr.value, dut.tha_data.value = 1, hh, th
        await RisingEdge(dut.clk)
    dut.tha_we.value = 0
    steps = 5
    Q = [[rng.getrandbits(d) for _ in range(n)] for _ in range(steps)]
    K = [[rng.getrandbits(d) & rng.getrandbits(d) for _ in range(n)] for _ in range(steps)]
    want, masks, ties = [], [], 0
    for t in range(steps):
        a = [sum(K[t][i] >> c & 1 for i in range(n)) for c in range(d)]
        amask = sum(1 << c for c in range(d) if a[c] >= tha[c // (d // h)])
        want += [(Q[t][i] & amask, int(i == n - 1)) for i in range(n)]
        masks.append(amask)
        ties += sum(a[c] == tha[c // (d // h)] for c in range(d))
    assert ties and any(0 < m < (1 << d) - 1 for m in masks), (ties, masks)  # the test can tell > from >=
    got, t, i, g, pend_release = [], 0, 0, 0, []
    # lanes past D (a padded last group) carry random spikes: they must be ignored
    pad = [rng.getrandbits(g_n * p) & ~((1 << d) - 1) for _ in range(4)]
    for cyc in range(60 * steps * n * g_n + 200):
        # QK side: a timestep starts only when wr_free
        go = t < steps and rng.random() < 0.6 and (i > 0 or g > 0 or int(dut.wr_free.value))
        if go:
            dut.qk_n.value, dut.qk_first.value, dut.qk_last.value = i, int(i == 0), int(i == n - 1)
            dut.qk_g.value = g
            qw, kw = Q[t][i] | pad[cyc % 4], K[t][i] | pad[(cyc + 1) % 4]
            dut.q_grp.value = (qw >> (g * p)) & ((1 << p) - 1)
            dut.k_grp.value = (kw >> (g * p)) & ((1 << p) - 1)
        dut.qk_valid.value = int(go)
        rdy = rng.random() < 0.5
        dut.y_ready.value = int(rdy)
        dut.y_release.value = int(bool(pend_release) and pend_release[0] <= cyc)
        await ReadOnly()
        if rdy and int(dut.y_valid.value):
            got.append((int(dut.y_tok.value), int(dut.y_last.value)))
            if int(dut.y_last.value):
                pend_release.append(cyc + rng.randint(1, 3 * n))
        rel = int(dut.y_release.value)
        await RisingEdge(dut.clk)
        if rel:
            pend_release.pop(0)
        if go:
            g = (g + 1) % g_n
            i += g == 0
            if i == n:
                i, t = 0, t + 1
                # the QK side waits for the A latch (wr_free drops with it) before the next timestep
                await Timer(1, unit="ns")
                dut.qk_valid.value, dut.y_ready.value, dut.y_release.value = 0, 0, 0
                await RisingEdge(dut.clk)
        if len(got) == len(want):
            break
    bad = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), None)
    assert bad is None and len(got) == len(want), (bad, len(got), len(want), bad is not None and
                                                   (got[bad], want[bad], divmod(bad, n)))


async def _net_weights(dut, rng: random.Random, words: list[tuple[int, int]]) -> None:
    """The network weight stream's payload as net_wdec sees it: wl_start, then (segment, data) words with
    random gaps (wl_take low)."""
    dut.wl_start.value = 1
    await RisingEdge(dut.clk)
    dut.wl_start.value = 0
    for seg, data in words:
        while rng.random() < 0.3:
            dut.wl_take.value = 0
            await RisingEdge(dut.clk)
        dut.wl_take.value, dut.wl_seg.value, dut.wl_data.value = 1, seg, data & 0xFFFFFFFF
        await RisingEdge(dut.clk)
    dut.wl_take.value = 0


@cocotb.test()
async def net_slin_matches_reference(dut) -> None:
    """Random weights and biases loaded in the layout's element order (COL_OUTER 0: linear (in j, out c), c
    inner; 1: conv (out c, in j), j inner; then the bias), images of random tokens (densities 0..1, empty and
    full ones) under random input gaps and output backpressure: every beat equals bias + the sum of the active
    rows over its pass's OB channels (pass g: channels g*OB .. g*OB+OB-1), in pass order, m_last on the
    image's last beat, and the active cycles equal G * max(1, nnz) per token (stall-invariant), one img_end
    per image."""
    fi, fo, ob = int(dut.FI.value), int(dut.FO.value), int(dut.OB.value)
    ww, bw, ow = int(dut.W_W.value), int(dut.B_W.value), int(dut.OUT_W.value)
    swt, sb, co = int(dut.SEG_WT.value), int(dut.SEG_B.value), int(dut.COL_OUTER.value)
    g_n = fo // ob
    rng = random.Random(fi * 1000 + fo * 10 + ob)
    W = [[rng.randint(-(1 << (ww - 1)), (1 << (ww - 1)) - 1) for _ in range(fo)] for _ in range(fi)]
    B = [rng.randint(-(1 << (bw - 1)), (1 << (bw - 1)) - 1) for _ in range(fo)]
    for sig in (dut.wl_start, dut.wl_take, dut.s_valid, dut.s_last, dut.m_ready):
        sig.value = 0
    dut.wl_seg.value, dut.wl_data.value, dut.s_data.value = 0, 0, 0
    await _clock_reset(dut)
    order = [(j, c) for c in range(fo) for j in range(fi)] if co else [(j, c) for j in range(fi) for c in range(fo)]
    await _net_weights(dut, rng, [(swt, W[j][c]) for j, c in order] + [(sb, b) for b in B])
    imgs = [[0, (1 << fi) - 1, 1 << (fi - 1)]] + [[sum(1 << j for j in range(fi) if rng.random() < d)
                                                  for _ in range(rng.randint(1, 5))] for d in (0.05, 0.3, 0.7, 0.0)]
    toks = [(x, k == len(im) - 1) for im in imgs for k, x in enumerate(im)]
    want = []
    for x, last in toks:
        for g in range(g_n):
            vals = [B[c] + sum(W[j][c] for j in range(fi) if x >> j & 1) for c in range(g * ob, g * ob + ob)]
            want.append((int(last and g == g_n - 1), vals))
    got, act, ends = await _stream_beats(dut, [(x, int(last)) for x, last in toks], len(want), ob, ow, rng,
                                         8 * g_n * (fi + 2) * len(toks) + 200)
    _check_beats(got, want, g_n, ob, "pass")
    assert act == sum(g_n * max(1, bin(x).count("1")) for x, _ in toks), act
    assert ends == len(imgs), ends


@cocotb.test()
async def net_lif_matches_semantics(dut) -> None:
    """Two images of T timesteps x N tokens, each token FO / IB input beats of IB currents over the whole
    IN_W range, random input gaps and output backpressure: every token's FO spikes equal the written neuron's
    (v <- v - (v >>> K) + I; spike = v >= theta; reset to 0; membranes 0 at t = 0), m_last on the image's
    last token, err_proto low, T*N*ceil(FO/P) active cycles per image."""
    fo, ib, iw, th_w = int(dut.FO.value), int(dut.IB.value), int(dut.IN_W.value), int(dut.TH_W.value)
    k_, n_, t_, p_, seg = int(dut.K.value), int(dut.N.value), int(dut.T.value), int(dut.P.value), int(dut.SEG_TH.value)
    nb = fo // ib
    rng = random.Random(fo * 100 + ib)
    theta = rng.randint(1, (1 << th_w) - 1)
    for sig in (dut.wl_take, dut.s_valid, dut.s_last, dut.m_ready):
        sig.value = 0
    dut.wl_seg.value, dut.wl_data.value, dut.s_data.value = 0, 0, 0
    await _clock_reset(dut)
    dut.wl_take.value, dut.wl_seg.value, dut.wl_data.value = 1, seg, theta
    await RisingEdge(dut.clk)
    dut.wl_take.value = 0
    lo, hi = -(1 << (iw - 1)), (1 << (iw - 1)) - 1
    beats, want = [], []
    for _img in range(2):
        cur = [[[rng.choice((lo, hi, rng.randint(lo, hi), rng.randint(0, hi))) for _ in range(fo)]
                for _ in range(n_)] for _ in range(t_)]
        v = [[0] * fo for _ in range(n_)]
        for t in range(t_):
            for n in range(n_):
                s = 0
                for c in range(fo):
                    x = v[n][c] - (v[n][c] >> k_) + cur[t][n][c]
                    if x >= theta:
                        s |= 1 << c
                        x = 0
                    v[n][c] = x
                last = t == t_ - 1 and n == n_ - 1
                want.append((int(last), s))
                for b in range(nb):
                    word = sum((cur[t][n][b * ib + c] & ((1 << iw) - 1)) << (c * iw) for c in range(ib))
                    beats.append((word, int(last and b == nb - 1)))
    got, act, ends, i = [], 0, 0, 0
    for _cycle in range(4 * len(beats) * (ib // p_ + 2) + 200):
        vv = i < len(beats) and rng.random() < 0.75
        rd = rng.random() < 0.6
        dut.s_valid.value, dut.m_ready.value = int(vv), int(rd)
        dut.s_data.value, dut.s_last.value = beats[i] if i < len(beats) else (0, 0)
        await ReadOnly()
        if vv and int(dut.s_ready.value):
            i += 1
        if rd and int(dut.m_valid.value):
            got.append((int(dut.m_last.value), int(dut.m_data.value)))
        act += int(dut.act.value)
        ends += int(dut.img_end.value)
        await RisingEdge(dut.clk)
        if len(got) == len(want):
            break
    assert len(got) == len(want), (len(got), len(want))
    for k, (a, b) in enumerate(zip(got, want)):
        img, r = divmod(k, t_ * n_)
        diff = a[1] ^ b[1]
        ch = (diff & -diff).bit_length() - 1
        assert a == b, f"image {img}, t={r // n_}, n={r % n_}: m_last {a[0]}/{b[0]}, first channel {ch} differs"
    assert int(dut.err_proto.value) == 0
    assert act == 2 * t_ * n_ * (-(-fo // p_)) and ends == 2, (act, ends)
