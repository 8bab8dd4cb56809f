# SPDX-License-Identifier: Apache-2.0
"""Where things are: outputs go to `./build` of the current directory (or `--build-dir`, carried in the
environment variable SAFORMER_BUILD_DIR so that every subprocess agrees), never into the installed package;
sources (RTL, HLS headers, the shipped model) are read from the package itself."""

from __future__ import annotations

import os
from pathlib import Path

BUILD_ENV = "SAFORMER_BUILD_DIR"


def build_dir() -> Path:
    """The output root: $SAFORMER_BUILD_DIR if set, else ./build of the current directory (absolute)."""
    env = os.environ.get(BUILD_ENV)
    return Path(env).absolute() if env else Path.cwd().absolute() / "build"


def set_build_dir(path: str | Path) -> Path:
    """Make `path` (relative to the current directory) the output root of this process and its children."""
    p = Path(path).absolute()
    os.environ[BUILD_ENV] = str(p)
    return p


def package_root() -> Path:
    """The folder holding the subpackages: the repository root in a checkout, site-packages/saformer when
    installed. Sources are found under it (hw/rtl, hls/include, models)."""
    return Path(__file__).resolve().parent.parent


def import_root() -> Path:
    """The folder to put on PYTHONPATH so that a child Python (a cocotb simulation) imports this `saformer`."""
    import saformer

    return Path(saformer.__file__).resolve().parent.parent


def child_pythonpath() -> str:
    """PYTHONPATH for a child process: this package first, then whatever the caller had."""
    return os.pathsep.join(p for p in [str(import_root()), os.environ.get("PYTHONPATH", "")] if p)


def user_path(path: str | Path) -> Path:
    """A path from the command line: relative paths are relative to the current directory."""
    return Path(path).expanduser().absolute()
