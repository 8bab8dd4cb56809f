# SPDX-License-Identifier: Apache-2.0
"""Cycle model of each hardware module: it describes the architecture (docs/architecture.md, "Exact cycle
count"), so it lives with the contract; the testbench, the synth report, the demo, the driver's timeout and
the docs read it.

SASA engine (hw/rtl/sasa_core.v), per module: the QK pass (spike_linear over S, Wq and Wk), the Y pass
(spike_linear over Y = Q & A, Wo), and the whole engine's latency as a max-plus schedule of the two passes'
per-timestep cycles (QK(t+1) overlaps Y(t) through sasa_attn's two banks).

The whole network: each module's exact active cycles per image (`network_cycles`), and the network's
schedule (`network_schedule`): a token-level max-plus model of the pipeline that gives every handshake of
a back-to-back run, hence each image's latency (`network_latency`) and the steady-state interval
(`network_interval`); docs/architecture.md, "The network's schedule".
"""

from __future__ import annotations

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig

# ---------------------------------------------------------------------------------------- cycle model
# The exact cycle model of the engine's modules (docs/architecture.md, "Exact cycle count"); every figure is
# checked against the RTL's counters in every regression run. Constants of the schedule (cycles between
# events of the pipelines, with no stalls):
QK_START = 1   # first token taken (image start, cycle 0) -> its first QK issue cycle
QK_GAP = 8     # QK: after timestep t's last issue, timestep t+1's first issue (LIF pipeline drain, A latch)
QK_BANK = 1    # QK: Y(t-1)'s issue end -> QK(t+1)'s first issue (the bank it writes is released)
Y_START = 9    # QK(t)'s issue end -> Y(t)'s first issue (drain, A latch, Q-buffer read, token load)
OUT_LAT = 3    # Y's last issue end -> the last beat has left m_axis (accumulate, result = m_axis), inclusive count


def token_cycles(cfg: SAFormerConfig, x: np.ndarray) -> np.ndarray:
    """Issue cycles of each token of a spike_linear pass over x (..., T, N, D): G * max(1, nnz(x[t, n]))."""
    return itf.groups(cfg) * np.maximum(1, np.count_nonzero(np.asarray(x), axis=-1)).astype(np.int64)


def qk_cycles(cfg: SAFormerConfig, s: np.ndarray) -> np.ndarray:
    """QK pass (spike_linear over S, Wq and Wk together): issue cycles per image, (..., T, N, D) -> (...)."""
    return token_cycles(cfg, s).sum(axis=(-2, -1))


def y_cycles(cfg: SAFormerConfig, y: np.ndarray) -> np.ndarray:
    """Y pass (spike_linear over Y = Q & A, Wo): issue cycles per image."""
    return token_cycles(cfg, y).sum(axis=(-2, -1))


def active_formulas(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CYCLES_ACTIVE of each image: QK issue cycles + Y issue cycles (stall-invariant)."""
    return qk_cycles(cfg, s) + y_cycles(cfg, y)


def active_formula(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> int:
    return int(active_formulas(cfg, s, y))


def cycle_formulas(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact latency of each image with no stalls (first token taken .. last beat left m_axis, both
    counted), a max-plus schedule of the per-timestep pass cycles q[t] (QK) and y[t] (Y):

        QS[0] = QK_START
        QS[t+1] = max(QS[t] + q[t] + QK_GAP, YE[t-1] + QK_BANK)       (QK(t+1) overlaps Y(t))
        YS[t] = max(QS[t] + q[t] + Y_START, YE[t-1]),  YE[t] = YS[t] + y[t]
        latency = YE[T-1] + OUT_LAT

    with YE[-1] = -inf; s, y are (..., T, N, D) spikes; returns an int64 array of the leading shape."""
    q = token_cycles(cfg, s).sum(axis=-1)
    yy = token_cycles(cfg, y).sum(axis=-1)
    T = q.shape[-1]
    qs = np.full(q.shape[:-1], QK_START, dtype=np.int64)
    ye_prev = np.full(q.shape[:-1], np.iinfo(np.int64).min // 4, dtype=np.int64)
    ye_prev2 = ye_prev.copy()
    for t in range(T):
        if t > 0:  # qs holds QS[t-1] here
            qs = np.maximum(qs + q[..., t - 1] + QK_GAP, ye_prev2 + QK_BANK)
        ys = np.maximum(qs + q[..., t] + Y_START, ye_prev)
        ye_prev2, ye_prev = ye_prev, ys + yy[..., t]
    return ye_prev + OUT_LAT


def cycle_formula(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> int:
    """Exact latency of one image: s, y are (T, N, D) spikes (`cycle_formulas` for a batch)."""
    return int(cycle_formulas(cfg, s, y))


def fixed_cycles(cfg: SAFormerConfig) -> int:
    """The latency of an all-silent image (every token costs G cycles in each pass)."""
    z = np.zeros((cfg.T, cfg.N, cfg.D), dtype=np.uint8)
    return cycle_formula(cfg, z, z)


def spike_cycles(cfg: SAFormerConfig) -> int:
    """Issue cycles per active spike beyond a token's first: G = ceil(D / P)."""
    return itf.groups(cfg)


def worst_cycles(cfg: SAFormerConfig) -> int:
    """The latency formula's upper bound for one image: every S and Y spike on."""
    ones = np.ones((cfg.T, cfg.N, cfg.D), dtype=np.uint8)
    return cycle_formula(cfg, ones, ones)


# ============================================================================== the whole network
# One engine per module (hw/rtl/net_*.v, docs/architecture.md "The whole network"); every figure below is
# the module's exact active cycles per image, a function of the reference's spike records of that image.
def conv2_window_counts(cfg: SAFormerConfig, s1: np.ndarray) -> np.ndarray:
    """Active bits of each conv2 input window: s1 (B, T, stem, img, img) -> (B, T, grid, grid) int64 (the 3x3
    window at stride `patch`, zero padding 1, over every stem channel)."""
    s1 = np.asarray(s1).astype(np.int64)
    g, p = cfg.grid, cfg.patch
    sp = np.pad(s1, ((0, 0), (0, 0), (0, 0), (1, 1), (1, 1)))
    tot = np.zeros((s1.shape[0], s1.shape[1], g, g), dtype=np.int64)
    for dy in range(3):
        for dx in range(3):
            tot += sp[:, :, :, dy:dy + p * (g - 1) + 1:p, dx:dx + p * (g - 1) + 1:p].sum(axis=2)
    return tot


def conv2_window_spikes(cfg: SAFormerConfig, s1: np.ndarray) -> np.ndarray:
    """Active bits of conv2's input windows per image: s1 (B, T, stem, img, img) -> (B,) int64."""
    return conv2_window_counts(cfg, s1).sum(axis=(1, 2, 3))


def slin_cycles(counts: np.ndarray) -> np.ndarray:
    """Active cycles per image of a spike-driven full-row layer (net_slin): max(1, nnz) per token; counts is
    (B, tokens...) of per-token active spikes -> (B,) int64."""
    c = np.asarray(counts).astype(np.int64)
    return np.maximum(1, c).reshape(c.shape[0], -1).sum(axis=1)


def token_nnz(x: np.ndarray) -> np.ndarray:
    """Active spikes per token: (B, T, N, C) -> (B, T, N) int64."""
    return np.count_nonzero(np.asarray(x), axis=-1).astype(np.int64)


def lif_groups(cfg: SAFormerConfig, fo: int) -> int:
    """Cycles of a network LIF stage (net_lif) per token: its fo neurons in groups of P = cfg.lanes."""
    return -(-fo // cfg.lanes)


def network_modules(cfg: SAFormerConfig) -> list[str]:
    """The network's engines in pipeline order (the names of the cycle model and the monitors)."""
    mods = ["tok", "conv2"]
    for i in range(cfg.L):
        mods += [f"b{i}.sasa.lif", f"b{i}.sasa", f"b{i}.dwc.lif", f"b{i}.dwc", f"b{i}.mlp.lif", f"b{i}.mlp.fc1",
                 f"b{i}.mlp.hlif", f"b{i}.mlp.fc2"]
    return mods + ["head.lif", "head", "out"]


def tok_rows(cfg: SAFormerConfig) -> int:
    """Rows (and columns) of pixel positions the tokenizer computes: the ones some conv2 window reads
    (PATCH*o - 1 .. PATCH*o + 1 for o < grid): min(img, 3*grid - 1)."""
    return min(cfg.img, 3 * (cfg.img // cfg.patch) - 1)


def tok_position_cycles(cfg: SAFormerConfig) -> int:
    """Cycles per pixel position of net_tok: its 9*in_ch conv1 taps, or its T LIF steps of two cycles (they
    run while the next position's taps accumulate), whichever is longer."""
    return max(9 * cfg.in_ch, 2 * cfg.T)


def tok_drain_cycles(cfg: SAFormerConfig) -> int:
    """Cycles from the last position's last cycle to its last LIF step (included): 2 + min(9*in_ch, 2*T)."""
    return 2 + min(9 * cfg.in_ch, 2 * cfg.T)


TOK_WINDOW = 10  # net_tok cycles per conv2 window with no stall: 9 s1 reads and the take


def tok_cycles(cfg: SAFormerConfig) -> int:
    """net_tok's active cycles per image: in_ch*img pixel beats + rows^2 positions of `tok_position_cycles`
    (conv1 and its LIF) + `tok_drain_cycles` + TOK_WINDOW*T*N windows."""
    return (cfg.in_ch * cfg.img + tok_rows(cfg) ** 2 * tok_position_cycles(cfg) + tok_drain_cycles(cfg)
            + TOK_WINDOW * cfg.T * cfg.N)


def network_cycles(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Exact active cycles per image of every network module, from `golden.reference.forward`'s records of a
    batch: module -> (B,) int64.

    tok (`tok_cycles`): in_ch*img pixel beats + rows^2 * max(9*in_ch, 2*T) (conv1 taps and the LIF, per
    position a window reads; rows = min(img, 3*grid - 1)) + 2 + min(9*in_ch, 2*T) (the last LIF) + 10*T*N
    (windows: 9 reads and the take);
    conv2, fc1, fc2, head (spike-driven full rows): sum over tokens of max(1, nnz(token's input spikes)), fc1
    times its passes (`cfg.hidden_passes`, the MLP fold: hidden / hidden_beat; 1 without), fc2 times its
    passes (`cfg.stream_beats`, stream beats: D / stream_beat; 1 without);
    SASA: `active_formulas` (the SASA engine's CYCLES_ACTIVE: QK + Y issue cycles, stall-invariant; its
    occupancy per image is `network_sasa_latency`); DWC (P channels per cycle): T*N*ceil(D/P); every LIF
    stage (P neurons per cycle): T*N*ceil(fo/P) (`lif_groups`); out: n_classes + 1.
    """
    B = rec["logits"].shape[0]
    TN = cfg.T * cfg.N

    def const(v: int) -> np.ndarray:
        return np.full(B, v, dtype=np.int64)

    def nnz(a: np.ndarray) -> np.ndarray:
        return np.count_nonzero(np.asarray(a).reshape(B, -1), axis=1).astype(np.int64)

    lif_d, lif_h = TN * lif_groups(cfg, cfg.D), TN * lif_groups(cfg, cfg.hidden)
    out = {"tok": const(tok_cycles(cfg)),
           "conv2": slin_cycles(conv2_window_counts(cfg, rec["tok.s1"]))}
    for i in range(cfg.L):
        p = f"b{i}."
        out[p + "sasa.lif"] = const(lif_d)
        out[p + "sasa"] = np.asarray(active_formulas(cfg, rec[p + "sasa.s"], rec[p + "sasa.y"]), dtype=np.int64)
        out[p + "dwc.lif"] = const(lif_d)
        out[p + "dwc"] = const(lif_d)  # P channels per cycle, as the LIF stages
        out[p + "mlp.lif"] = const(lif_d)
        out[p + "mlp.fc1"] = cfg.hidden_passes * slin_cycles(token_nnz(rec[p + "mlp.s"]))
        out[p + "mlp.hlif"] = const(lif_h)
        out[p + "mlp.fc2"] = cfg.stream_beats * slin_cycles(token_nnz(rec[p + "mlp.h"]))
    out["head.lif"] = const(lif_d)
    out["head"] = slin_cycles(token_nnz(rec["head.s"]))
    out["out"] = const(cfg.n_classes + 1)
    return out


def network_lower_bounds(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each module's own lower bound per image: one weight row per active spike per cycle (a spike-driven
    engine cannot do less), and at least one cycle per output token (per output beat of P channels for
    SASA, DWC and the LIF stages, which work P = cfg.lanes channels per cycle; per tap for conv1):
    module -> (B,) int64."""
    B = rec["logits"].shape[0]
    TN = cfg.T * cfg.N
    G = itf.groups(cfg)

    def nnz(a: np.ndarray) -> np.ndarray:
        return np.count_nonzero(np.asarray(a).reshape(B, -1), axis=1).astype(np.int64)

    lif_d, lif_h = TN * lif_groups(cfg, cfg.D), TN * lif_groups(cfg, cfg.hidden)
    lb = {"tok": np.full(B, 9 * cfg.in_ch * tok_rows(cfg) ** 2 + TN, dtype=np.int64),
          "conv2": np.maximum(conv2_window_spikes(cfg, rec["tok.s1"]), TN)}
    for i in range(cfg.L):
        p = f"b{i}."
        lb[p + "sasa.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "sasa"] = np.maximum(G * (nnz(rec[p + "sasa.s"]) + nnz(rec[p + "sasa.y"])), TN * G)
        lb[p + "dwc.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "dwc"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "mlp.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "mlp.fc1"] = cfg.hidden_passes * np.maximum(nnz(rec[p + "mlp.s"]), TN)  # a pass per beat
        lb[p + "mlp.hlif"] = np.full(B, lif_h, dtype=np.int64)
        lb[p + "mlp.fc2"] = cfg.stream_beats * np.maximum(nnz(rec[p + "mlp.h"]), TN)  # a pass per beat
    lb["head.lif"] = np.full(B, lif_d, dtype=np.int64)
    lb["head"] = np.maximum(nnz(rec["head.s"]), TN)
    lb["out"] = np.full(B, cfg.n_classes + 1, dtype=np.int64)
    return lb


def network_sasa_latency(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each SASA engine's latency per image with no stalls (`cycle_formulas`: its QK and Y passes overlap
    across timesteps, and an image begins only after the previous one's last beat has left the engine, so
    this is its occupancy per image): module -> (B,) int64."""
    return {f"b{i}.sasa": np.asarray(cycle_formulas(cfg, rec[f"b{i}.sasa.s"], rec[f"b{i}.sasa.y"]),
                                     dtype=np.int64) for i in range(cfg.L)}


def network_occupancy(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Cycles each module is occupied per image: its active cycles, the SASA engines' latency."""
    occ = network_cycles(cfg, rec)
    occ.update(network_sasa_latency(cfg, rec))
    return occ


def network_occupancy_interval(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> int:
    """The busiest module's mean occupancy per image: a lower bound on the steady-state interval (it
    leaves out the coupling between the engines; `network_interval` is the exact schedule's)."""
    occ = network_occupancy(cfg, rec)
    return int(np.ceil(max(float(v.mean()) for v in occ.values())))


def steady_interval(ends: list[int] | np.ndarray) -> float:
    """The steady-state interval of a back-to-back run from its images' last-beat cycles: the mean
    difference of consecutive ends over the run's second half (all of it for <= 3 images); the bench
    applies it to the measured ends and to the schedule's."""
    e = np.asarray(ends, dtype=np.int64)
    gaps = np.diff(e[len(e) // 2:]) if len(e) > 3 else np.diff(e)
    return float(gaps.mean()) if gaps.size else float("nan")


def network_interval(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> float:
    """Modelled steady-state interval per image of a back-to-back run of the images of `rec` (in order, no
    stalls): `steady_interval` of `network_schedule`'s ends."""
    return steady_interval(network_schedule(cfg, rec)["end"])


def network_latency(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> np.ndarray:
    """Modelled latency of every image of a back-to-back run (no stalls): first pixel beat into the
    tokenizer .. last result beat on m_axis, both counted; image 0 is the latency of an idle pipeline."""
    return np.asarray(network_schedule(cfg, rec)["latency"], dtype=np.int64)


# ============================================================================== the network's schedule
# A token-level max-plus (event) model of the whole pipeline (docs/architecture.md, "The network's
# schedule"): every handshake of every stream, from each engine's own per-token cost (the same costs the
# active-cycle formulas above sum), its fixed pipeline depths, its input's availability and its output
# buffer's space. Times are cycles from the first pixel beat offered at s_axis (cycle 0), the source then
# offering a beat every cycle (back-to-back images, no stalls) and m_axis always ready. The equations are
# monotone max-plus, so the schedule is their least fixed point: `network_schedule` sweeps every engine in
# pipeline order until no time changes (backpressure needs a sweep per engine it crosses).
NEG = -(1 << 40)  # "long ago": no constraint

# Pipeline depths of the SASA engine's passes (cycles between events with no stall; the same constants as
# the engine's own latency schedule above, there measured from its first token):
SASA_Q_A = QK_GAP          # last QK issue of timestep t -> the first token of t+1 may be taken (A latched)
SASA_Q_Y = Y_START         # last QK issue of timestep t -> its first Y token may be taken (Q-buffer read)
SASA_Y_BANK = QK_BANK      # last Y issue of timestep t -> the first token of t+2 may be taken (bank free)
SASA_Y_OUT = OUT_LAT       # last Y issue of a token -> its last beat at the engine's output (advancing cycles)
KEEP_STALLS = 8            # stall intervals an engine keeps (older ones end before any later query)


class _Stalls:
    """The stall cycles of a rigid pipeline (every stage frozen): disjoint intervals [s, e), in order."""

    def __init__(self, iv: list[tuple[int, int]] | None = None) -> None:
        self.iv = list(iv or [])

    def add(self, s: int, e: int) -> None:
        if e > s:
            self.iv.append((s, e))
            if len(self.iv) > 2 * KEEP_STALLS:
                del self.iv[:KEEP_STALLS]

    def nadv(self, c: int) -> int:
        """The first cycle >= c that advances (lies in no stall interval)."""
        for s, e in reversed(self.iv):
            if e <= c:
                break
            if s <= c:
                c = e
        return c

    def after(self, c: int, n: int) -> int:
        """The n-th advancing cycle after cycle c."""
        if not self.iv or self.iv[-1][1] <= c + 1:
            return c + n
        for _ in range(n):
            c = self.nadv(c + 1)
        return c

    def snap(self) -> list[tuple[int, int]]:
        return self.iv[-KEEP_STALLS:]


class _Link:
    """A stream between two engines through its buffer: pf[k] = the producer's write of word k (its
    handshake), a[k] = the consumer's read. axis_skid (two entries, registered ready): word k is valid at its
    output at max(pf + 1, a[k-1] + 1), and the skid takes word k from a[k-2] + 1; axis_half (one entry):
    valid at pf + 1, writable from a[k-1] + 1."""

    def __init__(self, n: int, skid: bool) -> None:
        self.pf = [0] * n
        self.a = [NEG] * n
        self.skid = skid

    def ov(self, k: int) -> int:
        if self.skid:
            return max(self.pf[k] + 1, self.a[k - 1] + 1) if k else self.pf[k] + 1
        return self.pf[k] + 1

    def br(self, k: int) -> int:
        if self.skid:
            return self.a[k - 2] + 1 if k >= 2 else NEG
        return self.a[k - 1] + 1 if k else NEG


class _Split(_Link):
    """axis_split (conv2 -> U0 with stream beats): the producer writes whole tokens (pf[k]), the consumer
    reads nb beats each (a[k * nb + b]); the one entry takes token k from its predecessor's last beat read
    + 1, and beat b is valid from max(the token's write + 1, beat b - 1's read + 1). nb = 1: axis_half."""

    def __init__(self, n: int, nb: int) -> None:
        super().__init__(n, False)
        self.nb = nb
        self.a = [NEG] * (n * nb)

    def ov(self, kb: int) -> int:
        return max(self.pf[kb // self.nb] + 1, self.a[kb - 1] + 1) if kb else self.pf[0] + 1

    def br(self, k: int) -> int:
        return self.a[k * self.nb - 1] + 1 if k else NEG


def _out_reg(st: _Stalls, arr: int, prev_fire: int, br: int) -> tuple[int, int]:
    """A token's last item reaches the output-register stage at `arr`: it waits there (every stage frozen)
    until the previous token has left the register -> (its own fire cycle, the cycle it left the stage)."""
    z = max(arr, prev_fire)
    st.add(arr, z)
    return max(z + 1, br), z


class _Engine:
    """One engine of the schedule: `run(i)` computes image i's handshakes from its state after image i-1
    (kept per image, so a sweep can restart at any image)."""

    def __init__(self) -> None:
        self.snaps: dict[int, tuple] = {}

    def state(self) -> tuple:
        return ()

    def restore(self, s: tuple) -> None:
        pass

    def image(self, i: int) -> None:
        raise NotImplementedError

    def run(self, i: int) -> None:
        if i in self.snaps:
            self.restore(self.snaps[i])
        else:
            self.snaps[i] = self.state()
        self.image(i)
        self.snaps[i + 1] = self.state()


class _Stalling(_Engine):
    def __init__(self) -> None:
        super().__init__()
        self.st = _Stalls()
        self.e = NEG

    def state(self) -> tuple:
        return (self.st.snap(), self.e)

    def restore(self, s: tuple) -> None:
        self.st, self.e = _Stalls(s[0]), s[1]


class _Source(_Engine):
    """The pixel source: a beat offered every cycle from cycle 0, written when the px skid is ready."""

    def __init__(self, out: _Link, nr: int) -> None:
        super().__init__()
        self.out, self.nr = out, nr

    def image(self, i: int) -> None:
        o = self.out
        for k in range(i * self.nr, (i + 1) * self.nr):
            o.pf[k] = max(o.pf[k - 1] + 1 if k else 0, o.br(k))


class _Tok(_Engine):
    """net_tok: LOAD (a pixel row per cycle), conv1 and its LIF (`tok_position_cycles` per computed position,
    then `tok_drain_cycles`), then the gather: window k's 9 reads start at the gather's first cycle (k = 0) or
    in the cycle after window k-1 was taken, it is offered 9 cycles later and taken when the skid has room."""

    def __init__(self, cfg: SAFormerConfig, inp: _Link, out: _Link) -> None:
        super().__init__()
        self.cfg, self.inp, self.out = cfg, inp, out
        self.c = 0  # the cycle LOAD may begin

    def state(self) -> tuple:
        return (self.c,)

    def restore(self, s: tuple) -> None:
        self.c = s[0]

    def image(self, i: int) -> None:
        cfg = self.cfg
        nr, tn = cfg.in_ch * cfg.img, cfg.T * cfg.N
        c = self.c
        for k in range(i * nr, (i + 1) * nr):
            c = max(c, self.inp.ov(k))
            self.inp.a[k] = c
            c += 1
        # conv1 and its LIF; then c is the gather's first cycle
        c += tok_rows(cfg) ** 2 * tok_position_cycles(cfg) + tok_drain_cycles(cfg)
        for k in range(i * tn, (i + 1) * tn):
            f = max(c + TOK_WINDOW - 1, self.out.br(k))
            self.out.pf[k] = f
            c = f + 1
        self.c = c


class _Slin(_Stalling):
    """net_slin (spike finder S1 -> row read R -> accumulate S2, output register): token k is taken at the
    first advancing cycle >= max(its valid, the previous token's last issue), issues `passes` x cost[k] rows
    in the advancing cycles after it (pass g + 1 right after pass g's last row), and each pass's last row
    reaches S2 two advancing cycles later, where its beat (word k * passes + g) waits for the register
    (IMG_ACC, the head: one pass, only an image's last token emits)."""

    def __init__(self, inp: _Link, out: _Link, cost: list[int], tn: int, img_acc: bool = False,
                 passes: int = 1) -> None:
        super().__init__()
        self.inp, self.out, self.cost, self.tn, self.img_acc, self.passes = inp, out, cost, tn, img_acc, passes

    def image(self, i: int) -> None:
        st, inp, out, np_ = self.st, self.inp, self.out, self.passes
        e = self.e
        for k in range(i * self.tn, (i + 1) * self.tn):
            a = st.nadv(max(inp.ov(k), e))
            inp.a[k] = a
            e = a
            for g in range(np_):
                e = st.after(e, self.cost[k])
                if not self.img_acc or k == (i + 1) * self.tn - 1:
                    j = i if self.img_acc else k * np_ + g
                    out.pf[j], _ = _out_reg(st, st.after(e, 1) + 1, out.pf[j - 1] if j else NEG, out.br(j))
        self.e = e


class _Lif(_Stalling):
    """net_lif (S0 issue -> S1 -> S2, output register): token k arrives as `beats` input beats (word
    k * beats + b) of g / beats groups each; a beat's groups issue in the advancing cycles from max(its
    valid, the previous group + 1, lb[k] for the token's first beat), and it is taken at its last group;
    the token's last group reaches S2 two advancing cycles later and waits there for the register. lb(kb): a
    shortcut's U FIFO not full (beat kb - FD * beats read into its head)."""

    def __init__(self, inp: _Link, out: _Link, g: int, tn: int, lb=None, beats: int = 1) -> None:
        super().__init__()
        self.inp, self.out, self.g, self.tn, self.lb, self.beats = inp, out, g, tn, lb, beats

    def image(self, i: int) -> None:
        st, inp, out, nb = self.st, self.inp, self.out, self.beats
        gb = self.g // nb
        e = self.e
        for k in range(i * self.tn, (i + 1) * self.tn):
            for b in range(nb):
                kb = k * nb + b
                s = st.nadv(max(inp.ov(kb), e + 1, self.lb(kb) if self.lb else NEG))
                e = st.after(s, gb - 1)
                inp.a[kb] = e
            out.pf[k], _ = _out_reg(st, st.after(e, 1) + 1, out.pf[k - 1] if k else NEG, out.br(k))
        self.e = e


class _Fifo(_Engine):
    """net_shortcut's U FIFO (FD tokens = FD * beats words in an sdp_ram whose read register is the head)
    and adder, per beat (`tn`: beats per image): word k is read into the head at max(its push + 1, the
    previous word's pop), popped (its increment beat taken) when the increment is valid and the U register
    is free, and U + inc is written on the cycle after."""

    def __init__(self, uin: _Link, inc: _Link, u: _Link, tn: int) -> None:
        super().__init__()
        self.uin, self.inc, self.u, self.tn = uin, inc, u, tn
        self.rd = [NEG] * len(uin.a)

    def image(self, i: int) -> None:
        rd, inc, u = self.rd, self.inc, self.u
        for k in range(i * self.tn, (i + 1) * self.tn):
            rd[k] = max(self.uin.a[k] + 1, inc.a[k - 1] if k else NEG)
            q = max(rd[k] + 1, inc.ov(k), u.pf[k - 1] if k else NEG)
            inc.a[k] = q
            u.pf[k] = max(q + 1, u.br(k))


class _Dwc(_Stalling):
    """net_dwc: per timestep N + grid + 1 shift positions; the first grid + 1 take a token in one cycle, the
    others issue G channel groups (taking their token, if p < N, at the last group) and complete the window
    of token p - grid - 1 in `beats` output beats of G / beats groups (stream beats); a beat's last group
    waits in stage A (one stage) for the output register, every stage frozen."""

    def __init__(self, cfg: SAFormerConfig, inp: _Link, out: _Link, beats: int = 1) -> None:
        super().__init__()
        self.cfg, self.inp, self.out, self.beats = cfg, inp, out, beats

    def image(self, i: int) -> None:
        cfg = self.cfg
        G, N, gr, nb = itf.groups(cfg), cfg.N, cfg.grid, self.beats
        gb = G // nb
        st, inp, out = self.st, self.inp, self.out
        e = self.e
        k = i * cfg.T * N
        j = k * nb
        for _t in range(cfg.T):
            for p in range(N + gr + 1):
                s = st.nadv(max(e + 1, inp.ov(k)) if p < N else e + 1)
                e = s
                if p > gr:
                    for b in range(nb):
                        e = st.after(e, gb - 1 if b == 0 else gb)
                        out.pf[j], _ = _out_reg(st, e + 1, out.pf[j - 1] if j else NEG, out.br(j))
                        j += 1
                if p < N:
                    inp.a[k] = e
                    k += 1
        self.e = e


class _Sasa(_Stalling):
    """net_sasa (sasa_core and its collector), per token k in (t, n) order: QK (never stalled) takes token k
    at max(its valid, the previous token's last issue, the timestep's gate) and issues qc[k] cycles; the
    gate of a timestep's first token: the previous timestep's A latched (last QK issue + SASA_Q_A) and the
    bank it writes released (last Y issue of timestep t-2 + SASA_Y_BANK); of an image's first token: the
    previous image's last beat has left the engine. Y takes its token at the first advancing cycle >=
    max(the timestep's last QK issue + SASA_Q_Y, the previous Y token's last issue), issues yc[k] cycles,
    and its last beat reaches the engine's output SASA_Y_OUT advancing cycles after its last issue, where
    it waits for the collector's register (every Y stage frozen). Stream beats: the token's Y issue is
    `beats` runs of yc[k] / beats cycles, each run's last engine beat waiting for the register in turn."""

    def __init__(self, cfg: SAFormerConfig, inp: _Link, out: _Link, qc: list[int], yc: list[int],
                 beats: int = 1) -> None:
        super().__init__()
        self.cfg, self.inp, self.out, self.qc, self.yc, self.beats = cfg, inp, out, qc, yc, beats
        self.qe = NEG        # last QK issue so far
        self.y2 = (NEG, NEG)  # last Y issue of the last two timesteps (bank release)
        self.img_free = NEG  # the previous image's last beat has left: the next image may start

    def state(self) -> tuple:
        return (self.st.snap(), self.e, self.qe, self.y2, self.img_free)

    def restore(self, s: tuple) -> None:
        self.st, self.e, self.qe, self.y2, self.img_free = _Stalls(s[0]), s[1], s[2], s[3], s[4]

    def image(self, i: int) -> None:
        T, N = self.cfg.T, self.cfg.N
        st, inp, out = self.st, self.inp, self.out
        qe, ye, y2 = self.qe, self.e, self.y2
        k = i * T * N
        z = NEG
        for t in range(T):
            for n in range(N):
                g = max(inp.ov(k + n), qe)
                if n == 0:
                    g = max(g, self.img_free) if t == 0 else max(g, qe + SASA_Q_A, y2[0] + SASA_Y_BANK)
                inp.a[k + n] = g
                qe = g + self.qc[k + n]
            nb = self.beats
            for n in range(N):
                a = st.nadv(max(qe + SASA_Q_Y, ye) if n == 0 else ye)
                ye = a
                for b in range(nb):
                    ye = st.after(ye, self.yc[k + n] // nb)
                    arr = st.after(ye, SASA_Y_OUT - 1) + 1
                    j = (k + n) * nb + b
                    out.pf[j], z = _out_reg(st, arr, out.pf[j - 1] if j else NEG, out.br(j))
            y2 = (y2[1], ye)
            k += N
        self.qe, self.e, self.y2, self.img_free = qe, ye, y2, z + 1


class _Out(_Engine):
    """net_out -> axis_skid -> m_axis (always ready): the logits are taken when the register is empty, then
    n_classes + 1 beats (logits, class), one per cycle, each on m_axis a cycle after it left net_out."""

    def __init__(self, cfg: SAFormerConfig, inp: _Link, beats: list[int]) -> None:
        super().__init__()
        self.nb, self.inp, self.beats = cfg.n_classes + 1, inp, beats
        self.free = NEG

    def state(self) -> tuple:
        return (self.free,)

    def restore(self, s: tuple) -> None:
        self.free = s[0]

    def image(self, i: int) -> None:
        a = max(self.inp.ov(i), self.free)
        self.inp.a[i] = a
        for j in range(self.nb):
            self.beats[i * self.nb + j] = a + 2 + j
        self.free = a + 1 + self.nb  # the class beat left net_out at a + nb


def _flat_cost(x: np.ndarray) -> list[int]:
    """Per-token cost max(1, count) of a (B, T, N) count array, in stream order."""
    return [int(v) for v in np.maximum(1, np.asarray(x, dtype=np.int64)).reshape(-1)]


SCHEDULE_WINDOW = 4  # images a sweep recomputes (the pipeline holds fewer at once)


def network_schedule(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, object]:
    """The whole network's exact handshake schedule for a back-to-back run of the images of `rec`
    (`golden.reference.forward`'s records, in order) with no stalls; cycle 0 is the first pixel beat
    offered at s_axis. Returns
      "fires": boundary name (hw/net_generate.py boundaries) -> every word's producer-side handshake cycle,
      "px": every pixel beat's s_axis cycle, "tok_take": every pixel beat's cycle into the tokenizer,
      "out": every result beat's m_axis cycle,
      "start"/"end": per image, its first pixel beat taken by the tokenizer / its last beat on m_axis,
      "latency": end - start + 1 (both counted), "interval": differences of consecutive ends,
      "sweeps": the sweeps the fixed point took.
    The equations are monotone max-plus and no word waits for a later one, so image i's times depend on
    images <= i only: the least fixed point is reached by sweeping every engine in pipeline order over a
    window of SCHEDULE_WINDOW images from the first image still changing (backpressure moves one engine up
    per sweep) until a sweep changes nothing in it."""
    B = int(np.asarray(rec["logits"]).shape[0])
    T, N = cfg.T, cfg.N
    TN = T * N
    G = itf.groups(cfg)
    nr = cfg.in_ch * cfg.img
    ntok = B * TN
    nb = cfg.n_classes + 1
    NB = cfg.stream_beats  # U and increments: beats per token (stream beats)
    links: dict[str, _Link] = {"px": _Link(B * nr, True), "win": _Link(ntok, True),
                               "u0": _Split(ntok, NB) if NB > 1 else _Link(ntok, False)}
    eng: list[_Engine] = [_Source(links["px"], nr), _Tok(cfg, links["px"], links["win"]),
                          _Slin(links["win"], links["u0"], _flat_cost(conv2_window_counts(cfg, rec["tok.s1"])), TN)]
    prev = links["u0"]
    fires: dict[str, list[int]] = {"tok.win": links["win"].pf, "tok.u0": links["u0"].pf}
    for i in range(cfg.L):
        p = f"b{i}."
        for m in ("sasa", "dwc", "mlp"):
            pm = p + m + "."
            s, inc, u = _Link(ntok, True), _Link(ntok * NB, False), _Link(ntok * NB, False)
            fifo = _Fifo(prev, inc, u, TN * NB)
            fw = itf.shortcut_fifo_tokens(cfg, m) * NB  # the U FIFO's depth in beats
            eng.append(_Lif(prev, s, G, TN, lb=lambda k, rd=fifo.rd, fw=fw: rd[k - fw] + 1 if k >= fw else NEG,
                            beats=NB))
            if m == "sasa":
                eng.append(_Sasa(cfg, s, inc, [G * c for c in _flat_cost(token_nnz(rec[p + "sasa.s"]))],
                                 [G * c for c in _flat_cost(token_nnz(rec[p + "sasa.y"]))], beats=NB))
            elif m == "dwc":
                eng.append(_Dwc(cfg, s, inc, beats=NB))
            else:
                hp = cfg.hidden_passes  # fc1's beats per token (the MLP fold)
                hc, h = _Link(ntok * hp, False), _Link(ntok, True)
                eng += [_Slin(s, hc, _flat_cost(token_nnz(rec[p + "mlp.s"])), TN, passes=hp),
                        _Lif(hc, h, lif_groups(cfg, cfg.hidden), TN, beats=hp),
                        _Slin(h, inc, _flat_cost(token_nnz(rec[p + "mlp.h"])), TN, passes=NB)]
                fires[pm + "h"] = h.pf
            eng.append(fifo)
            fires[pm + "s"], fires[pm + "inc"], fires[pm + "u"] = s.pf, inc.pf, u.pf
            prev = u
    hs, lg = _Link(ntok, True), _Link(B, False)
    beats = [0] * (B * nb)
    eng += [_Lif(prev, hs, G, TN, beats=NB), _Slin(hs, lg, _flat_cost(token_nnz(rec["head.s"])), TN, img_acc=True),
            _Out(cfg, lg, beats)]
    fires["head.s"], fires["logits"] = hs.pf, lg.pf
    arrays = [x for ln in links.values() for x in (ln.pf, ln.a)]
    arrays += [x for e in eng for x in ([e.out.pf, e.out.a] if hasattr(e, "out") else [])]
    arrays += [e.rd for e in eng if isinstance(e, _Fifo)] + [beats]
    per_img = [len(x) // B for x in arrays]
    i0, sweeps = 0, 0
    while i0 < B:
        i1 = min(B, i0 + SCHEDULE_WINDOW)
        before = [x[i0 * w:i1 * w] for x, w in zip(arrays, per_img)]
        for e in eng:
            for i in range(i0, i1):
                e.run(i)
        sweeps += 1
        changed = [next((j for j in range(len(b)) if b[j] != x[i0 * w + j]), None) // w + i0
                   for b, x, w in zip(before, arrays, per_img) if b != x[i0 * w:i1 * w]]
        i0 = min(changed) if changed else i1
    if NB > 1:  # a stream in beats: the token's record at its last beat (the monitor's gather)
        for i in range(cfg.L):
            for m in ("sasa", "dwc", "mlp"):
                for x in ("inc", "u"):
                    fires[f"b{i}.{m}.{x}"] = fires[f"b{i}.{m}.{x}"][NB - 1::NB]
    start = [links["px"].a[b * nr] for b in range(B)]
    end = [beats[b * nb + nb - 1] for b in range(B)]
    return {"fires": fires, "px": links["px"].pf, "tok_take": links["px"].a, "out": beats, "start": start,
            "end": end, "latency": [e - s + 1 for s, e in zip(start, end)],
            "interval": [end[b] - end[b - 1] for b in range(1, B)], "sweeps": sweeps}
