# SPDX-License-Identifier: Apache-2.0
"""The monitor-fed stream scoreboard (sim/scoreboard.py: StreamScoreboard): beats compared in order with `==`,
first mismatch by coordinates, TLAST on each frame's last beat only, missing and extra beats counted."""

from __future__ import annotations

import asyncio

import numpy as np
from saformer.contract.configs import NAMED
from saformer.contract.interface import pack_increments
from saformer.sim.scoreboard import StreamScoreboard, increment_coords


def _board() -> tuple[StreamScoreboard, list[int], np.ndarray]:
    cfg = NAMED["t1"]
    rng = np.random.default_rng(3)
    inc = rng.integers(-50, 50, (cfg.T, cfg.N, cfg.D))
    beats = pack_increments(inc, cfg.lanes)
    return StreamScoreboard("m_axis", [("img0", beats), ("img1", beats)], cfg.lanes, 16, increment_coords(cfg)), \
        beats, inc


def test_clean_stream_passes_through_a_queue() -> None:
    sb, beats, _ = _board()

    async def go() -> None:
        q: asyncio.Queue = asyncio.Queue()
        for _ in range(2):
            for i, b in enumerate(beats):
                q.put_nowait((b, int(i == len(beats) - 1)))
        task = asyncio.ensure_future(sb.run(q))
        while not q.empty():
            await asyncio.sleep(0)
        task.cancel()

    asyncio.run(go())
    assert sb.first is None and sb.mismatches == 0 and sb.missing() == 0 and sb.observed == 2 * len(beats)


def test_first_mismatch_has_coordinates_and_tlast_is_checked() -> None:
    sb, beats, inc = _board()
    cfg = NAMED["t1"]
    G = -(-cfg.D // cfg.lanes)
    k = 2 * G + 1  # t=0, n=2, group 1
    for i, b in enumerate(beats):
        sb.observe(b ^ (1 << 16) if i == k else b, int(i == len(beats) - 1))  # lane 1 of beat k flipped
    want = int(inc[0, 2, cfg.lanes + 1])
    got = ((want & 0xFFFF) ^ 1)
    got = got - (1 << 16) if got >> 15 else got
    assert sb.first == f"m_axis: first mismatch: img0, t=0, n=2, channel={cfg.lanes + 1}: got {got}, expected {want}"
    sb.observe(beats[0], 1)  # TLAST on the first beat of img1
    assert sb.mismatches == 2 and sb.missing() == len(beats) - 1


def test_extra_beats_are_mismatches() -> None:
    sb, beats, _ = _board()
    for _ in range(2):
        for i, b in enumerate(beats):
            sb.observe(b, int(i == len(beats) - 1))
    sb.observe(0, 1)
    assert sb.extra == 1 and sb.mismatches == 1 and "after the last expected frame" in sb.first
