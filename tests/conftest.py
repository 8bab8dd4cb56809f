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
