# SPDX-License-Identifier: Apache-2.0
"""Board-fit pre-check: a resource model of the design from the config alone (no Yosys), so that `make synth
CONFIG=<name> BOARD=<board>` stops before any long step with one line naming the resource and the amount
("config 'x' needs 212 BRAM36 of 140 on pynq-z2 ...; lower D or L, or pick zcu104").

The model has three parts, each written down so that a change of the RTL changes it in one place:
- the memory inventory (`network_memories`, `sasa_memories`): every memory of the RTL as it is today
  (hw/rtl/net_*.v of issue 12 and the SASA engine), with its words, width, copies (lanes), read kind
  (`sync`: sdp_ram's registered read; `addr`: asynchronous from a registered address; `async`: from logic)
  and read ports;
- the mapping rules (`map_memory`), the ones Yosys' memory_libmap applied in the calibration runs: LUT RAM
  costs `lutram_luts` (RAM32M 6 bits x 32 words per 4 LUTs, RAM64M 3 x 64; several read ports: quad-port
  RAM32M/RAM64M, one copy per 3 read ports; deeper: 64-word slices and a read multiplexer); a memory with a
  registered read (sdp_ram) or a registered read address goes to block RAM (RAMB18 aspect ratios,
  `bram18_count`) when it is deeper than 64 words and would take more than 64 LUTs as LUT RAM; a read address
  from logic keeps it in LUT RAM. No memory of the RTL asks for URAM, so the model counts none (where URAM
  would help: `state_budget`, docs/architecture.md);
- the logic (`logic_estimate`): LUTs and FFs per module from size features per module kind (the bits its
  datapath handles per cycle, see `_sizes`) times coefficients fitted (`calibrate`) on the measured Yosys run
  of the whole network (`MEASURED_NETWORK`: the figures, the config and the command that measured them) and
  on the SASA engine's (`MEASURED_SASA`); `VALIDATION_NETWORK` is a held-out run at N = 64.

When the RTL changes (helper rework of hw/rtl/net_*.v), the inventory and the measured tables change with it:
re-run `synth_network` on the default config and paste its per-module figures.

The verdict (`precheck`) fails when a resource exceeds 100 % of the board: a design over the board cannot be
placed at all; the model is within a few percent of Yosys on the runs it was checked on but is extrapolated
far beyond them for the CIFAR-10 sizes (and Yosys estimates themselves are not Vivado's), so a
verdict near 100 % is a question for `make synth`, not an answer. It also names the smallest board of
hw/boards.py the model fits.
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
from dataclasses import asdict, dataclass
from typing import Any

from saformer.contract.config import SAFormerConfig, derive
from saformer.contract.errors import SaformerError
from saformer.hw.boards import BOARDS, Board, board

BRAM_MIN_WORDS = 64  # a memory with a registered read (or read address) deeper than this ...
BRAM_MIN_LUTS = 64  # ... that would take more LUTs than this as LUT RAM goes to block RAM (the runs' choice)


@dataclass(frozen=True)
class Memory:
    """One memory (times `copies` identical ones, e.g. one per lane) of a module."""

    module: str  # the module instance (contract/cycles.py network_modules names, "skids", "engine")
    name: str
    words: int
    width: int
    copies: int = 1
    read: str = "async"  # "sync": registered read data (sdp_ram); "addr": asynchronous read from a registered
    # address (Yosys' memory_dff absorbs the address register, so block RAM is possible); "async": from logic
    ports: int = 1  # read ports (an asynchronous LUT RAM is copied per read port)

    @property
    def bits(self) -> int:
        return self.words * self.width * self.copies


def _lutram_slice(words: int, width: int, ports: int) -> int:
    """LUTs of one slice of at most 64 words: SDP (one read port) RAM32M holds 6 bits x 32, RAM64M 3 bits x 64;
    QP (2..3 read ports per copy, one copy per 3 read ports) RAM32M 2 bits x 32, RAM64M 1 bit x 64."""
    if ports <= 1:
        return 4 * math.ceil(width / (6 if words <= 32 else 3))
    return math.ceil(ports / 3) * 4 * math.ceil(width / (2 if words <= 32 else 1))


def lutram_luts(words: int, width: int, ports: int = 1) -> int:
    """LUTs (as memory) of one words x width LUT RAM with `ports` asynchronous read ports: 64-word slices and
    a remainder slice (RAM32M when it is at most 32 words); the read multiplexer between slices is logic.
    Exact on every memory of the calibration runs (default network: 6,324 LUT as memory)."""
    full, rem = divmod(words, 64)
    return full * _lutram_slice(64, width, ports) + (_lutram_slice(rem, width, ports) if rem else 0)


# RAMB18 (simple dual port) aspect ratios: (depth, width); a RAMB36 is two
RAMB18_ASPECTS = ((512, 36), (1024, 18), (2048, 9), (4096, 4), (8192, 2), (16384, 1))


def bram18_count(words: int, width: int) -> int:
    """RAMB18s for a words x width memory: the best aspect ratio, cascading in depth and width."""
    return min(-(-words // d) * -(-max(width, 1) // w) for d, w in RAMB18_ASPECTS)


def map_memory(m: Memory) -> dict[str, Any]:
    """Where the mapping rules put memory m, and what it costs (module docstring)."""
    lut = m.copies * lutram_luts(m.words, m.width, m.ports)
    if m.read in ("sync", "addr") and m.words > BRAM_MIN_WORDS and lut > m.copies * BRAM_MIN_LUTS:
        return {"mapped_to": "BRAM", "bram18": m.copies * bram18_count(m.words, m.width), "lut_mem": 0, "ff": 0}
    ff = m.copies * m.width if m.read == "sync" else 0  # the registered read's output register
    return {"mapped_to": "LUT RAM", "bram18": 0, "lut_mem": lut, "ff": ff}


# ------------------------------------------------------------------------------------------ inventory
def _w(cfg: SAFormerConfig):
    from saformer.hw.net_generate import net_widths

    return net_widths(cfg)


def sasa_memories(cfg: SAFormerConfig, module: str = "engine") -> list[Memory]:
    """The SASA engine's memories (hw/rtl/sasa_core.v, spike_linear.v, lif_lanes.v, sasa_attn.v): per lane the
    Wq, Wk, Wo columns (G * D words of w_bits), the biases (G words, asynchronous), the Q and K membranes
    (N * G words), and the Q buffer (2N words of D bits, two timestep banks)."""
    d = derive(cfg)
    P, D, N = cfg.lanes, cfg.D, cfg.N
    G = -(-D // P)
    mem_w = cfg.mem_bits or d.sasa_mem_bits
    return [
        Memory(module, "weights (Wq, Wk, Wo) per lane", G * D, cfg.w_bits, 3 * P, "sync"),
        Memory(module, "biases per lane", G, cfg.bias_bits, 3 * P, "async"),
        Memory(module, "Q/K membranes per lane", N * G, mem_w, 2 * P, "sync"),
        Memory(module, "Q buffer (two timestep banks)", 2 * N, D, 1, "sync"),
    ]


def network_memories(cfg: SAFormerConfig) -> list[Memory]:
    """Every memory of the network RTL of today (hw/rtl/net_*.v; module names of contract/cycles.py)."""
    w = _w(cfg)
    D, N, H, S, img = cfg.D, cfg.N, cfg.hidden, cfg.stem_ch, cfg.img
    npos = img * img
    mems = [
        Memory("tok", "pixel rows", cfg.in_ch * img, img * 8),
        Memory("tok", "conv1 weights per stem channel", 9 * cfg.in_ch, cfg.w_bits, S),
        Memory("tok", "conv1 currents per position", npos, S * w.C1W, 1, "addr"),
        Memory("tok", "conv1 LIF membranes per position", npos, S * w.M1W, 1, "addr"),
        Memory("tok", "s1[t] per position (9 window reads)", npos, S, 1, "async", 9),
        Memory("conv2", "weight columns", 9 * S, cfg.w_bits, D),
    ]
    for i in range(cfg.L):
        p = f"b{i}."
        for m in ("sasa", "dwc", "mlp"):
            fd = max(N if m in ("sasa", "dwc") else 2, 2)
            mems += [Memory(p + m + ".lif", "shortcut membranes (timestep-outer: N x D)", N, D * w.UMW, 1, "addr"),
                     Memory(p + m + ".lif", "shortcut U FIFO", fd, D * w.UW + 1, 1, "addr")]
        mems += sasa_memories(cfg, p + "sasa")
        mems += [Memory(p + "dwc", "S line buffers (two timesteps, 9 window reads)", N, D, 2, "async", 9),
                 Memory(p + "mlp.fc1", "weight columns", D, cfg.w_bits, H),
                 Memory(p + "mlp.hlif", "hidden membranes (timestep-outer: N x hidden)", N, H * w.HMW, 1, "addr"),
                 Memory(p + "mlp.fc2", "weight columns", H, cfg.w_bits, D)]
    mems += [Memory("head.lif", "head membranes (timestep-outer: N x D)", N, D * w.UMW, 1, "addr"),
             Memory("head", "weight columns", D, cfg.w_bits, cfg.n_classes)]
    return mems


# ------------------------------------------------------------------------------------------ logic
# Measured: Yosys 0.23 `synth_xilinx -family xc7 -abc9` of the whole network (hw/synth.py synth_network,
# hierarchy kept: per instance), config 'default' (D=32, N=16, L=1, P=8) for pynq-z2, sources of commit
# 3dd4b5f, 2026-12-01: module -> (LUT, of them LUT as memory, FF). Every LUT-as-memory figure equals the
# memory model's (`lutram_luts`); the rest is logic.
MEASURED_NETWORK = {
    "config": "default",
    "modules": {
        "tok": (2921, 880, 499), "conv2": (2602, 640, 1447),
        "b0.sasa.lif": (3035, 668, 556), "b0.sasa": (3742, 920, 3129),
        "b0.dwc.lif": (3035, 668, 556), "b0.dwc": (7766, 384, 1999),
        "b0.mlp.lif": (3030, 668, 544), "b0.mlp.fc1": (2232, 256, 2486), "b0.mlp.hlif": (3878, 600, 89),
        "b0.mlp.fc2": (1384, 256, 1301), "head.lif": (2214, 344, 57), "head": (511, 40, 489),
        "out": (199, 0, 185), "skids": (4711, 0, 9252),
    },
    "total": (41419, 6337, 24008),  # LUT (13 of them SRL), LUT as memory + SRL, FF
}
# Held-out validation (not used by `calibrate`): the same run for the default config with img = 16 (N = 64
# tokens: the tokenizer's currents and membranes, the SASA membranes and Q buffer move to block RAM):
# module -> (LUT, LUT as memory, FF, BRAM36).
VALIDATION_NETWORK = {
    "config": {"img": 16},
    "modules": {
        "tok": (3578, 916, 940, 6.5), "conv2": (2602, 640, 1447, 0.0), "b0.sasa.lif": (3702, 1328, 568, 0.0),
        "b0.sasa": (3561, 576, 2959, 8.5), "b0.dwc.lif": (3702, 1328, 568, 0.0), "b0.dwc": (7641, 768, 2011, 0.0),
        "b0.mlp.lif": (3372, 1008, 548, 0.0), "b0.mlp.fc1": (2232, 256, 2486, 0.0),
        "b0.mlp.hlif": (4476, 1196, 93, 0.0), "b0.mlp.fc2": (1384, 256, 1301, 0.0),
        "head.lif": (2556, 684, 61, 0.0), "head": (551, 40, 529, 0.0), "out": (218, 0, 207, 0.0),
        "skids": (4795, 0, 9420, 0.0),
    },
    "total": (44536, 9013, 24553, 15.0),  # LUT (17 SRL), LUT as memory + SRL, FF, BRAM36
}
# The SASA engine alone (hw/synth.py synth_config, AXI-Lite control included; docs/pynq.md P sweep and
# docs/architecture.md "Figures"): (D, N, P, LUT, FF).
MEASURED_SASA = ((32, 16, 1, 1435, 1464), (32, 16, 2, 2206, 1624), (32, 16, 4, 2932, 1983), (32, 16, 8, 3729, 2604),
                 (32, 16, 16, 5232, 3861), (32, 16, 32, 8958, 6392), (256, 64, 8, 9652, 6472))
# Control (weight loader, glue) and one cycle counter per module but the SASA engines (they count their own):
CTRL_LUT, CTRL_FF, COUNTER_LUT, COUNTER_FF = 176, 77, 3, 129


def _sizes(cfg: SAFormerConfig) -> dict[str, tuple[str, Any]]:
    """module -> (kind, size): the bits a module's datapath handles per cycle, the figure its logic scales
    with. lif: neurons x membrane bits; shortcut: that plus the U adder (D x UW); slin: accumulators
    (outputs x accumulator bits) and the spike finder (fan-in), two coefficients; dwc: D x 9 taps x increment
    bits (the N = 64 run shows no growth with N); tok: stem x (current + membrane + pixel bits) plus the
    window gather (stem x 9 x position address bits); out: classes x logit bits; skids: the widths of every
    skid (one stream register pair)."""
    w = _w(cfg)
    D, H, S = cfg.D, cfg.hidden, cfg.stem_ch

    def lg(x: int) -> int:
        return max(1, math.ceil(math.log2(max(2, x))))

    out: dict[str, tuple[str, Any]] = {
        "tok": ("tok", S * (w.C1W + w.M1W + w.PXB) + S * 9 * lg(cfg.img * cfg.img)),
        "conv2": ("slin", (D * w.U0W, 9 * S)),
    }
    skid = (cfg.img * 8 + 1) + (9 * S + 1)
    for i in range(cfg.L):
        p = f"b{i}."
        for m, iw in (("sasa", w.SIW), ("dwc", w.DIW), ("mlp", w.MIW)):
            out[p + m + ".lif"] = ("shortcut", D * w.UMW + D * w.UW)
            skid += (D * w.UW + 1) + (D + 1) + (D * iw + 1)
            if m == "sasa":
                out[p + "sasa"] = ("sasa", 0.0)
            elif m == "dwc":
                out[p + "dwc"] = ("dwc", D * 9 * w.DIW)
        out[p + "mlp.fc1"] = ("slin", (H * w.HCW, D))
        out[p + "mlp.hlif"] = ("lif", H * w.HMW)
        out[p + "mlp.fc2"] = ("slin", (D * w.MIW, H))
        skid += (H * w.HCW + 1) + (H + 1)
    out["head.lif"] = ("lif", D * w.UMW)
    out["head"] = ("slin", (cfg.n_classes * w.LGW, D))
    out["out"] = ("out", cfg.n_classes * w.LGW)
    skid += (D * w.UW + 1) + (D + 1) + (cfg.n_classes * w.LGW + 1) + 33
    out["skids"] = ("skid", float(skid))
    return out


def _memory_cost(cfg: SAFormerConfig, mems: list[Memory]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for m in mems:
        r = map_memory(m)
        lut, ff = out.get(m.module, (0, 0))
        out[m.module] = (lut + r["lut_mem"], ff + r["ff"])
    return out


def _features(size: Any) -> list[float]:
    return [float(x) for x in size] if isinstance(size, tuple) else [float(size)]


def calibrate() -> dict[str, Any]:
    """Coefficients from the measured runs: per module kind, least squares of (measured - memory model) over
    the kind's size features, pooled over the modules of that kind (one feature: the ratio of the sums); the
    SASA engine's logic as a least-squares a0 + a_p P + a_d D."""
    import numpy as np
    from saformer.contract.config import DEFAULT
    from saformer.contract.configs import ALL

    cfg = ALL[MEASURED_NETWORK["config"]]
    sizes = _sizes(cfg)
    memc = _memory_cost(cfg, network_memories(cfg))
    rows: dict[str, list[tuple[list[float], float, float]]] = {}
    for mod, (lut, _mem, ff) in MEASURED_NETWORK["modules"].items():
        kind, size = sizes[mod]
        if kind == "sasa":
            continue
        ml, mf = memc.get(mod, (0, 0))
        rows.setdefault(kind, []).append((_features(size), lut - ml, ff - mf))
    lut_k, ff_k = {}, {}
    for kind, rs in rows.items():
        X = np.array([r[0] for r in rs])
        lut_k[kind] = np.linalg.lstsq(X, np.array([r[1] for r in rs]), rcond=None)[0].tolist()
        ff_k[kind] = np.linalg.lstsq(X, np.array([r[2] for r in rs]), rcond=None)[0].tolist()
    srows, lut_y, ff_y = [], [], []
    for D, N, P, lut, ff in MEASURED_SASA:
        c = DEFAULT.replace(D=D, img=2 * int(math.isqrt(N)), lanes=P)
        ml, mf = _memory_cost(c, sasa_memories(c))["engine"]
        srows.append([1.0, P, D])
        lut_y.append(lut - ml)
        ff_y.append(ff - mf)
    A = np.array(srows)
    cl = np.linalg.lstsq(A, np.array(lut_y, dtype=float), rcond=None)[0]
    cf = np.linalg.lstsq(A, np.array(ff_y, dtype=float), rcond=None)[0]
    return {"lut_per_size": lut_k, "ff_per_size": ff_k,
            "sasa": {"lut0": cl[0], "lut_p": cl[1], "lut_d": cl[2], "ff0": cf[0], "ff_p": cf[1], "ff_d": cf[2]}}


@functools.cache
def calibration() -> dict[str, Any]:
    """The coefficients (computed once from the measured tables above)."""
    return calibrate()


def sasa_logic(cfg: SAFormerConfig) -> tuple[float, float]:
    """LUTs and FFs of one SASA engine's logic (memories apart): a0 + a_p * P + a_d * D."""
    c = calibration()["sasa"]
    return (max(0.0, c["lut0"] + c["lut_p"] * cfg.lanes + c["lut_d"] * cfg.D),
            max(0.0, c["ff0"] + c["ff_p"] * cfg.lanes + c["ff_d"] * cfg.D))


def logic_estimate(cfg: SAFormerConfig, network: bool = True) -> dict[str, dict[str, float]]:
    """module -> {"lut_logic", "ff"} of the logic (memories apart)."""
    if not network:
        lut, ff = sasa_logic(cfg)
        return {"engine": {"lut_logic": lut, "ff": ff}}
    cal = calibration()
    out = {}
    for mod, (kind, size) in _sizes(cfg).items():
        if kind == "sasa":
            lut, ff = sasa_logic(cfg)
        else:
            f = _features(size)
            lut = max(0.0, sum(c * x for c, x in zip(cal["lut_per_size"][kind], f)))
            ff = max(0.0, sum(c * x for c, x in zip(cal["ff_per_size"][kind], f)))
        out[mod] = {"lut_logic": lut, "ff": ff}
    from saformer.contract.cycles import network_modules

    ncnt = len(network_modules(cfg)) - cfg.L
    out["ctrl"] = {"lut_logic": CTRL_LUT + COUNTER_LUT * ncnt, "ff": CTRL_FF + COUNTER_FF * ncnt}
    return out


# ------------------------------------------------------------------------------------------ the estimate
def estimate(cfg: SAFormerConfig, network: bool = True) -> dict[str, Any]:
    """The resource model of the network (or, network=False, of the SASA engine alone, what `make synth`
    builds for the scale configs): per module LUT (logic + memory), FF, BRAM36 and the memory list."""
    mems = network_memories(cfg) if network else sasa_memories(cfg)
    logic = logic_estimate(cfg, network)
    per: dict[str, dict[str, float]] = {m: {"lut_logic": v["lut_logic"], "lut_mem": 0.0, "ff": v["ff"],
                                            "bram18": 0} for m, v in logic.items()}
    mem_rows = []
    for m in mems:
        r = map_memory(m)
        row = per.setdefault(m.module, {"lut_logic": 0.0, "lut_mem": 0.0, "ff": 0.0, "bram18": 0})
        row["lut_mem"] += r["lut_mem"]
        row["ff"] += r["ff"]
        row["bram18"] += r["bram18"]
        mem_rows.append({**asdict(m), "bits": m.bits, **r})
    for row in per.values():
        row["lut"] = row["lut_logic"] + row["lut_mem"]
    tot = {k: sum(r[k] for r in per.values()) for k in ("lut", "lut_logic", "lut_mem", "ff", "bram18")}
    return {
        "design": "network" if network else "SASA engine",
        "lut": int(round(tot["lut"])), "lut_logic": int(round(tot["lut_logic"])),
        "lut_mem": int(round(tot["lut_mem"])), "ff": int(round(tot["ff"])),
        "bram36": math.ceil(tot["bram18"] / 2), "uram": 0, "dsp": 0,
        "per_module": {m: {"lut": int(round(r["lut"])), "lut_mem": int(round(r["lut_mem"])),
                           "ff": int(round(r["ff"])), "bram36": r["bram18"] / 2} for m, r in per.items()},
        "memories": mem_rows,
        "memory_bits": {k: sum(r["bits"] for r in mem_rows if r["mapped_to"] == k) for k in ("BRAM", "LUT RAM")},
    }


RESOURCES = (("lut", "LUT", "lut"), ("lut_mem", "LUT as memory (SLICEM LUTs)", "lutram"), ("ff", "FF", "ff"),
             ("bram36", "BRAM36", "bram36"), ("uram", "URAM", "uram"), ("dsp", "DSP", "dsp"))


def fit(est: dict[str, Any], b: Board) -> dict[str, Any]:
    """Percent of board b per resource and the resources over 100 %."""
    pct, over = {}, []
    for key, label, cap_attr in RESOURCES:
        need, cap = est[key], getattr(b, cap_attr)
        pct[key] = round(100.0 * need / cap, 1) if cap else (0.0 if need == 0 else math.inf)
        if need > cap:
            over.append({"resource": label, "key": key, "needs": need, "of": cap, "percent": pct[key]})
    over.sort(key=lambda o: -o["percent"])
    return {"board": b.name, "part": b.part, "percent": pct, "over": over, "fits": not over}


def smallest_fitting_board(est: dict[str, Any], exclude: str = "") -> str | None:
    fitting = [b for n, b in BOARDS.items() if n != exclude and fit(est, b)["fits"]]
    return min(fitting, key=lambda b: (b.lut, b.bram36)).name if fitting else None


def precheck(cfg: SAFormerConfig, name: str, b: Board, network: bool = True) -> dict[str, Any]:
    """The pre-check record (estimate + fit); raises SaformerError with one line when it does not fit."""
    est = estimate(cfg, network)
    f = fit(est, b)
    rec = {"config": name, **f, "estimate": {k: est[k] for k in ("design", "lut", "lut_logic", "lut_mem", "ff",
                                                                    "bram36", "uram", "dsp")}}
    if not f["fits"]:
        raise SaformerError(fit_message(name, est, f, b))
    return rec


def fit_message(name: str, est: dict[str, Any], f: dict[str, Any], b: Board) -> str:
    o = f["over"][0]
    more = "".join(f", {x['needs']:,} {x['resource']} of {x['of']:,}" for x in f["over"][1:])
    alt = smallest_fitting_board(est, exclude=b.name)
    pick = f", or pick {alt}" if alt else "; no board of hw/boards.py fits it"
    return (f"config '{name}' needs {o['needs']:,} {o['resource']} of {o['of']:,} on {b.name}{more} "
            f"(resource model hw/fit.py of the {est['design']}, before synthesis); lower D or L{pick}")


# ------------------------------------------------------------------------------------------ on-chip state
def state_budget(cfg: SAFormerConfig) -> list[dict[str, Any]]:
    """Membrane state per LIF stage in the two orders: timestep-outer (the RTL today: N x C membranes per
    LIF, kept for the whole image) and token-outer (a token's T timesteps back to back: C membranes), with
    whether the module may run token-outer (it is token-local) and what it must buffer instead."""
    w = _w(cfg)
    d = derive(cfg)
    D, N, H, T = cfg.D, cfg.N, cfg.hidden, cfg.T
    rows = [{"module": "tok conv1 LIF", "neurons": cfg.stem_ch, "mem_bits": w.M1W, "positions": cfg.img ** 2,
             "token_local": True, "note": "per pixel position; token-outer needs conv2's 3x3 window of s1 over "
                                          "all T (a few image rows of s1 x T)"}]
    for i in range(cfg.L):
        for m in ("sasa", "dwc", "mlp"):
            rows.append({"module": f"b{i}.{m} shortcut LIF", "neurons": D, "mem_bits": w.UMW, "positions": N,
                         "token_local": True, "note": "elementwise on U"})
        rows.append({"module": f"b{i}.sasa Q/K LIFs", "neurons": 2 * D, "mem_bits": cfg.mem_bits or d.sasa_mem_bits,
                     "positions": N, "token_local": False,
                     "note": "Q, K are token-local, but A[t] needs K of all N tokens of timestep t: token-outer "
                             f"needs Q and K spikes of the whole image buffered ({2 * T * N * D} bits)"})
        rows.append({"module": f"b{i}.mlp hidden LIF", "neurons": H, "mem_bits": w.HMW, "positions": N,
                     "token_local": True, "note": "fc1 -> LIF -> fc2 is per token"})
    rows.append({"module": "head LIF", "neurons": D, "mem_bits": w.UMW, "positions": N, "token_local": True,
                 "note": "the counts sum over (t, n) in any order"})
    for r in rows:
        r["timestep_outer_bits"] = r["neurons"] * r["mem_bits"] * r["positions"]
        r["token_outer_bits"] = r["neurons"] * r["mem_bits"]
    return rows


# ------------------------------------------------------------------------------------------ cli
def cli_fit(argv: list[str]) -> int:
    """`python -m saformer.hw.fit --config NAME [--board B]`: the pre-check alone (exit 2 with one line)."""
    from saformer.contract.configs import ALL, SCALE, TARGET_BOARD

    ap = argparse.ArgumentParser(prog="saformer.hw.fit", description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, choices=sorted(ALL))
    ap.add_argument("--board", default=None, choices=sorted(BOARDS),
                    help="default: the config's target board (contract/configs.py TARGET_BOARD) or pynq-z2")
    a = ap.parse_args(argv)
    b = board(a.board or TARGET_BOARD.get(a.config, "pynq-z2"))
    cfg = ALL[a.config]
    try:
        rec = precheck(cfg, a.config, b, network=a.config not in SCALE)
    except SaformerError as e:
        print(f"saformer synth: error: {e}", file=sys.stderr)
        return 2
    e = rec["estimate"]
    print(f"config '{a.config}' fits {b.name} by the resource model ({e['design']}): LUT {e['lut']:,} "
          f"({rec['percent']['lut']}%), LUT RAM {e['lut_mem']:,} ({rec['percent']['lut_mem']}%), FF {e['ff']:,}, "
          f"BRAM36 {e['bram36']} ({rec['percent']['bram36']}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli_fit(sys.argv[1:]))
