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
    vector: str
    t: int
    n: int
    channel: int
    got: int | None
    expected: int | None

    def text(self) -> str:
        g = "missing" if self.got is None else str(self.got)
        return (f"first mismatch: vector {self.vector}, t={self.t}, n={self.n}, channel={self.channel}: "
                f"got {g}, expected {self.expected}")


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
                    res.first = Mismatch(vector, t, n, c, got_l[i], want_l[i] if c < D else 0)
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
    """The monitor-fed checker of one AXI-Stream boundary (any module boundary of the engine or the network):
    a monitor (sim/axi_harness.py: AxisMonitor) puts every handshaked beat (tdata, tlast) into a queue,
    `run(queue)` (or `observe` per beat) compares it with `==` against the expected frames, in order, and keeps
    the first mismatch by coordinates. `frames`: (label, beats) per frame, TLAST expected on each frame's last
    beat only; `coords(label, beat, lane)` names a lane of a beat (e.g. {"t":, "n":, "channel":}).
    No cocotb here: `run` awaits any queue with an async `get()`."""

    name: str
    frames: list[tuple[str, list[int]]]
    lanes: int
    width: int
    coords: Any = None  # callable (label, beat index, lane) -> dict
    frame: int = 0
    beat: int = 0
    observed: int = 0
    mismatches: int = 0
    extra: int = 0
    first: str | None = None

    def _fail(self, text: str, n: int = 1) -> None:
        self.mismatches += n
        if self.first is None:
            self.first = f"{self.name}: {text}"

    def observe(self, tdata: int, tlast: int) -> bool:
        self.observed += 1
        if self.frame >= len(self.frames):
            self.extra += 1
            self._fail(f"beat {self.observed - 1} after the last expected frame (tdata 0x{tdata:x})")
            return False
        label, beats = self.frames[self.frame]
        want = beats[self.beat]
        ok = True
        if tdata != want:
            got_l, want_l = signed_lanes(tdata, self.lanes, self.width), signed_lanes(want, self.lanes, self.width)
            bad = [c for c in range(self.lanes) if got_l[c] != want_l[c]]
            where = self.coords(label, self.beat, bad[0]) if self.coords else {"beat": self.beat, "lane": bad[0]}
            at = ", ".join(f"{k}={v}" for k, v in where.items())
            self._fail(f"first mismatch: {label}, {at}: got {got_l[bad[0]]}, expected {want_l[bad[0]]}", len(bad))
            ok = False
        want_last = int(self.beat == len(beats) - 1)
        if int(tlast) != want_last:
            self._fail(f"{label}: TLAST {tlast} on beat {self.beat} (expected {want_last})")
            ok = False
        self.beat += 1
        if self.beat == len(beats):
            self.frame, self.beat = self.frame + 1, 0
        return ok

    def missing(self) -> int:
        """Expected beats not (yet) observed."""
        return sum(len(b) for _, b in self.frames[self.frame:]) - self.beat

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
