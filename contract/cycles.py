# SPDX-License-Identifier: Apache-2.0
"""Cycle model of each hardware module: it describes the architecture (docs/architecture.md, "Exact cycle
count"), so it lives with the contract; the testbench, the synth report, the demo, the driver's timeout and
the docs read it.

SASA engine (hw/rtl/sasa_core.v), per module: the QK pass (spike_linear over S, Wq and Wk), the Y pass
(spike_linear over Y = Q & A, Wo), and the whole engine's latency as a max-plus schedule of the two passes'
per-timestep cycles (QK(t+1) overlaps Y(t) through sasa_attn's two banks).
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


def network_cycles(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Exact active cycles per image of every network module, from `golden.reference.forward`'s records of a
    batch: module -> (B,) int64.

    tok: in_ch*img pixel beats + 9*in_ch*img^2 conv1 taps + T*img^2 LIF positions + T*N windows;
    conv2, fc1, fc2, head (spike-driven full rows): sum over tokens of max(1, nnz(token's input spikes));
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

    img2 = cfg.img * cfg.img
    lif_d, lif_h = TN * lif_groups(cfg, cfg.D), TN * lif_groups(cfg, cfg.hidden)
    out = {"tok": const(cfg.in_ch * cfg.img + 9 * cfg.in_ch * img2 + cfg.T * img2 + TN),
           "conv2": slin_cycles(conv2_window_counts(cfg, rec["tok.s1"]))}
    for i in range(cfg.L):
        p = f"b{i}."
        out[p + "sasa.lif"] = const(lif_d)
        out[p + "sasa"] = np.asarray(active_formulas(cfg, rec[p + "sasa.s"], rec[p + "sasa.y"]), dtype=np.int64)
        out[p + "dwc.lif"] = const(lif_d)
        out[p + "dwc"] = const(lif_d)  # P channels per cycle, as the LIF stages
        out[p + "mlp.lif"] = const(lif_d)
        out[p + "mlp.fc1"] = slin_cycles(token_nnz(rec[p + "mlp.s"]))
        out[p + "mlp.hlif"] = const(lif_h)
        out[p + "mlp.fc2"] = slin_cycles(token_nnz(rec[p + "mlp.h"]))
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

    img2 = cfg.img * cfg.img
    lif_d, lif_h = TN * lif_groups(cfg, cfg.D), TN * lif_groups(cfg, cfg.hidden)
    lb = {"tok": np.full(B, 9 * cfg.in_ch * img2 + cfg.T * img2, dtype=np.int64),
          "conv2": np.maximum(conv2_window_spikes(cfg, rec["tok.s1"]), TN)}
    for i in range(cfg.L):
        p = f"b{i}."
        lb[p + "sasa.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "sasa"] = np.maximum(G * (nnz(rec[p + "sasa.s"]) + nnz(rec[p + "sasa.y"])), TN * G)
        lb[p + "dwc.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "dwc"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "mlp.lif"] = np.full(B, lif_d, dtype=np.int64)
        lb[p + "mlp.fc1"] = np.maximum(nnz(rec[p + "mlp.s"]), TN)
        lb[p + "mlp.hlif"] = np.full(B, lif_h, dtype=np.int64)
        lb[p + "mlp.fc2"] = np.maximum(nnz(rec[p + "mlp.h"]), TN)
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


def network_interval(cfg: SAFormerConfig, rec: dict[str, np.ndarray]) -> int:
    """Modelled steady-state interval per image: the busiest module's mean occupancy (the modules run
    concurrently, joined by FIFOs that hold their schedule's window)."""
    occ = network_occupancy(cfg, rec)
    return int(np.ceil(max(float(v.mean()) for v in occ.values())))


# ============================================================================== the network's schedule
# A token-level max-plus (event) model of the whole pipeline (docs/architecture.md, "The network's
# schedule"): every handshake of every stream, from each engine's own per-token cost (the same costs the
# active-cycle formulas above sum), its fixed pipeline depths, its input's availability and its output
# buffer's space. Times are cycles from the first pixel beat offered at s_axis (cycle 0), the source then
# offering a beat every cycle (back-to-back images, no stalls) and m_axis always ready. The equations are
# monotone max-plus, so the schedule is their least fixed point: `network_schedule` sweeps every engine in
# pipeline order until no time changes (backpressure needs a sweep per engine it crosses).
NEG = -(1 << 40)  # "long ago": no constraint

# Pipeline depths (cycles between events, with no stall), read from the RTL:
SASA_Q_A = 8     # SASA: last QK issue of timestep t -> first token of t+1 may be taken (A latched)
SASA_Q_Y = 9     # SASA: last QK issue of timestep t -> its first Y token may be taken (Q-buffer read)
SASA_Y_BANK = 1  # SASA: last Y issue of timestep t -> the first token of t+2 may be taken (bank released)


class _Stalls:
    """The stall cycles of a rigid pipeline (every stage frozen): disjoint intervals [s, e), in order."""

    def __init__(self) -> None:
        self.iv: list[tuple[int, int]] = []

    def add(self, s: int, e: int) -> None:
        if e > s:
            self.iv.append((s, e))

    def nadv(self, c: int) -> int:
        """The first cycle >= c that advances (is in no stall interval)."""
        for s, e in reversed(self.iv):
            if e <= c:
                break
            if s <= c < e:
                c = e
        return c

    def after(self, c: int, n: int) -> int:
        """The n-th advancing cycle after cycle c."""
        for _ in range(n):
            c = self.nadv(c + 1)
        return c


def _link_skid(pf: list[int], a: list[int]) -> tuple[list[int], list[int]]:
    """axis_skid (two entries, registered ready): producer fires pf, consumer takes a -> (out valid cycle of
    each word, the cycle from which the skid is ready for each word)."""
    n = len(pf)
    ov = [max(pf[k] + 1, (a[k - 1] + 1) if k else NEG) for k in range(n)]
    br = [(a[k - 2] + 1) if k >= 2 else NEG for k in range(n)]
    return ov, br


def _link_half(pf: list[int], a: list[int]) -> tuple[list[int], list[int]]:
    """axis_half (one entry): valid the cycle after it is written, writable the cycle after it is read."""
    n = len(pf)
    return [pf[k] + 1 for k in range(n)], [(a[k - 1] + 1) if k else NEG for k in range(n)]


def _out_reg(st: _Stalls, arr: int, prev_fire: int, br: int) -> tuple[int, int]:
    """A token's last item reaches the output-register stage at `arr`: it waits there (every stage frozen)
    until the previous token has left the register -> (its own fire cycle, the cycle it left the stage)."""
    z = max(arr, prev_fire)
    st.add(arr, z)
    return max(z + 1, br), z


def _slin(cost: list[int], ov: list[int], br: list[int], emit: list[bool] | None = None
          ) -> tuple[list[int], list[int]]:
    """net_slin (spike finder S1 -> row read R -> accumulate S2, output register): token k is taken at the
    first advancing cycle >= max(its valid, the previous token's last issue), issues cost[k] rows in the
    advancing cycles after it, and its last row reaches S2 two advancing cycles later, where an emitting
    token waits for the register (emit: IMG_ACC, only an image's last token emits) -> (takes, fires)."""
    st = _Stalls()
    take, fire = [], []
    e = NEG
    for k, c in enumerate(cost):
        a = st.nadv(max(ov[k], e))
        e = st.after(a, c)
        take.append(a)
        if emit is None or emit[k]:
            arr = st.after(e, 1) + 1
            j = len(fire)
            f, _ = _out_reg(st, arr, fire[j - 1] if j else NEG, br[j])
            fire.append(f)
    return take, fire


def _lif(g: int, ov: list[int], br: list[int], lb: list[int] | None = None) -> tuple[list[int], list[int]]:
    """net_lif (S0 issue -> S1 -> S2, output register): token k's g groups issue in the advancing cycles
    from max(its valid, the previous token's last group + 1, lb[k]); it is taken at its last group, which
    reaches S2 two advancing cycles later and waits there for the register -> (takes, fires)."""
    st = _Stalls()
    take, fire = [], []
    e = NEG
    for k in range(len(ov)):
        s = st.nadv(max(ov[k], e + 1, lb[k] if lb is not None else NEG))
        e = st.after(s, g - 1)
        take.append(e)
        f, _ = _out_reg(st, st.after(e, 1) + 1, fire[k - 1] if k else NEG, br[k])
        fire.append(f)
    return take, fire


def _fifo(fd: int, push: list[int], ov_inc: list[int], br_u: list[int]) -> tuple[list[int], list[int], list[int]]:
    """net_shortcut's U FIFO (fd words in an sdp_ram, its read register the head) and adder: word k is read
    into the head at max(push + 1, the previous word's pop), popped when its increment is valid and the U
    register is free, and U + inc leaves the cycle after -> (reads, pops = increment takes, U fires)."""
    rd, pop, uf = [], [], []
    for k, p in enumerate(push):
        r = max(p + 1, pop[k - 1] if k else NEG)
        q = max(r + 1, ov_inc[k], uf[k - 1] if k else NEG)
        rd.append(r)
        pop.append(q)
        uf.append(max(q + 1, br_u[k]))
    return rd, pop, uf


def _dwc(cfg: SAFormerConfig, B: int, ov: list[int], br: list[int]) -> tuple[list[int], list[int]]:
    """net_dwc: per timestep N + grid + 1 shift positions; the first grid + 1 take a token in one cycle, the
    others issue G channel groups (taking their token, if p < N, at the last group) and complete the window
    of token p - grid - 1, whose last group waits in stage A for the output register -> (takes, fires)."""
    G, N, gr = itf.groups(cfg), cfg.N, cfg.grid
    st = _Stalls()
    take, fire = [], []
    e = NEG
    k = 0
    for _ in range(B * cfg.T):
        for p in range(N + gr + 1):
            lo = e + 1
            if p < N:
                lo = max(lo, ov[k])
            s = st.nadv(lo)
            if p <= gr:
                e = s
            else:
                e = st.after(s, G - 1)
            if p < N:
                take.append(e)
                k += 1
            if p > gr:
                j = len(fire)
                f, _ = _out_reg(st, e + 1, fire[j - 1] if j else NEG, br[j])
                fire.append(f)
    return take, fire


def _tok(cfg: SAFormerConfig, B: int, ov_px: list[int], br: list[int]) -> tuple[list[int], list[int]]:
    """net_tok: LOAD (a pixel row per cycle), conv1 (9*in_ch cycles per position), then per timestep the LIF
    (a position per cycle) and the gather (a window per cycle the consumer takes) -> (pixel takes, fires)."""
    NR, img2 = cfg.in_ch * cfg.img, cfg.img * cfg.img
    take, fire = [], []
    c = 0  # the cycle LOAD begins
    for _ in range(B):
        for _r in range(NR):
            c = max(c, ov_px[len(take)])
            take.append(c)
            c += 1
        c += 9 * cfg.in_ch * img2  # conv1; c: the first LIF cycle
        for _t in range(cfg.T):
            c += img2  # the LIF; c: the gather's first cycle
            for _n in range(cfg.N):
                f = max(c, br[len(fire)])
                fire.append(f)
                c = f + 1
    return take, fire


def _out(cfg: SAFormerConfig, ov: list[int]) -> tuple[list[int], list[int]]:
    """net_out -> axis_skid -> m_axis (always ready): logits taken when the register is empty, then n_classes
    + 1 beats (logits, class) one per cycle -> (logit takes, m_axis fire of every beat)."""
    take, beats = [], []
    free = NEG
    for i in range(len(ov)):
        a = max(ov[i], free)
        take.append(a)
        for j in range(cfg.n_classes + 1):
            beats.append(a + 2 + j)  # beat j: net_out's register (a+1+j), the skid's output a cycle later
        free = a + 1 + cfg.n_classes + 1  # the class beat left net_out at a+1+n_classes
    return take, beats


def _sasa(cfg: SAFormerConfig, qc: list[int], yc: list[int], ov: list[int], br: list[int]
          ) -> tuple[list[int], list[int]]:
    """net_sasa (sasa_core + collector), per token k in (image, t, n) order: QK (no stalls) takes token k at
    max(its valid, the previous token's last issue, the timestep's gate) and issues qc[k] cycles; the gate of
    a timestep's first token: the previous timestep's A latched (last QK issue + SASA_Q_A) and the bank the
    timestep writes released (last Y issue of timestep t-2 + SASA_Y_BANK); an image's first token: the
    previous image's last beat has left the engine. Y takes its token at the first advancing cycle >=
    max(last QK issue of the timestep + SASA_Q_Y, the previous Y token's last issue), issues yc[k] cycles,
    and its last beat reaches the engine's output three advancing cycles after its last issue, where it waits
    for the collector's register (every Y stage frozen) -> (takes, collector fires)."""
    T, N = cfg.T, cfg.N
    st = _Stalls()
    take, fire = [], []
    qe = NEG        # last QK issue so far
    ye = NEG        # last Y issue so far
    img_free = NEG  # the previous image's last beat has left: its next image may start
    yend: list[int] = []  # last Y issue of each timestep (bank release)
    k = 0
    B = len(ov) // (T * N)
    for _ in range(B):
        for t in range(T):
            for n in range(N):
                g = max(ov[k], qe)
                if n == 0:
                    if t == 0:
                        g = max(g, img_free)
                    else:
                        g = max(g, qe + SASA_Q_A)
                    if len(yend) >= 2 and t >= 1:
                        g = max(g, yend[-2] + SASA_Y_BANK)
                take.append(g)
                qe = g + qc[k]
                k += 1
            qe_t = qe
            for n in range(N):
                kk = k - N + n
                a = st.nadv(max(qe_t + SASA_Q_Y, ye) if n == 0 else ye)
                ye = st.after(a, yc[kk])
                arr = st.after(st.after(ye, 1), 1) + 1
                f, z = _out_reg(st, arr, fire[-1] if fire else NEG, br[kk])
                fire.append(f)
                last_beat = z
            yend.append(ye)
        img_free = last_beat + 1
    return take, fire


def _flat_cost(x: np.ndarray) -> list[int]:
    """Per-token cost max(1, count) of a (B, T, N) count array, in stream order."""
    return [int(v) for v in np.maximum(1, np.asarray(x, dtype=np.int64)).reshape(-1)]


def network_schedule(cfg: SAFormerConfig, rec: dict[str, np.ndarray], max_sweeps: int = 10_000
                     ) -> dict[str, object]:
    """The whole network's exact handshake schedule for a back-to-back run of the images of `rec`
    (`golden.reference.forward`'s records, in order) with no stalls: cycle 0 is the first pixel beat
    offered at s_axis. Returns
      "fires": boundary name (hw/net_generate.py boundaries) -> every beat's producer-side handshake cycle,
      "px": every pixel beat's s_axis cycle, "tok_take": every pixel beat's cycle into the tokenizer,
      "out": every result beat's m_axis cycle,
      "start"/"end": per image, its first pixel beat taken by the tokenizer / its last beat on m_axis,
      "latency": end - start + 1 (both counted), "interval": differences of consecutive ends,
      "sweeps": the sweeps the fixed point took."""
    B = int(np.asarray(rec["logits"]).shape[0])
    T, N = cfg.T, cfg.N
    TN = T * N
    G = itf.groups(cfg)
    GH = lif_groups(cfg, cfg.hidden)
    nr = cfg.in_ch * cfg.img
    npx = B * nr
    ntok = B * TN
    conv2 = _flat_cost(conv2_window_counts(cfg, rec["tok.s1"]))
    blocks = []
    for i in range(cfg.L):
        p = f"b{i}."
        blocks.append({"q": [G * c for c in _flat_cost(token_nnz(rec[p + "sasa.s"]))],
                       "y": [G * c for c in _flat_cost(token_nnz(rec[p + "sasa.y"]))],
                       "fc1": _flat_cost(token_nnz(rec[p + "mlp.s"])),
                       "fc2": _flat_cost(token_nnz(rec[p + "mlp.h"]))})
    head = _flat_cost(token_nnz(rec["head.s"]))
    head_emit = [(k % TN) == TN - 1 for k in range(ntok)]

    names = ["px", "win", "u0"]
    for i in range(cfg.L):
        for m in ("sasa", "dwc", "mlp"):
            names += [f"b{i}.{m}.uin", f"b{i}.{m}.s", f"b{i}.{m}.inc", f"b{i}.{m}.u"]
        names += [f"b{i}.mlp.hc", f"b{i}.mlp.h"]
    names += ["head.uin", "head.s", "logits"]
    size = {n: ntok for n in names}
    size["px"] = npx
    size["logits"] = B
    # pf: producer fires (= the buffer's writes); a: consumer takes (= the buffer's reads)
    pf = {n: [0] * size[n] for n in names}
    a = {n: [NEG] * size[n] for n in names}
    skid = {"px", "win"} | {n for n in names if n.endswith(".s") or n.endswith(".h")}
    out_beats: list[int] = []
    rd_prev: dict[str, list[int]] = {}

    def link(n: str) -> tuple[list[int], list[int]]:
        return (_link_skid if n in skid else _link_half)(pf[n], a[n])

    sweeps = 0
    while True:
        sweeps += 1
        if sweeps > max_sweeps:
            raise RuntimeError("network_schedule: no fixed point")  # cannot happen: the equations are monotone
        old = ({n: list(v) for n, v in pf.items()}, {n: list(v) for n, v in a.items()})
        # the source offers a beat every cycle; the px skid
        _, br = link("px")
        f = []
        for k in range(npx):
            f.append(max(f[-1] + 1 if f else 0, br[k]))
        pf["px"] = f
        ov, _ = link("px")
        _, br = link("win")
        a["px"], pf["win"] = _tok(cfg, B, ov, br)
        ov, _ = link("win")
        _, br = link("u0")
        a["win"], pf["u0"] = _slin(conv2, ov, br)
        prev = "u0"
        for i in range(cfg.L):
            bl = blocks[i]
            for m in ("sasa", "dwc", "mlp"):
                pm = f"b{i}.{m}."
                fd = max(N if m in ("sasa", "dwc") else 2, 2)
                # the shortcut: its input is the previous U stream through a half buffer
                pf[pm + "uin"] = pf[prev]
                ov_u, _ = link(pm + "uin")
                _, br_s = link(pm + "s")
                rdp = rd_prev.get(pm, [NEG] * ntok)
                lb = [(rdp[k - fd] + 1) if k >= fd else NEG for k in range(ntok)]
                a[pm + "uin"], pf[pm + "s"] = _lif(G, ov_u, br_s, lb)
                if prev != "u0":
                    a[prev] = a[pm + "uin"]
                else:
                    a["u0"] = a[pm + "uin"]
                ov_s, _ = link(pm + "s")
                _, br_inc = link(pm + "inc")
                if m == "sasa":
                    a[pm + "s"], pf[pm + "inc"] = _sasa(cfg, bl["q"], bl["y"], ov_s, br_inc)
                elif m == "dwc":
                    a[pm + "s"], pf[pm + "inc"] = _dwc(cfg, B, ov_s, br_inc)
                else:
                    _, br_hc = link(pm + "hc")
                    a[pm + "s"], pf[pm + "hc"] = _slin(bl["fc1"], ov_s, br_hc)
                    ov_hc, _ = link(pm + "hc")
                    _, br_h = link(pm + "h")
                    a[pm + "hc"], pf[pm + "h"] = _lif(GH, ov_hc, br_h)
                    ov_h, _ = link(pm + "h")
                    a[pm + "h"], pf[pm + "inc"] = _slin(bl["fc2"], ov_h, br_inc)
                ov_inc, _ = link(pm + "inc")
                nxt = f"b{i}.{'dwc' if m == 'sasa' else 'mlp'}.uin" if m != "mlp" else (
                    f"b{i + 1}.sasa.uin" if i + 1 < cfg.L else "head.uin")
                # the U output goes into the next module's half buffer (its reads: a[nxt])
                _, br_u = _link_half(pf[pm + "u"], a[nxt])
                rd, a[pm + "inc"], pf[pm + "u"] = _fifo(fd, a[pm + "uin"], ov_inc, br_u)
                rd_prev[pm] = rd
                prev = pm + "u"
        pf["head.uin"] = pf[prev]
        ov_u, _ = link("head.uin")
        _, br_s = link("head.s")
        a["head.uin"], pf["head.s"] = _lif(G, ov_u, br_s)
        a[prev] = a["head.uin"]
        ov_s, _ = link("head.s")
        _, br_l = link("logits")
        a["head.s"], pf["logits"] = _slin(head, ov_s, br_l, head_emit)
        ov_l, _ = link("logits")
        a["logits"], out_beats = _out(cfg, ov_l)
        if (pf, a) == old:
            break
    nb = cfg.n_classes + 1
    start = [a["px"][b * nr] for b in range(B)]
    end = [out_beats[b * nb + nb - 1] for b in range(B)]
    fires = {"tok.win": pf["win"], "tok.u0": pf["u0"]}
    for i in range(cfg.L):
        for m in ("sasa", "dwc", "mlp"):
            pm = f"b{i}.{m}."
            fires[pm + "s"], fires[pm + "inc"], fires[pm + "u"] = pf[pm + "s"], pf[pm + "inc"], pf[pm + "u"]
        fires[f"b{i}.mlp.h"] = pf[f"b{i}.mlp.h"]
    fires["head.s"], fires["logits"] = pf["head.s"], pf["logits"]
    return {"fires": fires, "px": pf["px"], "tok_take": a["px"], "out": out_beats, "start": start, "end": end,
            "latency": [e - s + 1 for s, e in zip(start, end)],
            "interval": [end[b] - end[b - 1] for b in range(1, B)], "sweeps": sweeps}
