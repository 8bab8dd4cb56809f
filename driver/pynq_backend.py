"""Board backend: `pynq.Overlay` + `pynq.allocate` + the two AXI DMAs of the block design (hw/vivado.py).

Imported only on a board (it imports pynq). The IP instance names come from contract/names.py, the same
module hw/vivado.py writes into the block design. Not testable without a board (tests/test_driver.py has a
`board`-marked test). Simple-mode DMA: one MM2S transfer per image (the DMA raises TLAST at the end of each
transfer, which is where the spike stream needs it) and one S2MM transfer per image (it ends at TLAST).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.names import DMA_SPIKES, DMA_WEIGHTS, ENGINE
from saformer.driver.backend import EngineError, EngineTimeout


class PynqBackend:
    def __init__(self, bitfile: str | Path, cfg: SAFormerConfig, download: bool = True) -> None:
        import pynq  # only here: the board image has it, the development machine does not

        self._pynq = pynq
        self.overlay = pynq.Overlay(str(bitfile), download=download)
        ip = self.overlay.ip_dict[ENGINE]
        self.mmio = pynq.MMIO(ip["phys_addr"], ip["addr_range"])
        self.dma_s = getattr(self.overlay, DMA_SPIKES)
        self.dma_w = getattr(self.overlay, DMA_WEIGHTS)
        self.cfg = cfg
        self.lanes = cfg.lanes
        self.word_dtype = np.uint32 if cfg.stream_bits == 32 else np.uint64
        if itf.LANE_BITS != 16:
            raise EngineError(f"the receive buffer holds 16-bit lanes; contract/interface.py LANE_BITS is "
                              f"{itf.LANE_BITS}")

    def read(self, offset: int) -> int:
        return int(self.mmio.read(offset))

    def write(self, offset: int, value: int) -> None:
        self.mmio.write(offset, int(value))

    def send_weights(self, words: np.ndarray) -> None:
        buf = self._pynq.allocate(shape=(len(words),), dtype=np.uint32)
        try:
            buf[:] = words
            buf.flush()
            self.dma_w.sendchannel.transfer(buf)
            self.dma_w.sendchannel.wait()
        finally:
            buf.freebuffer()

    def _wait_idle(self, channel, deadline: float, what: str) -> None:
        while not channel.idle:
            if time.monotonic() > deadline:
                raise EngineTimeout(f"DMA {what} did not complete in time")
            time.sleep(20e-6)

    @staticmethod
    def _received_bytes(channel) -> int:
        """Bytes the S2MM channel actually wrote in its last transfer (it stops at TLAST): PYNQ's
        `transferred` where it has it, else the channel's LENGTH register (S2MM_LENGTH, offset 0x28 from
        the channel's registers), which the DMA rewrites with the received count."""
        n = getattr(channel, "transferred", None)
        if n is None:
            n = channel._mmio.read(channel._offset + 0x28)
        return int(n)

    def transfer_images(self, words: list[np.ndarray], beats: int, timeout_s: float) -> list[list[int]]:
        deadline = time.monotonic() + timeout_s
        n_words = len(words[0])
        inbuf = self._pynq.allocate(shape=(n_words,), dtype=self.word_dtype)
        outbuf = self._pynq.allocate(shape=(beats, self.lanes), dtype=np.uint16)  # lane i at bits 16i..
        out: list[list[int]] = []
        try:
            for w in words:
                inbuf[:] = np.asarray(w, dtype=self.word_dtype)
                inbuf.flush()
                self.dma_s.recvchannel.transfer(outbuf)
                self.dma_s.sendchannel.transfer(inbuf)
                self._wait_idle(self.dma_s.sendchannel, deadline, "MM2S (spikes)")
                self._wait_idle(self.dma_s.recvchannel, deadline, "S2MM (increments)")
                want = beats * self.lanes * (itf.LANE_BITS // 8)
                got = self._received_bytes(self.dma_s.recvchannel)
                if got != want:
                    raise EngineError(f"image {len(out)}: the engine sent {got} bytes before TLAST, expected "
                                      f"{want} ({beats} beats x {self.lanes} lanes x {itf.LANE_BITS // 8} bytes)")
                outbuf.invalidate()
                out.append([int.from_bytes(row.tobytes(), "little") for row in outbuf])
        finally:
            inbuf.freebuffer()
            outbuf.freebuffer()
        return out

    def now(self) -> float:
        return time.monotonic()

    def pause(self) -> None:
        time.sleep(20e-6)
