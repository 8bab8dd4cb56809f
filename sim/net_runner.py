# SPDX-License-Identifier: Apache-2.0
"""Build and run the whole-network testbench (sim/tb_net.py) on Verilator through cocotb.

Each configuration's net_engine is generated into build/sim/rtl and built once into build/sim/<hash of the
sources + flags> (file lock, `.built` marker). A case -- an artifact, images (pixels), stall patterns, seed,
optional weight-word patches (mutation checks) -- is written to case.json/case.npz in its own folder; the
cocotb test recomputes the reference and asserts; a failing case is rerun with a waveform.

    python -m saformer.sim.net_runner --config default --images 16 [--stall both] [--waves]
    python -m saformer.sim.net_runner --case build/sim/<hash>/runs/<case>/case.json --waves   # rerun
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock
from saformer.contract.artifact import Artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.configs import NAMED
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir, child_pythonpath
from saformer.hw.generate import config_id, sources_hash
from saformer.hw.net_generate import NET_TOP, generate_net, net_sources
from saformer.sim.cache import after_build, mark_used
from saformer.sim.runner import BUILD_ARGS, verilator_env, wave_format

STALLS = ("none", "in_idle", "out_bp", "both")


@dataclass
class NetBuild:
    name: str
    cfg: SAFormerConfig
    build_dir: Path


def ensure_net_built(name: str, cfg: SAFormerConfig, build_root: Path | None = None, waves: bool = False) -> NetBuild:
    from cocotb_tools.runner import get_runner

    build_root = build_root or build_dir()
    verilator_env()
    rtl_root = build_root / "sim" / "rtl"
    rtl_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(rtl_root / f"net-{config_id(name, cfg)}.lock")):
        gen = generate_net(cfg, rtl_root, name)
    srcs = net_sources(gen)
    args = list(BUILD_ARGS) + (["--trace-fst"] if waves and wave_format() == "fst" else [])
    key = sources_hash(srcs, " ".join(args) + NET_TOP + (" waves" if waves else ""))
    bdir = build_root / "sim" / f"net-{key}"
    with FileLock(str(bdir) + ".lock"):
        if not ((bdir / ".built").is_file() and (bdir / NET_TOP).is_file()):
            get_runner("verilator").build(sources=srcs, hdl_toplevel=NET_TOP, build_dir=bdir, build_args=args,
                                          waves=waves, always=True, log_file=bdir / "build.log")
            (bdir / ".built").write_text(f"{name} {cfg.hash()}\n")
            after_build(bdir)
        else:
            mark_used(bdir)
    return NetBuild(name, cfg, bdir)


@dataclass
class NetResult:
    name: str
    seed: int
    case_dir: Path
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    rerun: str = ""
    waveform: Path | None = None

    @property
    def mismatching_values(self) -> int:
        return sum(r["mismatching_values"] for r in self.runs.values())

    @property
    def failed(self) -> bool:
        return any(r["mismatching_values"] or r["output_mismatching_images"] or r["cycle_errors"]
                   for r in self.runs.values())

    def report(self) -> str:
        lines = []
        for st, r in self.runs.items():
            if r["first_mismatch"]:
                lines.append(f"[{self.name}, stall={st}, seed={r['seed']}] {r['first_mismatch']}")
            if r["output_first"]:
                lines.append(f"[{self.name}, stall={st}, seed={r['seed']}] {r['output_first']}")
            lines += [f"[{self.name}, stall={st}] {e}" for e in r["cycle_errors"][:3]]
        if self.waveform:
            lines.append(f"waveform: {self.waveform}")
        lines.append(f"rerun: {self.rerun}")
        return "\n".join(lines)


def _write_case(case_dir: Path, cfg: SAFormerConfig, name: str, art: Artifact, pixels: np.ndarray,
                labels: np.ndarray, stalls: tuple[str, ...], seed: int, patch: dict[int, int] | None,
                trace: bool = False) -> Path:
    res = case_dir / "results"
    res.mkdir(parents=True, exist_ok=True)
    case = {"config": cfg.to_dict(), "name": name, "seed": seed, "stalls": list(stalls),
            "artifact": str(Path(art.path).resolve()),
            "results_dir": str(res), "patch": {str(k): int(v) for k, v in (patch or {}).items()}, "trace": trace}
    np.savez(case_dir / "case.npz", pixels=np.asarray(pixels, dtype=np.int64), labels=np.asarray(labels))
    (case_dir / "case.json").write_text(json.dumps(case))
    return case_dir / "case.json"


def _simulate(build: NetBuild, case_json: Path, waves: bool) -> dict[str, dict[str, Any]]:
    from cocotb_tools.runner import get_runner

    verilator_env()
    case = json.loads(case_json.read_text())
    case_dir = case_json.parent
    bdir = build.build_dir
    if waves:
        bdir = ensure_net_built(build.name, build.cfg, build.build_dir.parent.parent, waves=True).build_dir
    for f in Path(case["results_dir"]).glob("*.json"):
        f.unlink()
    filt = "run_images/stall=(" + "|".join(case["stalls"]) + ")$"
    runner = get_runner("verilator")
    try:
        _run_test(runner, bdir, case_dir, case_json, filt, waves)
    except SystemExit:
        pass  # a failing cocotb test (results.xml says FAIL); its findings are in the results JSON read below
    runs = {}
    for st in case["stalls"]:
        f = Path(case["results_dir"]) / f"{st}.json"
        if not f.is_file():
            raise SaformerError(f"network simulation '{build.name}' stall={st} wrote no result; see "
                                f"{case_dir / 'sim.log'}")
        runs[st] = json.loads(f.read_text())
    return runs


def _run_test(runner: Any, bdir: Path, case_dir: Path, case_json: Path, filt: str, waves: bool) -> None:
    runner.test(
        test_module="saformer.sim.tb_net", hdl_toplevel=NET_TOP, hdl_toplevel_lang="verilog", build_dir=bdir,
        test_dir=case_dir, waves=waves, results_xml=str(case_dir / "results.xml"), log_file=case_dir / "sim.log",
        test_filter=filt, extra_env={"NET_CASE": str(case_json), "COCOTB_LOG_LEVEL": "WARNING",
                                     "PYTHONPATH": child_pythonpath()},
        test_args=["--trace-file", str(case_dir / f"dump.{wave_format()}")] if waves else [])


def run_net_case(build: NetBuild, art: Artifact, pixels: np.ndarray, labels: np.ndarray,
                 stalls: tuple[str, ...] = STALLS, seed: int = 1, workdir: Path | None = None,
                 patch: dict[int, int] | None = None, waves_on_fail: bool = True, label: str = "",
                 trace: bool = False) -> NetResult:
    """trace: record every boundary's, the pixel input's and the result stream's handshake cycles (the runs'
    "trace"; the cycle-model comparison, `network_schedule`, reads them)."""
    case_dir = (Path(workdir) if workdir else
                build.build_dir / "runs" / f"{label or 'net'}-{uuid.uuid4().hex[:8]}").resolve()
    case_json = _write_case(case_dir, build.cfg, build.name, art, pixels, labels, stalls, seed, patch, trace)
    res = NetResult(build.name, seed, case_dir,
                    rerun=f"cd {Path.cwd()} && {sys.executable} -m saformer.sim.net_runner --case {case_json}")
    res.runs = _simulate(build, case_json, False)
    if waves_on_fail and res.failed:
        st = next(s for s, r in res.runs.items() if r["mismatching_values"] or r["output_mismatching_images"]
                  or r["cycle_errors"])
        sub = _write_case(case_dir / "wave", build.cfg, build.name, art, pixels, labels, (st,), seed, patch)
        _simulate(build, sub, True)
        w = sub.parent / f"dump.{wave_format()}"
        res.waveform = w if w.is_file() else None
    return res


def network_images(art: Artifact, count: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The first `count` test images of the split (all with None) for the trained default artifact; random
    pixels (seeded) for any other artifact, whose model is random too."""
    cfg = art.cfg
    if art.manifest.get("checkpoint") and cfg.in_ch == 1 and cfg.img == 8 and cfg.pixel_max == 16:
        from saformer.golden.data import load_digits

        sp = load_digits()
        x, y = sp.x_test, sp.y_test
    else:
        rng = np.random.default_rng(7)
        n = count or 32
        x = rng.integers(0, cfg.pixel_max + 1, size=(n, cfg.in_ch, cfg.img, cfg.img), dtype=np.int64)
        y = np.full(n, -1, dtype=np.int64)
    if count is not None:
        x, y = x[:count], y[:count]
    return x, y


# the network regression's configurations
NET_CONFIGS = ("default", "t1", "n9", "p1", "p5", "minwidth", "l2", "fold", "tok4", "beats", "d128")


def net_config(name: str) -> SAFormerConfig:
    from saformer.contract.configs import CIFAR, NETWORK_NAMED

    if name in NAMED:
        return NAMED[name]
    if name in NETWORK_NAMED:
        return NETWORK_NAMED[name]
    if name in CIFAR:
        return CIFAR[name]
    raise SaformerError(f"network configuration '{name}' is in none of NAMED, NETWORK_NAMED, CIFAR "
                        "(contract/configs.py)")


def net_artifact(name: str, override: str | Path | None = None) -> Artifact:
    """The artifact a network configuration runs on: the regression's choice for the SASA names (the trained
    export for `default`), the density-calibrated random model for the CIFAR-10 names
    (golden/named_artifacts.py), a cached random integer model for the network-only names."""
    from saformer.contract.artifact import load_artifact
    from saformer.contract.configs import CIFAR
    from saformer.golden.named_artifacts import RANDOM_SEED, artifact_for, random_artifact_path
    from saformer.golden.vectors import random_artifact

    if name in NAMED or override is not None:
        return artifact_for(name if name in NAMED else "default", build_dir() / "sim", override)
    if name in CIFAR:
        return artifact_for(name, build_dir() / "sim")
    cfg = net_config(name)
    path = random_artifact_path(build_dir() / "sim", name, cfg, RANDOM_SEED)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if not (path / "manifest.json").is_file():
            random_artifact(cfg, path, seed=RANDOM_SEED, n_random=4)
    return load_artifact(path)


def main(argv: list[str] | None = None) -> int:

    ap = argparse.ArgumentParser(prog="python -m saformer.sim.net_runner", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default", choices=NET_CONFIGS)
    ap.add_argument("--images", type=int, default=16)
    ap.add_argument("--stall", action="append", choices=STALLS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--artifact", default=None)
    ap.add_argument("--case", default=None, help="rerun a case.json written by an earlier run")
    ap.add_argument("--waves", action="store_true")
    a = ap.parse_args(argv)
    try:
        t0 = time.perf_counter()
        if a.case:
            case_json = Path(a.case).resolve()
            case = json.loads(case_json.read_text())
            cfg = SAFormerConfig.from_dict(case["config"])
            build = ensure_net_built(case["name"], cfg)
            res = NetResult(case["name"], case["seed"], case_json.parent, rerun=f"(this case) {case_json}")
            res.runs = _simulate(build, case_json, a.waves)
        else:
            art = net_artifact(a.config, a.artifact)
            build = ensure_net_built(a.config, art.cfg)
            x, y = network_images(art, a.images)
            res = run_net_case(build, art, x, y, tuple(a.stall or STALLS), a.seed, label=a.config)
        n = sum(r["images"] for r in res.runs.values())
        print(f"{res.name}: {n} image runs, {res.mismatching_values} mismatching values, "
              f"{time.perf_counter() - t0:.1f} s")
        if res.failed:
            print(res.report())
            return 1
        return 0
    except SaformerError as e:
        print(f"saformer.sim.net_runner: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
