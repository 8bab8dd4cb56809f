# SPDX-License-Identifier: Apache-2.0
"""The whole-network worst-case sets (golden/net_vectors.py) through the network RTL (net_engine).

Each set is its own artifact (its parameters are a whole integer model; weights are reloadable), written once
into build/sim/artifacts/<config>-worst-<set>-<key> (key: config hash + the golden sources that make it), and
run with its images through `sim.net_runner.run_net_case`: every module boundary, the logits and the cycle
counts compared with the integer reference.

    python -m saformer.sim.net_worst --config minwidth [--stall both] [--set net_max]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock
from saformer.contract.artifact import Artifact, load_artifact, save_artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_atomic
from saformer.contract.paths import build_dir, package_root

PIXELS = "worst_pixels.npy"  # a cached set's images, beside its artifact
SOURCES = ("golden/net_vectors.py", "golden/reference.py", "contract/artifact.py", "contract/config.py",
           "contract/layout.py")


def _key(cfg: SAFormerConfig) -> str:
    h = hashlib.sha256(cfg.hash().encode())
    for f in SOURCES:
        h.update(f.encode())
        h.update((package_root() / f).read_bytes())
    return h.hexdigest()[:12]


def worst_artifacts(name: str, cfg: SAFormerConfig, root: Path | None = None
                    ) -> list[tuple[str, Artifact, np.ndarray]]:
    """(set name, artifact, pixels) of every worst-case set of `cfg`, artifacts cached under root/artifacts."""
    from saformer.golden.net_vectors import network_worst_sets

    root = root or build_dir() / "sim"
    key = _key(cfg)
    index = root / "artifacts" / f"{name}-worst-{key}.json"
    index.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(index) + ".lock"):
        # the sets take minutes to search at 16-bit thresholds (CIFAR-10 configs): the index of the cached
        # artifacts (set names, written last) lets a later run load them without searching again
        if index.is_file():
            names = json.loads(index.read_text())["sets"]
            paths = [root / "artifacts" / f"{name}-worst-{n}-{key}" for n in names]
            if all((p / "manifest.json").is_file() and (p / PIXELS).is_file() for p in paths):
                return [(n, load_artifact(p), np.load(p / PIXELS)) for n, p in zip(names, paths, strict=True)]
        out = []
        for s in network_worst_sets(cfg):
            path = root / "artifacts" / f"{name}-worst-{s.name}-{key}"
            with FileLock(str(path) + ".lock"):
                if not (path / "manifest.json").is_file():
                    save_artifact(path, cfg, s.params, {}, {"source": f"network worst-case set '{s.name}' "
                                                                      "(golden/net_vectors.py)"})
                px = np.asarray(s.pixels, dtype=np.int64)
                if not (path / PIXELS).is_file():
                    tmp = path / f".{PIXELS}.{os.getpid()}.npy"
                    np.save(tmp, px)
                    os.replace(tmp, path / PIXELS)
            out.append((s.name, load_artifact(path), px))
        write_atomic(index, json.dumps({"sets": [n for n, _, _ in out]}))
    return out


def run_worst(name: str, stalls: tuple[str, ...] = ("both",), sets: tuple[str, ...] | None = None,
              seed: int = 13) -> dict[str, Any]:
    """Run the worst-case sets of network config `name` on the RTL: per set and stall pattern `images`,
    `mismatching_images`, `mismatching_values`, `cycle_errors`, `first_mismatch`, `rerun`; plus totals."""
    from saformer.golden import reference as ref
    from saformer.sim.net_runner import ensure_net_built, net_config, run_net_case

    cfg = net_config(name)
    build = ensure_net_built(name, cfg)
    out: dict[str, Any] = {"sets": {}}
    t0 = time.perf_counter()
    for sname, art, x in worst_artifacts(name, cfg):
        if sets and sname not in sets:
            continue
        golden = ref.predict(ref.forward(x, art.params, cfg)["logits"])
        res = run_net_case(build, art, x, np.full(len(x), -1), stalls, seed=seed, label=f"worst-{name}-{sname}")
        entry: dict[str, Any] = {"artifact": str(art.path), "rerun": res.rerun,
                                 "waveform": str(res.waveform) if res.waveform else None}
        for st, r in res.runs.items():
            hw = np.array(r["classes_hw"])
            mism = set(r["mismatching_images"]) | {i for i in range(len(x)) if hw[i] != golden[i]}
            entry[st] = {"images": len(x), "mismatching_images": len(mism),
                         "mismatching_values": r["mismatching_values"],
                         "output_mismatching_images": r["output_mismatching_images"],
                         "cycle_errors": r["cycle_errors"], "first_mismatch": r["first_mismatch"] or r["output_first"]}
        out["sets"][sname] = entry
    runs = [e[st] for e in out["sets"].values() for st in stalls]
    out.update(stalls=list(stalls), seconds=round(time.perf_counter() - t0, 1),
               images=sum(r["images"] for r in runs),
               mismatching_images=sum(r["mismatching_images"] for r in runs),
               mismatching_values=sum(r["mismatching_values"] for r in runs),
               ok=bool(runs) and all(r["mismatching_images"] == 0 and r["mismatching_values"] == 0
                                     and r["output_mismatching_images"] == 0 and not r["cycle_errors"]
                                     for r in runs))
    return out


def main(argv: list[str] | None = None) -> int:
    from saformer.sim.net_runner import NET_CONFIGS, STALLS

    ap = argparse.ArgumentParser(prog="python -m saformer.sim.net_worst", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="minwidth", choices=NET_CONFIGS)
    ap.add_argument("--stall", action="append", choices=STALLS)
    ap.add_argument("--set", action="append", help="only this set (repeatable)")
    a = ap.parse_args(argv)
    try:
        r = run_worst(a.config, tuple(a.stall or ("both",)), tuple(a.set) if a.set else None)
    except SaformerError as e:
        print(f"saformer.sim.net_worst: error: {e}", file=sys.stderr)
        return 2
    for sname, e in r["sets"].items():
        for st in r["stalls"]:
            x = e[st]
            print(f"{a.config} {sname:20s} stall={st}: {x['images']} images, {x['mismatching_images']} mismatching "
                  f"images, {x['mismatching_values']} values, cycle errors {len(x['cycle_errors'])}"
                  + (f"\n  first: {x['first_mismatch']}\n  rerun: {e['rerun']}" if x["first_mismatch"] else ""))
    print(f"{a.config}: {len(r['sets'])} sets, {r['images']} image runs, {r['mismatching_values']} mismatching "
          f"values, {r['seconds']} s, ok={r['ok']}")
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
