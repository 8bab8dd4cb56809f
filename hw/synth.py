"""Yosys resource and logic-depth estimates for a 7-series part (Debian yosys, `synth_xilinx -family xc7`).

`synthesize(files, top, workdir)` runs Yosys with ABC9 and reads the mapped netlist (JSON) back:
- `lut`: every LUT1..LUT6 used as logic, plus LUTs used as memory (RAM32M/RAM64M/RAM*X1*) and as shift
  registers (SRL16E/SRLC32E), each also reported apart (`lut_logic`, `lut_mem`, `lut_srl`);
- `ff` (FD*), `carry` (CARRY4), `muxf` (MUXF7/MUXF8), `bram36` (RAMB36E1 + RAMB18E1 / 2), `dsp` (DSP48E1);
- `logic_levels`: the longest register-to-register (or port-to-register) path counted in cells, where a
  LUT counts 1 level, each MUXF7/MUXF8 counts 1, and each CARRY4 on the path counts 1 (a carry chain of k
  CARRY4 cells counts k). FFs, block RAMs, DSPs and ports end paths.
`cli_synth` writes build/report/synth.json for a board of hw/boards.py and fails loudly when it does not fit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from golden.errors import SaformerError

SEQ = re.compile(r"^(IBUF|OBUF|OBUFT|IOBUF|BUFG|FD[CPRSE]+|RAMB\d+E1|DSP48E1|SRL16E|SRLC32E|RAM\d+[XM]\d*.*)$")


def yosys_bin() -> str:
    y = shutil.which("yosys")
    if not y:
        raise SaformerError("yosys not found on PATH: install Debian's yosys (make venv does it)")
    return y


def synthesize(files: list[Path], top: str, workdir: Path, defines: dict[str, Any] | None = None,
               abc9: bool = True, nodsp: bool = False) -> dict[str, Any]:
    """Synthesize `top` for xc7 and return the counts described in the module docstring."""
    workdir.mkdir(parents=True, exist_ok=True)
    netlist = workdir / f"{top}_xc7.json"
    flags = " -abc9" if abc9 else ""
    flags += " -nodsp" if nodsp else ""
    reads = "\n".join(f"read_verilog -defer {f}" for f in files)
    script = (f"{reads}\nhierarchy -check -top {top}\nsynth_xilinx -family xc7 -flatten -noiopad -noclkbuf -top {top}{flags}\n"
              f"stat\nwrite_json {netlist}\n")
    (workdir / "synth.ys").write_text(script)
    r = subprocess.run([yosys_bin(), "-q", "-l", str(workdir / "yosys.log"), "-s", str(workdir / "synth.ys")],
                       capture_output=True, text=True)
    if r.returncode != 0 or not netlist.is_file():
        tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
        raise SaformerError(f"yosys failed on {top} (log {workdir / 'yosys.log'}): {' | '.join(tail)}")
    return analyse_netlist(json.loads(netlist.read_text()), top)


def analyse_netlist(nl: dict[str, Any], top: str) -> dict[str, Any]:
    mod = nl["modules"][top]
    cells = mod["cells"]
    counts: dict[str, int] = defaultdict(int)
    for c in cells.values():
        counts[c["type"]] += 1
    lut_logic = sum(v for k, v in counts.items() if re.fullmatch(r"LUT[1-6]", k))
    lut_mem = 0
    for k, v in counts.items():
        if k.startswith("RAM32M") or k.startswith("RAM64M"):
            lut_mem += 4 * v
        elif re.fullmatch(r"RAM\d+X\d+[SD]?", k):
            lut_mem += (2 if k.endswith("D") else 1) * v
    lut_srl = counts.get("SRL16E", 0) + counts.get("SRLC32E", 0)
    out = {
        "lut": lut_logic + lut_mem + lut_srl, "lut_logic": lut_logic, "lut_mem": lut_mem, "lut_srl": lut_srl,
        "ff": sum(v for k, v in counts.items() if re.fullmatch(r"FD[CPRSE]+", k)),
        "carry": counts.get("CARRY4", 0),
        "muxf": counts.get("MUXF7", 0) + counts.get("MUXF8", 0),
        "bram36": counts.get("RAMB36E1", 0) + 0.5 * counts.get("RAMB18E1", 0),
        "dsp": counts.get("DSP48E1", 0),
        "cells": dict(sorted(counts.items())),
    }
    out["logic_levels"] = longest_path(mod)
    return out


def longest_path(mod: dict[str, Any]) -> int:
    """Longest combinational path in cells (LUT, MUXF, CARRY4 each count 1) between sequential cells/ports."""
    drivers: dict[int, str] = {}
    loads: dict[int, list[str]] = defaultdict(list)
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
                    loads[b].append(name)
    comb = {n for n, c in cells.items() if not SEQ.match(c["type"])}
    fanout: dict[str, set[str]] = defaultdict(set)
    indeg: dict[str, int] = defaultdict(int)
    for b, d in drivers.items():
        if d in comb:
            for ld in loads.get(b, []):
                if ld in comb and ld not in fanout[d]:
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


def fit_report(res: dict[str, Any], b) -> dict[str, Any]:
    """Add percentages of the board's capacity and a `fits` verdict."""
    pct = {
        "lut": 100.0 * res["lut"] / b.lut, "lut_mem": 100.0 * (res["lut_mem"] + res["lut_srl"]) / b.lutram,
        "ff": 100.0 * res["ff"] / b.ff, "bram36": 100.0 * res["bram36"] / b.bram36, "dsp": 100.0 * res["dsp"] / b.dsp,
    }
    over = [k for k, v in pct.items() if v > 100.0]
    return {**res, "percent": {k: round(v, 2) for k, v in pct.items()}, "fits": not over, "over": over,
            "board": b.name, "part": b.part}
