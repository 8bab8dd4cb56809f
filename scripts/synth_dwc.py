# SPDX-License-Identifier: Apache-2.0
"""Per-module Yosys figures of net_dwc alone (the hw/synth_modules.py flow: generate the accelerator of a
config for its board, elaborate it once, synthesize the net_dwc unit out of context with its elaborated
parameters). Usage: python scripts/synth_dwc.py CONFIG[:key=value,...] [BOARD] [TAG] -> one JSON line per
distinct net_dwc."""

from __future__ import annotations

import json
import sys

from saformer.contract.configs import ALL, NETWORK_NAMED, TARGET_BOARD
from saformer.contract.paths import build_dir
from saformer.hw import fit, net_accel
from saformer.hw import synth_modules as sm
from saformer.hw.boards import board


def main(argv: list[str]) -> int:
    name, _, over = argv[0].partition(":")  # CONFIG or CONFIG:key=value,... (e.g. default:img=16)
    b = board(argv[1] if len(argv) > 1 else TARGET_BOARD.get(name, "pynq-z2"))
    tag = argv[2] if len(argv) > 2 else "cur"
    cfg = {**NETWORK_NAMED, **ALL}[name].replace(**{k: int(v) for k, v in (x.split("=") for x in over.split(",") if x)})
    name = name + "".join("-" + x.replace("=", "") for x in over.split(",") if x)
    root = build_dir() / "synth_dwc" / f"{name}-{b.name}-{tag}"
    gen = net_accel.generate_accel(cfg, root / "rtl", name, fit.uram_styles(cfg, b))
    files, hdrs = net_accel.sources(gen), net_accel.headers(gen)
    il = sm.elaborate(files, hdrs, root / "elab")
    text = il.read_text()
    tree = sm.rtlil_tree(text)
    head, blocks = sm.split_rtlil(text)
    seen = {}
    for t in tree:
        if sm.base_name(t) != "net_dwc":
            continue
        k = sm.share_key(t, blocks[t])
        if k in seen:
            continue
        seen[k] = t
        wd = root / "units" / f"dwc{len(seen)}"
        wd.mkdir(parents=True, exist_ok=True)
        f = wd / "unit.il"
        f.write_text(head + "".join(blocks[m] for m in sm.closure(tree, t)))
        r = sm.synth_unit(f, t, wd, b.family)
        print(json.dumps({"config": name, "board": b.name, "family": b.family, "tag": tag,
                          **{k2: r.get(k2) for k2 in (*sm.RES_KEYS, "logic_levels", "abc9", "abc9_fallback",
                                                      "seconds")},
                          "memories": [{k2: m[k2] for k2 in ("name", "words", "width", "mapped_to")}
                                       for m in r["memories"]]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
