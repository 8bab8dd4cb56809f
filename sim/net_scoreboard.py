# SPDX-License-Identifier: Apache-2.0
"""Module-boundary scoreboard of the network accelerator (no cocotb: importable by pytest and the runner).

`expected_streams` turns `golden.reference.forward`'s records of a batch into the expected beats of every
monitored stream (hw/net_generate.py: boundaries): the conv2 input windows (from tok.s1), U0, and per block
and module the input spikes S, the increment and U after it (U before + increment), the MLP hidden spikes,
the head's spikes and the logits. `BoundaryCheck` is the engine's monitor-fed StreamScoreboard
(sim/scoreboard.py) on those beats: this module supplies only the expected beats and the coordinate mapping,
so the first mismatch is reported by (image, module, t, n, channel).
"""

from __future__ import annotations

import numpy as np
from saformer.contract.config import SAFormerConfig
from saformer.hw.net_generate import boundaries, net_widths
from saformer.sim.scoreboard import Mismatch, StreamScoreboard


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


def boundary_coords(cfg: SAFormerConfig, beats_per_image: int):
    """A boundary beat's lane -> its coordinates: beat k of an image is (t, n) = divmod(k, N) of the token
    streams; the image-level boundaries (one beat per image: the logits) have t = n = -1."""
    def f(where: str, k: int, lane: int) -> dict[str, int]:
        del where
        t, n = divmod(k, cfg.N) if beats_per_image > 1 else (-1, -1)
        return {"t": t, "n": n, "channel": lane}

    return f


def boundary_where(image: int, module: str) -> str:
    """A boundary frame's name in a first mismatch: its image label and module (boundary name)."""
    return f"image {image}, module {module}"


def boundary_mismatch(cfg: SAFormerConfig, image: int, module: str, beats_per_image: int, k: int, lane: int,
                      got: int | None, expected: int | None) -> Mismatch:
    """A mismatch at a boundary by (image, module, t, n, channel), as BoundaryCheck reports it (for the checks
    that compare whole arrays: predict_first_mismatch, sim/hls_net.py)."""
    return Mismatch(boundary_where(image, module), boundary_coords(cfg, beats_per_image)("", k, lane), got,
                    expected)


class BoundaryCheck(StreamScoreboard):
    """One monitored boundary's scoreboard: sim/scoreboard.py StreamScoreboard (beats in order with `==`,
    counting, first mismatch by coordinates, missing beats) on the expected beats of `values` (B, beats, lanes)
    at lane width `width`, one frame per image, named "image <images[i]>, module <name>" with the coordinates
    (t, n, channel) of `boundary_coords`. The monitors carry no TLAST (`observe(beat)`)."""

    def __init__(self, cfg: SAFormerConfig, name: str, values: np.ndarray, width: int, images: list[int]) -> None:
        frames = [(boundary_where(images[i], name), pack(v, width)) for i, v in enumerate(values)]
        super().__init__(name, frames, values.shape[2], width, boundary_coords(cfg, values.shape[1]))
        self.images = images

    @property
    def mismatching_values(self) -> int:
        return self.mismatches

    @property
    def mismatching_images(self) -> set[int]:
        """Image labels of the frames with a mismatch (-1: beats after the last image)."""
        return {self.images[i] if i < len(self.images) else -1 for i in self.bad_frames}


def make_checks(cfg: SAFormerConfig, rec: dict[str, np.ndarray], images: list[int]) -> list[BoundaryCheck]:
    vals = boundary_values(cfg, rec)
    return [BoundaryCheck(cfg, b.name, vals[b.name][0], vals[b.name][1], images) for b in boundaries(cfg)]


def predict_first_mismatch(cfg: SAFormerConfig, rec: dict[str, np.ndarray], rec_mut: dict[str, np.ndarray],
                           images: list[int]) -> str | None:
    """The first mismatch a mutated model must produce at the monitored boundaries (the earliest boundary in
    pipeline order, then the first differing beat, then the lowest channel), as BoundaryCheck reports it."""
    a, b = boundary_values(cfg, rec), boundary_values(cfg, rec_mut)
    for bd in boundaries(cfg):
        va, vb = a[bd.name][0], b[bd.name][0]
        diff = np.argwhere(va != vb)
        if diff.size:
            img, k, c = (int(x) for x in diff[0])
            return boundary_mismatch(cfg, images[img], bd.name, va.shape[1], k, c, int(vb[img, k, c]),
                                     int(va[img, k, c])).text()
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


def reaching_mutation(cfg: SAFormerConfig, params: dict[str, np.ndarray], x: np.ndarray, key: str,
                      flats: list[int]) -> tuple[int, int, Mismatch]:
    """For a mutation check: the first element of `flats` (flat indices) of weight segment `key` whose move to
    an end of its range (the top first) reaches a monitored boundary on images x, as (flat, new value, the
    predicted first mismatch). Raises AssertionError when none does."""
    from saformer.contract import layout
    from saformer.golden import reference as ref

    seg = {s.key: s for s in layout.network_segments(cfg)}[key]
    rec = ref.forward(x, params, cfg)
    for flat in flats:
        for new in (seg.hi, seg.lo):
            p = {k: v.copy() for k, v in params.items()}
            a = p[key].reshape(-1).astype(np.int64)
            if a[flat] == new:
                continue
            a[flat] = new
            p[key] = a.reshape(p[key].shape).astype(params[key].dtype)
            want = predict_first_mismatch(cfg, rec, ref.forward(x, p, cfg), list(range(x.shape[0])))
            if want is not None:
                return flat, new, want
    raise AssertionError(f"no element of {key} among {flats[:4]}... changes a boundary on these images")
