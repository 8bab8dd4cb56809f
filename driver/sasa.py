# SPDX-License-Identifier: Apache-2.0
"""`SasaEngine`: the synchronous driver of the SASA engine, the same on a PYNQ board and on the simulator.

    eng = SasaEngine.pynq("overlay/sasa.bit", "artifact")      # on the board (driver/pynq_backend.py, pynq_ip.py)
    eng.load_artifact("artifact")                               # weight-load stream, header checked
    inc = eng.run(spikes)                                       # (B, T, N, D) spikes -> (B, T, N, D) increments
    eng.last_run.cycles_active, eng.status()

Everything about the interface comes from `saformer.contract.interface` (the source of docs/interface.md): register
offsets (`registers(cfg)`, looked up by name, never retyped), the weight-load stream (`weight_stream`), the
spike words (`pack_spikes`) and the output beats (`unpack_increments`). A run follows Vitis `ap_ctrl_hs`:
IMAGES = batch size, CTRL.ap_start, stream the images (one DMA transfer per image: each ends with TLAST),
poll CTRL.ap_done, then read STATUS and the cycle counters.

A backend moves the words (`driver/backend.py: Backend`): `PynqBackend` (pynq.Overlay, pynq.allocate, AXI
DMA channels; imported only when used) or `CocotbBackend` (the generated engine in Verilator under cocotb,
driven from a thread through cocotb.bridge / cocotb.resume: `driver/sim.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig
from saformer.driver.backend import EngineError, EngineTimeout

# CTRL bits as masks; STATUS flags by name (contract/interface.py: CTRL_BITS, STATUS_BITS, STATUS_DOC)
CTRL_START, CTRL_DONE, CTRL_IDLE, CTRL_READY = (1 << itf.CTRL_BITS[k] for k in ("ap_start", "ap_done", "ap_idle",
                                                                               "ap_ready"))


@dataclass
class RunStats:
    images: int
    cycles_active: int  # CYCLES_ACTIVE: cycles the engine did work in the run (stalls excluded)
    cycles_total: int  # CYCLES_TOTAL: cycles from ap_start to ap_done
    status: int


@dataclass
class VectorCheck:
    vector_set: str
    images: int
    mismatches: int  # output words differing from the artifact's expected increments
    first: str | None
    cycles_active: int
    cycles_total: int


def decode_status(st: int) -> list[str]:
    """The meaning (contract/interface.py STATUS_DOC) of every STATUS flag set in `st`."""
    return [f"{name}: {itf.STATUS_DOC[name]}" for name in itf.status_flags(st)]


class SasaEngine:
    """Synchronous driver: load weights, run batches of images, read outputs, counters and STATUS."""

    def __init__(self, backend, cfg: SAFormerConfig, clock_hz: float = 100e6) -> None:
        self.backend = backend
        self.cfg = cfg
        self.clock_hz = clock_hz
        self.offsets = {r.name: r.offset for r in itf.registers(cfg)}
        self.G = itf.groups(cfg)
        self.last_run: RunStats | None = None

    # ------------------------------------------------------------------ construction helpers
    @classmethod
    def pynq(cls, bitfile, artifact: str | Path, load: bool = True) -> SasaEngine:
        """On a PYNQ board: download `bitfile` (with its .hwh beside it; or pass a loaded `pynq.Overlay`) and, by
        default, load the artifact's weights."""
        from saformer.contract.artifact import load_artifact
        from saformer.driver.pynq_backend import PynqBackend

        art = load_artifact(artifact)
        eng = cls(PynqBackend(bitfile, art.cfg), art.cfg)
        if load:
            eng.load_artifact(art)
        return eng

    # ------------------------------------------------------------------ registers (by name)
    def read(self, name: str) -> int:
        return int(self.backend.read(self.offsets[name])) & 0xFFFF_FFFF

    def read64(self, name: str) -> int:
        """A 64-bit counter read as its two registers, `name` (bits 31..0) and `name`_HI (bits 63..32)."""
        return self.read(name) | (self.read(name + "_HI") << 32)

    def write(self, name: str, value: int) -> None:
        self.backend.write(self.offsets[name], int(value) & 0xFFFF_FFFF)

    def status(self) -> dict[str, object]:
        st = self.read("STATUS")
        ctrl = self.read("CTRL")  # note: reading CTRL clears ap_done/ap_ready (clear on read)
        return {"status": st, "errors": decode_status(st), "idle": bool(ctrl & CTRL_IDLE),
                "cycles_active": self.read64("CYCLES_ACTIVE"), "cycles_total": self.read64("CYCLES_TOTAL"),
                "config_hash": self.read("CONFIG_HASH")}

    def check_config(self) -> None:
        """The bitstream's CONFIG_HASH must be this driver's config (the one the artifact was exported for)."""
        hw = self.read("CONFIG_HASH")
        if hw != self.cfg.hash32:
            raise EngineError(f"engine CONFIG_HASH 0x{hw:08x} differs from the config 0x{self.cfg.hash32:08x}: "
                              "the bitstream was built for another configuration; rebuild it for this artifact")

    def _raise_on_errors(self, st: int, when: str, allow_unloaded: bool = False) -> None:
        errs = [f"{n}: {itf.STATUS_DOC[n]}" for n in itf.status_flags(st) if not (n == "not_loaded" and allow_unloaded)]
        if errs:
            raise EngineError(f"engine STATUS 0x{st:x} {when}: {'; '.join(errs)}")

    # ------------------------------------------------------------------ weights
    def load_weights(self, params: dict[str, np.ndarray]) -> None:
        """Send the SASA parameters (wq, bq, theta_q, ...) as the weight-load stream; raise on a flag."""
        self.check_config()
        words = itf.weight_stream(self.cfg, params)
        assert itf.WEIGHT_WORD_BITS == 32, "the weight buffer is uint32"
        self.backend.send_weights(np.asarray(words, dtype=np.uint32))
        st = self.read("STATUS")
        self._raise_on_errors(st, "after the weight load")

    def load_artifact(self, artifact) -> None:
        """Load an exported artifact's (directory or golden.artifact.Artifact) SASA parameters of block 0."""
        from saformer.contract.artifact import Artifact, load_artifact

        art = artifact if isinstance(artifact, Artifact) else load_artifact(artifact)
        if art.cfg != self.cfg:
            raise EngineError(f"artifact {art.path} has config {art.cfg.hash()[:12]}, the engine "
                              f"{self.cfg.hash()[:12]}")
        self.load_weights(art.sasa_params(0))

    # ------------------------------------------------------------------ runs
    def worst_cycles(self, images: int) -> int:
        """Cycles of `images` images with every spike on (the cycle formula's upper bound,
        sim.scoreboard.worst_cycles)."""
        from saformer.contract.cycles import worst_cycles

        return images * worst_cycles(self.cfg)

    def run(self, spikes: np.ndarray, timeout_s: float | None = None) -> np.ndarray:
        """Run a batch: spikes (B, T, N, D) (or one image (T, N, D)) {0,1} -> increments (B, T, N, D) int64.

        Raises EngineError on a STATUS flag (before or after the run) and EngineTimeout when ap_done does
        not come within `timeout_s` (default: 4x the worst-case cycle count at the clock, plus 10 ms)."""
        c = self.cfg
        s = np.asarray(spikes)
        single = s.ndim == 3
        if single:
            s = s[None]
        if s.ndim != 4 or s.shape[1:] != (c.T, c.N, c.D):
            raise EngineError(f"spikes must be (B, {c.T}, {c.N}, {c.D}) (B, T, N, D), got {s.shape}")
        if s.min(initial=0) < 0 or s.max(initial=0) > 1:
            raise EngineError("spikes must be 0 or 1")
        B = s.shape[0]
        if timeout_s is None:
            timeout_s = 0.01 + 4.0 * self.worst_cycles(B) / self.clock_hz
        self._raise_on_errors(self.read("STATUS"), "before the run (load the weights first)")
        self.write("IMAGES", B)
        self.write("CTRL", CTRL_START)
        # No image has been streamed yet, so the run cannot have finished: ap_start must read 1 (a leftover
        # ap_done of an earlier run proves nothing about this start).
        if not self.read("CTRL") & CTRL_START:
            raise EngineError("ap_start was refused (a weight load in progress or a run active?)")
        words = [itf.pack_spikes(img, c.stream_bits) for img in s]
        beats_per_image = c.T * c.N * self.G
        t0 = self.backend.now()
        beats = self.backend.transfer_images(words, beats_per_image, timeout_s)
        while not self.read("CTRL") & CTRL_DONE:
            if self.backend.now() - t0 > timeout_s:
                raise EngineTimeout(f"ap_done did not rise within {timeout_s:.6f} s ({B} images); "
                                    f"STATUS 0x{self.read('STATUS'):x}")
            self.backend.pause()
        st = self.read("STATUS")
        self.last_run = RunStats(B, self.read64("CYCLES_ACTIVE"), self.read64("CYCLES_TOTAL"), st)
        self._raise_on_errors(st, "after the run")
        out = np.stack([itf.unpack_increments(b, c.T, c.N, c.D, c.lanes) for b in beats])
        return out[0] if single else out

    def run_artifact_vectors(self, artifact, vector_set: str = "real", limit: int | None = None) -> VectorCheck:
        """Load the artifact's weights, run `limit` images of one of its vector sets and compare with its
        expected increments (the integer reference's, exported with the artifact)."""
        from saformer.contract.artifact import Artifact, load_artifact

        art = artifact if isinstance(artifact, Artifact) else load_artifact(artifact)
        if vector_set not in art.vectors:
            raise EngineError(f"artifact {art.path} has no vector set '{vector_set}' (it has "
                              f"{', '.join(sorted(art.vectors)) or 'none'})")
        vs = art.vectors[vector_set]
        n = vs["s"].shape[0] if limit is None else min(limit, vs["s"].shape[0])
        self.load_weights({k: vs[k] for k in itf.WEIGHT_ORDER} if "wq" in vs else art.sasa_params(0))
        got = self.run(vs["s"][:n])
        want = vs["inc"][:n].astype(np.int64)
        bad = np.argwhere(got != want)
        first = None
        if len(bad):
            i, t, nn, ch = (int(x) for x in bad[0])
            first = f"image {i}, t={t}, n={nn}, channel={ch}: got {got[i, t, nn, ch]}, expected {want[i, t, nn, ch]}"
        lr = self.last_run
        return VectorCheck(vector_set, n, len(bad), first, lr.cycles_active, lr.cycles_total)
