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
    frames = [("vector img0", beats), ("vector img1", beats)]
    return StreamScoreboard("m_axis", frames, cfg.lanes, 16, increment_coords(cfg)), beats, inc


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
    assert sb.first_text() == (f"first mismatch: vector img0, t=0, n=2, channel={cfg.lanes + 1}: got {got}, "
                               f"expected {want}")
    sb.observe(beats[0], 1)  # TLAST on the first beat of img1
    assert sb.mismatches == 2 and sb.missing() == len(beats) - 1 and sb.bad_frames == {0, 1}
    assert sb.first.at == {"t": 0, "n": 2, "channel": cfg.lanes + 1}  # the first failure stays the first


def test_extra_beats_are_mismatches() -> None:
    sb, beats, _ = _board()
    for _ in range(2):
        for i, b in enumerate(beats):
            sb.observe(b, int(i == len(beats) - 1))
    sb.observe(0, 1)
    assert sb.extra == 1 and sb.mismatches == 1 and sb.bad_frames == {2}
    assert sb.first_text() == (f"first mismatch: m_axis, beat {2 * len(beats)} after the last expected frame: "
                               "got 0, expected nothing")


def test_tlast_failure_is_reported_by_beat() -> None:
    sb, beats, _ = _board()
    sb.observe(beats[0], 1)  # TLAST on the first of many beats
    assert sb.mismatches == 1 and sb.first_text() == "first mismatch: vector img0, beat=0: TLAST got 1, expected 0"


def test_network_boundary_check_is_the_stream_scoreboard() -> None:
    """sim/net_scoreboard.py BoundaryCheck: the same scoreboard, with the network's frames (one per image) and
    coordinates (image, module, t, n, channel); its text is predict_first_mismatch's."""
    from saformer.sim.net_scoreboard import BoundaryCheck, boundary_mismatch, pack

    cfg = NAMED["default"]  # T > 1
    rng = np.random.default_rng(5)
    vals = rng.integers(-8, 8, (2, cfg.T * cfg.N, 3))
    ch = BoundaryCheck(cfg, "b0.sasa.inc", vals, 5, [10, 11])
    assert isinstance(ch, StreamScoreboard)
    k = cfg.N + 2  # t=1, n=2 of image 11
    bad = vals.copy()
    bad[1, k, 2] += 1
    for img in range(2):
        for b in pack(bad[img], 5):
            ch.observe(b)
    assert ch.first_text() == (f"first mismatch: image 11, module b0.sasa.inc, t=1, n=2, channel=2: "
                               f"got {vals[1, k, 2] + 1}, expected {vals[1, k, 2]}")
    assert ch.first_text() == boundary_mismatch(cfg, 11, "b0.sasa.inc", cfg.T * cfg.N, k, 2,
                                                int(vals[1, k, 2] + 1), int(vals[1, k, 2])).text()
    assert (ch.mismatching_values, ch.mismatching_images, ch.missing()) == (1, {11}, 0)
    ch.observe(0)
    assert ch.mismatching_images == {11, -1} and ch.mismatching_values == 2
