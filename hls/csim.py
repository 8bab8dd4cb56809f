# SPDX-License-Identifier: Apache-2.0
"""g++ C-simulation of the generated SASA kernel against golden.reference, for every named config.

The artifacts, configurations and vector sets are the RTL regression's: `artifact_for` is
`golden.named_artifacts.artifact_for` (trained model for 'default' when exported, else a cached random model, plus the
in-memory `cover` set). `prepare(name, workdir)` generates the build folder of one named config, exports its
vector sets and compiles the kernel with its testbench once (hash-keyed: recompiled only when a source or a
flag changes; a file lock makes it safe under pytest-xdist). `run_set` runs the testbench on one vector
folder and parses its RESULT line. `run_all` does every config and returns
{config: {"vectors": n, "mismatches": m, ...}} for build/report/verify.json.

The Xilinx `ap_int.h`/`hls_stream.h` come from the hls4ml wheel (on -isystem); `ap_axi_sdata.h`, absent
there, comes from the shim in hls/include/compat/ only when no real one is found.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock
from saformer.contract.artifact import Artifact
from saformer.contract.configs import NAMED
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir
from saformer.golden import named_artifacts as sim_artifacts
from saformer.hls.generate import COMPAT, INCLUDE, generate

CXX = "g++"
CXXFLAGS = ("-std=c++14", "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas")
STEPS_DEFINE = "SASA_COUNT_STEPS"  # hls/include/sasa_steps.h: per-image accumulate-step counts
DEFAULT_WORKDIR = build_dir() / "hls"
ARTIFACT_WORKDIR = build_dir() / "sim"  # saformer.golden.named_artifacts' cache, shared with the RTL regression
SOURCES = ("sasa_config.h", "sasa_top.h", "sasa_top.cpp", "sasa_tb.cpp")


def xilinx_include() -> Path:
    """Folder of the open Xilinx ap_types headers shipped in the hls4ml wheel (hls4ml is not imported)."""
    spec = importlib.util.find_spec("hls4ml")
    if spec is None or not spec.submodule_search_locations:
        raise SaformerError("hls4ml is not installed: its ap_types headers are needed for C-simulation "
                            "(run `make venv`)")
    d = Path(list(spec.submodule_search_locations)[0]) / "templates" / "vivado" / "ap_types"
    if not (d / "ap_int.h").is_file() or not (d / "hls_stream.h").is_file():
        raise SaformerError(f"{d}: ap_int.h / hls_stream.h missing from the hls4ml wheel")
    return d


def include_flags() -> list[str]:
    xil = xilinx_include()
    flags = [f"-I{INCLUDE}"]
    if not (xil / "ap_axi_sdata.h").is_file():
        flags.append(f"-I{COMPAT}")
    return flags + ["-isystem", str(xil)]


def artifact_for(name: str, workdir: Path | None = None, override: Path | None = None) -> Artifact:
    """The artifact a named config is checked on: exactly the RTL regression's (`golden.named_artifacts.artifact_for`),
    so the C-simulation runs the same configurations and the same vector sets -- the trained model's
    (build/artifact, used only when its config equals NAMED['default']) for 'default' when it exists, else the
    cached random model (seed golden.named_artifacts.RANDOM_SEED), plus the in-memory `cover` set. `workdir` is the
    folder of that cache (default build/sim, the one the RTL regression uses)."""
    return sim_artifacts.artifact_for(name, Path(workdir or ARTIFACT_WORKDIR), override)


def compile_csim(folder: Path, defines: tuple[str, ...] = (), binary_name: str = "csim") -> tuple[Path, float]:
    """Compile sasa_top.cpp + sasa_tb.cpp in `folder` into `folder/<binary_name>` unless an identical build
    exists. `defines` are preprocessor symbols (e.g. STEPS_DEFINE for the step counter), never warning flags.
    Returns (binary, seconds spent compiling; 0.0 when reused). Caller holds the folder lock."""
    flags = [*CXXFLAGS, *(f"-D{d}" for d in defines), *include_flags()]
    h = hashlib.sha256(" ".join([CXX, *flags]).encode())
    for f in SOURCES:
        h.update((folder / f).read_bytes())
    for f in sorted(INCLUDE.rglob("*.h")):
        h.update(f.name.encode() + f.read_bytes())
    key = h.hexdigest()
    binary, stamp = folder / binary_name, folder / f"{binary_name}.key"
    if binary.is_file() and stamp.is_file() and stamp.read_text() == key:
        return binary, 0.0
    t0 = time.monotonic()
    tmp = folder / f"{binary_name}.tmp"
    cmd = [CXX, *flags, f"-I{folder}", str(folder / "sasa_top.cpp"), str(folder / "sasa_tb.cpp"), "-o", str(tmp)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SaformerError(f"{folder}: g++ failed ({' '.join(cmd)}):\n{p.stderr[-4000:]}")
    tmp.replace(binary)
    stamp.write_text(key)
    return binary, time.monotonic() - t0


@dataclass
class Prepared:
    name: str
    folder: Path
    binary: Path
    artifact: Artifact
    compile_s: float

    @property
    def sets(self) -> list[str]:
        return sorted(self.artifact.vectors)


def prepare(name: str, workdir: Path | None = None, artifact_workdir: Path | None = None) -> Prepared:
    """Generate, export vectors and compile one named config (idempotent, xdist-safe). `workdir` holds the HLS
    build folders (default build/hls), `artifact_workdir` the artifact cache (see artifact_for)."""
    workdir = Path(workdir or DEFAULT_WORKDIR)
    art = artifact_for(name, artifact_workdir)
    folder = workdir / name
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        generate(art, folder, name)
        binary, secs = compile_csim(folder)
    return Prepared(name, folder, binary, art, secs)


@dataclass
class CsimResult:
    returncode: int
    vectors: int = 0
    beats: int = 0
    expected_beats: int = 0
    mismatches: int = -1
    status: int = -1
    first_mismatch: str = ""
    output: str = ""
    seconds: float = 0.0
    coords: dict[str, int] = field(default_factory=dict)
    steps: list[dict[str, int]] = field(default_factory=list)  # per image {q, k, o}, counting builds only

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and self.mismatches == 0


_RESULT = re.compile(r"RESULT vectors=(\d+) beats=(\d+) expected_beats=(\d+) mismatches=(\d+) status=0x([0-9a-f]+)")
_STEPS = re.compile(r"STEPS image=(\d+) q=(\d+) k=(\d+) o=(\d+)")
_FIRST = re.compile(r"FIRST MISMATCH vector=(\d+) t=(\d+) n=(\d+) channel=(\d+)")


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SaformerError(f"{cmd[0]}: C-simulation of {' '.join(cmd[1:])} did not finish within {timeout:g} s "
                            "(kernel waiting on a stream? raise the timeout for large vector sets)") from None


def run_set(binary: Path, vector_dir: Path, actual: Path | None = None, timeout: float = 120.0) -> CsimResult:
    """Run the testbench on one vector folder; `actual` is where it writes the beats it got (default: a
    temporary file, removed afterwards -- never into the vector folder, which parallel runs share)."""
    if actual is None:
        with tempfile.TemporaryDirectory(prefix="sasa-csim-") as tmp:
            return run_set(binary, vector_dir, Path(tmp) / "actual.txt", timeout)
    t0 = time.monotonic()
    p = _run([str(binary), str(vector_dir), str(actual)], timeout)
    r = CsimResult(p.returncode, output=p.stdout + p.stderr, seconds=time.monotonic() - t0)
    m = _RESULT.search(p.stdout)
    if m:
        r.vectors, r.beats, r.expected_beats, r.mismatches = (int(x) for x in m.groups()[:4])
        r.status = int(m.group(5), 16)
    r.steps = [dict(zip("qko", (int(x) for x in m.groups()[1:]))) for m in _STEPS.finditer(p.stdout)]
    f = _FIRST.search(p.stdout)
    if f:
        r.first_mismatch = p.stdout[f.start():].splitlines()[0]
        r.coords = dict(zip(("vector", "t", "n", "channel"), (int(x) for x in f.groups())))
    return r


def run_sequence(binary: Path, vector_dirs: list[Path], timeout: float = 120.0) -> tuple[int, list[CsimResult]]:
    """One kernel call per folder, in order, in one process (the kernel's weights and STATUS carry over).
    Returns the exit status and one parsed result per call that ran."""
    p = _run([str(binary), "--sequence", *map(str, vector_dirs)], timeout)
    steps = []
    for m in _RESULT.finditer(p.stdout):
        r = CsimResult(0, *(int(x) for x in m.groups()[:4]), status=int(m.group(5), 16))
        steps.append(r)
    return p.returncode, steps


def run_config(name: str, workdir: Path | None = None, artifact_workdir: Path | None = None,
               out_dir: Path | None = None) -> dict:
    """C-simulate every vector set of one config. The kernel's beats go to `out_dir`/<set>.txt when given,
    else to a temporary folder removed afterwards (the shared build folder is never written by a run)."""
    pr = prepare(name, workdir, artifact_workdir)
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix=f"sasa-csim-{name}-") as tmp:
            return _run_config(pr, Path(tmp))
    return _run_config(pr, Path(out_dir))


def _run_config(pr: Prepared, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    sets: dict[str, dict] = {}
    for s in pr.sets:
        r = run_set(pr.binary, pr.folder / "vectors" / s, out_dir / f"{s}.txt")
        if r.mismatches < 0:
            raise SaformerError(f"{pr.folder}/vectors/{s}: testbench gave no RESULT line:\n{r.output[-2000:]}")
        sets[s] = {"vectors": r.vectors, "mismatches": r.mismatches, "returncode": r.returncode,
                   "first_mismatch": r.first_mismatch, "run_s": round(r.seconds, 3)}
    return {"vectors": sum(v["vectors"] for v in sets.values()),
            "mismatches": sum(v["mismatches"] for v in sets.values())
            + sum(1 for v in sets.values() if v["returncode"] != 0 and v["mismatches"] == 0),
            "sets": sets, "compile_s": round(pr.compile_s, 2), "artifact": str(pr.artifact.path)}


def run_all(configs: list[str] | None = None, workdir: Path | None = None, jobs: int = 2,
            artifact_workdir: Path | None = None) -> dict[str, dict]:
    """C-simulate every named config (or `configs`) on the RTL regression's artifacts and vector sets:
    {name: {"vectors": n, "mismatches": m, "sets": ...}}."""
    names = list(configs) if configs is not None else list(NAMED)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        results = list(ex.map(lambda n: run_config(n, workdir, artifact_workdir), names))
    return dict(zip(names, results))
