# SPDX-License-Identifier: Apache-2.0
"""The simulator build cache under <build>/sim and the project's own `clean`.

Every simulator build (sim/runner.py, net_runner.py, net_accel_sim.py, net_bulk.py) goes to
<build>/sim/<kind>-<hash of sources + flags>, under a file lock, with a `.built` marker written after a
successful build: "<config name> <config hash>". A build of every source version is kept, so a regression over
a project's history (or a session editing RTL) adds a folder per version: 200-300 MB each for the network, and
a 2.6 GB one for cifar10-384. The cache is therefore bounded, least recently used first:
- `mark_used(bdir)` touches the marker whenever a build is reused, so the marker's mtime is its last use;
- `prune(root, keep)` removes the least recently used builds until the cache is under its cap
  (SAFORMER_SIM_CACHE_GB, default 8 GB; 0 turns pruning off), never `keep` and never a build whose lock
  another process holds; each build calls it once after it has built.
Only folders that are recognisably the project's builds are ever removed: directly under <build>/sim, a
name of the form <kind>-<16 hex> or <16 hex>, holding a valid `.built` marker. Anything else there is left alone.

`saformer clean` (and `make clean`) removes the build folder only when everything in it is something the project
writes (the names in `OWNED`); otherwise it refuses and names what it found, so `make clean BUILD=~/data`
deletes nothing. `saformer clean --cache` empties the simulator build cache alone.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path

from filelock import FileLock, Timeout
from saformer.contract.errors import SaformerError
from saformer.contract.paths import build_dir

CACHE_ENV = "SAFORMER_SIM_CACHE_GB"
DEFAULT_CAP_GB = 8.0
_BUILD_NAME = re.compile(r"^(?:[a-z]+(?:-[a-z]+)*-)?[0-9a-f]{16}$")
_MARKER = re.compile(r"^\S+ [0-9a-f]{16,64}\n?$")
# Top-level entries of a build folder that the project (or setuptools' `pip install .`, which uses ./build
# of a checkout) writes; `clean` refuses a folder holding anything else.
OWNED = ("artifact", "sim", "sim-runs", "synth", "report", "rtl", "hls", "formal", "vivado", "vitis", "package",
         "fusesoc", "driver", "out", "golden.json", "verify.json", "hls_synth.json", "lib", "bdist.*", "*.lock",
         ".saformer-output")


def _is_build(d: Path) -> bool:
    if not (d.is_dir() and not d.is_symlink() and _BUILD_NAME.match(d.name)):
        return False
    m = d / ".built"
    try:
        return m.is_file() and bool(_MARKER.match(m.read_text()[:200]))
    except OSError:
        return False


def builds(root: Path | None = None) -> list[Path]:
    """The project's simulator builds under <root>/sim, least recently used first."""
    sim = (root or build_dir()) / "sim"
    if not sim.is_dir():
        return []
    found = [d for d in sim.iterdir() if _is_build(d)]
    return sorted(found, key=lambda d: (d / ".built").stat().st_mtime)


def mark_used(bdir: Path) -> None:
    """A build is reused: its marker's mtime becomes now (the cache's recency)."""
    try:
        os.utime(bdir / ".built")
    except OSError:
        pass


def _size(d: Path) -> int:
    total = 0
    for dp, _, files in os.walk(d):
        for f in files:
            try:
                total += os.lstat(os.path.join(dp, f)).st_size
            except OSError:
                pass
    return total


def cap_bytes() -> int:
    raw = os.environ.get(CACHE_ENV, "")
    try:
        gb = float(raw) if raw.strip() else DEFAULT_CAP_GB
    except ValueError:
        raise SaformerError(f"{CACHE_ENV}={raw!r}: give the simulator build cache's cap in GB (0: no cap)") from None
    if gb < 0:
        raise SaformerError(f"{CACHE_ENV}={raw!r}: the cap must be >= 0 GB (0: no cap)")
    return int(gb * 1e9)


def _remove(d: Path) -> bool:
    """Remove build d under its lock (skipped when another process holds it)."""
    try:
        with FileLock(str(d) + ".lock", timeout=0):
            if _is_build(d):
                shutil.rmtree(d)
                return True
    except Timeout:
        pass
    return False


def prune(root: Path | None = None, keep: Path | None = None, cap: int | None = None) -> list[Path]:
    """Remove least recently used builds until the cache is under `cap` bytes (default: cap_bytes()); never
    `keep`. Returns the removed folders."""
    cap = cap_bytes() if cap is None else cap
    if cap <= 0:
        return []
    entries = [(d, _size(d)) for d in builds(root)]
    total = sum(s for _, s in entries)
    removed = []
    for d, s in entries:
        if total <= cap:
            break
        if keep is not None and d.resolve() == Path(keep).resolve():
            continue
        if _remove(d):
            removed.append(d)
            total -= s
    return removed


def after_build(bdir: Path) -> None:
    """Called by every builder once a new build is complete: bound the cache (the new build is kept)."""
    removed = prune(Path(bdir).parent.parent, keep=Path(bdir))
    if removed:
        print(f"saformer: simulator build cache over {cap_bytes() / 1e9:g} GB ({CACHE_ENV}): removed "
              f"{len(removed)} least recently used build(s)", file=sys.stderr)


def _owned(name: str) -> bool:
    return any(Path(name).match(p) for p in OWNED)


def clean(root: Path, cache_only: bool = False) -> str:
    """`saformer clean`: the whole build folder (only when all of it is the project's) or the build cache."""
    root = Path(root).absolute()
    if cache_only:
        n = sum(_remove(d) for d in builds(root))
        return f"removed {n} simulator build(s) from {root / 'sim'}"
    if not root.exists():
        return f"{root}: nothing to clean"
    if not root.is_dir() or root.is_symlink():
        raise SaformerError(f"refusing to clean {root}: not a directory the project writes")
    foreign = sorted(p.name for p in root.iterdir() if not _owned(p.name))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise SaformerError(f"refusing to clean {root}: it holds entries saformer does not write ({shown}); "
                            "nothing was removed")
    home = Path.home().absolute()
    if root in (Path(root.anchor), home) or root in home.parents:
        raise SaformerError(f"refusing to clean {root}: a root or home folder")
    t0 = time.monotonic()
    shutil.rmtree(root)
    return f"removed {root} ({time.monotonic() - t0:.1f} s)"


def cli_clean(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="saformer clean", description=__doc__.splitlines()[0])
    ap.add_argument("--cache", action="store_true", help="remove only the simulator build cache (<build>/sim)")
    a = ap.parse_args(argv)
    print(clean(build_dir(), cache_only=a.cache))
    return 0


if __name__ == "__main__":
    raise SystemExit(cli_clean(sys.argv[1:]))
