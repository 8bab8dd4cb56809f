# SPDX-License-Identifier: Apache-2.0
"""Shared pytest fixtures. Tests write only to tmp_path or per-case build folders (xdist-safe)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import os  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _restore_build_dir():
    """`saformer --build-dir DIR` sets SAFORMER_BUILD_DIR for its process (contract/paths.py set_build_dir);
    a test calling `main([... "--build-dir", tmp ...])` in-process must not move the next test's build root."""
    from saformer.contract.paths import BUILD_ENV

    old = os.environ.get(BUILD_ENV)
    yield
    if old is None:
        os.environ.pop(BUILD_ENV, None)
    else:
        os.environ[BUILD_ENV] = old


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory):
    """The shipped model's artifact: `make export`'s (build/artifact) if present, else the shipped checkpoint
    exported once into a temporary folder (a fresh clone has none)."""
    import subprocess

    from saformer.contract.artifact import load_artifact
    from saformer.golden.named_artifacts import trained_artifact_dir

    src = trained_artifact_dir()
    if src is None:
        src = tmp_path_factory.mktemp("export") / "artifact"
        subprocess.run([sys.executable, "-m", "saformer.cli", "export", "--out", str(src)], check=True)
    art = load_artifact(src)
    assert art.manifest.get("checkpoint"), f"{src}: not the shipped (trained) model's artifact"
    return art
