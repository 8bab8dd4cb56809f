# SPDX-License-Identifier: Apache-2.0
"""PYNQ driver of the SASA engine (`SasaEngine`), with a board backend (pynq) and a simulation backend
(cocotb + Verilator). Imports numpy and golden's numpy-only modules; pynq and cocotb only when used."""

from saformer.driver.sasa import EngineError, EngineTimeout, RunStats, SasaEngine, VectorCheck

__all__ = ["EngineError", "EngineTimeout", "RunStats", "SasaEngine", "VectorCheck"]
