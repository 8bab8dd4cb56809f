# SPDX-License-Identifier: Apache-2.0
"""Scoreboard of the SASA engine (no cocotb: importable by pytest, verify and demos); the cycle formula it
checks against lives with the hardware's description, in saformer.contract.cycles.

Every output beat is compared with the integer reference with `==`; the first mismatch is reported by
its coordinates (vector, timestep t, token n, channel c) with the seed and a one-line rerun command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig


def beat_lanes(beat: int, lanes: int) -> list[int]:
    out = []
    for i in range(lanes):
        x = (int(beat) >> (itf.LANE_BITS * i)) & itf.LANE_MASK
        out.append(x - (1 << itf.LANE_BITS) if x >> (itf.LANE_BITS - 1) else x)
    return out


@dataclass
class Mismatch:
    """A check's first failure by its coordinates -- the one record of the engine's and the network's
    scoreboards: `where` names the frame ("vector <label>" of the SASA engine, "image <i>, module <name>" of a
    network boundary), `at` the coordinates inside it in order (t, n, channel of a lane; beat of a TLAST),
    `what` what differs ("" a lane's value, else e.g. "TLAST"), `got` (None: missing) and `expected`."""

    where: str
    at: dict[str, int]
    got: int | None
    expected: int | None
    what: str = ""

    def text(self) -> str:
        g = "missing" if self.got is None else str(self.got)
        e = "nothing" if self.expected is None else str(self.expected)
        at = "".join(f", {k}={v}" for k, v in self.at.items())
        return f"first mismatch: {self.where}{at}:{' ' + self.what if self.what else ''} got {g}, expected {e}"


@dataclass
class ImageCheck:
    vector: str
    mismatches: int = 0
    first: Mismatch | None = None
    extra_beats: int = 0
    details: list[str] = field(default_factory=list)


def check_image(cfg: SAFormerConfig, vector: str, beats: list[int], expected: np.ndarray,
                tlasts: list[int] | None = None) -> ImageCheck:
    """Compare the beats of one image with expected increments (T, N, D). Counts mismatching words
    (channels), missing beats count as mismatches of every channel they carry. With `tlasts` (TLAST of
    each received beat) a TLAST that is not 1 on the image's last beat and 0 elsewhere counts too."""
    N, D, P = cfg.N, cfg.D, cfg.lanes
    G = itf.groups(cfg)
    res = ImageCheck(vector)
    want_beats = itf.pack_increments(expected, P)
    for b, want in enumerate(want_beats):
        t, rem = divmod(b, N * G)
        n, g = divmod(rem, G)
        got_l = beat_lanes(beats[b], P) if b < len(beats) else [None] * P
        want_l = beat_lanes(want, P)
        for i in range(P):
            c = g * P + i
            if got_l[i] != want_l[i]:
                res.mismatches += 1
                if res.first is None:
                    res.first = Mismatch(f"vector {vector}", {"t": t, "n": n, "channel": c}, got_l[i],
                                         want_l[i] if c < D else 0)
        if tlasts is not None and b < len(tlasts) and tlasts[b] != int(b == len(want_beats) - 1):
            res.mismatches += 1
            res.details.append(f"tlast wrong on beat {b} (t={t}, n={n}, group {g}): {tlasts[b]}")
    res.extra_beats = max(0, len(beats) - len(want_beats))
    if res.extra_beats:
        res.mismatches += res.extra_beats
        res.details.append(f"{res.extra_beats} extra beats")
    return res


def run_errors(stall: str, r: dict[str, Any]) -> list[str]:
    """Every counter of one stall pattern's result (sim/tb_sasa.py: run_images) against the cycle model
    (saformer.contract.cycles): per image cycles_qk, cycles_y and cycles_active (= their sum) under every stall
    pattern; the latency (cycles_total) with no stalls; per run CYCLES_ACTIVE == the images' sum, and with no
    stalls CYCLES_TOTAL == latency sum + 2 (ap_start -> first token, img_done -> ap_done); one img_done pulse
    per image. The cocotb test asserts on it; the runner reports it."""
    out = []
    for run in r.get("runs", []):
        if run["cycles_active"] != run["formula"]:
            out.append(f"{stall} run of set {run['set']}: CYCLES_ACTIVE {run['cycles_active']} != "
                       f"formula {run['formula']}")
        if stall == "none" and run["cycles_total"] != run["latency"] + 2:
            out.append(f"{stall} run of set {run['set']}: CYCLES_TOTAL {run['cycles_total']} != "
                       f"latency + 2 = {run['latency'] + 2}")
    if r.get("done_pulses") != len(r["images"]):
        out.append(f"{stall}: {r.get('done_pulses')} img_done pulses for {len(r['images'])} images")
    for im in r["images"]:
        for key, want in (("cycles_measured", "cycles_formula"), ("cycles_qk", "qk_formula"),
                          ("cycles_y", "y_formula")):
            if im.get(key) != im[want]:
                out.append(f"{stall} {im['label']}: {key} {im.get(key)} != formula {im[want]}")
        if stall == "none" and im.get("cycles_total") != im["latency_formula"]:
            out.append(f"{stall} {im['label']}: total {im.get('cycles_total')} != latency formula "
                       f"{im['latency_formula']}")
    return out


def signed_lanes(beat: int, lanes: int, width: int) -> list[int]:
    """A beat as `lanes` two's-complement lanes of `width` bits (width 1: unsigned bits, spikes)."""
    mask = (1 << width) - 1
    out = []
    for c in range(lanes):
        x = (int(beat) >> (c * width)) & mask
        out.append(x - (1 << width) if width > 1 and x >> (width - 1) else x)
    return out


@dataclass
class StreamScoreboard:
    """The monitor-fed checker of one AXI-Stream boundary (the SASA engine's m_axis, every module boundary of
    the network: sim/net_scoreboard.py BoundaryCheck): a monitor (sim/axi_harness.py: AxisMonitor) puts every
    handshaked beat (tdata, tlast) into a queue, `run(queue)` (or `observe` per beat) compares it with `==`
    against the expected frames, in order. `frames`: (where, beats) per frame, `where` naming the frame in the
    first mismatch's text (Mismatch.where); TLAST expected on each frame's last beat only (a boundary without
    TLAST observes tlast=None). `coords(where, beat, lane)` gives a lane's coordinates (e.g. {"t":, "n":,
    "channel":}). Counted: `mismatches` (lanes that differ, wrong TLASTs, beats after the last frame),
    `bad_frames` (indices of frames with a failure; len(frames) for beats after the last), `missing()`; `first`
    is the first failure by coordinates. No cocotb here: `run` awaits any queue with an async `get()`."""

    name: str
    frames: list[tuple[str, list[int]]]
    lanes: int
    width: int
    coords: Any = None  # callable (where, beat index, lane) -> dict
    frame: int = 0
    beat: int = 0
    observed: int = 0
    mismatches: int = 0
    extra: int = 0
    bad_frames: set[int] = field(default_factory=set)
    first: Mismatch | None = None

    def _fail(self, m: Mismatch, n: int = 1) -> None:
        self.mismatches += n
        self.bad_frames.add(self.frame)
        if self.first is None:
            self.first = m

    def observe(self, tdata: int, tlast: int | None = None) -> bool:
        self.observed += 1
        if self.frame >= len(self.frames):
            self.extra += 1
            self._fail(Mismatch(f"{self.name}, beat {self.observed - 1} after the last expected frame", {},
                                tdata, None))
            return False
        where, beats = self.frames[self.frame]
        want = beats[self.beat]
        ok = True
        if tdata != want:
            got_l, want_l = signed_lanes(tdata, self.lanes, self.width), signed_lanes(want, self.lanes, self.width)
            bad = [c for c in range(self.lanes) if got_l[c] != want_l[c]]
            at = self.coords(where, self.beat, bad[0]) if self.coords else {"beat": self.beat, "lane": bad[0]}
            self._fail(Mismatch(where, at, got_l[bad[0]], want_l[bad[0]]), len(bad))
            ok = False
        want_last = int(self.beat == len(beats) - 1)
        if tlast is not None and int(tlast) != want_last:
            self._fail(Mismatch(where, {"beat": self.beat}, int(tlast), want_last, "TLAST"))
            ok = False
        self.beat += 1
        if self.beat == len(beats):
            self.frame, self.beat = self.frame + 1, 0
        return ok

    def missing(self) -> int:
        """Expected beats not (yet) observed."""
        return sum(len(b) for _, b in self.frames[self.frame:]) - self.beat

    def first_text(self) -> str | None:
        return self.first.text() if self.first else None

    async def run(self, queue) -> None:
        """Consume (tdata, tlast) items from `queue` forever (start it as a task next to the monitor)."""
        while True:
            tdata, tlast = await queue.get()
            self.observe(tdata, tlast)


def increment_coords(cfg: SAFormerConfig):
    """coords for the SASA engine's m_axis: beat b of an image -> (t, n, channel) of a lane."""
    N, P = cfg.N, cfg.lanes
    G = itf.groups(cfg)

    def f(label: str, b: int, lane: int) -> dict[str, int]:
        t, rem = divmod(b, N * G)
        n, g = divmod(rem, G)
        return {"t": t, "n": n, "channel": g * P + lane}

    return f
