# SPDX-License-Identifier: Apache-2.0
"""Per-module Yosys figures of chosen units alone (the hw/synth_modules.py flow: generate the accelerator of a
config for its board, elaborate it once, synthesize each distinct instance of the named modules out of context
with its elaborated parameters), with the cells of one longest path. Usage:
    nice -n 10 .venv/bin/python scripts/synth_unit.py CONFIG[:key=value,...] MODULE[,MODULE...] [BOARD] [TAG] [--abc9]
-> one JSON line per distinct unit (its instance count, parameters, figures) and its longest path. Classic ABC
unless --abc9 (hw/synth_modules.py tries ABC9 first; on these units it crashes and falls back to classic ABC,
so classic alone gives the per-module figures in half the time)."""

from __future__ import annotations

import json
import sys
from collections import Counter

from saformer.contract.configs import ALL, NETWORK_NAMED, TARGET_BOARD
from saformer.contract.paths import build_dir
from saformer.hw import fit, net_accel
from saformer.hw import synth_modules as sm
from saformer.hw.boards import board
from saformer.hw.synth import synthesize

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from synth_slin import longest_cells  # noqa: E402


def main(argv: list[str]) -> int:
    abc9 = "--abc9" in argv
    argv = [a for a in argv if a != "--abc9"]
    name, _, over = argv[0].partition(":")
    mods = set(argv[1].split(","))
    b = board(argv[2] if len(argv) > 2 else TARGET_BOARD.get(name, "pynq-z2"))
    tag = argv[3] if len(argv) > 3 else "cur"
    cfg = {**NETWORK_NAMED, **ALL}[name].replace(**{k: int(v) for k, v in (x.split("=") for x in over.split(",") if x)})
    name = name + "".join("-" + x.replace("=", "") for x in over.split(",") if x)
    root = build_dir() / "synth_unit" / f"{name}-{b.name}-{tag}"
    gen = net_accel.generate_accel(cfg, root / "rtl", name, fit.uram_styles(cfg, b))
    il = sm.elaborate(net_accel.sources(gen), net_accel.headers(gen), root / "elab")
    text = il.read_text()
    tree = sm.rtlil_tree(text)
    head, blocks = sm.split_rtlil(text)
    count: Counter = Counter(t for kids in tree.values() for _, t in kids)
    seen: dict = {}
    for t in sorted(tree):
        if sm.base_name(t) not in mods:
            continue
        k = sm.share_key(t, blocks[t])
        if k in seen:
            seen[k][1] += count[t]
            continue
        seen[k] = [t, count[t]]
    for i, (k, (t, n)) in enumerate(seen.items()):
        wd = root / "units" / f"{sm.base_name(t)}{i}"
        wd.mkdir(parents=True, exist_ok=True)
        f = wd / "unit.il"
        f.write_text(head + "".join(blocks[m] for m in sm.closure(tree, t)))
        pre = f"read_rtlil {f}\nhierarchy -top {t}\nrename -top unit\n"
        r = synthesize([], "unit", wd, family=b.family, prelude=pre, nice=True, abc9=abc9)
        nl = json.loads((wd / f"unit_{b.family}.json").read_text())
        print(json.dumps({"module": sm.base_name(t), "instances": n, "params": dict(k[1]),
                          **{k2: r.get(k2) for k2 in (*sm.RES_KEYS, "logic_levels", "abc9", "abc9_fallback")}}),
              flush=True)
        print("  longest path:", " ".join(longest_cells(nl["modules"]["unit"])), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
