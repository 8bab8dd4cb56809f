# SPDX-License-Identifier: Apache-2.0
"""net_slin alone through hw/synth.py `synthesize` (synth_xilinx, classic ABC unless --abc9), with the parameters
of one generated instance (grep `net_slin #(` in the generated net_engine.v), and its longest path's cells.

    nice -n 10 .venv/bin/python scripts/synth_slin.py <workdir> <xc7|xcup> FI=512 FO=128 OB=16 ACC_W=14 ...
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

from saformer.hw.synth import SEQ, _comb_input, synthesize

UNIT_FILES = ("net_slin.v", "spike_chunks.v", "pop_sat3.v", "net_wdec.v", "sdp_ram.v")


def longest_cells(mod: dict) -> list[str]:
    """The cell types on one longest combinational path (hw/synth.py LEVELS_RULE), from its start."""
    cells = mod["cells"]
    drivers: dict[int, str] = {}
    loads: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for name, c in cells.items():
        for port, bits in c["connections"].items():
            for b in bits:
                if isinstance(b, int):
                    if c.get("port_directions", {}).get(port) == "output":
                        drivers[b] = name
                    else:
                        loads[b].append((name, port))
    comb = {n for n, c in cells.items() if not SEQ.match(c["type"])}
    fanin: dict[str, set[str]] = defaultdict(set)
    for b, d in drivers.items():
        if d in comb:
            for ld, port in loads.get(b, []):
                if ld in comb and _comb_input(cells[ld]["type"], port):
                    fanin[ld].add(d)
    best: dict[str, tuple[int, str | None]] = {}
    order = sorted(comb)
    pending = list(order)
    while pending:  # iterative depth-first longest path
        n = pending[-1]
        if n in best:
            pending.pop()
            continue
        todo = [p for p in fanin[n] if p not in best]
        if todo:
            pending += todo
            continue
        pending.pop()
        d, via = 1, None
        for p in fanin[n]:
            if best[p][0] + 1 > d:
                d, via = best[p][0] + 1, p
        best[n] = (d, via)
    if not best:
        return []
    n: str | None = max(best, key=lambda k: best[k][0])
    path = []
    while n is not None:
        path.append(cells[n]["type"])
        n = best[n][1]
    return path[::-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("family", choices=("xc7", "xcup"))
    ap.add_argument("params", nargs="+", help="NAME=VALUE parameters of net_slin")
    ap.add_argument("--abc9", action="store_true")
    a = ap.parse_args()
    return synth_alone(a.workdir, a.family, UNIT_FILES, "net_slin", a.params, a.abc9)


def synth_alone(workdir: Path, family: str, files: tuple[str, ...], top: str, params: list[str],
                abc9: bool) -> int:
    """Synthesize hw/rtl (or $RTLDIR) `files` with `top` at NAME=VALUE `params`; print the figures and the
    longest path (shared by scripts/synth_sasa.py)."""
    rtl = Path(os.environ.get("RTLDIR", Path(__file__).resolve().parents[1] / "hw" / "rtl")).resolve()
    pre = "".join(f"read_verilog -defer {rtl / f}\n" for f in files)
    pre += "chparam " + " ".join(f"-set {p.replace('=', ' ')}" for p in params) + f" {top}\n"
    pre += f"hierarchy -top {top}\nrename -top unit\n"
    res = synthesize([], "unit", workdir, family=family, prelude=pre, nice=True, abc9=abc9)
    nl = json.loads((workdir / f"unit_{family}.json").read_text())
    keys = ("lut", "lut_mem", "ff", "carry", "muxf", "bram36", "dsp", "logic_levels", "abc9")
    print(json.dumps({k: res[k] for k in keys}))
    print("longest path:", " ".join(longest_cells(nl["modules"]["unit"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
