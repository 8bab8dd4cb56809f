# SPDX-License-Identifier: Apache-2.0
"""Module-boundary scoreboard of the network accelerator (no cocotb: importable by pytest and the runner).

`expected_streams` turns `golden.reference.forward`'s records of a batch into the expected beats of every
monitored stream (hw/net_generate.py: boundaries): the conv2 input windows (from tok.s1), U0, and per block
and module the input spikes S, the increment and U after it (U before + increment), the MLP hidden spikes,
the head's spikes and the logits. `BoundaryCheck` compares observed beats with `==` in order and reports the
first mismatch by (image, module, t, n, channel).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from saformer.contract.config import SAFormerConfig
from saformer.hw.net_generate import boundaries, net_widths


def windows(cfg: SAFormerConfig, s1: np.ndarray) -> np.ndarray:
    """conv2 input windows: s1 (B, T, stem, img, img) -> (B, T, N, stem*9) bits, bit i*9 + dy*3 + dx."""
    B, T = s1.shape[:2]
    g, p = cfg.grid, cfg.patch
    sp = np.pad(np.asarray(s1, dtype=np.int64), ((0, 0), (0, 0), (0, 0), (1, 1), (1, 1)))
    taps = []
    for dy in range(3):
        for dx in range(3):
            taps.append(sp[:, :, :, dy:dy + p * (g - 1) + 1:p, dx:dx + p * (g - 1) + 1:p])  # B,T,C,g,g
    w = np.stack(taps, axis=3)  # B,T,C,9,g,g
    return w.reshape(B, T, cfg.stem_ch * 9, g * g).transpose(0, 1, 3, 2)


def boundary_values(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, int]]:
    """name -> (values (B, beats, lanes) int64, lane width in bits; 1 = spikes)."""
    w = net_widths(cfg)
    B = rec["logits"].shape[0]
    T, N = cfg.T, cfg.N

    def tok(a: np.ndarray) -> np.ndarray:
        return np.asarray(a, dtype=np.int64).reshape(B, T * N, -1)

    out: dict[str, tuple[np.ndarray, int]] = {"tok.win": (tok(windows(cfg, rec["tok.s1"])), 1),
                                              "tok.u0": (tok(rec["tok.u0"]), w.UW)}
    u = np.asarray(rec["tok.u0"], dtype=np.int64)
    for i in range(cfg.L):
        for m, iw in (("sasa", w.SIW), ("dwc", w.DIW), ("mlp", w.MIW)):
            p = f"b{i}.{m}."
            inc = np.asarray(rec[p + "inc"], dtype=np.int64)
            u = u + inc
            out[p + "s"] = (tok(rec[p + "s"]), 1)
            out[p + "inc"] = (tok(inc), iw)
            out[p + "u"] = (tok(u), w.UW)
            if m == "mlp":
                out[p + "h"] = (tok(rec[p + "h"]), 1)
    out["head.s"] = (tok(rec["head.s"]), 1)
    out["logits"] = (np.asarray(rec["logits"], dtype=np.int64).reshape(B, 1, -1), w.LGW)
    return out


def pack(values: np.ndarray, width: int) -> list[int]:
    """(beats, lanes) ints -> beats as Python ints, lane c at bits c*width (two's complement)."""
    mask = (1 << width) - 1
    out = []
    for row in np.asarray(values, dtype=np.int64):
        v = 0
        for x in row[::-1]:
            v = (v << width) | (int(x) & mask)
        out.append(v)
    return out


def unpack(beat: int, lanes: int, width: int) -> list[int]:
    mask = (1 << width) - 1
    out = []
    for c in range(lanes):
        x = (beat >> (c * width)) & mask
        out.append(x - (1 << width) if width > 1 and x >> (width - 1) else x)
    return out


@dataclass
class Mismatch:
    image: int
    module: str
    t: int
    n: int
    channel: int
    got: int | None
    expected: int

    def text(self) -> str:
        return (f"first mismatch: image {self.image}, module {self.module}, t={self.t}, n={self.n}, "
                f"channel={self.channel}: got {self.got}, expected {self.expected}")


@dataclass
class BoundaryCheck:
    """One monitored stream's checker: feed observed beats in order with `observe`."""

    cfg: SAFormerConfig
    name: str
    values: np.ndarray  # (B, beats, lanes)
    width: int
    images: list[int]  # image labels (index into the caller's image list)
    pos: int = 0
    mismatching_values: int = 0
    mismatching_images: set[int] = field(default_factory=set)
    first: Mismatch | None = None
    _packed: dict[int, list[int]] = field(default_factory=dict)

    @property
    def beats_per_image(self) -> int:
        return self.values.shape[1]

    @property
    def total(self) -> int:
        return self.values.shape[0] * self.values.shape[1]

    def _expected(self, img: int) -> list[int]:
        if img not in self._packed:
            self._packed = {img: pack(self.values[img], self.width)}
        return self._packed[img]

    def observe(self, beat: int) -> bool:
        if self.pos >= self.total:
            self.mismatching_values += 1
            self.mismatching_images.add(-1)
            if self.first is None:
                self.first = Mismatch(-1, self.name, -1, -1, -1, beat, 0)
            return False
        img, k = divmod(self.pos, self.beats_per_image)
        self.pos += 1
        want = self._expected(img)[k]
        if beat == want:
            return True
        lanes = self.values.shape[2]
        got_l = unpack(beat, lanes, self.width)
        want_l = [int(x) for x in self.values[img, k]]
        bad = [c for c in range(lanes) if got_l[c] != want_l[c]]
        self.mismatching_values += len(bad)
        self.mismatching_images.add(self.images[img])
        if self.first is None:
            t, n = divmod(k, self.cfg.N) if self.beats_per_image > 1 else (-1, -1)
            c = bad[0]
            self.first = Mismatch(self.images[img], self.name, t, n, c, got_l[c], want_l[c])
        return False

    def missing(self) -> int:
        return self.total - self.pos


def make_checks(cfg: SAFormerConfig, rec: dict[str, np.ndarray], images: list[int]) -> list[BoundaryCheck]:
    vals = boundary_values(cfg, rec)
    return [BoundaryCheck(cfg, b.name, vals[b.name][0], vals[b.name][1], images) for b in boundaries(cfg)]


def predict_first_mismatch(cfg: SAFormerConfig, rec: dict[str, np.ndarray], rec_mut: dict[str, np.ndarray],
                           images: list[int]) -> str | None:
    """The first mismatch a mutated model must produce at the monitored boundaries (the earliest boundary in
    pipeline order, then the first differing beat, then the lowest channel), as `Mismatch.text()`."""
    a, b = boundary_values(cfg, rec), boundary_values(cfg, rec_mut)
    for bd in boundaries(cfg):
        va, vb = a[bd.name][0], b[bd.name][0]
        diff = np.argwhere(va != vb)
        if diff.size:
            img, k, c = (int(x) for x in diff[0])
            t, n = divmod(k, cfg.N) if va.shape[1] > 1 else (-1, -1)
            return Mismatch(images[img], bd.name, t, n, c, int(vb[img, k, c]), int(va[img, k, c])).text()
    return None


def schedule_check(cfg: SAFormerConfig, rec: dict[str, np.ndarray], starts: list[int], ends: list[int],
                   trace: dict | None = None) -> tuple[dict, list[str]]:
    """Measured == modelled schedule (`contract/cycles.py network_schedule`) of a back-to-back run with no
    stalls: per image the latency (first pixel beat into the tokenizer .. last result beat on m_axis, both
    counted; `ends` are the cycles after that beat, as the out counter reports them) and the completion
    interval (consecutive images' last beats); with `trace` (tb_net's handshake trace) also every handshake
    of every boundary, of the pixel input and of the result stream, relative to the first pixel beat.
    Returns (record, errors): each error names the first mismatch by image (and boundary, word)."""
    from saformer.contract import cycles

    sch = cycles.network_schedule(cfg, rec)
    lat = [int(e) - int(s) for s, e in zip(starts, ends)]
    itv = [int(ends[b]) - int(ends[b - 1]) for b in range(1, len(ends))]
    errs: list[str] = []
    B = len(sch["latency"])
    if len(lat) != B:
        errs.append(f"schedule: {len(lat)} images measured, {B} modelled")
    for b in range(min(len(lat), B)):
        if lat[b] != sch["latency"][b]:
            errs.append(f"schedule: image {b}: latency measured {lat[b]} != model {sch['latency'][b]}")
            break
    for b in range(1, min(len(lat), B)):
        if itv[b - 1] != sch["interval"][b - 1]:
            errs.append(f"schedule: image {b}: interval measured {itv[b - 1]} != model {sch['interval'][b - 1]}")
            break
    rec_out = {"latency_measured": lat, "latency_model": sch["latency"], "interval_measured": itv,
               "interval_model": sch["interval"], "handshakes_compared": 0}
    if trace is not None and trace["px"]:
        t0 = trace["px"][0]
        per_img = {"px": cfg.in_ch * cfg.img, "out": cfg.n_classes + 1, "logits": 1}
        streams = [("px", [c - t0 for c in trace["px"]], sch["px"]),
                   ("out", [c - t0 for c, _ in trace["out"]], sch["out"])]
        streams += [(n, [c - t0 for c in v], sch["fires"][n]) for n, v in trace["boundaries"].items()]
        n_cmp = 0
        for name, meas, mod in streams:
            w = per_img.get(name, cfg.T * cfg.N)
            n_cmp += min(len(meas), len(mod))
            if len(meas) != len(mod):
                errs.append(f"schedule: {name}: {len(meas)} handshakes measured, {len(mod)} modelled")
            k = next((k for k in range(min(len(meas), len(mod))) if meas[k] != mod[k]), None)
            if k is not None:
                errs.append(f"schedule: image {k // w}, {name} word {k % w}: handshake at cycle {meas[k]} "
                            f"(from the first pixel beat) != model {mod[k]}")
        rec_out["handshakes_compared"] = n_cmp
    rec_out["equal"] = not errs
    return rec_out, errs
