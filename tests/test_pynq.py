# SPDX-License-Identifier: Apache-2.0
"""The board driver off the board: the package README's example runs as written against a fake `pynq`
(tests/fake_pynq), in a fresh interpreter that sees only the package folder (the `saformer` it ships: contract and
driver) and the fake; `Overlay(...).sasa_0` is the SasaIP bound by the packaged IP's VLNV; a halted or failing DMA
is an EngineError, not a timeout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from saformer.contract.errors import SaformerError
from saformer.driver.backend import EngineError
from saformer.driver.pynq_backend import DMASR_ERRORS, check_dma, dma_errors

ROOT = Path(__file__).resolve().parents[1]
FAKE = ROOT / "tests" / "fake_pynq"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from saformer.cli import main

    tmp = tmp_path_factory.mktemp("pkg")
    art = tmp / "art"  # the shipped model's export: the README runs its 'real' vectors
    assert main(["export", "--images", "8", "--out", str(art)]) == 0
    out = tmp / "package"
    assert main(["package", "--board", "pynq-z2", "--artifact", str(art), "--out", str(out)]) == 0
    (out / "overlay" / "sasa.bit").write_bytes(b"fake")  # the pair Overlay needs; no Vivado here
    (out / "overlay" / "sasa.hwh").write_bytes(b"fake")
    return out


def _readme_code(package: Path) -> str:
    (code,) = re.findall(r"```python\n(.*?)```", (package / "README.md").read_text(), flags=re.S)
    return code


def _run(package: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SAFORMER_BUILD_DIR")}
    return subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(FAKE)!r})\n" + code],
                          capture_output=True, text=True, cwd=package, env={**clean, **env}, check=False)


def test_readme_example_runs_as_written(package: Path) -> None:
    code = _readme_code(package)
    assert 'SasaEngine.pynq(ol, "artifact")' in code and "pynq_ip import SasaIP" in code
    probe = ("\nimport saformer, saformer.driver.pynq_ip as pi\n"
             "print('MISMATCHES', res.mismatches, 'IMAGES', res.images)\n"
             "print('IP', type(ol.sasa_0).__name__, type(ol.sasa_0).__mro__[1].__module__, ol.sasa_0.bindto)\n"
             "print('INC', inc.shape, bool((inc == load_artifact('artifact').vectors['real']['inc'][:2]).all()))\n"
             "print('FROM', saformer.__file__)\n")
    r = _run(package, code + probe)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "MISMATCHES 0 IMAGES 8" in out, out
    assert "IP SasaIP pynq ['saformer.org:user:sasa_engine:1.0']" in out, out
    assert "INC (2, 4, 16, 32) True" in out, out
    assert f"FROM {package / 'saformer' / '__init__.py'}" in out  # the package's own copy, not the checkout


@pytest.mark.parametrize(("env", "msg"), [({"FAKE_PYNQ_DMA_HALT": "1"}, "is halted"),
                                          ({"FAKE_PYNQ_DMA_ERROR": "5"}, "DMASlvErr")])
def test_halted_or_failing_dma_is_an_error_not_a_timeout(package: Path, env: dict[str, str], msg: str) -> None:
    code = ("from pynq import Overlay\nfrom saformer.driver import SasaEngine\n"
            "from saformer.driver.pynq_ip import SasaIP\n"
            "eng = SasaEngine.pynq(Overlay('overlay/sasa.bit'), 'artifact')\n"
            "try:\n    eng.run_artifact_vectors('artifact', 'real', limit=1)\n"
            "except Exception as e:\n    print('RAISED', type(e).__name__, e)\n")
    r = _run(package, code, **env)
    assert r.returncode == 0, r.stderr
    assert "RAISED EngineError DMA MM2S (spikes)" in r.stdout and msg in r.stdout, r.stdout


def test_dma_status_decoding() -> None:
    assert check_dma(0x2, "x") is True and check_dma(0x0, "x") is False
    for bit, name in DMASR_ERRORS.items():
        assert dma_errors(1 << bit) == [name]
        with pytest.raises(EngineError, match=name.split()[0]):
            check_dma((1 << bit) | 0x2, "x")
    with pytest.raises(EngineError, match="halted"):
        check_dma(0x1, "x")
    assert issubclass(EngineError, SaformerError)


def test_ip_driver_binds_the_packaged_vlnv() -> None:
    """`define` against a stand-in DefaultIP: the class is bound to hw/vivado.py's VLNV, and it is not defined
    at all where pynq does not import."""
    import saformer.driver.pynq_ip as pi
    from saformer.contract.names import ENGINE_VLNV, IP_NAME
    from saformer.hw import vivado
    from saformer.hw.generate import TOP

    assert pi.SasaIP is None  # no pynq here
    assert ENGINE_VLNV == f"{vivado.IP_VENDOR}:{vivado.IP_LIBRARY}:{TOP}:{vivado.IP_VERSION}" and IP_NAME == TOP

    class Base:
        def __init__(self, description: dict) -> None:
            self.description = description

    cls = pi.define(Base)
    assert cls.bindto == [ENGINE_VLNV] and issubclass(cls, Base)
    assert set(pi.OFFSETS) >= {"CTRL", "STATUS", "CONFIG_HASH", "ISR"}


def test_package_ships_the_network_accelerator(package: Path) -> None:
    """`make package` ships the whole-network accelerator too: its Vivado flow (vivado/net/: the IP packager and
    block design Tcl, every RTL file with its generated header), classify.py calling NetAccel.classify, and its
    test images with the integer reference's logits (recomputed here: ==)."""
    import numpy as np
    from saformer.contract.artifact import load_artifact
    from saformer.golden import reference as ref
    from saformer.hw import net_accel

    net = package / "vivado" / "net"
    for f in ("package_ip.tcl", "build_bd.tcl", "build.tcl", "net_regs.xml"):
        assert (net / f).is_file(), f
    assert {f"{net_accel.TOP}.v", net_accel.CFG_HEADER, f"{net_accel.REGS}.v", "net_engine.v"} <= {
        p.name for p in (net / "rtl").iterdir()}
    assert not (net / "gen").exists()
    script = (package / "classify.py").read_text()
    assert "NetAccel.pynq(" in script and ".classify(" in script
    compile(script, "classify.py", "exec")
    d = np.load(package / "net_images.npz")
    art = load_artifact(package / "artifact")
    want = ref.forward(d["pixels"], art.params, art.cfg)["logits"].astype(np.int64)
    assert d["pixels"].shape[0] > 0 and np.array_equal(d["logits"], want)
    assert (package / "saformer" / "driver" / "net.py").is_file()
