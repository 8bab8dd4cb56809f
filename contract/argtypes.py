# SPDX-License-Identifier: Apache-2.0
"""argparse types for numbers and lists on the command line (stdlib only): a bad value is an argparse error
(`saformer <cmd>: error: argument --lanes: ...`, exit 2), raised while parsing, before any long step."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def count(lo: int = 1, hi: int | None = None) -> Callable[[str], int]:
    """An integer in [lo, hi] (hi None: no upper bound)."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
        if v < lo or (hi is not None and v > hi):
            rng = f">= {lo}" if hi is None else f"in {lo}..{hi}"
            raise argparse.ArgumentTypeError(f"{v} is out of range: must be {rng}")
        return v

    parse.__name__ = "integer"  # argparse names the type in its message
    return parse


def int_list(lo: int = 1) -> Callable[[str], list[int]]:
    """A comma-separated list of integers >= lo ('' is the empty list), sorted, without duplicates."""
    one = count(lo)

    def parse(text: str) -> list[int]:
        try:
            return sorted({one(x.strip()) for x in text.split(",") if x.strip()})
        except argparse.ArgumentTypeError as e:
            where = f" in '{text}'" if "," in text else ""
            raise argparse.ArgumentTypeError(f"{e}{where} (give comma-separated integers, e.g. 1,2,4)") from None

    parse.__name__ = "list of integers"
    return parse


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} must be a positive number")
    return v
