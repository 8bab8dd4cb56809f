# SPDX-License-Identifier: Apache-2.0
"""The one source of truth for every size, width and threshold of the SAFormer flow.

`SAFormerConfig` holds what a user chooses (dimensions, declared bit widths, LIF leak, lane count).
`derive(cfg)` turns it into every derived figure -- token count, value ranges and the proven minimum
register widths -- following the proof in docs/integer-semantics.md. Generators (RTL parameters, HLS
config header, testbench parameters, docs/interface.md) read these two objects and nothing else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from saformer.contract.errors import SaformerError

# Fields only the network RTL reads (the MLP fold, the stream beats): in the hash only when not 0
# (SAFormerConfig.hash, so the configs from before them keep their hash) and no CFG_* register of the SASA engine
# (`register_fields`, so its register map and kernels stay as they were).
NETWORK_RTL_FIELDS = ("hidden_beat", "stream_beat")


@dataclass(frozen=True)
class SAFormerConfig:
    """User-chosen configuration. Every field is checked by `validate()`."""

    T: int = 4  # timesteps; the static image is presented at every timestep (direct coding)
    img: int = 8  # input image side (square)
    in_ch: int = 1  # input image channels
    pixel_max: int = 16  # pixels are integers 0..pixel_max
    pixel_frac: int = 4  # pixel value = integer * 2^-pixel_frac (digits: x/16)
    n_classes: int = 10
    stem_ch: int = 16  # channels of the tokenizer's first conv
    patch: int = 2  # stride of the tokenizer's second conv: token grid = img / patch
    D: int = 32  # embedding channels
    heads: int = 2  # attention heads (the SASA threshold theta_a is per head)
    L: int = 1  # SAFormer blocks
    mlp_ratio: int = 2  # MLP hidden = D * mlp_ratio
    w_bits: int = 4  # every weight: signed two's complement
    bias_bits: int = 12  # every bias, in its layer's accumulator units: signed
    theta_bits: int = 12 # LIF/SN thresholds: unsigned, 1 .. 2^theta_bits - 1
    u_frac: int = 3  # residual stream U and every increment layer use the scale 2^-u_frac
    leak_shift: int = 1  # k in v <- v - (v >>> k) + I
    lanes: int = 8  # P: output channels per cycle in the hardware engines
    mem_bits: int = 0  # SASA Q/K membrane register width; 0 = the proven minimum
    word_bits: int = 0  # spike stream word width (32 or 64); 0 = 32 for D <= 32, else 64 (ceil(D/64) words)
    # MLP fold (hardware only, values unchanged): hidden currents per beat of the fc1 -> hidden LIF stream; fc1
    # makes hidden / hidden_beat passes over a token's spikes, hidden_beat accumulators each. 0 = the whole token
    # (hidden: one pass). Must divide hidden and be a multiple of lanes.
    hidden_beat: int = 0
    # Stream beats (hardware only, values unchanged): channels per beat of the residual stream U and of the
    # module increments (conv2 -> U0, sasa/dwc/mlp increments, every shortcut's U in and out, the head LIF's
    # input): a token travels as D / stream_beat beats. 0 = the whole token per beat. Must divide D and be a
    # multiple of lanes.
    stream_beat: int = 0

    # ---------------------------------------------------------------- derived sizes
    @property
    def grid(self) -> int:
        return self.img // self.patch

    @property
    def N(self) -> int:
        return self.grid * self.grid

    @property
    def head_dim(self) -> int:
        return self.D // self.heads

    @property
    def hidden(self) -> int:
        return self.D * self.mlp_ratio

    @property
    def hidden_lanes(self) -> int:
        """Hidden currents per beat of the fc1 -> hidden LIF stream (`hidden_beat`, 0: the whole token)."""
        return self.hidden_beat or self.hidden

    @property
    def hidden_passes(self) -> int:
        """fc1's passes over a token's spikes: hidden / hidden_lanes (1: no fold)."""
        return self.hidden // self.hidden_lanes

    @property
    def stream_lanes(self) -> int:
        """Channels per beat of U and of the increments (`stream_beat`, 0: the whole token, D)."""
        return self.stream_beat or self.D

    @property
    def stream_beats(self) -> int:
        """Beats per token of U and of the increments: D / stream_lanes (1: the whole token)."""
        return self.D // self.stream_lanes

    @property
    def stream_bits(self) -> int:
        return self.word_bits or (32 if self.D <= 32 else 64)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def register_fields(self) -> dict[str, Any]:
        """The fields the SASA engine exposes as CFG_<FIELD> registers (contract/interface.py registers): every
        field but NETWORK_RTL_FIELDS."""
        return {k: v for k, v in self.to_dict().items() if k not in NETWORK_RTL_FIELDS}

    @classmethod
    def from_dict(cls, d: dict[str, Any], where: str = "config") -> SAFormerConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise SaformerError(f"{where}: unknown field(s) {unknown}; known: {sorted(names)}")
        for k, v in d.items():
            if not isinstance(v, int) or isinstance(v, bool):
                raise SaformerError(f"{where}: field '{k}' must be an integer, got {v!r}")
        cfg = cls(**d)
        cfg.validate()
        return cfg

    def replace(self, **kw: int) -> SAFormerConfig:
        cfg = dataclasses.replace(self, **kw)
        cfg.validate()
        return cfg

    def hash(self) -> str:
        """sha256 of the canonical JSON of the config; the hardware compares its low 32 bits. A field of
        NETWORK_RTL_FIELDS enters only when it is not 0 (so the configs from before it keep their hash)."""
        d = {k: v for k, v in self.to_dict().items() if k not in NETWORK_RTL_FIELDS or v != 0}
        blob = json.dumps(d, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()

    @property
    def hash32(self) -> int:
        return int(self.hash()[:8], 16)

    def validate(self) -> None:
        def need(ok: bool, fld: str, msg: str) -> None:
            if not ok:
                raise SaformerError(f"config field '{fld}' = {getattr(self, fld)}: {msg}")

        for f in ("T", "img", "in_ch", "pixel_max", "n_classes", "stem_ch", "patch", "D", "heads",
                  "L", "mlp_ratio", "lanes"):
            need(getattr(self, f) >= 1, f, "must be >= 1")
        need(self.T <= 64, "T", "must be <= 64")
        need(self.img % self.patch == 0, "patch", f"must divide img={self.img}")
        need(self.D % self.heads == 0, "heads", f"must divide D={self.D}")
        need(self.D <= 512, "D", "must be <= 512 (at most 8 spike words of 64 bits per token)")
        need(self.N <= 1024, "img", f"gives N = {self.N} tokens; N must be <= 1024")
        need(2 <= self.w_bits <= 16, "w_bits", "must be in 2..16")
        need(2 <= self.bias_bits <= 24, "bias_bits", "must be in 2..24")
        need(1 <= self.theta_bits <= 20, "theta_bits", "must be in 1..20")
        need(0 <= self.pixel_frac <= 8, "pixel_frac", "must be in 0..8")
        need(0 <= self.u_frac < self.theta_bits, "u_frac",
             f"must be in 0..theta_bits-1 (the U threshold 2^u_frac must fit theta_bits={self.theta_bits})")
        need(1 <= self.leak_shift <= 16, "leak_shift", "must be in 1..16")
        need(self.lanes <= self.D, "lanes", f"must be <= D={self.D}")
        need(self.word_bits in (0, 32, 64), "word_bits", "must be 0 (auto), 32 or 64")
        need(self.hidden_beat >= 0 and (self.hidden_beat == 0 or (self.hidden % self.hidden_beat == 0
                                                                   and self.hidden_beat % self.lanes == 0)),
             "hidden_beat", f"must be 0 (the whole token) or divide hidden={self.hidden} and be a multiple of "
             f"lanes={self.lanes}")
        need(self.stream_beat >= 0 and (self.stream_beat == 0 or (self.D % self.stream_beat == 0
                                                                   and self.stream_beat % self.lanes == 0)),
             "stream_beat", f"must be 0 (the whole token) or divide D={self.D} and be a multiple of "
             f"lanes={self.lanes}")
        b = derive(self, check=False)
        need(self.mem_bits == 0 or self.mem_bits >= b.sasa_mem_bits, "mem_bits",
             f"below the proven minimum {b.sasa_mem_bits} (docs/integer-semantics.md); use 0 for the minimum")
        need(self.mem_bits <= 40, "mem_bits", "must be <= 40")
        need(b.sasa_out_bits <= 16, "bias_bits", f"SASA increment needs {b.sasa_out_bits} bits; the output "
             "lane is 16 bits (docs/interface.md): reduce bias_bits or w_bits")
        for name, (lo, hi) in b.ranges.items():
            if max(abs(lo), abs(hi)) >= 2 ** 23:
                raise SaformerError(
                    f"config: range of '{name}' [{lo}, {hi}] reaches 2^23; the Brevitas model computes in "
                    "float32 and could not stay exact -- reduce bias_bits, w_bits or sizes")


# ---------------------------------------------------------------------- the proof, as code
def signed_width(lo: int, hi: int) -> int:
    """Smallest two's-complement width holding every integer in [lo, hi]."""
    w = 1
    while not (-(2 ** (w - 1)) <= lo and hi <= 2 ** (w - 1) - 1):
        w += 1
    return w


def unsigned_width(hi: int) -> int:
    return max(1, int(hi).bit_length())


def wrange(bits: int) -> tuple[int, int]:
    """Range of a signed `bits`-wide two's-complement integer."""
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def current_range(fan_in: int, in_max: int, w_bits: int, bias_bits: int) -> tuple[int, int]:
    """Range of b + sum_j x_j w_j with x_j in 0..in_max, w in signed w_bits, b in signed bias_bits."""
    wlo, whi = wrange(w_bits)
    blo, bhi = wrange(bias_bits)
    return fan_in * in_max * wlo + blo, fan_in * in_max * whi + bhi


def membrane_range(i_lo: int, i_hi: int, theta_max: int, k: int, T: int) -> tuple[int, int]:
    """Exact bounds of the pre-reset membrane of `v <- v - (v >>> k) + I; s = v >= theta; v <- s ? 0 : v`.

    Interval iteration over T steps, every step's current I anywhere in [i_lo, i_hi] independently
    (adversarial currents; the proof does not use that currents share weights), theta anywhere in
    [1, theta_max]. g(v) = v - (v >>> k) is non-decreasing, so iterating the interval ends is exact:
    the bounds are reached by a current sequence (docs/integer-semantics.md, section "Neuron").
    """
    def g(v: int) -> int:
        return v - (v >> k)  # Python >> on int is an arithmetic (floor) shift

    lo_s = hi_s = 0  # stored (post-reset) membrane interval
    lo_all, hi_all = 0, 0
    for _ in range(T):
        lo_p, hi_p = g(lo_s) + i_lo, g(hi_s) + i_hi
        lo_all, hi_all = min(lo_all, lo_p), max(hi_all, hi_p)
        lo_s = min(lo_p, 0)
        hi_s = min(hi_p, theta_max - 1)
    return lo_all, hi_all


@dataclass(frozen=True)
class Derived:
    """Every derived number; `ranges` maps a named quantity to its proven [min, max]."""

    cfg: SAFormerConfig
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    def width(self, name: str) -> int:
        lo, hi = self.ranges[name]
        return signed_width(lo, hi)

    @property
    def theta_max(self) -> int:
        return 2 ** self.cfg.theta_bits - 1

    @property
    def sasa_acc_bits(self) -> int:
        return self.width("sasa.qk_current")

    @property
    def sasa_mem_bits(self) -> int:
        return self.width("sasa.qk_membrane")

    @property
    def sasa_out_bits(self) -> int:
        return self.width("sasa.increment")

    @property
    def count_bits(self) -> int:
        return unsigned_width(self.cfg.N)

    @property
    def u_bits(self) -> int:
        return self.width("u")


def derive(cfg: SAFormerConfig, check: bool = True) -> Derived:
    """All proven ranges from the declared widths (docs/integer-semantics.md, section "Bounds")."""
    if check:
        cfg.validate()
    wb, bb, k, T = cfg.w_bits, cfg.bias_bits, cfg.leak_shift, cfg.T
    th = 2 ** cfg.theta_bits - 1
    r: dict[str, tuple[int, int]] = {}
    r["tok.conv1_current"] = current_range(9 * cfg.in_ch, cfg.pixel_max, wb, bb)
    r["tok.conv1_membrane"] = membrane_range(*r["tok.conv1_current"], th, k, T)
    r["tok.u0"] = current_range(9 * cfg.stem_ch, 1, wb, bb)
    r["sasa.qk_current"] = current_range(cfg.D, 1, wb, bb)
    r["sasa.qk_membrane"] = membrane_range(*r["sasa.qk_current"], th, k, T)
    r["sasa.increment"] = current_range(cfg.D, 1, wb, bb)
    r["dwc.increment"] = current_range(9, 1, wb, bb)
    r["mlp.h_current"] = current_range(cfg.D, 1, wb, bb)
    r["mlp.h_membrane"] = membrane_range(*r["mlp.h_current"], th, k, T)
    r["mlp.increment"] = current_range(cfg.hidden, 1, wb, bb)
    u_lo, u_hi = r["tok.u0"]
    for name in ("sasa.increment", "dwc.increment", "mlp.increment"):
        u_lo += cfg.L * r[name][0]
        u_hi += cfg.L * r[name][1]
    r["u"] = (u_lo, u_hi)
    r["u.membrane"] = membrane_range(u_lo, u_hi, th, k, T)
    r["head.count"] = (0, T * cfg.N)
    r["head.logit"] = current_range(cfg.D, T * cfg.N, wb, bb)
    r["sasa.a"] = (0, cfg.N)
    return Derived(cfg, r)


DEFAULT = SAFormerConfig()
