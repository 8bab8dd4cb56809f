# SPDX-License-Identifier: Apache-2.0
"""cocotb test of net_dwc alone on Icarus (tests/test_rtl_dwc.py builds and runs it): random weights and
biases in the layout's order, images of random spike tokens under random input gaps and output
backpressure, every output beat against the written DWC semantics (docs/integer-semantics.md)."""

from __future__ import annotations

import random

import cocotb
from saformer.sim.tb_units import _check_beats, _clock_reset, _net_weights, _stream_beats


@cocotb.test()
async def net_dwc_matches_reference(dut) -> None:
    """increment[t, n, c] = b[c] + sum of w[c, dy, dx] over the in-grid neighbours (dy, dx) of token n whose
    spike of channel c is set; D / OB beats of OB channels per token in (t, n) order, m_last on the image's
    last beat; T * N * G active cycles and one img_end per image (G = ceil(D / P))."""
    d, grid, t_n, p, ob = (int(dut.D.value), int(dut.GRID.value), int(dut.T.value), int(dut.P.value),
                           int(dut.OB.value))
    ww, bw, iw = int(dut.W_W.value), int(dut.B_W.value), int(dut.IW.value)
    swt, sb = int(dut.SEG_WT.value), int(dut.SEG_B.value)
    n_tok, g_n, nb = grid * grid, -(-d // p), d // ob
    rng = random.Random(d * 1000 + p * 10 + ob)
    W = [[rng.randint(-(1 << (ww - 1)), (1 << (ww - 1)) - 1) for _ in range(9)] for _ in range(d)]
    B = [rng.randint(-(1 << (bw - 1)), (1 << (bw - 1)) - 1) for _ in range(d)]
    for sig in (dut.wl_start, dut.wl_take, dut.s_valid, dut.s_last, dut.m_ready):
        sig.value = 0
    dut.wl_seg.value, dut.wl_data.value, dut.s_data.value = 0, 0, 0
    await _clock_reset(dut)
    await _net_weights(dut, rng, [(swt, W[c][k]) for c in range(d) for k in range(9)] + [(sb, b) for b in B])
    full = (1 << d) - 1
    imgs = [[[full] * n_tok for _ in range(t_n)]]  # every spike set: every in-grid tap and bias
    imgs += [[[sum(1 << c for c in range(d) if rng.random() < dens) for _ in range(n_tok)] for _ in range(t_n)]
             for dens in (0.3, 0.7)]
    toks, want = [], []
    for im in imgs:
        for t in range(t_n):
            for n in range(n_tok):
                toks.append((im[t][n], int(t == t_n - 1 and n == n_tok - 1)))
                r, col = divmod(n, grid)
                inc = []
                for c in range(d):
                    v = B[c]
                    for k in range(9):
                        rr, cc = r + k // 3 - 1, col + k % 3 - 1
                        if 0 <= rr < grid and 0 <= cc < grid and im[t][rr * grid + cc] >> c & 1:
                            v += W[c][k]
                    inc.append(v)
                for b in range(nb):
                    want.append((int(t == t_n - 1 and n == n_tok - 1 and b == nb - 1), inc[b * ob:(b + 1) * ob]))
    got, act, ends = await _stream_beats(dut, toks, len(want), ob, iw, rng, 6 * g_n * len(toks) + 50 * len(imgs) + 200)
    _check_beats(got, want, nb, ob, "beat")
    assert act == len(imgs) * t_n * n_tok * g_n, act
    assert ends == len(imgs), ends
