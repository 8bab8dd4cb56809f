# SPDX-License-Identifier: Apache-2.0
"""Atomic file output: every artifact, report and generated file is written to a temporary file beside its
target and renamed into place, so a failure never leaves half a file behind (one implementation for all)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def atomic_output(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it becomes `path` (mode 0644), on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    with atomic_output(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data)
    return Path(path)


def write_json_atomic(path: str | Path, obj: Any, indent: int = 2, sort_keys: bool = False) -> Path:
    return write_atomic(path, json.dumps(obj, indent=indent, sort_keys=sort_keys) + "\n")


def save_figure(fig: Any, path: str | Path, dpi: int = 100) -> Path:
    """Save a matplotlib figure atomically as PNG and close it."""
    import matplotlib.pyplot as plt

    try:
        with atomic_output(path, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=dpi)
    finally:
        plt.close(fig)
    return Path(path)


# ---------------------------------------------------------------------------------------- output folders
MARKER = ".saformer-output"
"""Marker file in every folder the project writes as a whole (artifact, package): JSON with the writer and
the top-level entries it wrote. Only what a marker lists is ever replaced; nothing else is deleted."""


def _owned(target: Path) -> set[str] | None:
    """Top-level entries the project wrote into `target` (its marker), or None when there is no valid marker."""
    m = target / MARKER
    if not m.is_file():
        return None
    try:
        entries = json.loads(m.read_text()).get("entries")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(entries, list) or not all(isinstance(e, str) and "/" not in e for e in entries):
        return None
    return set(entries)


def check_output_dir(target: str | Path, force: bool = False,
                     legacy: set[str] | None = None) -> tuple[list[str], set[str] | None]:
    """Refuse (SaformerError) a target folder holding files the project did not write, unless `force`.

    Call it before a long step, so a refusal comes first; returns (foreign entries, owned entries)."""
    from saformer.contract.errors import SaformerError

    target = Path(target).absolute()
    if target.exists() and not target.is_dir():
        raise SaformerError(f"{target} exists and is not a directory: give a directory for the output")
    present = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
    owned = _owned(target) if present else set()
    if owned is None and legacy:
        owned = set(legacy)
    foreign = [e for e in present if e != MARKER and (owned is None or e not in owned)]
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise SaformerError(
            f"refusing to write into {target}: it is not empty and holds files saformer did not write "
            f"({shown}); give an empty or new directory, or --force to replace only saformer's own files there")
    return foreign, owned


def place_output_dir(staged: Path, target: str | Path, writer: str, force: bool = False,
                     legacy: set[str] | None = None) -> Path:
    """Move the finished folder `staged` to `target` without ever deleting what the project did not write.

    - `target` missing or empty: `staged` becomes it (one rename).
    - `target` is one of the project's outputs (its marker lists every entry in it): replaced as a whole.
    - `target` holds anything else: refused (SaformerError naming the folder and the foreign entries), unless
      `force`, which replaces only the entries `staged` brings and keeps every other file as it is.
    `legacy` names the entries of an output written before markers existed (the caller recognises it).
    `staged` must lie on the same file system (a sibling); it is consumed either way.
    """

    target = Path(target).absolute()
    staged = Path(staged)
    entries = sorted(p.name for p in staged.iterdir() if p.name != MARKER)
    foreign, owned = check_output_dir(target, force, legacy)
    if not foreign:
        write_json_atomic(staged / MARKER, {"writer": writer, "entries": entries})
        if target.exists():  # every entry is ours: swap the whole folder (a rename each way)
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / "x")
            os.replace(staged, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        return target
    # --force into a folder with foreign files: replace only our own entries, one rename each
    trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    try:
        for e in entries:
            if (target / e).exists() or (target / e).is_symlink():
                os.replace(target / e, trash / e)
            os.replace(staged / e, target / e)
        write_json_atomic(target / MARKER, {"writer": writer, "entries": sorted(set(entries) | (owned or set()))})
    finally:
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(staged, ignore_errors=True)
    return target
