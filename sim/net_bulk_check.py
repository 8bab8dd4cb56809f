# SPDX-License-Identifier: Apache-2.0
"""The check of a bulk network run (sim/net_bulk.py), importable by its cocotb test (sim/tb_net_bulk.py)
without the runner: expected per-image boundary signatures (the harness's FNV-1a fold of the beats,
sim/hdl/net_bulk_mon.v), result beats and module cycles from the integer reference; the parsers of the
harness's logs; `check_bulk`, which aligns images to epochs (stretches between resets) and reports lost,
duplicated, wrong, cut images and the first mismatch by net_scoreboard's (image, module, t, n, channel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from saformer.contract import cycles
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.hw.net_generate import boundaries
from saformer.sim.net_scoreboard import BoundaryCheck, boundary_values

FNV_INIT = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def boundary_beats(cfg: SAFormerConfig) -> dict[str, int]:
    """Beats per image on every monitored boundary: one per token and timestep (T*N), one for the logits
    (net_scoreboard.boundary_values' shapes; tests/test_net_bulk.py checks the two agree)."""
    return {b.name: (1 if b.name == "logits" else cfg.T * cfg.N) for b in boundaries(cfg)}


@dataclass
class WeightSet:
    """One weight stream the program may load: the parameters the reference uses and the words the
    hardware gets (the same, unless `patch` changes words: a mutation check)."""

    name: str
    params: dict[str, np.ndarray]
    patch: dict[int, int] = field(default_factory=dict)

    def words(self, cfg: SAFormerConfig) -> list[int]:
        w = itf.net_weight_stream(cfg, self.params)
        for i, v in self.patch.items():
            w[int(i)] = int(v) & 0xFFFFFFFF
        return w




# ------------------------------------------------------------------------------------------ expectations
def _chunks(vals: np.ndarray, width: int) -> np.ndarray:
    """(B, beats, lanes) ints -> (B, beats, nch) uint64: the beat (lane c at bits c*width) in 64-bit chunks."""
    B, K, L = vals.shape
    W = L * width
    nch = (W + 63) // 64
    v = np.asarray(vals, dtype=np.int64) & ((1 << width) - 1)
    bits = ((v[..., None] >> np.arange(width, dtype=np.int64)) & 1).astype(np.uint8).reshape(B, K, W)
    pad = np.zeros((B, K, nch * 64), dtype=np.uint8)
    pad[..., :W] = bits
    return np.ascontiguousarray(np.packbits(pad, axis=-1, bitorder="little")).view("<u8")


def signatures(vals: np.ndarray, width: int) -> np.ndarray:
    """Per image the harness's FNV-1a signature of its beats (net_bulk_mon.v): (B,) uint64."""
    ch = _chunks(vals, width)
    h = np.full(ch.shape[0], FNV_INIT, dtype=np.uint64)
    prime = np.uint64(FNV_PRIME)
    with np.errstate(over="ignore"):
        for k in range(ch.shape[1]):
            for c in range(ch.shape[2]):
                h = (h ^ ch[:, k, c]) * prime
    return h


def beat_signature(beats: list[int], width: int) -> int:
    """The same signature from beats as Python ints (the reference of `signatures`, for tests)."""
    nch = (width + 63) // 64
    h = FNV_INIT
    for b in beats:
        for c in range(nch):
            h = ((h ^ ((b >> (64 * c)) & ((1 << 64) - 1))) * FNV_PRIME) & ((1 << 64) - 1)
    return h


@dataclass
class Expected:
    sig: dict[str, np.ndarray]  # boundary -> (B,) uint64
    out: list[list[int]]  # per image the result beats
    cyc: dict[str, np.ndarray]  # module -> (B,) formula cycles


def expected(cfg: SAFormerConfig, params: dict[str, np.ndarray], pixels: np.ndarray, chunk: int = 256) -> Expected:
    from saformer.golden import reference as ref

    bnds = boundaries(cfg)
    sig: dict[str, list[np.ndarray]] = {b.name: [] for b in bnds}
    cyc: dict[str, list[np.ndarray]] = {m: [] for m in cycles.network_modules(cfg)}
    out: list[list[int]] = []
    for s in range(0, pixels.shape[0], chunk):
        rec = ref.forward(pixels[s:s + chunk], params, cfg)
        vals = boundary_values(cfg, rec)
        for b in bnds:
            sig[b.name].append(signatures(*vals[b.name]))
        for m, v in cycles.network_cycles(cfg, rec).items():
            cyc[m].append(np.asarray(v, dtype=np.int64))
        out += [itf.pack_net_output(lg) for lg in rec["logits"]]
    cat = (lambda xs: np.concatenate(xs) if xs else np.zeros(0, dtype=np.int64))  # noqa: E731
    return Expected({k: cat(v) for k, v in sig.items()}, out, {k: cat(v) for k, v in cyc.items()})


# ------------------------------------------------------------------------------------------ the logs
@dataclass
class Epoch:
    slots: list[int] = field(default_factory=list)  # slots sent whole, in order
    sets: list[int] = field(default_factory=list)  # the weight set in force for each
    frames: list[list[int]] = field(default_factory=list)
    cyc: dict[int, list[int]] = field(default_factory=dict)  # module index -> per-image cycles
    must_answer: int = 0  # slots sent before the epoch's last completed drain
    cut_slots: list[int] = field(default_factory=list)  # slots a reset cut while being sent
    loads: int = 0
    by_reset: bool = False  # the epoch ended with a reset


def parse_out_log(path: Path) -> tuple[list[Epoch], dict[str, Any]]:
    epochs: list[Epoch] = []
    info: dict[str, Any] = {"faults": [], "drain_timeouts": 0, "end": None, "loads": [], "resets": 0}
    cur: Epoch | None = None
    wset: int | None = None
    frame: list[int] = []
    for line in path.read_text().splitlines():
        f = line.split()
        if not f:
            continue
        k = f[0]
        if k == "R":
            info["resets"] += 1
            if cur is not None:
                cur.by_reset = True
            cur, wset, frame = Epoch(), None, []
            epochs.append(cur)
            continue
        if cur is None:
            continue  # before the first reset: the DUT's state is not defined yet
        if k == "o":
            frame.append(int(f[2], 16))
            if f[1] == "1":
                cur.frames.append(frame)
                frame = []
        elif k == "I":
            cur.slots.append(int(f[1]))
            cur.sets.append(-1 if wset is None else wset)
        elif k == "A":
            cur.cut_slots.append(int(f[1]))
        elif k == "C":
            cur.cyc.setdefault(int(f[1]), []).append(int(f[2]))
        elif k == "W":
            wset = int(f[1])
            cur.loads += 1
            info["loads"].append(int(f[1]))
        elif k == "L":
            if f[2] != "1":
                info["faults"].append(f"weight load ended without weights_loaded: {line}")
        elif k == "D":
            cur.must_answer = len(cur.slots)
            info["drain_timeouts"] += int(f[4])
        elif k == "F":
            info["faults"].append(line)
        elif k == "E":
            info["end"] = int(f[1])
    return epochs, info


def parse_mon_log(path: Path) -> list[dict[str, list]]:
    """Per epoch: groups (signatures), beats (FULL mode), partial (beats dropped by the reset)."""
    epochs: list[dict[str, list]] = []
    cur: dict[str, list] | None = None
    for line in path.read_text().splitlines():
        if line == "R":
            cur = {"groups": [], "beats": [], "partial": []}
            epochs.append(cur)
        elif cur is None:
            continue
        elif line[0] == "G":
            cur["groups"].append(int(line[2:], 16))
        elif line[0] == "B":
            cur["beats"].append(int(line[2:], 16))
        elif line[0] == "X":
            cur["partial"].append(int(line[2:]))
    return epochs


# ------------------------------------------------------------------------------------------ the check
@dataclass
class BulkResult:
    name: str
    case_dir: Path
    stats: dict[str, Any]
    first_mismatch: str | None = None  # net_scoreboard coordinates, or the first output/cycle difference
    wrong_at: tuple[int, int] | None = None  # (boundary index, slot) of the first signature mismatch

    @property
    def failed(self) -> bool:
        s = self.stats
        return bool(s["lost"] or s["duplicated"] or s["wrong"] or s["boundary_mismatches"] or s["cycle_errors"]
                    or s["faults"] or s["unloaded_images"])

    def report(self) -> str:
        s = self.stats
        return (f"[{self.name}] {s['images']} images, lost {s['lost']}, duplicated {s['duplicated']}, wrong "
                f"{s['wrong']}, boundary mismatches {s['boundary_mismatches']}, cycle errors {s['cycle_errors']}, "
                f"faults {s['faults'][:2]}; first: {self.first_mismatch or s.get('first_output')}; "
                f"case {self.case_dir}")


def check_bulk(case_dir: Path, cfg: SAFormerConfig, sets: list[WeightSet], pixels: np.ndarray,
               name: str = "default") -> BulkResult:
    """Compare a finished bulk run's logs (case_dir/out.log, mon_<i>.log) with the reference."""
    epochs, info = parse_out_log(case_dir / "out.log")
    bnds = boundaries(cfg)
    mods = cycles.network_modules(cfg)
    mon = [parse_mon_log(case_dir / f"mon_{i}.log") for i in range(len(bnds))]
    # the reference of every slot sent, with the weights in force when it was sent
    by_set: dict[int, list[int]] = {}
    for e in epochs:
        for s, k in zip(e.slots, e.sets, strict=True):
            if k >= 0:
                by_set.setdefault(k, []).append(s)
    exp: dict[int, tuple[dict[int, int], Expected]] = {}
    for k, slots in by_set.items():
        slots = sorted(set(slots))
        exp[k] = ({s: i for i, s in enumerate(slots)}, expected(cfg, sets[k].params, pixels[slots]))

    def ref_of(k: int, s: int) -> tuple[Expected, int]:
        idx, e = exp[k]
        return e, idx[s]

    st = {"images": 0, "lost": 0, "duplicated": 0, "wrong": 0, "cut": 0, "resets": max(0, info["resets"] - 1),
          "weight_loads": len(info["loads"]), "reloads": 0, "boundary_mismatches": 0, "cycle_errors": 0,
          "resets_mid_image": 0, "faults": info["faults"], "drain_timeouts": info["drain_timeouts"],
          "unloaded_images": 0,
          "epochs": len(epochs), "first_output": None, "first_cycle_error": None, "sets_used": {}}
    st["reloads"] = sum(max(0, e.loads - 1) for e in epochs)
    if info["end"] is None and not info["faults"]:
        st["faults"] = ["no E line: the program did not end"]
    first_sig: tuple[int, int, int] | None = None  # (boundary, order, slot)
    order = 0
    for ei, e in enumerate(epochs):
        n_s, n_f = len(e.slots), len(e.frames)
        final = ei == len(epochs) - 1
        must = n_s if final else e.must_answer
        st["lost"] += max(0, must - n_f)
        st["duplicated"] += max(0, n_f - n_s)
        cut = len(e.cut_slots) + (max(0, n_s - max(n_f, must)) if e.by_reset else 0)
        st["cut"] += cut
        st["resets_mid_image"] += int(e.by_reset and cut > 0)
        st["unloaded_images"] += sum(1 for k in e.sets if k < 0)
        for j, fr in enumerate(e.frames[:n_s]):
            s, k = e.slots[j], e.sets[j]
            if k < 0:
                continue
            ex, i = ref_of(k, s)
            st["images"] += 1
            st["sets_used"][sets[k].name] = st["sets_used"].get(sets[k].name, 0) + 1
            if fr != ex.out[i]:
                st["wrong"] += 1
                if st["first_output"] is None:
                    st["first_output"] = f"slot {s} (set {sets[k].name}): output beats {fr} != expected {ex.out[i]}"
        for mj, m in enumerate(mods):
            for j, c in enumerate(e.cyc.get(mj, [])):
                if j >= n_s or e.sets[j] < 0:
                    st["cycle_errors"] += 1
                    continue
                ex, i = ref_of(e.sets[j], e.slots[j])
                if c != int(ex.cyc[m][i]):
                    st["cycle_errors"] += 1
                    if st["first_cycle_error"] is None:
                        st["first_cycle_error"] = (f"slot {e.slots[j]}: module {m} measured {c} cycles != "
                                                   f"formula {int(ex.cyc[m][i])}")
        for bi, b in enumerate(bnds):
            ep = mon[bi][ei] if ei < len(mon[bi]) else {"groups": []}
            for j, g in enumerate(ep["groups"]):
                if j >= n_s or e.sets[j] < 0:
                    st["boundary_mismatches"] += 1
                    continue
                ex, i = ref_of(e.sets[j], e.slots[j])
                if g != int(ex.sig[b.name][i]):
                    st["boundary_mismatches"] += 1
                    key = (bi, order + j, e.slots[j])
                    if first_sig is None or key < first_sig:
                        first_sig = key
            if final and len(ep["groups"]) < n_s:
                st["boundary_mismatches"] += n_s - len(ep["groups"])  # beats missing at the end
        order += n_s
    st["sets_used"] = dict(sorted(st["sets_used"].items()))
    res = BulkResult(name, case_dir, st)
    if first_sig is not None:
        res.wrong_at = (first_sig[0], first_sig[2])
        # FULL mode: the beats of that image are in the log; find (t, n, channel) as tb_net does
        bi, _, slot = first_sig
        for ei, e in enumerate(epochs):
            if slot in e.slots:
                j = e.slots.index(slot)
                beats = mon[bi][ei]["beats"]
                per = boundary_beats(cfg)[bnds[bi].name]
                if len(beats) >= (j + 1) * per:
                    res.first_mismatch = _coordinates(cfg, sets[e.sets[j]].params, pixels, slot, bi,
                                                      beats[j * per:(j + 1) * per])
                break
    elif st["first_output"]:
        res.first_mismatch = st["first_output"]
    elif st["first_cycle_error"]:
        res.first_mismatch = st["first_cycle_error"]
    return res


def _coordinates(cfg: SAFormerConfig, params: dict[str, np.ndarray], pixels: np.ndarray, slot: int, bi: int,
                 beats: list[int]) -> str | None:
    from saformer.golden import reference as ref

    b = boundaries(cfg)[bi]
    vals, width = boundary_values(cfg, ref.forward(pixels[slot:slot + 1], params, cfg))[b.name]
    ch = BoundaryCheck(cfg, b.name, vals, width, [slot])
    for x in beats:
        ch.observe(x)
    return ch.first_text()


def case_sets(case: dict[str, Any], npz: dict[str, np.ndarray]) -> list[WeightSet]:
    return [WeightSet(s["name"], {n: npz[f"set{k}_{n}"] for n in s["keys"]},
                      {int(i): int(v) for i, v in s["patch"].items()}) for k, s in enumerate(case["sets"])]
