"""Small flow steps that need no simulator: rendering the interface document."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from golden.config import DEFAULT
from golden.interface import render_markdown


def write_atomic(path: Path, text: str) -> None:
    """Write a text file via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cli_interface(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="saformer interface")
    ap.add_argument("--out", type=Path, default=Path("docs/interface.md"))
    a = ap.parse_args(argv)
    write_atomic(a.out, render_markdown(DEFAULT))
    print(f"wrote {a.out}")
    return 0
