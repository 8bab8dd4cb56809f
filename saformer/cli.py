"""`saformer` console entry point: one subcommand per flow step.

Each subcommand lives in the package that owns the step and is imported only when called, so `golden`
never pulls in cocotb. A SaformerError becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import importlib
import sys

from golden.errors import SaformerError

# command -> ("module:function", help). Each function takes argv (list[str]) and returns an exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "interface": ("saformer.steps:cli_interface", "render docs/interface.md from the config"),
    "export": ("golden.train:cli_export", "export the shipped (or given) checkpoint as an artifact"),
    "train": ("golden.train:cli_train", "train the float twin and the QAT model on digits"),
    "golden": ("golden.report:cli_golden", "Brevitas vs numpy reference on the test split -> golden.json"),
    "verify": ("sim.verify:cli_verify", "RTL (and HLS) regression over the named configs -> verify.json"),
    "demo": ("saformer.demo:cli_demo", "the main job: evaluate, export, generate, simulate, report"),
    "bench": ("saformer.bench:cli_bench", "measure side by side -> bench.json"),
    "synth": ("hw.synth:cli_synth", "Yosys estimates for a PYNQ board -> synth.json"),
    "hls-synth": ("hls.generate:cli_hls_synth", "run Vitis HLS on the generated kernel (needs vitis_hls)"),
    "bitstream": ("hw.vivado:cli_bitstream", "run Vivado on the generated Tcl (needs vivado)"),
    "package": ("hw.vivado:cli_package", "write a PYNQ deployment folder"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: saformer <command> [options]\n\ncommands:")
        for name, (_, doc) in COMMANDS.items():
            print(f"  {name:10s} {doc}")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    target, _ = COMMANDS[argv[0]]
    mod_name, fn_name = target.split(":")
    try:
        try:
            fn = getattr(importlib.import_module(mod_name), fn_name)
        except (ImportError, AttributeError):
            raise SaformerError(f"command '{argv[0]}' is not available in this version ({target} missing)") from None
        return int(fn(argv[1:]) or 0)
    except SaformerError as e:
        print(f"saformer {argv[0]}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"saformer {argv[0]}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
