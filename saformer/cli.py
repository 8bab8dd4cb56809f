"""`saformer` console entry point: one subcommand per flow step.

Each subcommand lives in the package that owns the step and is imported only when called, so `golden`
never pulls in cocotb. A SaformerError becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import importlib
import sys

from saformer.contract.errors import SaformerError
from saformer.contract.paths import set_build_dir

# command -> ("module:function", help). Each function takes argv (list[str]) and returns an exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "interface": ("saformer.steps:cli_interface", "render docs/interface.md from the config"),
    "export": ("saformer.golden.train:cli_export", "export the shipped (or given) checkpoint as an artifact"),
    "train": ("saformer.golden.train:cli_train", "train the float twin and the QAT model on digits"),
    "golden": ("saformer.golden.report:cli_golden", "Brevitas vs numpy reference on the test split -> golden.json"),
    "verify": ("saformer.sim.verify:cli_verify", "RTL (and HLS) regression over the named configs -> verify.json"),
    "demo": ("saformer.demo:cli_demo", "the main job: evaluate, export, generate, simulate, report"),
    "bench": ("saformer.bench:cli_bench", "measure side by side -> bench.json"),
    "synth": ("saformer.hw.synth:cli_synth", "Yosys estimates for a PYNQ board -> synth.json"),
    "hls-synth": ("saformer.hls.generate:cli_hls_synth", "run Vitis HLS on the generated kernel (needs vitis_hls)"),
    "bitstream": ("saformer.hw.vivado:cli_bitstream", "run Vivado on the generated Tcl (needs vivado)"),
    "package": ("saformer.hw.vivado:cli_package", "write a PYNQ deployment folder"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # global options before the command: --version, --build-dir DIR (outputs; default ./build)
    while argv and argv[0] in ("--version", "--build-dir") or (argv and argv[0].startswith("--build-dir=")):
        if argv[0] == "--version":
            from saformer import __version__

            print(f"saformer {__version__}")
            return 0
        if argv[0] == "--build-dir":
            if len(argv) < 2:
                print("saformer: error: --build-dir needs a directory", file=sys.stderr)
                return 2
            set_build_dir(argv[1])
            argv = argv[2:]
        else:
            set_build_dir(argv[0].split("=", 1)[1])
            argv = argv[1:]
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: saformer [--version] [--build-dir DIR] <command> [options]\n\n"
              "Outputs go to ./build of the current directory unless --build-dir says otherwise.\n\ncommands:")
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
