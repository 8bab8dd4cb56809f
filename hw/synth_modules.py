# SPDX-License-Identifier: Apache-2.0
"""Per-module synthesis of the network accelerator (`saformer synth --per-module`, docs/architecture.md
"Per-module synthesis").

A flat Yosys run of a large network (cifar10-384: ~260k LUT by hw/fit.py) takes hours and many GB. This mode
elaborates the generated accelerator once (`hierarchy -top net_accel` over the same sources as the flat run:
the generated net_engine.v, configuration header and register block are the only source of the parameters),
writes the elaborated design as RTLIL and reads the instance tree back from it. Every distinct module under the
two generated containers (net_accel: AXI-Lite slave, control, registers; net_engine: tokenizer, conv2, the LIF
and shortcut engines, SASA, DWC, fc1/fc2, head, out, weight loader, counters, skids, splitters) is then
synthesized once, out of context, with its elaborated parameters (`synth_xilinx` on that module alone), in
parallel Yosys processes (`jobs`, niced). Each container's own logic (its "glue") is synthesized with its
children as black boxes. Totals are the instance-count-weighted sums.

Logic levels: each module's figure is out of context (its ports end paths, hw/synth.py LEVELS_RULE). The whole
design's figure is composed (`path_summary`): per module the longest path from registers to each output port,
from each input port to registers, and from each input port to each output port (port granularity: an upper
bound of the bit-level figure), then the containers' glue netlists are walked with their children replaced by
those arcs. Where every module boundary is a registered stream interface the composed figure is the max over
modules; where a combinational signal crosses a boundary (a ready, the weight loader's take) it is longer, and
the report names the path's ends.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_atomic
from saformer.contract.paths import user_path
from saformer.hw import fit

CONTAINERS = ("net_accel", "net_engine")  # generated or hand-written tops whose children are the units
TOP = "net_accel"
ENGINE = "net_engine"
RESULT_VERSION = "pm1"
RES_KEYS = ("lut", "lut_logic", "lut_mem", "lut_srl", "ff", "carry", "muxf", "bram36", "uram", "dsp")


def base_name(t: str) -> str:
    r"""The HDL module name of an elaborated module name ($paramod$<hash>\net_slin, $paramod\axis_skid\W=...)."""
    if t.startswith("$paramod"):
        return t.split("\\")[1]
    return t.lstrip("\\")


def rtlil_tree(text: str) -> dict[str, list[tuple[str, str]]]:
    """Module name -> [(instance name, module type)] of the design-module instances in an RTLIL text (internal
    $cells are left out). Names are RTLIL's: `\\net_engine`, `$paramod$...\\net_slin`."""
    cells: dict[str, list[tuple[str, str]]] = {}
    cur = None
    depth = 0
    for raw in text.splitlines():
        tok = raw.split()
        if not tok:
            continue
        k = tok[0]
        if k == "module" and depth == 0:
            cur = tok[1]
            cells[cur] = []
            depth = 1
        elif k in ("cell", "process", "switch"):
            if k == "cell" and depth == 1 and cur is not None:
                cells[cur].append((tok[2], tok[1]))
            depth += 1
        elif k == "end":
            depth -= 1
    mods = set(cells)
    return {m: [(n, t) for n, t in cs if t in mods] for m, cs in cells.items()}


def split_rtlil(text: str) -> tuple[str, dict[str, str]]:
    """The header (autoidx) and each module's text (with the attribute lines before it) of an RTLIL text."""
    head: list[str] = []
    blocks: dict[str, str] = {}
    pend: list[str] = []
    cur: list[str] | None = None
    name = ""
    depth = 0
    for line in text.splitlines(keepends=True):
        tok = line.split()
        if cur is None:
            if tok[:1] == ["module"]:
                cur, name, depth = pend + [line], tok[1], 1
                pend = []
            elif tok[:1] == ["attribute"]:
                pend.append(line)
            else:
                head.append(line)
            continue
        cur.append(line)
        if tok and tok[0] in ("cell", "process", "switch"):
            depth += 1
        elif tok and tok[0] == "end":
            depth -= 1
            if depth == 0:
                blocks[name] = "".join(cur)
                cur = None
    return "".join(head), blocks


def closure(tree: dict[str, list[tuple[str, str]]], mod: str) -> list[str]:
    """`mod` and every module below it (each once, `mod` first)."""
    out: list[str] = []
    todo = [mod]
    while todo:
        m = todo.pop()
        if m in out:
            continue
        out.append(m)
        todo += [t for _, t in tree[m]]
    return out


# The weight-segment ids a module instance compares the loader's segment number with (net_generate.py's
# .SEG_WT, .SEG_B, .SEG_TH, .SEG_FIRST, ...: constants of an equality compare); SEG_W is the segment *width*.
SEG_ID = re.compile(r"^SEG_(?!W$)\w+$")


def module_params(block: str) -> dict[str, str]:
    """The `parameter` lines of one elaborated module's RTLIL text (its derived parameter values)."""
    out: dict[str, str] = {}
    for line in block.splitlines():
        tok = line.split(None, 2)
        if tok[:1] == ["wire"] or tok[:1] == ["cell"]:
            break
        if tok[:1] == ["parameter"] and len(tok) == 3:
            out[tok[1].lstrip("\\")] = tok[2]
    return out


def share_key(t: str, block: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Two units with the same key differ only in weight-segment ids (SEG_ID): one synthesis stands for
    both (`share_segments`)."""
    return base_name(t), tuple(sorted((k, v) for k, v in module_params(block).items() if not SEG_ID.match(k)))


def _norm(name: str) -> str:
    """RTLIL name -> the name write_json and the report use (no leading backslash)."""
    return name[1:] if name.startswith("\\") else name


def units(tree: dict[str, list[tuple[str, str]]], top: str = TOP) -> dict[str, Any]:
    """The units of the per-module run: every child of a container (CONTAINERS) that is not itself one, with
    its instance paths; and the containers (synthesized with their children as black boxes)."""
    leafs: dict[str, list[str]] = defaultdict(list)
    conts: dict[str, list[str]] = {}

    def walk(mod: str, path: str) -> None:
        conts.setdefault(mod, []).append(path)
        for inst, t in tree[mod]:
            p = f"{path}.{_norm(inst)}" if path else _norm(inst)
            if base_name(t) in CONTAINERS:
                walk(t, p)
            else:
                leafs[t].append(p)

    rt = "\\" + top
    if rt not in tree:
        raise SaformerError(f"elaborated design has no module {top}")
    walk(rt, "")
    return {"leafs": dict(leafs), "containers": conts}


# ------------------------------------------------------------------------------------------ path summaries
def path_summary(mod: dict[str, Any], boxes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Longest combinational paths (hw/synth.py LEVELS_RULE) of one mapped module, split by where they start
    and end: `internal` register to register, `in[p]` input port p to a register, `out[q]` a register to
    output port q, `through[p][q]` input p to output q, `levels` the out-of-context maximum of all four (what
    hw/synth.py longest_path gives). `boxes`: cell type -> the summary of a black-box child (a container's
    glue netlist): its cells continue paths by those arcs, its internal figure joins `internal`; `worst` is
    the (start, end) of the longest internal path through the glue (None when it is a child's own)."""
    from saformer.hw.synth import SEQ, _comb_input

    boxes = boxes or {}
    cells = mod["cells"]
    REG = "\x00reg"
    src: dict[int, Any] = {}
    for pname, p in mod.get("ports", {}).items():
        if p["direction"] == "input":
            for b in p["bits"]:
                if isinstance(b, int):
                    src[b] = ("port", pname)
    comb: set[str] = set()
    for name, c in cells.items():
        dirs = c.get("port_directions", {})
        t = c["type"]
        is_box = t in boxes
        if not is_box and not SEQ.match(t):
            comb.add(name)
        for port, bits in c["connections"].items():
            if dirs.get(port) == "output":
                for b in bits:
                    if isinstance(b, int):
                        if is_box:
                            src[b] = ("box", name, port)
                        elif name in comb:
                            src[b] = ("cell", name)
                        else:
                            src[b] = ("seq",)
    # nodes: comb cells (weight 1) and black-box output ports (weight 0, arcs from its input ports)
    deps: dict[Any, set[Any]] = {}
    ins: dict[Any, list[int]] = {}  # comb cell -> bits on its combinational inputs
    for name in comb:
        c = cells[name]
        dirs = c.get("port_directions", {})
        bl = [b for port, bits in c["connections"].items() if dirs.get(port) != "output"
              and _comb_input(c["type"], port) for b in bits if isinstance(b, int)]
        ins[name] = bl
        deps[name] = {_node(src[b]) for b in bl if b in src and src[b][0] in ("cell", "box")}
    box_in: dict[tuple[str, str], list[int]] = {}
    for name, c in cells.items():
        if c["type"] not in boxes:
            continue
        s = boxes[c["type"]]
        dirs = c.get("port_directions", {})
        for port, bits in c["connections"].items():
            if dirs.get(port) != "output":
                box_in[(name, port)] = [b for b in bits if isinstance(b, int)]
        for port in c["connections"]:
            if dirs.get(port) == "output":
                nd = ("box", name, port)
                deps[nd] = {_node(src[b]) for p, q in _arcs_into(s, port) for b in box_in.get((name, p), [])
                            if b in src and src[b][0] in ("cell", "box")}
    val: dict[Any, dict[str, int]] = {}

    def bits_val(bits: list[int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for b in bits:
            s = src.get(b)
            if s is None or s[0] == "seq":
                v = {REG: 0}
            elif s[0] == "port":
                v = {s[1]: 0}
            else:
                v = val[_node(s)]
            for k, x in v.items():
                if out.get(k, -1) < x:
                    out[k] = x
        return out

    order = _topo(deps)
    for nd in order:
        if isinstance(nd, str):
            v = bits_val(ins[nd]) or {REG: 0}
            val[nd] = {k: x + 1 for k, x in v.items()}
        else:
            _, name, port = nd
            s = boxes[cells[name]["type"]]
            v = {REG: int(s["out"].get(port, 0))}
            for p, k in _arcs_into(s, port):
                for t, x in bits_val(box_in.get((name, p), [])).items():
                    if v.get(t, -1) < x + k:
                        v[t] = x + k
            val[nd] = v
    res_in: dict[str, int] = defaultdict(int)
    internal, worst = 0, None

    def sink(v: dict[str, int], extra: int, where: str) -> None:
        nonlocal internal, worst
        for t, x in v.items():
            if t == REG:
                if x + extra > internal:
                    internal, worst = x + extra, where
            elif res_in[t] < x + extra:
                res_in[t] = x + extra

    for name, c in cells.items():  # sequential inputs, LUT-RAM/SRL write pins, black-box inputs
        dirs = c.get("port_directions", {})
        t = c["type"]
        for port, bits in c["connections"].items():
            if dirs.get(port) == "output":
                continue
            if t in boxes:
                sink(bits_val([b for b in bits if isinstance(b, int)]), int(boxes[t]["in"].get(port, 0)),
                     f"{name}.{port}")
            elif name not in comb or not _comb_input(t, port):
                sink(bits_val([b for b in bits if isinstance(b, int)]), 0, f"{name}.{port}")
    out_d: dict[str, int] = {}
    thr: dict[str, dict[str, int]] = defaultdict(dict)
    for pname, p in mod.get("ports", {}).items():
        if p["direction"] != "output":
            continue
        v = bits_val([b for b in p["bits"] if isinstance(b, int)])
        out_d[pname] = v.get(REG, 0)
        for t, x in v.items():
            if t != REG:
                thr[t][pname] = x
    child = max((int(boxes[c["type"]]["internal"]) for c in cells.values() if c["type"] in boxes), default=0)
    if child >= internal:
        worst = None
    internal = max(internal, child)
    levels = max([internal, *res_in.values(), *out_d.values(), *(x for d in thr.values() for x in d.values())])
    return {"internal": internal, "in": dict(res_in), "out": out_d, "through": {k: dict(v) for k, v in thr.items()},
            "levels": levels, "worst_sink": worst}


def _node(s: tuple[Any, ...]) -> Any:
    return s[1] if s[0] == "cell" else s


def _arcs_into(s: dict[str, Any], q: str) -> list[tuple[str, int]]:
    return [(p, int(d[q])) for p, d in s["through"].items() if q in d]


def _topo(deps: dict[Any, set[Any]]) -> list[Any]:
    users: dict[Any, list[Any]] = defaultdict(list)
    indeg = {n: 0 for n in deps}
    for n, ds in deps.items():
        for d in ds:
            if d in indeg:
                users[d].append(n)
                indeg[n] += 1
    order = [n for n, k in indeg.items() if k == 0]
    i = 0
    while i < len(order):
        for m in users[order[i]]:
            indeg[m] -= 1
            if indeg[m] == 0:
                order.append(m)
        i += 1
    if len(order) != len(deps):
        raise SaformerError("combinational loop through the module arcs (port granularity): the composed logic "
                            "levels are not defined; see the per-module figures")
    return order


# ------------------------------------------------------------------------------------------ Yosys runs
def elaborate(files: list[Path], headers: list[Path], workdir: Path, top: str = TOP) -> Path:
    """One Yosys run: read the sources, `hierarchy -check -top`, write the elaborated design (RTLIL)."""
    from saformer.hw.generate import include_flags
    from saformer.hw.synth import yosys_bin

    il = workdir / "elab.il"
    if il.is_file() and (workdir / "elab.done").is_file():
        return il
    workdir.mkdir(parents=True, exist_ok=True)
    incs = " ".join(include_flags(files + headers))
    script = "\n".join(f"read_verilog -defer {incs} {f}" for f in files)
    script += f"\nhierarchy -check -top {top}\nwrite_rtlil {il}\n"
    (workdir / "elab.ys").write_text(script)
    r = subprocess.run(["nice", "-n", "10", yosys_bin(), "-q", "-l", str(workdir / "elab.log"), "-s",
                        str(workdir / "elab.ys")], check=False, capture_output=True, text=True)
    if r.returncode != 0 or not il.is_file():
        tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
        raise SaformerError(f"yosys failed elaborating {top} (log {workdir / 'elab.log'}): {' | '.join(tail)}")
    (workdir / "elab.done").write_text("ok\n")
    return il


def synth_unit(il: Path, mtype: str, workdir: Path, family: str, boxes: list[str] | None = None) -> dict[str, Any]:
    """Synthesize module `mtype` of the elaborated design `il` alone (boxes: its children as black boxes, for
    a container's glue); cached in workdir/result.json. hw/synth.py synthesize: ABC9, with its fallback."""
    from saformer.hw.synth import synthesize

    cached = workdir / "result.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    t0 = time.perf_counter()
    prelude = f"read_rtlil {il}\nhierarchy -top {mtype}\n"
    if boxes:
        prelude += "".join(f"blackbox {b}\n" for b in boxes)
    prelude += "rename -top unit\n"
    res = synthesize([], "unit", workdir, family=family, prelude=prelude, nice=True,
                     boxes={_norm(x) for x in boxes or ()})
    nl = json.loads((workdir / f"unit_{family}.json").read_text())
    mod = nl["modules"]["unit"]
    if boxes:  # keep the glue netlist for the composition (its children's summaries come later)
        res["paths"] = None
        res["glue_netlist"] = str(workdir / f"unit_{family}.json")
    else:
        res["paths"] = path_summary(mod)
        if res["paths"]["levels"] != res["logic_levels"]:  # two walks of one netlist must agree
            raise SaformerError(f"{workdir}: path summary {res['paths']['levels']} levels != longest_path "
                                f"{res['logic_levels']}")
        (workdir / f"unit_{family}.json").unlink()  # the figures are kept; the netlist is large
    res.pop("cells", None)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    write_atomic(cached, json.dumps(res, indent=1) + "\n")
    return res


def synth_per_module(cfg: SAFormerConfig, name: str, b: Any, root: Path, jobs: int = 2,
                     progress: bool = True, share_segments: bool = True) -> dict[str, Any]:
    """Generate the accelerator of `cfg` for board `b` (RAM styles: hw/fit.py uram_styles), elaborate it,
    synthesize every unit (parallel, `jobs` Yosys processes) and return the per-module report section.
    `share_segments`: units that differ only in their weight-segment ids (the blocks' copies of one engine)
    are synthesized once (`share_key`; the report's `shared_with` names the unit that stood for one)."""
    from saformer.hw import net_accel
    from saformer.hw.generate import sources_hash
    from saformer.hw.synth import fit_report, yosys_version
    from saformer.hw.timing import estimate as timing_estimate

    t0 = time.perf_counter()
    styles = fit.uram_styles(cfg, b)
    gen = net_accel.generate_accel(cfg, root / "rtl", name, styles)
    files, hdrs = net_accel.sources(gen), net_accel.headers(gen)
    key = sources_hash(files + hdrs, f"per-module {b.family} {RESULT_VERSION}")
    work = root / f"pm-{gen.name}-{key}"
    il = elaborate(files, hdrs, work)
    t_elab = time.perf_counter() - t0
    text = il.read_text()
    tree_children = rtlil_tree(text)
    u = units(tree_children)
    leafs: dict[str, list[str]] = u["leafs"]
    conts: dict[str, list[str]] = u["containers"]
    head, blocks = split_rtlil(text)
    del text
    # the biggest first (RTLIL size of the module and what is below it: a rough proxy of its synthesis time)
    size = {t: sum(len(blocks[m]) for m in closure(tree_children, t)) for t in [*leafs, *conts]}
    rep_of: dict[str, str] = {}  # unit -> the unit synthesized for it (itself unless shared)
    first: dict[Any, str] = {}
    for t in sorted(leafs, key=lambda t: leafs[t][0]):
        k = share_key(t, blocks[t]) if share_segments else t
        rep_of[t] = first.setdefault(k, t)
    jobs_list: list[tuple[str, bool]] = sorted(((t, False) for t in leafs if rep_of[t] == t),
                                               key=lambda x: -size[x[0]])
    jobs_list += [(c, True) for c in conts]
    wdir = {t: work / "units" / f"{base_name(t)}-{hashlib.sha256(t.encode()).hexdigest()[:10]}"
            for t, _ in jobs_list}
    unit_il = {}
    for t, _ in jobs_list:  # each unit's own RTLIL (it and its submodules): a small read per Yosys run
        f = wdir[t] / "unit.il"
        if not f.is_file():
            write_atomic(f, head + "".join(blocks[m] for m in closure(tree_children, t)))
        unit_il[t] = f
    params = {t: module_params(blocks[t]) for t in [*leafs, *conts]}
    del blocks
    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(jobs_list), desc=f"per-module synthesis ({jobs} jobs)", unit="module")
        except ImportError:  # pragma: no cover
            bar = None

    def one(job: tuple[str, bool]) -> dict[str, Any]:
        t, is_cont = job
        kids = sorted({c for _, c in tree_children[t]}) if is_cont else None
        r = synth_unit(unit_il[t], t, wdir[t], b.family, kids)
        if bar is not None:
            bar.update(1)
        return r

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        results = dict(zip([t for t, _ in jobs_list], ex.map(one, jobs_list)))
    for t, r in rep_of.items():
        if r != t:
            results[t] = {**results[r], "shared_with": _norm(r)}
    if bar is not None:
        bar.close()
    # ---- compose the logic levels: engine glue with its children's arcs, then the accelerator's
    summ: dict[str, dict[str, Any]] = {_norm(t): results[t]["paths"] for t in leafs}  # by type: glue cells' types
    comp: dict[str, Any] = {}
    for c in sorted(conts, key=lambda c: 0 if base_name(c) == ENGINE else 1):
        nl = json.loads(Path(results[c]["glue_netlist"]).read_text())
        s = path_summary(nl["modules"]["unit"], summ)
        summ[_norm(c)] = s
        comp[base_name(c)] = s
    modules = []
    for t, paths in sorted(leafs.items(), key=lambda x: x[1][0]):
        r = results[t]
        modules.append(_row(t, paths, r, "module", params[t]))
    for c, paths in conts.items():
        r = results[c]
        modules.append(_row(c, paths, r, "glue", params[c]))
    tot = {k: 0.0 for k in RES_KEYS}
    for m in modules:
        for k in RES_KEYS:
            tot[k] += m["count"] * m[k]
    tot = {k: (round(v, 1) if k == "bram36" else int(v)) for k, v in tot.items()}
    eng = {k: 0.0 for k in RES_KEYS}
    for m in modules:
        for k in RES_KEYS:
            eng[k] += m["count_in_engine"] * m[k]
    eng = {k: (round(v, 1) if k == "bram36" else int(v)) for k, v in eng.items()}
    by_norm = {_norm(t): r for t, r in results.items()}
    mems = [{**mm, "instance": ".".join(x for x in (p, mm["name"]) if x), "module": _model_module(p),
             "unit": m["type"]} for m in modules for p in m["instances"] for mm in by_norm[m["type"]]["memories"]]
    max_mod = max(m["logic_levels"] for m in modules)
    top_c = comp[TOP]
    fallbacks = [{"module": m["module"], "type": m["type"], "instances": m["instances"], "reason": m["abc9_fallback"]}
                 for m in modules if m.get("abc9_fallback") and not m.get("shared_with")]
    res = fit_report({**tot, "logic_levels": top_c["levels"]}, b)
    model = fit.estimate(cfg, True, b)
    by_model: dict[str, dict[str, float]] = defaultdict(lambda: {k: 0.0 for k in ("lut", "lut_mem", "ff",
                                                                                "bram36", "uram")})
    for m in modules:
        for p in m["instances"]:
            mm = _model_module(p)
            for k in ("lut", "ff", "bram36", "uram"):
                by_model[mm][k] += m[k]
            by_model[mm]["lut_mem"] += m["lut_mem"] + m["lut_srl"]
    rep = {
        "mode": "per-module",
        "tool": yosys_version(),
        "flow": (f"hierarchy -top {TOP} once (elab.il); then per unit: read_rtlil, hierarchy -top <unit>, "
                 f"synth_xilinx -family {b.family} -abc9 -flatten -noiopad -noclkbuf (containers: children as "
                 "black boxes); totals = sum over units x instance count"),
        "top": TOP,
        "jobs": jobs,
        **{k: res[k] for k in (*RES_KEYS, "percent", "fits", "over", "board", "part")},
        "engine_only": eng,  # net_engine's units and glue (what the flat `synth_network` run covers)
        "logic_levels": top_c["levels"],
        "logic_levels_max_module": max_mod,
        "logic_levels_composed": {k: {kk: v[kk] for kk in ("internal", "levels", "worst_sink")}
                                  for k, v in comp.items()},
        "logic_levels_rule": ("hw/synth.py LEVELS_RULE. Per module: out of context (ports end paths). Whole "
                              "design (`logic_levels`): composed from each module's port-to-register, register-"
                              "to-port and port-to-port paths (port granularity, an upper bound) through the "
                              "containers' glue netlists, the accelerator's ports ending paths"),
        "timing": timing_estimate(top_c["levels"], b.family),
        "abc9_fallbacks": fallbacks,
        "memories": mems,
        "memory_summary": _mem_summary(mems),
        "modules": modules,
        "model_vs_measured": {k: {"model": {kk: model["per_module"].get(k, {}).get(kk) for kk in
                                            ("lut", "lut_mem", "ff", "bram36", "uram")},
                                  "measured": {kk: round(v, 1) for kk, v in by_model[k].items()}}
                              for k in sorted(set(model["per_module"]) | set(by_model))},
        "ram_styles": styles,
        "share_segments": share_segments,
        "share_rule": ("units whose elaborated parameters differ only in weight-segment ids (SEG_* but SEG_W: the "
                       "constant a loader segment number is compared with) are synthesized once; `shared_with` "
                       "names the unit whose figures a row repeats") if share_segments else None,
        "units_synthesized": len(jobs_list),
        "workdir": str(work),
        "seconds": {"elaborate": round(t_elab, 1), "wall": round(time.perf_counter() - t0, 1),
                    "yosys_sum": round(sum(r.get("seconds", 0) for r in results.values()), 1)},
    }
    return rep


def _model_module(path: str) -> str:
    """The resource model's module (hw/fit.py instance_module) of a unit instance path; the accelerator's own
    units (AXI-Lite, control, registers, its glue) are `accel`, net_engine's glue is `ctrl`."""
    if path == "u_engine":
        return fit.instance_module("glue")
    if path.startswith("u_engine."):
        return fit.instance_module(path.split(".", 1)[1])
    return "accel"


def _row(t: str, paths: list[str], r: dict[str, Any], kind: str, params: dict[str, str]) -> dict[str, Any]:
    return {"module": base_name(t), "type": _norm(t), "kind": kind, "count": len(paths),
            "count_in_engine": sum(1 for p in paths if p == "u_engine" or p.startswith("u_engine.")),
            "instances": paths, **{k: r.get(k, 0) for k in RES_KEYS}, "logic_levels": r["logic_levels"],
            "abc9": r.get("abc9"), "abc9_fallback": r.get("abc9_fallback"),
            "seconds": None if r.get("shared_with") else r.get("seconds"), "shared_with": r.get("shared_with"),
            "params": params,
            "memories": [{k: mm[k] for k in ("name", "words", "width", "bits", "mapped_to")} for mm in r["memories"]]}


def _mem_summary(mems: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for m in mems:
        k = out.setdefault(m["mapped_to"], {"memories": 0, "bits": 0})
        k["memories"] += 1
        k["bits"] += m["bits"]
    return out


def default_jobs() -> int:
    return int(os.environ.get("JOBS", "2"))


def format_per_module(rep: dict[str, Any]) -> str:
    p = rep["percent"]
    t = rep["timing"]
    lines = [f"per-module synthesis of {rep['top']} on {rep['board']} ({rep['part']}), {rep['tool']}",
             f"  LUT {rep['lut']} ({p['lut']}%; LUT as memory {rep['lut_mem']} + SRL {rep['lut_srl']})  FF {rep['ff']} "
             f"({p['ff']}%)  BRAM36 {rep['bram36']} ({p['bram36']}%)  URAM {rep['uram']}  DSP {rep['dsp']}  "
             f"fits: {rep['fits']}",
             f"  logic levels: composed {rep['logic_levels']}, max over modules {rep['logic_levels_max_module']}  "
             f"(~{t['fmax_mhz_estimate']} MHz, hw/timing.py)",
             f"  {'unit':14s} {'n':>3} {'LUT':>7} {'LUTmem':>6} {'FF':>7} {'BRAM36':>6} {'URAM':>4} {'DSP':>3} "
             f"{'lvl':>3} {'s':>6}"]
    for m in rep["modules"]:
        lines.append(f"  {m['module'][:14]:14s} {m['count']:>3} {m['lut']:>7} {m['lut_mem'] + m['lut_srl']:>6} "
                     f"{m['ff']:>7} {m['bram36']:>6} {m['uram']:>4} {m['dsp']:>3} {m['logic_levels']:>3} "
                     f"{m['seconds'] or 0:>6}  {m['instances'][0] or '(top)'}{' ...' if m['count'] > 1 else ''}"
                     f"{' = ' + m['shared_with'].rsplit(chr(92), 1)[-1] + ' (shared)' if m.get('shared_with') else ''}")
    for k, v in sorted(rep["memory_summary"].items()):
        lines.append(f"  memories as {k}: {v['memories']} ({v['bits']} bits)")
    for f in rep["abc9_fallbacks"]:
        lines.append(f"  NOTE abc9 fallback in {f['module']} ({', '.join(f['instances'])}): {f['reason'][:150]}")
    return "\n".join(lines)


def cli_synth(argv: list[str]) -> int:
    """`saformer synth`: hw/synth.py cli_synth with the per-module mode (`--per-module`) of this module."""
    from saformer.hw.synth import cli_synth as synth_cli

    return synth_cli(argv, per_module=cli_per_module)


def cli_per_module(a: argparse.Namespace) -> int:
    """`saformer synth --per-module`: hw/synth_modules.py's report as build/report/synth.json."""
    from saformer.contract.configs import ALL, SCALE, TARGET_BOARD
    from saformer.hw.boards import board
    from saformer.hw.net_generate import check_network_config
    from saformer.hw.synth import BUILD, over_budget_record, precheck_or_over_budget, real_vectors

    b = board(a.board or TARGET_BOARD.get(a.config or "", "pynq-z2"))
    if a.config:
        cfg, name = ALL[a.config], a.config
    else:
        cfg, _, _, _ = real_vectors(user_path(a.artifact))
        name = "default" if cfg == ALL["default"] else "artifact"
    if name in SCALE:
        raise SaformerError(f"config '{name}' is a SASA-engine scale config: --per-module synthesizes the network "
                            "accelerator (pick a network config)")
    check_network_config(cfg)
    over = precheck_or_over_budget(cfg, name, b, True, a.over_budget)
    if over is not None:
        print(f"--over-budget: running Yosys although {over}", flush=True)
    pre = over_budget_record(over)["precheck"]
    rep = synth_per_module(cfg, name, b, BUILD / "synth", jobs=a.jobs)
    out = Path(a.out)
    rep = {"generated_by": "hw/synth_modules.py (saformer synth --per-module); Yosys estimates, not Vivado results",
           "config": {"name": name, "hash": cfg.hash(), "fields": cfg.to_dict()}, **rep,
           "board": dataclasses.asdict(b), "fits_measured": rep["fits"], "precheck": pre,
           "fits": bool(rep["fits"] and pre["fits"]),
           "fits_rule": "false when the measured totals exceed the board (over) or the pre-check (hw/fit.py, the "
                        "resource model) refused the config (precheck.message; run by --over-budget)"}
    t = rep["timing"]
    rep["issue_bounds"] = {"logic_levels_max": 10, "clock_mhz_min": 100.0}
    rep["meets_bounds"] = {"logic_levels": rep["logic_levels"] <= 10, "clock": t["fmax_mhz_estimate"] >= 100.0}
    write_atomic(out / "synth.json", json.dumps(rep, indent=1) + "\n")
    print(format_per_module({**rep, "board": b.name}))
    print(f"wrote {out / 'synth.json'}")
    if not rep["fits"]:
        why = pre["message"] or ", ".join(f"{k} {rep['percent'][k]:.1f}%" for k in rep["over"])
        msg = f"config '{name}' does not fit {b.name} ({b.part}): {why}"
        if not a.over_budget:
            raise SaformerError(f"{msg} (report {out / 'synth.json'})")
        print(f"{msg} (--over-budget: reported, fits: false)")
    return 0
