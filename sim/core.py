# SPDX-License-Identifier: Apache-2.0
"""The FuseSoC core with its `sim` target: hw/fusesoc.py writes the core, this (the sim layer, which owns the
testbench) names the cocotb testbench the target runs (`saformer.sim.tb_sasa`, which reads its case from
$SASA_CASE like every regression run)."""

from __future__ import annotations

from pathlib import Path

from saformer.contract.config import SAFormerConfig
from saformer.hw.boards import Board
from saformer.hw.fusesoc import write_core as _write_core

TESTBENCH = "saformer.sim.tb_sasa"


def write_core(cfg: SAFormerConfig, name: str, b: Board, out_root: Path, source: str = "config") -> Path:
    """hw.fusesoc.write_core with the sim target running the cocotb testbench."""
    return _write_core(cfg, name, b, out_root, source, testbench=TESTBENCH)
