# SPDX-License-Identifier: Apache-2.0
"""Yosys resource and logic-depth estimates for a 7-series part (Debian yosys, `synth_xilinx -family xc7`).

`synthesize(files, top, workdir)` runs Yosys with ABC9 and reads the mapped netlist (JSON) back:
- `lut`: every LUT1..LUT6 used as logic, plus LUTs used as memory (RAM32M/RAM64M/RAM*X1*) and as shift
  registers (SRL16E/SRLC32E), each also reported apart (`lut_logic`, `lut_mem`, `lut_srl`);
- `ff` (FD*), `carry` (CARRY4), `muxf` (MUXF7/MUXF8), `bram36` (RAMB36E1/E2 + RAMB18E1/E2 / 2), `uram`
  (URAM288, UltraScale+: the memories hw/fit.py uram_styles gives ram_style "ultra"), `dsp` (DSP48E1/E2);
- `logic_levels`: see LEVELS_RULE.

`synth_report(...)` synthesizes one configuration for a board of hw/boards.py, sweeps the lane count P
(LUT, FF and cycles per image from `sim.scoreboard.cycle_formula` on the artifact's real vectors), writes
build/report/synth.json and a PNG of the sweep, and raises a "does not fit" SaformerError when the
configuration exceeds the board. `cli_synth` is `saformer synth` / `make synth BOARD=...` (through
hw/synth_modules.py, which adds the per-module mode).

These are Yosys estimates, not Vivado's: Vivado's own mapping (and its retiming, LUT combining and
LUTRAM packing) usually lands within a few tens of percent of them; the levels are cells, not ns.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import shutil
import subprocess
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import save_figure, write_atomic
from saformer.contract.paths import build_dir, package_root, user_path
from saformer.hw import fit
from saformer.hw.boards import Board, board
from saformer.hw.fit import RAMB18_ASPECTS, bram18_count, uram_count  # noqa: F401 -- RAMB18_ASPECTS re-exported
from saformer.hw.timing import estimate as timing_estimate

REPO = package_root()
BUILD = build_dir()
TOP = "sasa_engine"

LEVELS_RULE = (
    "longest combinational path between sequential elements (or ports), counted in cells: each LUT1..LUT6 "
    "counts 1 level, each MUXF7/MUXF8 counts 1, each CARRY4 on the path counts 1 (a carry chain through k "
    "CARRY4 cells counts k); an asynchronous LUT-RAM read (address pins to data out of RAM32M/RAM64M/"
    "RAM*X1*, and an SRL's address to Q) counts 1 like the LUT it is; FFs, block RAMs, DSPs, LUT-RAM/SRL "
    "write ports and the top-level ports end paths. The engine is synthesized out of context, so its ports "
    "count as register boundaries (in the block design every port meets an AXI register or the DMA's "
    "stream FIFO); a port-to-register path is therefore included, which makes the figure an upper bound "
    "on the register-to-register depth")

# Sequential (or path-ending) cells: their outputs start a path at level 0, their inputs end one.
SEQ = re.compile(r"^(IBUF|OBUF|OBUFT|IOBUF|BUFG|FD[CPRSE]+|RAMB\d+E[12]|DSP48E[12]|URAM288)$")
# LUT RAMs and SRLs: a write is clocked, a read is combinational from the address pins.
LUTRAM = re.compile(r"^(SRL16E|SRLC32E|RAM\d+[XM]\d*.*)$")
ADDR_PIN = re.compile(r"^(A\d*|ADDR[A-H]|DPRA\d*|RADR\d*)$")


def yosys_bin() -> str:
    y = shutil.which("yosys")
    if not y:
        raise SaformerError("yosys not found on PATH: install Debian's yosys (make venv does it)")
    return y


def yosys_version() -> str:
    r = subprocess.run([yosys_bin(), "-V"], check=False, capture_output=True, text=True)
    return r.stdout.strip()


ABC9_CRASH = re.compile(r"out_of_range|Assertion|terminate called|Segmentation fault|core dumped|abc9", re.I)


def yosys_script(files: list[Path], top: str, netlist: Path, premem: Path, family: str, flags: str,
                 defines: dict[str, Any] | None = None, prelude: str | None = None) -> str:
    """The Yosys script: synth_xilinx up to memory mapping, a JSON of the coarse netlist there (every $mem_v2
    cell with its WIDTH and SIZE: the memory list), then the rest of synth_xilinx. `prelude`: Yosys commands
    that load the design instead of reading `files` (hw/synth_modules.py: one module of an elaborated design)."""
    from saformer.hw.generate import include_flags

    defs = " ".join([f"-D{k}={v}" for k, v in (defines or {}).items()] + include_flags(files))
    reads = "\n".join(f"read_verilog -defer {defs} {f}".replace("  ", " ") for f in files)
    if prelude is not None:
        reads = prelude.rstrip("\n")
    base = f"synth_xilinx -family {family} -flatten -noiopad -noclkbuf -top {top}{flags}"
    return (f"{reads}\nhierarchy -check -top {top}\n"
            f"{base} -run :map_memory\n"
            f"write_json {premem}\n"
            f"{base} -run map_memory:\n"
            f"stat\nwrite_json {netlist}\n")


def synthesize(files: list[Path], top: str, workdir: Path, defines: dict[str, Any] | None = None,
               abc9: bool = True, nodsp: bool = False, family: str = "xc7", prelude: str | None = None,
               nice: bool = False, boxes: set[str] | None = None) -> dict[str, Any]:
    """Synthesize `top` for the Yosys `family` (xc7 or xcup) and return the counts described in the module
    docstring, the memory list (`memories`) and how it was run (`abc9`, `abc9_fallback`). Yosys' ABC9 can
    crash on large designs (std::out_of_range seen at N=256, D=64): then the run is repeated without -abc9
    and the result says so (`abc9` False, `abc9_fallback` with the reason). `prelude`: see yosys_script;
    `nice`: run Yosys under `nice -n 10`; `boxes`: cell types (black-box children) that end paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    fallback = None
    for use_abc9 in ((True, False) if abc9 else (False,)):
        netlist = workdir / f"{top}_{family}.json"
        premem = workdir / f"{top}_premem.json"
        for f in (netlist, premem):
            f.unlink(missing_ok=True)
        flags = (" -abc9" if use_abc9 else "") + (" -nodsp" if nodsp else "")
        (workdir / "synth.ys").write_text(yosys_script(files, top, netlist, premem, family, flags, defines,
                                                       prelude))
        log = workdir / "yosys.log"
        r = subprocess.run([*(["nice", "-n", "10"] if nice else []), yosys_bin(), "-q", "-l", str(log), "-s",
                            str(workdir / "synth.ys")],
                           check=False, capture_output=True, text=True)
        if r.returncode == 0 and netlist.is_file():
            break
        tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
        if use_abc9 and abc9:
            # ABC9 crashed (or failed): keep its log, say why, and run the classic ABC flow instead
            if log.is_file():
                log.replace(workdir / "yosys_abc9_failed.log")
            fallback = (f"yosys -abc9 failed (exit {r.returncode}: {' | '.join(tail)[-300:]}); "
                        "results from synth_xilinx without -abc9")
            continue
        raise SaformerError(f"yosys failed on {top} (log {log}): {' | '.join(tail)}")
    res = analyse_netlist(json.loads(netlist.read_text()), top, boxes)
    res["memories"] = memory_report(json.loads(premem.read_text()), (workdir / "yosys.log").read_text(), top)
    res["abc9"] = bool(abc9 and fallback is None)
    res["abc9_fallback"] = fallback
    res["family"] = family
    res["flow"] = (f"synth_xilinx -family {family}{' -abc9' if res['abc9'] else ''} -flatten -noiopad -noclkbuf "
                   f"-top {top}")
    return res


MAPPED_VIA = re.compile(r"^mapping memory (\S+) via (\S+)", re.M)


def _mem_kind(via: str | None) -> str:
    if via is None:
        return "FF"  # left to memory_map: flip-flops and multiplexers
    if "LUTRAM" in via:
        return "LUT RAM"
    if "URAM" in via:
        return "URAM"
    if "BLOCKRAM" in via or "BRAM" in via:
        return "BRAM"
    return via


def memory_report(premem: dict[str, Any], log: str, top: str) -> list[dict[str, Any]]:
    """Every memory of the design (the $mem_v2 cells before mapping: name, words, width, bits) and what Yosys
    mapped it to (memory_libmap's "mapping memory X via Y" lines: LUT RAM or block RAM; a memory with no such
    line went to memory_map: flip-flops). Block RAMs are counted per memory as BRAM36 equivalents from the
    7-series geometry (`bram18_count`: RAMB18s of the best aspect ratio, an estimate per memory; the
    netlist's total is `bram36`)."""
    via = {m.group(1).split(".", 1)[-1]: m.group(2) for m in MAPPED_VIA.finditer(log)}
    mod = premem["modules"].get(top, {})
    out = []
    for cname, c in mod.get("cells", {}).items():
        if not c["type"].startswith("$mem"):
            continue
        prm = c.get("parameters", {})
        name = prm.get("MEMID", cname)
        name = str(name).lstrip("\\")
        width, size = int(str(prm.get("WIDTH", "0")), 2), int(str(prm.get("SIZE", "0")), 2)
        v = via.get(name)
        kind = _mem_kind(v)
        rec = {"name": name, "words": size, "width": width, "bits": size * width, "mapped_to": kind, "via": v}
        if kind == "BRAM":
            rec["bram18_est"] = bram18_count(size, width)
        elif kind == "URAM":
            rec["uram_est"] = uram_count(size, width)
        out.append(rec)
    return sorted(out, key=lambda r: r["name"])


# RAMB18 geometry: hw/fit.py (the board-fit model and this report count block RAMs the same way)


def memory_summary(mems: list[dict[str, Any]]) -> dict[str, Any]:
    """Memories per kind (count, bits), and the weight memories' kinds (spike_linear's u_w, or its w_mem when
    read asynchronously)."""
    kinds: dict[str, dict[str, int]] = {}
    for m in mems:
        k = kinds.setdefault(m["mapped_to"], {"memories": 0, "bits": 0})
        k["memories"] += 1
        k["bits"] += m["bits"]
    weights = sorted({m["mapped_to"] for m in mems if ".u_w." in m["name"] or ".w_mem" in m["name"]})
    return {"by_kind": kinds, "weight_memories_mapped_to": weights}


def analyse_netlist(nl: dict[str, Any], top: str, boxes: set[str] | None = None) -> dict[str, Any]:
    mod = nl["modules"][top]
    cells = mod["cells"]
    counts: dict[str, int] = defaultdict(int)
    for c in cells.values():
        counts[c["type"]] += 1
    lut_logic = sum(v for k, v in counts.items() if re.fullmatch(r"LUT[1-6]", k))
    lut_mem = 0
    for k, v in counts.items():
        if k.startswith(("RAM32M", "RAM64M")):
            lut_mem += 4 * v
        elif re.fullmatch(r"RAM\d+X\d+[SD]?", k):
            lut_mem += (2 if k.endswith("D") else 1) * v
    lut_srl = counts.get("SRL16E", 0) + counts.get("SRLC32E", 0)
    out = {
        "lut": lut_logic + lut_mem + lut_srl, "lut_logic": lut_logic, "lut_mem": lut_mem, "lut_srl": lut_srl,
        "ff": sum(v for k, v in counts.items() if re.fullmatch(r"FD[CPRSE]+", k)),
        "carry": counts.get("CARRY4", 0) + counts.get("CARRY8", 0),
        "muxf": counts.get("MUXF7", 0) + counts.get("MUXF8", 0),
        "bram36": (counts.get("RAMB36E1", 0) + counts.get("RAMB36E2", 0)
                   + 0.5 * (counts.get("RAMB18E1", 0) + counts.get("RAMB18E2", 0))),
        "uram": counts.get("URAM288", 0),
        "dsp": counts.get("DSP48E1", 0) + counts.get("DSP48E2", 0),
        "cells": dict(sorted(counts.items())),
    }
    out["logic_levels"] = longest_path(mod, boxes)
    return out


def _comb_input(ctype: str, port: str) -> bool:
    """Does a signal entering `port` of a cell of type `ctype` continue a combinational path?"""
    if SEQ.match(ctype):
        return False
    if LUTRAM.match(ctype):
        return bool(ADDR_PIN.match(port))
    return True


def longest_path(mod: dict[str, Any], boxes: set[str] | None = None) -> int:
    """Longest combinational path in cells (LEVELS_RULE) between sequential cells/ports (and cells of the
    types in `boxes`: black-box submodules, hw/synth_modules.py's container glue)."""
    drivers: dict[int, str] = {}
    loads: dict[int, list[tuple[str, str]]] = defaultdict(list)
    cells = mod["cells"]
    for name, c in cells.items():
        dirs = c.get("port_directions", {})
        for port, bits in c["connections"].items():
            for b in bits:
                if not isinstance(b, int):
                    continue
                if dirs.get(port) == "output":
                    drivers[b] = name
                else:
                    loads[b].append((name, port))
    comb = {n for n, c in cells.items() if not SEQ.match(c["type"]) and c["type"] not in (boxes or ())}
    fanout: dict[str, set[str]] = defaultdict(set)
    indeg: dict[str, int] = defaultdict(int)
    for b, d in drivers.items():
        if d not in comb:
            continue
        for ld, port in loads.get(b, []):
            if ld in comb and _comb_input(cells[ld]["type"], port) and ld not in fanout[d]:
                fanout[d].add(ld)
                indeg[ld] += 1
    depth = {n: 1 for n in comb}
    order = [n for n in comb if indeg[n] == 0]
    i = 0
    while i < len(order):
        n = order[i]
        i += 1
        for m in fanout[n]:
            depth[m] = max(depth[m], depth[n] + 1)
            indeg[m] -= 1
            if indeg[m] == 0:
                order.append(m)
    if len(order) != len(comb):
        raise SaformerError("combinational loop in the synthesized netlist")
    return max(depth.values(), default=0)


def fit_report(res: dict[str, Any], b: Board) -> dict[str, Any]:
    """Add percentages of the board's capacity and a `fits` verdict. CARRY4s are a percentage of the
    slices (one CARRY4 per slice of 4 LUTs); LUT-as-memory/SRL of the SLICEM LUTs."""
    def of(need: float, cap: int) -> float:  # percent of a capacity (none on the board: any need is over)
        return 100.0 * need / cap if cap else (0.0 if not need else float("inf"))

    pct = {
        "lut": of(res["lut"], b.lut), "lut_logic": of(res["lut_logic"], b.lut),
        "lut_mem": of(res["lut_mem"] + res["lut_srl"], b.lutram),
        "ff": of(res["ff"], b.ff), "carry": of(res["carry"], b.lut // 4),
        "bram36": of(res["bram36"], b.bram36), "dsp": of(res["dsp"], b.dsp),
        "uram": of(res.get("uram", 0), b.uram),  # URAM288 (UltraScale+ boards with URAM)
    }
    over = [k for k, v in pct.items() if v > 100.0]
    return {**res, "percent": {k: round(v, 2) for k, v in pct.items()}, "fits": not over, "over": over,
            "board": b.name, "part": b.part}


# ------------------------------------------------------------------------------ one config, cached
def synth_config(cfg: SAFormerConfig, name: str, source: str, root: Path = BUILD / "synth",
                 family: str = "xc7") -> dict[str, Any]:
    """Generate the engine of `cfg` and synthesize it for the Yosys `family`, cached under
    root/<config-id>-<sources hash>."""
    from saformer.hw.generate import generate, headers, sources, sources_hash

    gen = generate(cfg, root / "rtl", name, source)
    files = sources(gen)
    key = sources_hash(files + headers(gen), f"synth_xilinx {family} abc9 v3 memories")
    work = root / f"{gen.name}-{key}"
    cached = work / "result.json"
    if cached.is_file():
        res = json.loads(cached.read_text())
    else:
        res = synthesize(files, TOP, work, family=family)
        write_atomic(cached, json.dumps(res, indent=1) + "\n")
    res["rtl"] = [str(f) for f in files]
    res["workdir"] = str(work)
    return res


# ------------------------------------------------------------------------------ the P sweep
def cycles_per_image(cfg: SAFormerConfig, s: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Cycle formula over a set of images (s, y: (V, T, N, D)): mean, min, max."""
    from saformer.contract.cycles import cycle_formula

    c = np.array([cycle_formula(cfg, s[i], y[i]) for i in range(s.shape[0])])
    return {"mean": round(float(c.mean()), 1), "min": int(c.min()), "max": int(c.max())}


def sweep_lanes(cfg: SAFormerConfig, lanes: list[int], s: np.ndarray, y: np.ndarray, b: Board,
                root: Path, jobs: int = 2, progress: bool = True) -> list[dict[str, Any]]:
    """Synthesize cfg with every P in `lanes` (in parallel Yosys processes) and put LUT, FF and cycles
    per image side by side."""
    from saformer.contract import interface as itf

    cfgs = {p: cfg.replace(lanes=p) for p in lanes}
    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(lanes), desc="P sweep (yosys)", unit="config")
        except ImportError:  # pragma: no cover
            bar = None

    def one(p: int) -> dict[str, Any]:
        r = fit_report(synth_config(cfgs[p], f"p{p}", f"sweep of P over config {cfg.hash()[:12]}", root,
                                    b.family), b)
        if bar is not None:
            bar.update(1)
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        results = dict(zip(lanes, ex.map(one, lanes)))
    if bar is not None:
        bar.close()
    rows = []
    for p in lanes:
        r = results[p]
        cyc = cycles_per_image(cfgs[p], s, y)
        rows.append({"P": p, "G": itf.groups(cfgs[p]), "lut": r["lut"], "lut_mem": r["lut_mem"], "ff": r["ff"],
                     "carry": r["carry"], "dsp": r["dsp"], "logic_levels": r["logic_levels"],
                     "lut_pct": r["percent"]["lut"], "ff_pct": r["percent"]["ff"],
                     "cycles_mean": cyc["mean"], "cycles_min": cyc["min"], "cycles_max": cyc["max"],
                     "images_per_s": round(b.clock_mhz * 1e6 / cyc["mean"], 1), "fits": r["fits"]})
    return rows


def plot_sweep(rows: list[dict[str, Any]], path: Path, title: str) -> Path | None:
    """LUT and FF (left axis) and mean cycles per image (right axis) against P."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - matplotlib is pinned
        return None
    ps = [r["P"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(ps, [r["lut"] for r in rows], "o-", label="LUT")
    ax.plot(ps, [r["ff"] for r in rows], "s-", label="FF")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ps, [str(p) for p in ps])
    ax.set_xlabel("lanes P")
    ax.set_ylabel("cells (Yosys synth_xilinx)")
    ax2 = ax.twinx()
    ax2.plot(ps, [r["cycles_mean"] for r in rows], "^--", color="tab:red", label="cycles / image (mean)")
    ax2.set_ylabel("cycles per image")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return save_figure(fig, path, dpi=110)


def plot_report(report: Path, path: Path) -> Path | None:
    """The sweep plot drawn from the synth.json on disk (so the PNG and the JSON cannot disagree)."""
    rep = json.loads(Path(report).read_text())
    sw = rep["sweep"]
    return plot_sweep(sw["rows"], path, f"{rep['config']['name']}: Yosys xc7 LUT/FF vs cycles per image "
                                        f"({sw['vectors']}, {sw['images']} images; from {Path(report).name})")


DOCS_BEGIN = "<!-- synth-sweep: written by `saformer synth --docs` from synth.json; do not edit -->"
DOCS_END = "<!-- /synth-sweep -->"


def sweep_markdown(rep: dict[str, Any]) -> str:
    """The figures docs/pynq.md shows, from a synth.json: the config's resources and the P sweep table."""
    c = rep["config"]["fields"]
    p = rep["percent"]
    lines = [f"Config `{rep['config']['name']}` (T={c['T']}, D={c['D']}, P={c['lanes']}), {rep['board']['part']}, "
             f"{rep['tool']} (Yosys estimates, not Vivado; engine only: AXI DMAs, interconnect and PS not counted): "
             f"LUT {rep['lut']} ({p['lut']}%: {rep['lut_logic']} logic + {rep['lut_mem'] + rep['lut_srl']} "
             "LUT RAM/SRL), "
             f"FF {rep['ff']} ({p['ff']}%), CARRY4 {rep['carry']}, BRAM36 {rep['bram36']:g}, DSP {rep['dsp']}, "
             f"{rep['logic_levels']} logic levels"
             + (f" (clock estimate ~{rep['timing']['fmax_mhz_estimate']} MHz by the delay model of hw/timing.py, "
                "docs/architecture.md 'Timing estimate')." if "timing" in rep else ".")]
    if "sweep" in rep:
        lines += ["", "| P | G | LUT | FF | CARRY4 | levels | cycles/image (mean) | images/s @"
                  f"{rep['sweep']['clock_mhz']:g} MHz |", "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['P']} | {r['G']} | {r['lut']} | {r['ff']} | {r['carry']} | {r['logic_levels']} | "
                  f"{r['cycles_mean']} | {r['images_per_s']} |" for r in rep["sweep"]["rows"]]
    return "\n".join(lines)


def update_docs(doc: Path, rep: dict[str, Any]) -> Path:
    """Replace the block between DOCS_BEGIN and DOCS_END in `doc` with sweep_markdown(rep)."""
    text = Path(doc).read_text()
    if DOCS_BEGIN not in text or DOCS_END not in text:
        raise SaformerError(f"{doc}: no '{DOCS_BEGIN}' ... '{DOCS_END}' block to write the figures into")
    head, rest = text.split(DOCS_BEGIN, 1)
    _, tail = rest.split(DOCS_END, 1)
    return write_atomic(doc, f"{head}{DOCS_BEGIN}\n{sweep_markdown(rep)}\n{DOCS_END}{tail}")


# ------------------------------------------------------------------------------ report


def real_vectors(artifact: Path) -> tuple[SAFormerConfig, np.ndarray, np.ndarray, str]:
    """The artifact's config and the s, y spikes of its `real` vector set (else its first set, named)."""
    from saformer.contract.artifact import load_artifact

    if not (Path(artifact) / "manifest.json").is_file():
        raise SaformerError(f"artifact {artifact} not found: run `make export` (or pass --artifact DIR)")
    art = load_artifact(artifact)
    vname = "real" if "real" in art.vectors else min(art.vectors)
    vs = art.vectors[vname]
    return art.cfg, vs["s"], vs["y"], vname


def synth_report(cfg: SAFormerConfig, name: str, b: Board, out: Path, s: np.ndarray, y: np.ndarray,
                 vectors: str, lanes: list[int] | None = None, root: Path = BUILD / "synth", jobs: int = 2,
                 progress: bool = True, network: dict[str, Any] | None = None,
                 over_budget: str | None = None) -> dict[str, Any]:
    """Synthesize `cfg`, sweep P over `lanes`, write out/synth.json (+ synth_sweep.png, and the whole
    accelerator's `network` section when given: `synth_network`); raise
    SaformerError "does not fit" (after writing the report) when `cfg` exceeds board `b`.
    over_budget: the board-fit pre-check's message when the user ran Yosys although the model says the
    design does not fit (`saformer synth --over-budget`): the report says `fits: false` with that message
    (`precheck`) whatever Yosys measured, and no "does not fit" error is raised (the user asked for the run)."""
    t0 = time.perf_counter()
    res = fit_report(synth_config(cfg, name, vectors, root, b.family), b)
    cells = res.pop("cells")
    res.pop("workdir", None)
    rtl = res.pop("rtl")
    resources = {k: res.get(k, 0) for k in ("lut", "lut_logic", "lut_mem", "lut_srl", "ff", "carry", "muxf",
                                            "bram36", "uram", "dsp", "logic_levels")}
    rep: dict[str, Any] = {
        "generated_by": "hw/synth.py (saformer synth); Yosys estimates, not Vivado results",
        "tool": yosys_version(),
        "flow": res["flow"],
        "abc9": res["abc9"],
        "abc9_fallback": res["abc9_fallback"],  # None, or why the run fell back to synth_xilinx without -abc9
        "board": dataclasses.asdict(b),  # part, capacities, PS type, clock, board_part
        "config": {"name": name, "hash": cfg.hash(), "fields": cfg.to_dict()},
        "rtl": rtl,
        **resources,
        "logic_levels_rule": LEVELS_RULE,
        "timing": timing_estimate(res["logic_levels"], b.family),
        "percent": res["percent"],
        "percent_rule": "lut, lut_logic, ff, bram36, uram, dsp of the board's totals; lut_mem (LUT RAM + SRL) of "
                        "the SLICEM LUTs; carry (CARRY4) of the slices (LUT/4)",
        "fits": res["fits"], "over": res["over"],
        "memories": res["memories"],
        "memories_rule": "every $mem_v2 cell before memory mapping (name, words, width, bits) and what Yosys mapped "
                         "it to: memory_libmap's 'mapping memory X via Y' (LUT RAM, BRAM, URAM), FF when "
                         "memory_map took it; bram18_est = RAMB18s of the best aspect ratio (per-memory estimate); "
                         "uram_est = URAM288s (4K x 72 each, hw/fit.py uram_count)",
        "memory_summary": memory_summary(res["memories"]),
        "cells": cells,
    }
    if lanes:
        rows = sweep_lanes(cfg, lanes, s, y, b, root, jobs, progress)
        rep["sweep"] = {
            "vectors": vectors, "images": int(s.shape[0]), "clock_mhz": b.clock_mhz,
            "cycles_rule": "contract/cycles.py: cycle_formula (max-plus schedule of the QK and Y passes, "
                           "G * max(1, nnz) issue cycles per token and pass, G = ceil(D/P))",
            "rows": rows, "plot": str(out / "synth_sweep.png"),
        }
    if network is not None:
        rep["network"] = network
    rep.update(over_budget_record(over_budget))
    rep["seconds"] = round(time.perf_counter() - t0, 1)
    write_atomic(out / "synth.json", json.dumps(rep, indent=1) + "\n")
    if lanes and plot_report(out / "synth.json", out / "synth_sweep.png") is None:
        rep["sweep"]["plot"] = None
        write_atomic(out / "synth.json", json.dumps(rep, indent=1) + "\n")
    if not rep["fits"] and over_budget is None:
        detail = ", ".join(f"{k} {rep['percent'][k]:.1f}%" for k in rep["over"])
        raise SaformerError(f"config '{name}' does not fit {b.name} ({b.part}): {detail} of capacity "
                            f"(report {out / 'synth.json'}); lower the lane count P or D")
    return rep


def over_budget_record(message: str | None) -> dict[str, Any]:
    """The synth.json fields of a run the board-fit pre-check refused (`--over-budget`, message: the
    pre-check's one line) or passed (None): `precheck` always, `fits` forced False when over budget."""
    if message is None:
        return {"precheck": {"fits": True, "over_budget": False, "message": None}}
    return {"fits": False, "precheck": {"fits": False, "over_budget": True, "message": message,
                                        "rule": "hw/fit.py resource model before synthesis; Yosys run anyway "
                                                "on the user's request (saformer synth --over-budget)"}}


def precheck_or_over_budget(cfg: SAFormerConfig, name: str, b: Board, network: bool,
                            over_budget: bool) -> str | None:
    """The board-fit pre-check (hw/fit.py precheck): raises its one-line SaformerError, unless over_budget,
    then returns that message (None when the design fits) so the run goes on and the report records it."""
    try:
        fit.precheck(cfg, name, b, network=network)
    except SaformerError as e:
        if not over_budget:
            raise
        return str(e)
    return None


def format_table(rep: dict[str, Any]) -> str:
    p = rep["percent"]
    lines = [f"{rep['config']['name']} on {rep['board']['name']} ({rep['board']['part']}), {rep['tool']}",
             (f"  LUT {rep['lut']} ({p['lut']}%: logic {rep['lut_logic']}, mem {rep['lut_mem']}, srl "
              f"{rep['lut_srl']})  FF {rep['ff']} ({p['ff']}%)  CARRY4 {rep['carry']} ({p['carry']}%)  "
              f"BRAM36 {rep['bram36']}  URAM {rep.get('uram', 0)}  DSP {rep['dsp']}  levels {rep['logic_levels']} "
              f"(~{rep.get('timing', {}).get('fmax_mhz_estimate', '?')} MHz)  fits: {rep['fits']}")]
    ms = rep.get("memory_summary", {})
    if ms:
        kinds = ", ".join(f"{k}: {v['memories']} ({v['bits']} bits)" for k, v in sorted(ms["by_kind"].items()))
        lines.append(f"  memories {kinds}; weight memories -> {', '.join(ms['weight_memories_mapped_to'])}")
    if rep.get("abc9_fallback"):
        lines.append(f"  NOTE: {rep['abc9_fallback']}")
    if "sweep" in rep:
        lines.append(f"  {'P':>3} {'G':>3} {'LUT':>6} {'FF':>6} {'CARRY':>6} {'lvl':>4} {'cycles':>8} {'img/s':>9}")
        for r in rep["sweep"]["rows"]:
            lines.append(f"  {r['P']:>3} {r['G']:>3} {r['lut']:>6} {r['ff']:>6} {r['carry']:>6} "
                         f"{r['logic_levels']:>4} {r['cycles_mean']:>8} {r['images_per_s']:>9}")
    return "\n".join(lines)


def cli_synth(argv: list[str], per_module: Any = None) -> int:
    """`saformer synth` (saformer/cli.py calls it through hw/synth_modules.py cli_synth, which passes
    `per_module`: the --per-module runner, kept there so this module does not import it)."""
    from saformer.contract.argtypes import count, int_list
    from saformer.contract.configs import ALL, CIFAR, SCALE, TARGET_BOARD
    from saformer.hw.boards import BOARDS

    ap = argparse.ArgumentParser(prog="saformer synth", description=__doc__.splitlines()[0])
    ap.add_argument("--board", default=None, choices=sorted(BOARDS),
                    help="target board (default: the config's target board, contract/configs.py TARGET_BOARD, "
                         "else pynq-z2)")
    ap.add_argument("--artifact", default="build/artifact",
                    help="exported artifact: its config is synthesized, its real vectors give the cycles")
    ap.add_argument("--config", default=None, choices=sorted(ALL),
                    help="synthesize a named config instead of the artifact's (`make synth CONFIG=d256`); cycles "
                         "from the artifact's vectors when D, N, T match, else from the config's random artifact")
    ap.add_argument("--lanes", default=None, type=int_list(1),
                    help="P sweep, comma-separated integers ('' for none; default 1,2,4,8,16,32, none for d128/d256)")
    ap.add_argument("--out", default=str(BUILD / "report"), help="report folder for synth.json (default %(default)s)")
    ap.add_argument("--docs", default=None, metavar="MD",
                    help="also write the figures into the marked block of this Markdown file (docs/pynq.md)")
    ap.add_argument("--jobs", type=count(1), default=int(os.environ.get("JOBS", "2")),
                    help="parallel Yosys runs of the sweep (default $JOBS or 2)")
    ap.add_argument("--no-network", action="store_true",
                    help="skip the whole accelerator (net_engine; by default synthesized too: synth.json network)")
    ap.add_argument("--per-module", action="store_true",
                    help="synthesize the accelerator module by module (hw/synth_modules.py: each distinct module "
                         "once, $JOBS in parallel, totals by instance count; no flat run, no SASA-engine sweep)")
    ap.add_argument("--over-budget", action="store_true",
                    help="run Yosys even when the board-fit pre-check (hw/fit.py) says the design does not fit; "
                         "synth.json then says fits: false with the pre-check's message (`make synth "
                         "OVER_BUDGET=1`)")
    a = ap.parse_args(argv)
    if a.per_module:
        if per_module is None:
            raise SaformerError("--per-module: run `saformer synth --per-module` (hw/synth_modules.py cli_synth)")
        return per_module(a)
    b = board(a.board or TARGET_BOARD.get(a.config or "", "pynq-z2"))
    art_dir = user_path(a.artifact)
    if a.config:
        cfg, name = ALL[a.config], a.config
        # the board-fit pre-check (hw/fit.py) before any long step: one line naming the resource and amount
        over = precheck_or_over_budget(cfg, name, b, name not in SCALE and not a.no_network, a.over_budget)
        s = y = None
        vname = ""
        if (art_dir / "manifest.json").is_file():
            acfg, s, y, vname = real_vectors(art_dir)
            vname = f"{a.artifact}:{vname}"
        if s is None or (cfg.T, cfg.N, cfg.D) != s.shape[1:]:
            from saformer.golden.named_artifacts import artifact_for

            art = artifact_for(a.config, BUILD / "sim")
            s, y, vname = art.vectors["random"]["s"], art.vectors["random"]["y"], f"{art.path}:random"
    else:
        acfg, s, y, vname = real_vectors(art_dir)
        vname = f"{a.artifact}:{vname}"
        cfg, name = acfg, ("default" if acfg == ALL["default"] else "artifact")
        over = precheck_or_over_budget(cfg, name, b, not a.no_network, a.over_budget)
    if over is not None:
        print(f"--over-budget: running Yosys although {over}", flush=True)
    lanes = ([] if name in SCALE or name in CIFAR else [1, 2, 4, 8, 16, 32]) if a.lanes is None else a.lanes
    bad = [p for p in lanes if not 1 <= p <= cfg.D]
    if bad:
        raise SaformerError(f"--lanes {bad}: each P must be in 1..D={cfg.D}")
    net = None
    if not a.no_network and name not in SCALE:  # the network accelerator: the SASA-sized configs
        from saformer.hw.net_generate import check_network_config

        check_network_config(cfg)
        net = synth_network(cfg, name, b)
    rep = synth_report(cfg, name, b, Path(a.out), s, y, vname, lanes, jobs=a.jobs, network=net, over_budget=over)
    print(format_table(rep))
    if net is not None:
        print(format_network(net))
    print(f"wrote {Path(a.out) / 'synth.json'}" + (" (fits: false, over budget)" if over is not None else ""))
    if a.docs:  # from the JSON on disk, like the plot
        print(f"wrote {update_docs(user_path(a.docs), json.loads((Path(a.out) / 'synth.json').read_text()))}")
    return 0


# ------------------------------------------------------------------------------ the whole network
NET_FLOW = ("synth_xilinx -family {family} -abc9 -noiopad -noclkbuf -top net_engine (hierarchy kept, "
            "per-module figures), then flatten (whole-accelerator figures and logic levels)")


def _is_design(mods: dict[str, Any], t: str) -> bool:
    """A module of the design (not a library primitive, which write_json lists as a (white)blackbox)."""
    a = mods.get(t, {}).get("attributes", {}) if t in mods else None
    return a is not None and "blackbox" not in a and "whitebox" not in a


def _module_levels(hier: Path, types: list[str], workdir: Path) -> dict[str, int]:
    """logic_levels of each module type of the mapped hierarchical netlist, flattened alone (one Yosys run)."""
    lines = [f"read_json {hier}", "design -save mapped"]
    outs = {}
    for i, t in enumerate(types):
        o = workdir / f"levels_{i}.json"
        outs[t] = o
        lines += ["design -load mapped", f"hierarchy -top {_yosys_name(t)}", "flatten", f"write_json {o}"]
    (workdir / "levels.ys").write_text("\n".join(lines) + "\n")
    r = subprocess.run([yosys_bin(), "-q", "-l", str(workdir / "levels.log"), "-s", str(workdir / "levels.ys")],
                       check=False, capture_output=True, text=True)
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
        raise SaformerError(f"yosys failed on the per-module levels (log {workdir / 'levels.log'}): {' | '.join(tail)}")
    res = {}
    for t, o in outs.items():
        nl = json.loads(o.read_text())["modules"]
        res[t] = longest_path(nl[t])
    return res


def _yosys_name(t: str) -> str:
    return t if t.startswith("$") else "\\" + t


def _tree_counts(mods: dict[str, Any], name: str, memo: dict[str, dict[str, int]]) -> dict[str, int]:
    """Cell counts of module `name` with every submodule instance expanded (primitives only)."""
    if name in memo:
        return memo[name]
    tot: dict[str, int] = defaultdict(int)
    for c in mods[name]["cells"].values():
        t = c["type"]
        if _is_design(mods, t):
            for k, v in _tree_counts(mods, t, memo).items():
                tot[k] += v
        else:
            tot[t] += 1
    memo[name] = dict(tot)
    return memo[name]


def _counts_resources(counts: dict[str, int]) -> dict[str, Any]:
    fake = {"cells": {f"c{i}_{k}": {"type": k, "connections": {}} for k, v in counts.items() for i in range(v)}}
    res = analyse_netlist({"modules": {"m": fake}}, "m")
    res.pop("cells")
    res.pop("logic_levels")
    return res


def synthesize_network(files: list[Path], top: str, workdir: Path, family: str = "xc7") -> dict[str, Any]:
    """One Yosys run of the network top: hierarchical synth_xilinx (per-instance resources of every engine),
    then flatten (totals, logic levels of the whole accelerator and of each engine out of context)."""
    workdir.mkdir(parents=True, exist_ok=True)
    hier, flat = workdir / f"{top}_hier.json", workdir / f"{top}_flat.json"
    from saformer.hw.generate import include_flags

    incs = " ".join(include_flags(files))
    premem = workdir / f"{top}_premem.json"
    reads = "\n".join(f"read_verilog -defer {incs} {f}" for f in files)
    base = f"synth_xilinx -family {family} -abc9 -noiopad -noclkbuf -top {top}"
    mapped = f"write_json {hier}\nflatten\nopt_clean\nstat\nwrite_json {flat}\n"
    script = (f"{reads}\nhierarchy -check -top {top}\n"
              f"{base} -run :map_memory\nwrite_json {premem}\n{base} -run map_memory:\n{mapped}")
    # ABC9 can crash on large designs (std::out_of_range in abc9_ops, seen on cifar10-pynq's network): then the
    # mapping from map_memory on is run again without -abc9, from the coarse netlist the first run wrote there
    # (premem: the state before memory mapping, so the front end is not repeated); the result says so. The
    # JSON keeps the cell library's blackboxes without their parameter defaults (xilinx_srl then stops on
    # "non existing parameter IS_R_INVERTED"), so synth_xilinx's `begin` library reads are repeated over them
    libs = ("read_verilog -lib -overwrite -specify +/xilinx/cells_sim.v\n"
            "read_verilog -lib -overwrite +/xilinx/cells_xtra.v\n")
    fallback_script = f"read_json {premem}\n{libs}{base.replace(' -abc9', '')} -run map_memory:\n{mapped}"
    ys = workdir / "synth.ys"
    done = workdir / "netlists.done"  # both netlists of this script are complete (reanalysed without Yosys)
    failed = workdir / "abc9.failed"  # the -abc9 run of this script crashed: its reason (go to the fallback)
    fallback = None
    if not (done.is_file() and ys.is_file() and ys.read_text() == script):
        done.unlink(missing_ok=True)
        if not (failed.is_file() and ys.is_file() and ys.read_text() == script and premem.is_file()):
            failed.unlink(missing_ok=True)
            ys.write_text(script)
            r = subprocess.run([yosys_bin(), "-q", "-l", str(workdir / "yosys.log"), "-s", str(ys)],
                               check=False, capture_output=True, text=True)
            if r.returncode != 0 or not flat.is_file():
                tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
                if not (premem.is_file() and ABC9_CRASH.search(r.stderr or r.stdout or "")):
                    raise SaformerError(f"yosys failed on {top} (log {workdir / 'yosys.log'}): {' | '.join(tail)}")
                (workdir / "yosys.log").replace(workdir / "yosys_abc9_failed.log")
                failed.write_text(f"yosys -abc9 failed (exit {r.returncode}: {' | '.join(tail[-2:])[-300:]}); "
                                  "mapped again from map_memory on without -abc9 (from the premem netlist)\n")
        if failed.is_file():
            fys = workdir / "synth_fallback.ys"
            fys.write_text(fallback_script)
            r = subprocess.run([yosys_bin(), "-q", "-l", str(workdir / "yosys.log"), "-s", str(fys)],
                               check=False, capture_output=True, text=True)
            if r.returncode != 0 or not flat.is_file():
                tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
                raise SaformerError(f"yosys failed on {top} without -abc9 too (log {workdir / 'yosys.log'}): "
                                    f"{' | '.join(tail)}")
        done.write_text("ok\n")
    if failed.is_file():
        fallback = failed.read_text().strip()
    fl = json.loads(flat.read_text())
    res = analyse_netlist(fl, top)
    hmods = json.loads(hier.read_text())["modules"]
    memo: dict[str, dict[str, int]] = {}
    per: dict[str, Any] = {}
    insts = {n: c["type"] for n, c in sorted(hmods[top]["cells"].items()) if _is_design(hmods, c["type"])}
    levels = _module_levels(hier, sorted(set(insts.values())), workdir)  # out of context: ports end paths
    for inst, t in insts.items():
        r_ = _counts_resources(_tree_counts(hmods, t, memo))
        r_["logic_levels"] = levels[t]
        per[inst.lstrip("\\")] = {"module": t.split("\\")[1] if "\\" in t else t, **r_}
    own = defaultdict(int)
    for c in hmods[top]["cells"].values():
        if not _is_design(hmods, c["type"]):
            own[c["type"]] += 1
    glue = _counts_resources(dict(own))
    res["per_module"] = per
    res["glue"] = glue
    res["memories"] = network_memories(json.loads(premem.read_text())["modules"],
                                       (workdir / "yosys.log").read_text(), top)
    res["abc9"] = fallback is None
    res["abc9_fallback"] = fallback  # None, or why the mapping ran without -abc9
    return res


def network_memories(mods: dict[str, Any], log: str, top: str) -> list[dict[str, Any]]:
    """Every memory of the hierarchical design before memory mapping, one row per instance: the instance
    path, the memory's name in its module, words, width, bits and what Yosys mapped it to (memory_libmap's
    "mapping memory <module>.<memory> via <cell>" lines: LUT RAM, block RAM or URAM; none: flip-flops), and
    the model's module of the instance (hw/fit.py instance_module, the key of `ram_styles`)."""
    via: dict[tuple[str, str], str] = {}
    for m in MAPPED_VIA.finditer(log):
        mod, _, mem = m.group(1).partition(".")
        via[(mod, mem)] = m.group(2)
    out: list[dict[str, Any]] = []

    def walk(t: str, path: str) -> None:
        for cname, c in sorted(mods[t].get("cells", {}).items()):
            ct = c["type"]
            if ct.startswith("$mem"):
                prm = c.get("parameters", {})
                name = str(prm.get("MEMID", cname)).lstrip("\\")
                width, size = int(str(prm.get("WIDTH", "0")), 2), int(str(prm.get("SIZE", "0")), 2)
                v = via.get((t, name))
                kind = _mem_kind(v)
                rec = {"instance": path, "module": fit.instance_module(path.split(".")[0]), "name": name,
                       "words": size, "width": width, "bits": size * width, "mapped_to": kind, "via": v}
                if kind == "BRAM":
                    rec["bram18_est"] = bram18_count(size, width)
                elif kind == "URAM":
                    rec["uram_est"] = uram_count(size, width)
                out.append(rec)
            elif _is_design(mods, ct):
                walk(ct, f"{path}.{cname.lstrip(chr(92))}" if path else cname.lstrip(chr(92)))

    walk(top, "")
    return out


# The bounds a network's synth.json is checked against (`meets_bounds`): the default network's, and issue 13's
# for cifar10-pynq on the PYNQ-Z2 (<= 80 % LUT, <= 90 % BRAM36, <= 10 logic levels, >= 100 MHz estimated).
NETWORK_BOUNDS_DEFAULT: dict[str, float] = {"lut_pct_max": 50.0, "bram36_pct_max": 50.0, "dsp_max": 0,
                                            "logic_levels_max": 10}
NETWORK_BOUNDS: dict[str, dict[str, float]] = {
    "cifar10-pynq": {"lut_pct_max": 80.0, "bram36_pct_max": 90.0, "dsp_max": 0, "logic_levels_max": 10,
                     "fmax_mhz_min": 100.0},
}


def meets_bounds(res: dict[str, Any], bounds: dict[str, float]) -> dict[str, bool]:
    """Each bound of `bounds` against a network result (percent, dsp, logic_levels, timing)."""
    out = {"lut": res["percent"]["lut"] <= bounds["lut_pct_max"],
           "bram36": res["percent"]["bram36"] <= bounds["bram36_pct_max"],
           "dsp": res["dsp"] <= bounds["dsp_max"], "logic_levels": res["logic_levels"] <= bounds["logic_levels_max"]}
    if "fmax_mhz_min" in bounds:
        out["fmax"] = res["timing"]["fmax_mhz_estimate"] >= bounds["fmax_mhz_min"]
    return out


def synth_network(cfg: SAFormerConfig, name: str, b: Board, root: Path | None = None) -> dict[str, Any]:
    """Generate the network top of `cfg` and synthesize it for board `b` (cached by sources hash under
    root, default build/synth)."""
    root = BUILD / "synth" if root is None else root
    from saformer.hw.generate import sources_hash
    from saformer.hw.net_generate import NET_TOP, generate_net, net_sources

    gen = generate_net(cfg, root / "rtl", name, fit.uram_styles(cfg, b))  # RAM_STYLE: the URAM rule for b
    files = net_sources(gen)
    key = sources_hash(files, f"net synth_xilinx {b.family} abc9 v2 memories")
    result_version = "v3"
    work = root / f"{gen.name}-{key}"
    cached = work / f"result-{result_version}.json"
    if cached.is_file():
        res = json.loads(cached.read_text())
    else:
        res = synthesize_network(files, NET_TOP, work, b.family)
        write_atomic(cached, json.dumps(res, indent=1) + "\n")
    res = fit_report(res, b)
    res.pop("cells", None)
    res["memory_summary"] = memory_summary(res.get("memories", []))["by_kind"]
    res["ram_styles"] = fit.uram_styles(cfg, b)  # module -> RAM_STYLE of the generated net_engine (absent: 0)
    res["ram_styles_rule"] = ("hw/fit.py uram_styles: UltraScale+ boards with URAM only, and only when the block "
                              "RAM of the design exceeds the board's; the instances saving the most BRAM per URAM "
                              "first; Yosys maps ram_style \"ultra\" to URAM288 without -uram")
    res["rtl"] = [str(f) for f in files]
    res["flow"] = NET_FLOW.format(family=b.family)
    if res.get("abc9_fallback"):
        res["flow"] = res["flow"].replace(" -abc9", "") + " (without -abc9 from map_memory on: abc9_fallback)"
    res["logic_levels_rule"] = "as the engine's (logic_levels_rule); per module: that module flattened alone"
    res["timing"] = timing_estimate(res["logic_levels"], b.family)
    bounds = NETWORK_BOUNDS.get(name, NETWORK_BOUNDS_DEFAULT)
    res["issue_bounds"] = bounds
    res["meets_bounds"] = meets_bounds(res, bounds)
    return res


def format_network(rep: dict[str, Any]) -> str:
    p = rep["percent"]
    lines = [f"network ({rep['board']}): LUT {rep['lut']} ({p['lut']}%)  FF {rep['ff']} ({p['ff']}%)  "
             f"BRAM36 {rep['bram36']} ({p['bram36']}%)  URAM {rep.get('uram', 0)}  DSP {rep['dsp']}  "
             f"levels {rep['logic_levels']} "
             f"(~{rep.get('timing', {}).get('fmax_mhz_estimate', '?')} MHz, hw/timing.py)  "
             f"bounds met: {rep['meets_bounds']}"]
    for k, v in rep.get("memory_summary", {}).items():
        lines.append(f"  memories as {k}: {v['memories']} ({v['bits']} bits)")
    for inst, r in rep["per_module"].items():
        lines.append(f"  {inst:24s} {r['module'][:28]:28s} LUT {r['lut']:>6} FF {r['ff']:>6} BRAM36 {r['bram36']:>5} "
                     f"DSP {r['dsp']:>3} levels {r.get('logic_levels', '-')}")
    return "\n".join(lines)
