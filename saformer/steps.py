# SPDX-License-Identifier: Apache-2.0
"""Small flow steps that need no simulator: rendering the interface document."""

from __future__ import annotations

import argparse
from pathlib import Path

from saformer.contract.config import DEFAULT
from saformer.contract.fsutil import write_atomic
from saformer.contract.regmap import render_markdown


def cli_interface(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="saformer interface", description="render the interface document (stream "
                                 "formats, register map) of the default config")
    ap.add_argument("--out", type=Path, default=Path("docs/interface.md"),
                    help="Markdown file to write (default %(default)s, relative to the current directory)")
    a = ap.parse_args(argv)
    write_atomic(a.out, render_markdown(DEFAULT))
    print(f"wrote {a.out}")
    return 0
