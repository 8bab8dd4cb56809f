# SPDX-License-Identifier: Apache-2.0
"""Bulk simulation of the whole-network accelerator: no Python per cycle.

A hand-written Verilog harness (sim/hdl/net_bulk_harness.v: program sequencer, pixel and weight players
with xorshift-drawn idles, result sink with drawn backpressure; sim/hdl/net_bulk_mon.v: one recorder per
monitored boundary) sits beside `net_engine` in a generated top (`net_bulk_top`,
build/sim/rtl/net-bulk-<id>/). A case is a program (`BulkPlan`: resets, weight loads of one or more weight
sets, image slots, drains) written as memory files; a C++ main (sim/hdl/net_bulk_main.cpp) clocks the
top until the harness raises `done`, Python waits for it, then `check_bulk` (sim/net_bulk_check.py) compares
the logs with the integer reference (`golden.reference.forward`) of the weights loaded at the time: every result beat, a
64-bit signature per image and monitored boundary (the beats themselves with `full=True`), every module's
per-image cycle counter against contract/cycles.py. Images are aligned to epochs (the stretches between
resets): an image cut by a reset is counted as cut, never as wrong. The first mismatch is reported as
net_scoreboard's (image, module, t, n, channel); in signature mode the failing image is rerun alone with
every beat recorded to find it (`locate_first_mismatch`).

    python -m saformer.sim.net_bulk --images 200 --resets 2 --reloads 1     # a long run (see --help)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock
from saformer.contract import cycles, layout
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_atomic
from saformer.contract.paths import build_dir
from saformer.hw.generate import config_id, sources_hash
from saformer.hw.net_generate import NET_TOP, boundaries, generate_net, net_sources
from saformer.sim.cache import after_build, mark_used
from saformer.sim.net_bulk_check import (  # noqa: F401 -- re-exported for the callers of the bulk path
    FNV_INIT,
    FNV_PRIME,
    BulkResult,
    WeightSet,
    beat_signature,
    boundary_beats,
    check_bulk,
    parse_out_log,
    signatures,
)
from saformer.sim.runner import verilator_env

BULK_TOP = "net_bulk_top"
BULK_EXE = "net_bulk_sim"
HDL_DIR = Path(__file__).resolve().parent / "hdl"
HARNESS_SOURCES = ("net_bulk_harness.v", "net_bulk_mon.v")
MAIN_CPP = "net_bulk_main.cpp"  # the clock: one full period per simulated cycle, no cocotb, no VPI
# Speed: -O3 and fast X handling as the per-cycle build; no --timing (the C++ main drives the clock), no
# VPI and no --public-flat-rw: only the top's ports are visible. The C++ is compiled with -O2 (verilated.mk's
# default is -Os) and profile-guided: built once instrumented, run on a short training program (a random
# model, random pixels, every stall and a reset mid-image: `_training_plan`), rebuilt with the profile.
BULK_ARGS = ("-O3", "--x-assign", "fast", "--x-initial", "fast", "--no-timing")
OPT = "-O2"
PGO_GEN = "-fprofile-generate -fprofile-update=single"
PGO_USE = "-fprofile-use -fprofile-partial-training"  # (gcc warns of objects without a profile)
BULK_PGO = True


@dataclass(frozen=True)
class BulkFlags:
    """How one configuration's bulk simulator is built (never what it simulates: the Verilog, the Verilator
    model options in BULK_ARGS and the harness are the same for every entry). Part of the build-folder hash."""

    opt_fast: str = OPT  # C++ optimisation of the per-cycle model code (verilated.mk OPT_FAST)
    opt_global: str = OPT  # ... of the Verilator runtime and the C++ main (OPT_GLOBAL)
    pgo: bool = BULK_PGO  # profile-guided: instrumented build, training run, rebuild
    verilate_jobs: int = 0  # Verilator's own threads for the verilation stage (0: Verilator's default)

    def key(self) -> str:
        """The hash text; the default entry keeps the text of the builds made before this table."""
        if self == BulkFlags():
            return f"{OPT} pgo={BULK_PGO} {PGO_GEN} {PGO_USE}"
        return (f"fast={self.opt_fast} global={self.opt_global} pgo={self.pgo} {PGO_GEN} {PGO_USE} "
                f"vjobs={self.verilate_jobs}")


# Per-configuration build flags (the one table; a name not in it gets BulkFlags()). cifar10-384's model is
# 160 MB of C++ in 105 files: with PGO its build compiled that twice around a training run that loads its
# 6.6 M-word weight stream twice on the instrumented binary (2,945 s wall, 2.6 GB peak); without PGO, at -O1,
# with two verilation threads it builds in a fraction of that (docs/architecture.md, "In Verilator, bit-exact").
BULK_BUILD_FLAGS: dict[str, BulkFlags] = {
    "cifar10-384": BulkFlags(opt_fast="-O1", opt_global="-O2", pgo=False, verilate_jobs=2),
}


def bulk_flags(name: str) -> BulkFlags:
    return BULK_BUILD_FLAGS.get(name, BulkFlags())
PX_DEPTH, W_DEPTH, P_DEPTH = 1 << 20, 1 << 18, 1 << 16
W_ADDR_BITS = 24  # a WEIGHTS op's offset and length fields (prog word bits 47:24 and 23:0)
OPS = {"end": 0, "weights": 1, "images": 2, "waitpx": 3, "drain": 4, "delay": 5, "reset": 6}
# stall settings: probability per beat (cycle for the sink) in 1/65536 and the longest burst, as tb_net's
# cocotbext pause generators (in_idle: 5 %, bursts <= 40; out_bp: 30 %, bursts <= 8)
STALL_PLUSARGS = {
    "none": {},
    "in_idle": {"IN_P": 3277, "IN_BURST": 40, "W_P": 3277, "W_BURST": 40},
    "out_bp": {"OUT_P": 19661, "OUT_BURST": 8},
    "both": {"IN_P": 3277, "IN_BURST": 40, "W_P": 3277, "W_BURST": 40, "OUT_P": 19661, "OUT_BURST": 8},
}


# ------------------------------------------------------------------------------------------ the top
def pixel_beats(cfg: SAFormerConfig) -> int:
    return cfg.in_ch * cfg.img


def weight_words(cfg: SAFormerConfig) -> int:
    """Words of one weight stream of `cfg` (header + every segment, contract/interface.py)."""
    return layout.HEADER_WORDS + layout.network_payload_words(cfg)


def w_depth(cfg: SAFormerConfig) -> int:
    """Weight memory words of the harness: two weight sets of `cfg` (the long run alternates two), at least
    W_DEPTH; a power of two. One set must fit the program's 24-bit offset and length fields."""
    words = weight_words(cfg)
    if words >= 1 << W_ADDR_BITS:
        raise SaformerError(f"bulk: one weight stream of this config is {words} words, more than a WEIGHTS "
                            f"op addresses (2^{W_ADDR_BITS})")
    return max(W_DEPTH, 1 << (2 * words - 1).bit_length())


def weight_timeout(cfg: SAFormerConfig) -> int:
    """Cycles a weight load may take before the harness calls it a fault: four per word (the player's idle
    bursts at 5 % are far below that) plus the harness default of 1,000,000."""
    return 1_000_000 + 4 * weight_words(cfg)


def render_bulk_top(cfg: SAFormerConfig, name: str) -> str:
    bnds = boundaries(cfg)
    beats = boundary_beats(cfg)
    mods = cycles.network_modules(cfg)
    nm, pxw = len(mods), itf.pixel_beat_bits(cfg)
    o = [f"// generated by sim/net_bulk.py from contract/config.py (config '{name}', id {config_id(name, cfg)}); "
         "do not edit",
         "`default_nettype none",
         f"// {BULK_TOP}: the bulk-simulation harness (sim/hdl/net_bulk_harness.v) driving {NET_TOP}, one",
         "// net_bulk_mon per monitored boundary (hw/net_generate.py: boundaries). Simulation only.",
         f"module {BULK_TOP} (",
         "    input wire clk,  // from the C++ main (sim/hdl/net_bulk_main.cpp)",
         "    output wire done,",
         "    output wire [63:0] cycles",
         ");",
         "    wire aresetn, mon_en, rst_ev, fin;",
         f"    wire [{pxw - 1}:0] px_tdata;\n    wire px_tvalid, px_tready, px_tlast;",
         "    wire [31:0] w_tdata;\n    wire w_tvalid, w_tready, w_tlast;",
         "    wire [31:0] o_tdata;\n    wire o_tvalid, o_tready, o_tlast;",
         "    wire weights_loaded, err_hdr, err_len, err_proto, busy, mon_img_start;",
         f"    wire [{len(bnds) - 1}:0] mon_fire;\n    wire [{nm - 1}:0] mon_done;",
         f"    wire [{32 * nm - 1}:0] mon_cyc, mon_active, mon_stall;"]
    o += [f"    wire [{b.width - 1}:0] mon_{i}_data;  // {b.name}" for i, b in enumerate(bnds)]
    o.append(f"    net_bulk_harness #(.PXW({pxw}), .BPI({pixel_beats(cfg)}), .NM({nm}), .PX_DEPTH({PX_DEPTH}), "
             f".W_DEPTH({w_depth(cfg)}), .P_DEPTH({P_DEPTH})) u_h (\n"
             "        .done(done), .cycles(cycles), .fin(fin), .clk(clk), .aresetn(aresetn),\n"
             "        .mon_en(mon_en), .rst_ev(rst_ev),\n"
             "        .px_tdata(px_tdata), .px_tvalid(px_tvalid), .px_tready(px_tready), .px_tlast(px_tlast),\n"
             "        .w_tdata(w_tdata), .w_tvalid(w_tvalid), .w_tready(w_tready), .w_tlast(w_tlast),\n"
             "        .o_tdata(o_tdata), .o_tvalid(o_tvalid), .o_tready(o_tready), .o_tlast(o_tlast),\n"
             "        .weights_loaded(weights_loaded), .err_hdr(err_hdr), .err_len(err_len), .busy(busy),\n"
             "        .mon_done(mon_done), .mon_cyc(mon_cyc));")
    mon_ports = "".join(f", .mon_{i}_data(mon_{i}_data)" for i in range(len(bnds)))
    o.append(f"    {NET_TOP} u_dut (.aclk(clk), .aresetn(aresetn),\n"
             "        .s_axis_tdata(px_tdata), .s_axis_tvalid(px_tvalid), .s_axis_tready(px_tready), "
             ".s_axis_tlast(px_tlast),\n"
             "        .s_axis_w_tdata(w_tdata), .s_axis_w_tvalid(w_tvalid), .s_axis_w_tready(w_tready), "
             ".s_axis_w_tlast(w_tlast),\n"
             "        .m_axis_tdata(o_tdata), .m_axis_tvalid(o_tvalid), .m_axis_tready(o_tready), "
             ".m_axis_tlast(o_tlast),\n"
             "        .weights_loaded(weights_loaded), .err_hdr(err_hdr), .err_len(err_len), .err_proto(err_proto),"
             " .busy(busy),\n"
             f"        .mon_fire(mon_fire){mon_ports},\n"
             "        .mon_img_start(mon_img_start), .mon_done(mon_done), .mon_cyc(mon_cyc), "
             ".mon_active(mon_active), .mon_stall(mon_stall));")
    for i, b in enumerate(bnds):
        o.append(f"    net_bulk_mon #(.W({b.width}), .BEATS({beats[b.name]}), .ID({i})) u_mon_{i} (.clk(clk), "
                 f".en(mon_en), .rst_ev(rst_ev), .fin(fin),\n        .fire(mon_fire[{i}]), .data(mon_{i}_data));"
                 f"  // {b.name}")
    o += ["endmodule", "`default_nettype wire", ""]
    return "\n".join(o)


@dataclass
class BulkBuild:
    name: str
    cfg: SAFormerConfig
    build_dir: Path


def ensure_bulk_built(name: str, cfg: SAFormerConfig, build_root: Path | None = None) -> BulkBuild:
    """Generate net_engine + the bulk top and build them once per (sources, flags) hash (file lock):
    Verilator (C++ model + sim/hdl/net_bulk_main.cpp), then make, profile-guided when BULK_PGO."""
    build_root = build_root or build_dir()
    verilator_env()
    rtl_root = build_root / "sim" / "rtl"
    rtl_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(rtl_root / f"net-{config_id(name, cfg)}.lock")):
        gen = generate_net(cfg, rtl_root, name)
    top = rtl_root / f"net-bulk-{config_id(name, cfg)}"
    top.mkdir(parents=True, exist_ok=True)
    with FileLock(str(top) + ".lock"):
        f = top / f"{BULK_TOP}.v"
        text = render_bulk_top(cfg, name)
        if not f.is_file() or f.read_text() != text:
            write_atomic(f, text)
    srcs = net_sources(gen) + [HDL_DIR / s for s in HARNESS_SOURCES] + [top / f"{BULK_TOP}.v"]
    main_cpp = HDL_DIR / MAIN_CPP
    bf = bulk_flags(name)
    flags = " ".join(BULK_ARGS) + f" {BULK_TOP} {BULK_EXE} {bf.key()}"
    key = sources_hash(srcs + [main_cpp], flags)
    bdir = build_root / "sim" / f"net-bulk-{key}"
    with FileLock(str(bdir) + ".lock"):
        if not ((bdir / ".built").is_file() and (bdir / BULK_EXE).is_file()):
            _build(cfg, srcs, main_cpp, bdir, bf)
            (bdir / ".built").write_text(f"{name} {cfg.hash()}\n")
            after_build(bdir)
        else:
            mark_used(bdir)
    return BulkBuild(name, cfg, bdir)


def _run_logged(cmd: list[str], log: Path, what: str, cwd: Path | None = None) -> None:
    with log.open("a") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        r = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=cwd, check=False)
    if r.returncode != 0:
        raise SaformerError(f"bulk build: {what} failed (exit {r.returncode}); see {log}")


def _build(cfg: SAFormerConfig, srcs: list[Path], main_cpp: Path, bdir: Path, bf: BulkFlags) -> None:
    root = verilator_env()
    if bdir.exists():
        shutil.rmtree(bdir)
    bdir.mkdir(parents=True)
    log = bdir / "build.log"
    _run_logged([str(root / "bin" / "verilator"), "--cc", "--exe", "-Mdir", str(bdir), "--top-module", BULK_TOP,
                 "--prefix", "Vtop", "-o", BULK_EXE, *BULK_ARGS,
                 *(["--verilate-jobs", str(bf.verilate_jobs)] if bf.verilate_jobs else []),
                 str(main_cpp), *map(str, srcs)], log, "verilator")
    jobs = str(max(1, min(2, os.cpu_count() or 1)))

    def make(opt: str, ld: str = "", glob: str = bf.opt_global) -> None:
        _run_logged(["make", "-j", jobs, "-C", str(bdir), "-f", "Vtop.mk", f"OPT_FAST={opt}", f"OPT_GLOBAL={glob}",
                     f"USER_LDFLAGS={ld}"], log, "make")

    if not bf.pgo:
        make(bf.opt_fast)
        return
    make(f"{bf.opt_fast} {PGO_GEN}", PGO_GEN)
    train = bdir / "pgo-train"
    train.mkdir()
    _training_plan(cfg).write(train)
    plus = {"OUTDIR": str(train), "SEED": 1, **STALL_PLUSARGS["both"]}
    _run_logged([str(bdir / BULK_EXE), *(f"+{k}={v}" for k, v in plus.items())], log, "the PGO training run", train)
    if not json.loads((train / "sim.json").read_text())["done"]:
        raise SaformerError(f"bulk build: the PGO training run did not finish; see {train / 'out.log'}")
    for pat in ("*.o", "*.a", "*.gch", BULK_EXE):
        for f in bdir.glob(pat):
            f.unlink()
    make(f"{bf.opt_fast} {PGO_USE}")
    shutil.rmtree(train)


def _training_plan(cfg: SAFormerConfig) -> BulkPlan:
    """The PGO training program: a random model, random pixel images, two drains and a reset mid-image."""
    from saformer.golden.vectors import random_params

    rng = np.random.default_rng(7)
    pixels = rng.integers(0, cfg.pixel_max + 1, size=(20, cfg.in_ch, cfg.img, cfg.img))
    plan = BulkPlan(cfg, [WeightSet("random", random_params(cfg, rng))], pixels)
    plan.reset().weights(0).images(12).drain().images(4).delay(3000).reset().weights(0).images(4).drain().end()
    return plan


# ------------------------------------------------------------------------------------------ the program
@dataclass
class BulkPlan:
    """Slots (images in pixel memory, sent at most once each), weight sets and the program over them."""

    cfg: SAFormerConfig
    sets: list[WeightSet]
    pixels: np.ndarray  # (slots, in_ch, img, img)
    prog: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    _next: int = 0

    def reset(self, cycles_low: int = 4) -> BulkPlan:
        self.prog.append(("reset", (max(2, cycles_low),)))
        return self

    def weights(self, k: int) -> BulkPlan:
        self.prog.append(("weights", (k,)))
        return self

    def images(self, count: int) -> BulkPlan:
        if self._next + count > self.pixels.shape[0]:
            raise SaformerError(f"bulk plan: {self._next + count} slots used, {self.pixels.shape[0]} available")
        self.prog.append(("images", (self._next, count)))
        self._next += count
        return self

    def wait_pixels(self) -> BulkPlan:
        self.prog.append(("waitpx", ()))
        return self

    def drain(self, timeout: int = 2_000_000) -> BulkPlan:
        self.prog.append(("drain", (timeout,)))
        return self

    def delay(self, n: int) -> BulkPlan:
        self.prog.append(("delay", (max(1, n),)))
        return self

    def end(self) -> BulkPlan:
        self.prog.append(("end", ()))
        return self

    def write(self, case_dir: Path) -> dict[str, Any]:
        """px.mem, w.mem, prog.mem in case_dir; returns the weight sets' (offset, length)."""
        cfg = self.cfg
        pxw = itf.pixel_beat_bits(cfg)
        bpi = pixel_beats(cfg)
        if self.pixels.shape[0] * bpi > PX_DEPTH:
            raise SaformerError(f"bulk plan: {self.pixels.shape[0]} slots exceed the pixel memory "
                                f"({PX_DEPTH // bpi} slots)")
        dig = (pxw + 1 + 3) // 4
        lines = []
        for b in range(self.pixels.shape[0]):
            beats = itf.pack_pixels(cfg, self.pixels[b])
            lines += [f"{(int(k == len(beats) - 1) << pxw) | v:0{dig}x}" for k, v in enumerate(beats)]
        write_atomic(case_dir / "px.mem", "\n".join(lines) + "\n")
        wl, offs = [], []
        for s in self.sets:
            w = s.words(cfg)
            offs.append((len(wl), len(w)))
            wl += [f"{(int(k == len(w) - 1) << 32) | v:09x}" for k, v in enumerate(w)]
        if len(wl) > w_depth(cfg) or len(wl) >= 1 << W_ADDR_BITS:
            raise SaformerError(f"bulk plan: {len(wl)} weight words exceed the weight memory ({w_depth(cfg)}) "
                                f"or the WEIGHTS op's {W_ADDR_BITS}-bit offset; run fewer weight sets per case")
        write_atomic(case_dir / "w.mem", "\n".join(wl) + "\n")
        pl = []
        for op, a in self.prog:
            code = OPS[op] << 56
            if op == "weights":
                off, n = offs[a[0]]
                code |= (a[0] << 48) | (off << 24) | n
            elif op == "images":
                code |= (a[0] << 28) | a[1]
            elif a:
                code |= a[0]
            pl.append(f"{code:016x}")
        if len(pl) > P_DEPTH:
            raise SaformerError(f"bulk plan: {len(pl)} program words exceed the program memory ({P_DEPTH})")
        write_atomic(case_dir / "prog.mem", "\n".join(pl) + "\n")
        return {"weight_offsets": offs}


# ------------------------------------------------------------------------------------------ running
def run_bulk(build: BulkBuild, plan: BulkPlan, stall: str = "both", seed: int = 1, full: bool = False,
             workdir: Path | None = None, label: str = "bulk", max_cycles: int | None = None,
             locate: bool = True) -> BulkResult:
    """Write the case, run the simulator (sim/hdl/net_bulk_main.cpp: clock until `done`, timed), then
    compare its logs with the integer reference (`check_bulk`). With `locate`, a signature mismatch is
    rerun on its image alone in FULL mode for the coordinates."""
    if stall not in STALL_PLUSARGS:
        raise SaformerError(f"bulk: stall '{stall}' is not one of {sorted(STALL_PLUSARGS)}")
    case_dir = (Path(workdir) if workdir else
                build.build_dir / "runs" / f"{label}-{uuid.uuid4().hex[:8]}").resolve()
    case_dir.mkdir(parents=True, exist_ok=True)
    for f in [*case_dir.glob("*.log"), case_dir / "sim.json"]:
        f.unlink(missing_ok=True)
    plan.write(case_dir)
    case = {"config": plan.cfg.to_dict(), "name": build.name, "stall": stall, "seed": seed, "full": full,
            "sets": [{"name": s.name, "patch": {str(k): v for k, v in s.patch.items()},
                      "keys": sorted(s.params)} for s in plan.sets]}
    write_atomic(case_dir / "case.json", json.dumps(case))
    plus = {"OUTDIR": str(case_dir), "SEED": seed, "TIMEOUT": weight_timeout(plan.cfg), **STALL_PLUSARGS[stall]}
    if max_cycles:
        plus["MAX_CYCLES"] = max_cycles
    cmd = [str(build.build_dir / BULK_EXE), *(f"+{k}={v}" for k, v in plus.items()), *(["+FULL"] if full else [])]
    with (case_dir / "sim.log").open("w") as fh:
        rc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=case_dir, check=False).returncode
    sim_f = case_dir / "sim.json"
    sim = json.loads(sim_f.read_text()) if sim_f.is_file() else None
    if not sim or not sim["done"]:
        raise SaformerError(f"bulk simulation '{build.name}' ended (exit {rc}) before its program did; "
                            f"see {case_dir / 'sim.log'}")
    t1 = time.perf_counter()
    res = check_bulk(case_dir, plan.cfg, plan.sets, plan.pixels, build.name)
    cyc, wall, cpu = sim["sim_cycles"], sim["wall_s"], sim["cpu_s"]
    res.stats.update({"sim_cycles": cyc, "sim_wall_s": round(wall, 3), "sim_cpu_s": round(cpu, 3),
                      "sim_cycles_per_s": round(cyc / wall, 1) if wall > 0 else None,
                      "sim_cycles_per_cpu_s": round(cyc / cpu, 1) if cpu > 0 else None,
                      "check_wall_s": round(time.perf_counter() - t1, 3)})
    write_atomic(case_dir / "result.json", json.dumps({"stats": res.stats, "first_mismatch": res.first_mismatch,
                                                        "wrong_at": list(res.wrong_at) if res.wrong_at else None}))
    if locate and res.wrong_at and not full:
        res.first_mismatch = locate_first_mismatch(build, plan, res, case_dir / "locate")
    return res


def locate_first_mismatch(build: BulkBuild, plan: BulkPlan, res: BulkResult, workdir: Path) -> str | None:
    """Rerun the slot of the first signature mismatch alone (its weight set, FULL mode, no stalls) and
    report net_scoreboard's coordinates of its first differing beat."""
    _, slot = res.wrong_at
    epochs, _ = parse_out_log(res.case_dir / "out.log")
    k = next(e.sets[e.slots.index(slot)] for e in epochs if slot in e.slots)
    one = BulkPlan(plan.cfg, [plan.sets[k]], plan.pixels)
    one._next = slot
    one.reset().weights(0).images(1).drain().end()
    r = run_bulk(build, one, "none", 1, full=True, workdir=workdir, locate=False)
    return r.first_mismatch


# ------------------------------------------------------------------------------------------ the long run
def long_run_images(art, count: int, seed: int = 5, real_fraction: float = 0.75) -> np.ndarray:
    """`count` images: the artifact's test images cycled, with random pixel images (seeded) mixed in."""
    from saformer.sim.net_runner import network_images

    cfg = art.cfg
    x, _ = network_images(art, None)
    rng = np.random.default_rng(seed)
    out = np.empty((count, cfg.in_ch, cfg.img, cfg.img), dtype=np.int64)
    real = rng.random(count) < real_fraction
    ri = 0
    for i in range(count):
        if real[i]:
            out[i] = x[ri % x.shape[0]]
            ri += 1
        else:
            out[i] = rng.integers(0, cfg.pixel_max + 1, size=(cfg.in_ch, cfg.img, cfg.img))
    return out


def long_run_plan(art, images: int, resets: int, reloads: int, seed: int = 5,
                  second_set: bool = True) -> BulkPlan:
    """A program of about `images` answered images in segments, `resets` of them ended by a reset in the
    middle of an image (after a random delay into the segment), `reloads` weight reloads (alternating the
    shipped weights and a random model of the same configuration when `second_set`) between drained
    segments. The reset segments' images are extra slots, so at least `images` are answered."""
    from saformer.golden.vectors import random_params

    cfg = art.cfg
    rng = np.random.default_rng(seed)
    sets = [WeightSet("artifact", dict(art.params))]
    if second_set:
        sets.append(WeightSet("random", random_params(cfg, np.random.default_rng(seed + 1000))))
    events = ["reset"] * resets + ["reload"] * reloads
    rng.shuffle(events)
    nseg = len(events) + 1
    per = max(1, images // nseg)
    sizes = [per] * nseg
    sizes[-1] += images - per * nseg
    cut_len = [int(rng.integers(2, 6)) for _ in range(resets)]
    total = images + sum(cut_len)
    plan = BulkPlan(cfg, sets, long_run_images(art, total, seed))
    cur = 0
    plan.reset().weights(cur)
    ri = 0
    for i, n in enumerate(sizes):
        plan.images(n).drain()
        if i == len(events):
            break
        if events[i] == "reset":
            # a few more images, then a reset while they are inside the pipeline (2 .. 5 image intervals in)
            plan.images(cut_len[ri]).delay(int(rng.integers(500, 2500 * cut_len[ri])))
            ri += 1
            plan.reset(int(rng.integers(2, 10))).weights(cur)
        else:
            if second_set:
                cur = 1 - cur
            plan.weights(cur)
    plan.end()
    return plan


def long_run(images: int = 10_000, resets: int = 10, reloads: int = 10, stall: str = "both", seed: int = 5,
             build_root: Path | None = None, workdir: Path | None = None) -> dict[str, Any]:
    """The long run of `make verify`: the shipped artifact (and a random model), random stalls both ends,
    resets mid-image, weight reloads. Returns the figures (images, lost, duplicated, wrong, resets, reloads,
    cut, wall times, simulated cycles/s)."""
    from saformer.sim.net_runner import net_artifact

    art = net_artifact("default")
    build = ensure_bulk_built("default", art.cfg, build_root)
    plan = long_run_plan(art, images, resets, reloads, seed)
    t0 = time.perf_counter()
    res = run_bulk(build, plan, stall, seed, workdir=workdir, label="long")
    wall = time.perf_counter() - t0
    s = res.stats
    return {"images": s["images"], "lost": s["lost"], "duplicated": s["duplicated"], "wrong": s["wrong"],
            "resets": s["resets"], "resets_mid_image": s["resets_mid_image"], "reloads": s["reloads"],
            "cut_by_reset": s["cut"],
            "weight_loads": s["weight_loads"], "sets_used": s["sets_used"],
            "boundary_mismatches": s["boundary_mismatches"], "cycle_errors": s["cycle_errors"],
            "faults": s["faults"], "first_mismatch": res.first_mismatch, "stall": stall, "seed": seed,
            "sim_cycles": s.get("sim_cycles"), "sim_wall_s": s.get("sim_wall_s"),
            "sim_cycles_per_s": s.get("sim_cycles_per_s"), "sim_cpu_s": s.get("sim_cpu_s"),
            "sim_cycles_per_cpu_s": s.get("sim_cycles_per_cpu_s"), "wall_s": round(wall, 1),
            "ok": not res.failed and s["images"] >= images, "case": str(res.case_dir)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m saformer.sim.net_bulk", description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--resets", type=int, default=10)
    ap.add_argument("--reloads", type=int, default=10)
    ap.add_argument("--stall", default="both", choices=sorted(STALL_PLUSARGS))
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args(argv)
    try:
        r = long_run(a.images, a.resets, a.reloads, a.stall, a.seed)
    except SaformerError as e:
        print(f"saformer.sim.net_bulk: error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(r, indent=1))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
