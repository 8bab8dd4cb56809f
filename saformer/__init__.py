# SPDX-License-Identifier: Apache-2.0
"""saformer-hw: a quantized SAFormer spiking transformer from quantization-aware training to verified FPGA
hardware. One installed package; its subpackages, in import order (docs/architecture.md, "Layers"):

    saformer.contract  numpy-only: config, named configs, interface, weight layout, cycle model, names, errors
    saformer.golden    Brevitas model, training, numpy integer reference, artifact export
    saformer.hw        Verilog library and generators, Yosys, Vivado Tcl, FuseSoC
    saformer.hls       HLS C++ library and generator, g++ C-simulation
    saformer.sim       cocotb testbenches, scoreboard, the regression
    saformer.driver    the PYNQ driver (board and simulator backends)
    saformer.cli, .demo, .bench, .steps: the command line

In the repository the subpackages are the top-level folders (golden/, hw/, ...); the wheel installs them
under this one package (pyproject.toml `package-dir`), so nothing generic lands in site-packages.
"""

from __future__ import annotations

from pathlib import Path as _Path

__version__ = "0.2.0"

# Running from a checkout: the subpackages are the repository's top-level folders beside this one.
_repo = _Path(__file__).resolve().parent.parent
if (_repo / "pyproject.toml").is_file() and (_repo / "contract" / "__init__.py").is_file():
    __path__.append(str(_repo))  # noqa: F821 -- the package's own __path__
