# SPDX-License-Identifier: Apache-2.0
"""Board backend: `pynq.Overlay` + `pynq.allocate` + the two AXI DMAs of the block design (hw/vivado.py).

pynq is imported only when a backend is made (the board image has it, the development machine does not);
tests/test_pynq.py runs this code against a fake `pynq` module. The IP instance names come from
contract/names.py, the same module hw/vivado.py writes into the block design. Simple-mode DMA: one MM2S
transfer per image (the DMA raises TLAST at the end of each transfer, which is where the spike stream needs it)
and one S2MM transfer per image (it ends at TLAST). Every wait reads the channel's status register (DMASR): an
error bit or a halted channel is an EngineError at once, not a timeout.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.names import DMA_SPIKES, DMA_WEIGHTS, ENGINE, NET_ENGINE
from saformer.driver.backend import EngineError, EngineTimeout

# AXI DMA (PG021) channel status register DMASR, at +0x04 from the channel's control register
DMASR = 0x04
DMASR_HALTED = 1 << 0
DMASR_IDLE = 1 << 1
DMASR_ERRORS = {4: "DMAIntErr (internal error: e.g. a zero-length transfer or TLAST before the buffer end)",
                5: "DMASlvErr (slave error on the memory bus)", 6: "DMADecErr (decode error: bad address)"}


def dma_errors(dmasr: int) -> list[str]:
    """The error bits set in a DMASR value, by name (PG021)."""
    return [name for bit, name in DMASR_ERRORS.items() if dmasr >> bit & 1]


def check_dma(dmasr: int, what: str) -> bool:
    """True when the channel is idle (done); EngineError when it reports an error or is halted while busy."""
    errs = dma_errors(dmasr)
    if errs:
        raise EngineError(f"DMA {what} stopped with an error (DMASR 0x{dmasr:08x}): {'; '.join(errs)}; "
                          "reset the DMA (reload the overlay)")
    if dmasr & DMASR_IDLE:
        return True
    if dmasr & DMASR_HALTED:
        raise EngineError(f"DMA {what} is halted (DMASR 0x{dmasr:08x}) with its transfer unfinished; reload the "
                          "overlay")
    return False


def import_pynq():
    try:
        import pynq
    except ImportError:
        raise EngineError("pynq is not installed: the board backend runs on a PYNQ board image") from None
    return pynq


class PynqBackend:
    ENGINE = ENGINE  # the IP instance whose s_axil is the register file (contract/names.py)

    def __init__(self, bitfile, cfg: SAFormerConfig, download: bool = True) -> None:
        """`bitfile`: the overlay's .bit (its .hwh beside it), or an already loaded `pynq.Overlay`."""
        pynq = import_pynq()
        self._pynq = pynq
        if isinstance(bitfile, (str, Path)):
            self.overlay = pynq.Overlay(str(bitfile), download=download)
        else:
            self.overlay = bitfile
        ip = self.overlay.ip_dict[self.ENGINE]
        self.mmio = pynq.MMIO(ip["phys_addr"], ip["addr_range"])
        self.dma_s = getattr(self.overlay, DMA_SPIKES)
        self.dma_w = getattr(self.overlay, DMA_WEIGHTS)
        self.cfg = cfg
        self.lanes = cfg.lanes
        self.word_dtype = np.uint32 if cfg.stream_bits == 32 else np.uint64
        self._setup(cfg)

    def _setup(self, cfg: SAFormerConfig) -> None:
        self.out_dtype, self.out_cols = np.uint16, self.lanes  # one beat: `lanes` 16-bit lanes
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
            self._wait_idle(self.dma_w.sendchannel, time.monotonic() + 5.0, "MM2S (weights)")
        finally:
            buf.freebuffer()

    @staticmethod
    def _dmasr(channel) -> int:
        return int(channel._mmio.read(channel._offset + DMASR))

    def _wait_idle(self, channel, deadline: float, what: str) -> None:
        while not check_dma(self._dmasr(channel), what):
            if time.monotonic() > deadline:
                raise EngineTimeout(f"DMA {what} did not complete in time (DMASR 0x{self._dmasr(channel):08x})")
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
        outbuf = self._pynq.allocate(shape=(beats, self.out_cols), dtype=self.out_dtype)  # lane i at bits 16i..
        out: list[list[int]] = []
        try:
            for w in words:
                inbuf[:] = np.asarray(w, dtype=self.word_dtype)
                inbuf.flush()
                self.dma_s.recvchannel.transfer(outbuf)
                self.dma_s.sendchannel.transfer(inbuf)
                self._wait_idle(self.dma_s.sendchannel, deadline, "MM2S (spikes)")
                self._wait_idle(self.dma_s.recvchannel, deadline, "S2MM (increments)")
                want = beats * self.out_cols * np.dtype(self.out_dtype).itemsize
                got = self._received_bytes(self.dma_s.recvchannel)
                if got != want:
                    raise EngineError(f"image {len(out)}: the engine sent {got} bytes before TLAST, expected "
                                      f"{want} ({beats} beats x {self.out_cols} x "
                                      f"{np.dtype(self.out_dtype).itemsize} bytes)")
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


class NetPynqBackend(PynqBackend):
    """The network accelerator's overlay (hw/vivado.py, contract/names.py NET_*): the same two DMAs, pixel
    beats of img x 8 bits in (one transfer per image), n_classes + 1 32-bit result beats out."""

    ENGINE = NET_ENGINE

    def _setup(self, cfg: SAFormerConfig) -> None:
        pxw = itf.pixel_beat_bits(cfg)
        if pxw not in (32, 64):
            raise EngineError(f"pixel beats of {pxw} bits: the DMA buffer holds 32- or 64-bit words (img 4 or 8)")
        self.word_dtype = np.uint32 if pxw == 32 else np.uint64
        self.out_dtype, self.out_cols = np.uint32, 1  # one 32-bit result beat per row
