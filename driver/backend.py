# SPDX-License-Identifier: Apache-2.0
"""What `SasaEngine` needs from a backend (a board or a simulator): registers and the three streams."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from saformer.contract.errors import SaformerError


class EngineError(SaformerError):
    """The engine reported an error flag (STATUS) or refused a request."""


class EngineTimeout(EngineError):
    """ap_done (or a stream transfer) did not complete in time."""


class Backend(Protocol):
    def read(self, offset: int) -> int:
        """32-bit AXI-Lite read of the engine's register at byte `offset`."""

    def write(self, offset: int, value: int) -> None:
        """32-bit AXI-Lite write."""

    def send_weights(self, words: np.ndarray) -> None:
        """Send the weight-load stream (uint32 words, TLAST on the last) and wait until it is taken."""

    def transfer_images(self, words: list[np.ndarray], beats: int, timeout_s: float) -> list[list[int]]:
        """Stream each image's spike words (one transfer each, TLAST on its last word) and receive `beats`
        output beats per image (Python ints, P x 16-bit lanes); raise EngineTimeout after `timeout_s`."""

    def now(self) -> float:
        """Seconds (wall clock on a board, simulated time in a simulator)."""

    def pause(self) -> None:
        """Let some time pass between polls."""
