# SPDX-License-Identifier: Apache-2.0
"""A fake `pynq` (tests/test_pynq.py): just enough of Overlay, DefaultIP, MMIO, allocate and the AXI DMA channels
to run the board driver off the board. The "engine" behind it answers each image's spike words with the
increments the artifact in ./artifact expects (its reference), so a driver that moves words wrongly fails.

Behaviour switches (environment): FAKE_PYNQ_DMA_HALT=1 halts the spike MM2S channel on its first transfer;
FAKE_PYNQ_DMA_ERROR=<bit> sets that DMASR error bit instead."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

_ip_drivers: dict[str, type] = {}
BASE = {"engine": 0x43C0_0000, "dma_spikes": 0x4040_0000, "dma_weights": 0x4041_0000, "intc": 0x4180_0000}


class DefaultIP:
    """pynq.DefaultIP: a subclass with `bindto` becomes the driver of those VLNVs."""

    bindto: list[str] = []

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        for vlnv in cls.__dict__.get("bindto", []):
            _ip_drivers[vlnv] = cls

    def __init__(self, description: dict[str, Any]) -> None:
        self.description = description
        self.mmio = MMIO(description["phys_addr"], description["addr_range"])


class MMIO:
    def __init__(self, base: int, length: int) -> None:
        self.base, self.length = base, length

    def read(self, offset: int = 0, length: int = 4) -> int:
        assert 0 <= offset < self.length and offset % 4 == 0
        return _ENGINE.read(self.base, offset)

    def write(self, offset: int, value: int) -> None:
        assert 0 <= offset < self.length and offset % 4 == 0
        _ENGINE.write(self.base, offset, int(value))


class PynqBuffer(np.ndarray):
    def flush(self) -> None:
        pass

    def invalidate(self) -> None:
        pass

    def freebuffer(self) -> None:
        pass


def allocate(shape: Any, dtype: Any = np.uint32, **kw: Any) -> PynqBuffer:
    return np.zeros(shape, dtype=dtype).view(PynqBuffer)


class _Engine:
    """The engine model: registers of contract/interface.py and, per image, the artifact's expected beats."""

    def __init__(self) -> None:
        self.ready = False

    def setup(self) -> None:
        if self.ready:
            return
        from saformer.contract import interface as itf
        from saformer.contract.artifact import load_artifact

        art = load_artifact(Path.cwd() / "artifact")
        self.itf, self.cfg = itf, art.cfg
        self.off = {r.offset: r.name for r in itf.registers(art.cfg)}
        self.table: dict[bytes, list[int]] = {}
        for vs in art.vectors.values():
            for s, inc in zip(vs["s"], vs["inc"]):
                self.table[itf.pack_spikes(s).tobytes()] = itf.pack_increments(inc, art.cfg.lanes)
        self.loaded = False
        self.images = self.done = 0
        self.running = False
        self.done_flag = False
        self.ready = True

    def read(self, base: int, off: int) -> int:
        self.setup()
        if base != BASE["engine"]:
            return 0
        name = self.off[off]
        if name == "CTRL":
            if self.running and self.done >= max(self.images, 1):
                self.running, self.done_flag = False, True
            v = (1 << 2) if not self.running else 1  # ap_idle, or ap_start while running
            if self.done_flag:
                v |= (1 << 1) | (1 << 3)
                self.done_flag = False  # clear on read
            return v
        if name == "STATUS":
            return 0 if self.loaded else 1
        if name == "CONFIG_HASH":
            return self.cfg.hash32
        if name in ("CYCLES_ACTIVE", "CYCLES_TOTAL"):
            return 1000 * self.done
        return 0

    def write(self, base: int, off: int, value: int) -> None:
        self.setup()
        name = self.off[off]
        if name == "IMAGES":
            self.images = value
        elif name == "CTRL" and value & 1 and self.loaded and not self.running:
            self.running, self.done = True, 0


_ENGINE = _Engine()


class _ChannelMMIO:
    def __init__(self, ch: _Channel) -> None:
        self.ch = ch

    def read(self, offset: int) -> int:
        if offset == self.ch._offset + 0x04:
            return self.ch.dmasr
        if offset == self.ch._offset + 0x28:
            return self.ch.received
        return 0


class _Channel:
    def __init__(self, dma: _DMA, kind: str, offset: int) -> None:
        self.dma, self.kind, self._offset = dma, kind, offset
        self._mmio = _ChannelMMIO(self)
        self.dmasr = 0x2  # idle
        self.received = 0
        self.target: PynqBuffer | None = None

    @property
    def idle(self) -> bool:
        return bool(self.dmasr & 0x2)

    def transfer(self, buf: PynqBuffer) -> None:
        _ENGINE.setup()
        if self.kind == "s2mm":
            self.target = buf
            self.dmasr = 0x0  # busy until the engine sends TLAST
            return
        if self.dma.name == "dma_weights":
            words = [int(w) for w in buf]
            itf = _ENGINE.itf
            _ENGINE.loaded = words[:3] == [itf.WEIGHT_MAGIC, itf.WEIGHT_FORMAT_VERSION, _ENGINE.cfg.hash32]
            return
        if os.environ.get("FAKE_PYNQ_DMA_HALT"):
            self.dmasr = 0x1  # halted, not idle
            return
        if os.environ.get("FAKE_PYNQ_DMA_ERROR"):
            self.dmasr = 0x1 | (1 << int(os.environ["FAKE_PYNQ_DMA_ERROR"]))
            return
        beats = _ENGINE.table[np.asarray(buf, dtype=np.uint64).tobytes()]  # KeyError: words the artifact lacks
        rx = self.dma.recvchannel
        assert rx.target is not None, "S2MM must be armed before MM2S starts"
        lanes = _ENGINE.cfg.lanes
        rows = np.array([[(b >> (16 * i)) & 0xFFFF for i in range(lanes)] for b in beats], dtype=np.uint16)
        rx.target[:len(rows)] = rows
        rx.received = rows.size * 2
        rx.dmasr = 0x2
        _ENGINE.done += 1

    def wait(self) -> None:
        assert self.idle


class _DMA:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sendchannel = _Channel(self, "mm2s", 0x00)
        self.recvchannel = _Channel(self, "s2mm", 0x30)


class Overlay:
    def __init__(self, bitfile: str, download: bool = True) -> None:
        from saformer.contract.names import DMA_SPIKES, DMA_WEIGHTS, ENGINE, ENGINE_VLNV, INTC

        bit = Path(bitfile)
        if not bit.is_file() or not bit.with_suffix(".hwh").is_file():
            raise OSError(f"fake pynq: {bit} and its .hwh must exist")
        self.ip_dict = {
            ENGINE: {"type": ENGINE_VLNV, "phys_addr": BASE["engine"], "addr_range": 0x1000,
                     "interrupts": {"interrupt": {"controller": INTC, "index": 3}}},
            DMA_SPIKES: {"type": "xilinx.com:ip:axi_dma:7.1", "phys_addr": BASE["dma_spikes"], "addr_range": 0x10000},
            DMA_WEIGHTS: {"type": "xilinx.com:ip:axi_dma:7.1", "phys_addr": BASE["dma_weights"],
                          "addr_range": 0x10000},
            INTC: {"type": "xilinx.com:ip:axi_intc:4.1", "phys_addr": BASE["intc"], "addr_range": 0x10000},
        }
        self._dmas = {DMA_SPIKES: _DMA(DMA_SPIKES), DMA_WEIGHTS: _DMA(DMA_WEIGHTS)}
        self._ips: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self.ip_dict:
            raise AttributeError(name)
        if name in self._dmas:
            return self._dmas[name]
        if name not in self._ips:
            desc = self.ip_dict[name]
            self._ips[name] = _ip_drivers.get(desc["type"], DefaultIP)(description=desc)
        return self._ips[name]
