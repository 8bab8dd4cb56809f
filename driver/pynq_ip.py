# SPDX-License-Identifier: Apache-2.0
"""The PYNQ IP driver: `pynq.Overlay("sasa.bit").sasa_0` is a `SasaIP` (bound by the packaged IP's VLNV,
contract/names.py ENGINE_VLNV, which hw/vivado.py packages the engine under).

    from saformer.driver.pynq_ip import SasaIP          # before Overlay(): registers the binding
    ol = Overlay("overlay/sasa.bit")
    ol.sasa_0.read("CONFIG_HASH"), ol.sasa_0.register_map  # registers by name (contract/interface.py)
    eng = ol.sasa_0.engine(ol, "artifact")              # the full driver (SasaEngine) with the overlay's DMAs
    await ol.sasa_0.wait_done()                         # ap_done through the axi_intc (PYNQ Interrupt)

`SasaIP` is defined only where `pynq` imports (it subclasses `pynq.DefaultIP`); elsewhere it is None.
"""

from __future__ import annotations

from typing import Any

from saformer.contract import interface as itf
from saformer.contract.config import DEFAULT, SAFormerConfig
from saformer.contract.names import ENGINE_VLNV
from saformer.driver.pynq_backend import PynqBackend
from saformer.driver.sasa import SasaEngine

# Register offsets do not depend on the config's values (contract/interface.py lays them out by name in a
# fixed order), so the IP driver can address them before it knows the artifact.
OFFSETS = {r.name: r.offset for r in itf.registers(DEFAULT)}


def define(default_ip: type) -> type:
    """The DefaultIP subclass for `default_ip` (pynq.DefaultIP; a test passes its fake's)."""

    class SasaIP(default_ip):  # type: ignore[misc, valid-type]
        """Driver of one SASA engine IP in an overlay: registers by name, the interrupt, the engine."""

        bindto = [ENGINE_VLNV]

        def __init__(self, description: dict[str, Any]) -> None:
            super().__init__(description=description)

        def read(self, name: str) -> int:  # type: ignore[override]
            return int(self.mmio.read(OFFSETS[name])) & 0xFFFF_FFFF

        def write(self, name: str, value: int) -> None:  # type: ignore[override]
            self.mmio.write(OFFSETS[name], int(value) & 0xFFFF_FFFF)

        def config_hash(self) -> int:
            return self.read("CONFIG_HASH")

        def engine(self, overlay: Any, artifact: Any = None, cfg: SAFormerConfig | None = None,
                   load: bool = True) -> SasaEngine:
            """The synchronous driver (`SasaEngine`) on this IP and the overlay's DMAs; loads the artifact's
            weights unless `load` is False."""
            from saformer.contract.artifact import Artifact, load_artifact

            art = None if artifact is None else (artifact if isinstance(artifact, Artifact)
                                                 else load_artifact(artifact))
            cfg = cfg or (art.cfg if art is not None else DEFAULT)
            eng = SasaEngine(PynqBackend(overlay, cfg), cfg)
            if art is not None and load:
                eng.load_artifact(art)
            return eng

        async def wait_done(self) -> None:
            """Wait for the engine's interrupt (enable it with GIE = 1, IER bit0); PYNQ makes `interrupt` from
            the pin the block design routes through the axi_intc."""
            await self.interrupt.wait()
            self.write("ISR", self.read("ISR"))  # toggle-on-write: clears what was set

    return SasaIP


try:
    from pynq import DefaultIP as _DefaultIP
except ImportError:  # not a board: nothing to bind
    SasaIP: type | None = None
else:
    SasaIP = define(_DefaultIP)
