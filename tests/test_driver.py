# SPDX-License-Identifier: Apache-2.0
"""The PYNQ driver (driver/) on the simulation backend: the generated engine in Verilator under cocotb,
driven synchronously through cocotb.bridge/resume. The trained model's real SASA inputs go through
`SasaEngine` and come back bit-exact against golden.reference.sasa; error flags and timeouts raise.
The artifact is exported from the shipped checkpoint into tmp_path when build/artifact is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from saformer.contract import interface as itf
from saformer.contract.artifact import load_artifact
from saformer.contract.cycles import active_formula, cycle_formula
from saformer.driver import EngineError, EngineTimeout, SasaEngine
from saformer.golden import reference as ref

REPO = Path(__file__).resolve().parents[1]
IMAGES = 6


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = REPO / "build" / "artifact"
    if (built / "manifest.json").is_file():
        return built
    from saformer.golden.train import cli_export

    out = tmp_path_factory.mktemp("art") / "artifact"
    assert cli_export(["--out", str(out)]) == 0
    return out


def test_real_vectors_bit_exact_through_driver(artifact: Path, tmp_path: Path) -> None:
    from saformer.driver.sim import simulate

    art = load_artifact(artifact)
    s = art.vectors["real"]["s"][:IMAGES]
    p = art.sasa_params(0)
    art_dir = str(artifact)

    def session(eng: SasaEngine):
        eng.load_artifact(art_dir)
        first = eng.run(s[:2])
        st1 = eng.last_run
        rest = eng.run(s[2:])  # a second batch on the same weights
        one = eng.run(s[0])  # a single (T, N, D) image
        return np.concatenate([first, rest]), st1, eng.last_run, one, eng.status()

    inc, st1, st2, one, status = simulate(session, art.cfg, tmp_path / "job", source=art_dir)
    want = ref.sasa(s, p, art.cfg)["inc"]
    assert inc.shape == want.shape and np.array_equal(inc, want)
    assert np.array_equal(one, want[0])
    y = ref.sasa(s, p, art.cfg)["y"]
    formula = [active_formula(art.cfg, s[i], y[i]) for i in range(IMAGES)]
    latency = [cycle_formula(art.cfg, s[i], y[i]) for i in range(IMAGES)]
    assert st1.images == 2 and st1.cycles_active == sum(formula[:2])
    assert st2.images == 1 and st2.cycles_active == formula[0]
    assert st1.cycles_total >= sum(latency[:2]) + 2 and st1.status == 0
    assert status["errors"] == [] and status["config_hash"] == art.cfg.hash32


def test_error_flags_and_timeout_raise(artifact: Path, tmp_path: Path) -> None:
    from saformer.driver.sim import simulate

    art = load_artifact(artifact)
    s = art.vectors["real"]["s"][:1]
    p = art.sasa_params(0)

    def session(eng: SasaEngine):
        eng.load_weights(p)
        eng.backend.stall_output(True)
        eng.run(s, timeout_s=20e-6)  # 2000 cycles with the output never taken: EngineTimeout

    with pytest.raises(EngineTimeout, match="no complete output frame"):
        simulate(session, art.cfg, tmp_path / "job", source=str(artifact))

    def flags(eng: SasaEngine):
        out = {}
        try:
            eng.run(s)
        except EngineError as e:
            out["unloaded"] = str(e)
        bad = itf.weight_stream(eng.cfg, p)
        bad[2] ^= 1
        eng.backend.send_weights(np.asarray(bad, dtype=np.uint32))
        try:
            eng.run(s)
        except EngineError as e:
            out["bad_header"] = str(e)
        eng.load_weights(p)
        out["ok"] = eng.run(s)
        return out

    out = simulate(flags, art.cfg, tmp_path / "job2", source=str(artifact))
    assert "weights not loaded" in out["unloaded"]
    assert "weight header mismatch" in out["bad_header"]
    assert np.array_equal(out["ok"], ref.sasa(s, p, art.cfg)["inc"][0:1])


def test_register_offsets_come_from_golden() -> None:
    """The driver holds no offsets of its own: every name it uses is in saformer.contract.interface.registers."""
    import inspect
    import re

    import saformer.driver.sasa as mod

    cfg = load_artifact(REPO / "build" / "artifact").cfg if (REPO / "build/artifact/manifest.json").is_file() \
        else __import__("saformer.contract.config", fromlist=["DEFAULT"]).DEFAULT
    names = {r.name for r in itf.registers(cfg)}
    used = set(re.findall(r'read\("([A-Z_]+)"\)|write\("([A-Z_]+)"', inspect.getsource(mod)))
    used = {u for pair in used for u in pair if u}
    assert used and used <= names
    assert not re.search(r"0x[0-9a-fA-F]{2}\b", inspect.getsource(mod).split("class SasaEngine")[1])


@pytest.mark.board
@pytest.mark.skipif(shutil.which("xclbinutil") is None and not Path("/home/xilinx").is_dir(),
                    reason="needs a PYNQ board (pynq, the overlay built by `make bitstream`)")
def test_on_board(artifact: Path) -> None:  # pragma: no cover - needs a board
    eng = SasaEngine.pynq(REPO / "build/package/pynq-z2/overlay/sasa.bit", artifact)
    res = eng.run_artifact_vectors(artifact, "real", limit=16)
    assert res.mismatches == 0, res.first


def test_pynq_backend_checks_received_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The board backend compares the S2MM byte count with beats x P x 2 and raises on a short frame
    (a stand-in `pynq` module: no board needed)."""
    import sys
    import types

    import numpy as np
    from saformer.contract.configs import NAMED
    from saformer.contract.names import DMA_SPIKES, DMA_WEIGHTS, ENGINE
    from saformer.driver.pynq_backend import PynqBackend
    from saformer.driver.sasa import EngineError

    class Buf(np.ndarray):
        def flush(self) -> None: ...
        def invalidate(self) -> None: ...
        def freebuffer(self) -> None: ...

    class Chan:
        idle = True
        transferred = 0
        _offset = 0  # the channel's registers: DMASR (+0x04) reads idle, no error
        _mmio = types.SimpleNamespace(read=lambda off: 0x2)

        def transfer(self, buf) -> None:
            self.buf = buf

        def wait(self) -> None: ...

    class Dma:
        def __init__(self) -> None:
            self.sendchannel, self.recvchannel = Chan(), Chan()

    class Overlay:
        def __init__(self, *a, **kw) -> None:
            self.ip_dict = {ENGINE: {"phys_addr": 0, "addr_range": 0x1000}}
            setattr(self, DMA_SPIKES, Dma())
            setattr(self, DMA_WEIGHTS, Dma())

    fake = types.SimpleNamespace(Overlay=Overlay, MMIO=lambda *a: None,
                                 allocate=lambda shape, dtype: np.zeros(shape, dtype).view(Buf))
    monkeypatch.setitem(sys.modules, "pynq", fake)
    cfg = NAMED["t1"]
    be = PynqBackend("x.bit", cfg)
    G = -(-cfg.D // cfg.lanes)
    beats = cfg.T * cfg.N * G
    words = [np.zeros(cfg.T * cfg.N, dtype=np.uint64)]
    be.dma_s.recvchannel.transferred = beats * cfg.lanes * 2
    assert len(be.transfer_images(words, beats, 1.0)[0]) == beats
    be.dma_s.recvchannel.transferred = (beats - 1) * cfg.lanes * 2
    with pytest.raises(EngineError, match="bytes before TLAST"):
        be.transfer_images(words, beats, 1.0)
