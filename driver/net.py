# SPDX-License-Identifier: Apache-2.0
"""`NetAccel`: the synchronous driver of the whole-network accelerator (hw/rtl/net_accel.v), the same on a
PYNQ board and on the simulator.

    acc = NetAccel.pynq("overlay/net.bit", "artifact")       # on the board (driver/pynq_backend.py)
    acc.load_artifact("artifact")                              # network weight stream, header checked
    classes, logits = acc.classify(images)                     # (B, in_ch, img, img) pixels -> (B,), (B, n_classes)
    acc.last_run.cycles_total, acc.module_cycles()

Everything about the interface comes from `saformer.contract`: register offsets by name from the network's
register table (`regmap.net_registers`), the weight stream (`interface.net_weight_stream`), the pixel beats
(`pack_pixels`) and the result beats (`unpack_net_output`). A run follows Vitis `ap_ctrl_hs`: IMAGES = batch
size, CTRL.ap_start, stream the images (one transfer per image, TLAST on its last beat), receive the result
frames, poll CTRL.ap_done (it rises after the last result beat left the accelerator), read STATUS.
A backend (`driver/backend.py: Backend`) moves the words: the board's DMA backend or the simulator's
(`driver/sim.py: simulate_net`, the accelerator in Verilator under cocotb).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.contract.cycles import network_modules
from saformer.contract.regmap import NET_STATUS_BITS, NET_STATUS_DOC, module_reg, net_registers
from saformer.driver.backend import EngineError, EngineTimeout
from saformer.driver.sasa import CTRL_DONE, CTRL_START


@dataclass
class NetRunStats:
    images: int
    images_done: int  # IMAGES_DONE
    cycles_total: int  # CYCLES_TOTAL: cycles from ap_start to ap_done
    status: int


class NetAccel:
    """Load the network's weights, classify batches of images, read the counters."""

    def __init__(self, backend, cfg: SAFormerConfig, clock_hz: float = 100e6) -> None:
        self.backend = backend
        self.cfg = cfg
        self.clock_hz = clock_hz
        self.offsets = {r.name: r.offset for r in net_registers(cfg)}
        self.last_run: NetRunStats | None = None

    @classmethod
    def pynq(cls, bitfile, artifact: str | Path, load: bool = True) -> NetAccel:
        """On a PYNQ board: download `bitfile` (its .hwh beside it) and, by default, load the artifact."""
        from saformer.contract.artifact import load_artifact
        from saformer.driver.pynq_backend import NetPynqBackend

        art = load_artifact(artifact)
        acc = cls(NetPynqBackend(bitfile, art.cfg), art.cfg)
        if load:
            acc.load_artifact(art)
        return acc

    # ------------------------------------------------------------------ registers (by name)
    def read(self, name: str) -> int:
        return int(self.backend.read(self.offsets[name])) & 0xFFFF_FFFF

    def read64(self, name: str) -> int:
        return self.read(name) | (self.read(name + "_HI") << 32)

    def write(self, name: str, value: int) -> None:
        self.backend.write(self.offsets[name], int(value) & 0xFFFF_FFFF)

    def errors(self, st: int) -> list[str]:
        return [f"{n}: {NET_STATUS_DOC[n]}" for n, b in NET_STATUS_BITS.items() if st >> b & 1]

    def check_config(self) -> None:
        hw = self.read("CONFIG_HASH")
        if hw != self.cfg.hash32:
            raise EngineError(f"accelerator CONFIG_HASH 0x{hw:08x} differs from the config 0x{self.cfg.hash32:08x}: "
                              "the bitstream was built for another configuration")

    def module_cycles(self) -> dict[str, dict[str, int]]:
        """Every module's counters: active cycles of the last run, stalled cycles since reset."""
        return {m: {"active": self.read64(f"{module_reg(m)}_ACTIVE"), "stall": self.read64(f"{module_reg(m)}_STALL")}
                for m in network_modules(self.cfg)}

    # ------------------------------------------------------------------ weights
    def load_artifact(self, artifact) -> None:
        """Send an exported artifact's whole-network parameters as the network weight stream."""
        from saformer.contract.artifact import Artifact, load_artifact

        art = artifact if isinstance(artifact, Artifact) else load_artifact(artifact)
        if art.cfg != self.cfg:
            raise EngineError(f"artifact {art.path} has config {art.cfg.hash()[:12]}, the accelerator "
                              f"{self.cfg.hash()[:12]}")
        self.check_config()
        self.backend.send_weights(np.asarray(itf.net_weight_stream(self.cfg, art.params), dtype=np.uint32))
        for _ in range(1000):  # the loader finishes a few cycles after the last word
            st = self.read("STATUS")
            if st != 1 << NET_STATUS_BITS["not_loaded"]:
                break
            self.backend.pause()
        if st:
            raise EngineError(f"accelerator STATUS 0x{st:x} after the weight load: {'; '.join(self.errors(st))}")

    # ------------------------------------------------------------------ runs
    def classify(self, images: np.ndarray, timeout_s: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Classify a batch: pixels (B, in_ch, img, img) (or one image) integers 0..pixel_max ->
        (classes (B,), logits (B, n_classes)) as int64; the class is the accelerator's (argmax, ties low)."""
        c = self.cfg
        x = np.asarray(images)
        single = x.ndim == 3
        if single:
            x = x[None]
        if x.ndim != 4 or x.shape[1:] != (c.in_ch, c.img, c.img):
            raise EngineError(f"images must be (B, {c.in_ch}, {c.img}, {c.img}), got {x.shape}")
        B = x.shape[0]
        beats_in = [np.asarray(itf.pack_pixels(c, img), dtype=np.uint64) for img in x]  # refuses bad pixels
        if timeout_s is None:
            timeout_s = 1.0 + 2000.0 * B * c.T * c.N * c.D / self.clock_hz
        st = self.read("STATUS")
        if st:
            raise EngineError(f"accelerator STATUS 0x{st:x} before the run (load the weights first): "
                              f"{'; '.join(self.errors(st))}")
        self.write("IMAGES", B)
        self.write("CTRL", CTRL_START)
        if not self.read("CTRL") & CTRL_START:
            raise EngineError("ap_start was refused (weights not loaded, or a weight word waiting?)")
        t0 = self.backend.now()
        frames = self.backend.transfer_images(beats_in, itf.net_out_beats(c), timeout_s)
        while not self.read("CTRL") & CTRL_DONE:
            if self.backend.now() - t0 > timeout_s:
                raise EngineTimeout(f"ap_done did not rise within {timeout_s:.6f} s ({B} images)")
            self.backend.pause()
        st = self.read("STATUS")
        self.last_run = NetRunStats(B, self.read("IMAGES_DONE"), self.read64("CYCLES_TOTAL"), st)
        if st:
            raise EngineError(f"accelerator STATUS 0x{st:x} after the run: {'; '.join(self.errors(st))}")
        out = [itf.unpack_net_output(c, f) for f in frames]
        classes = np.array([k for _, k in out], dtype=np.int64)
        logits = np.stack([lg for lg, _ in out]).astype(np.int64)
        return (classes[0], logits[0]) if single else (classes, logits)
