# SPDX-License-Identifier: Apache-2.0
"""Shared pytest fixtures. Tests write only to tmp_path or per-case build folders (xdist-safe)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
