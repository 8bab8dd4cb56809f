# SPDX-License-Identifier: Apache-2.0
"""`saformer` console entry point: argparse with one subcommand per flow step.

Each subcommand lives in the package that owns the step, keeps its own `cli_xxx(argv)` (its options, their help
and their checks are there, so `python -m saformer.<module>` and `make` targets see the same) and is imported only
when that command runs: `saformer --help` imports neither torch nor cocotb. A SaformerError becomes one line on
stderr (`saformer <cmd>: error: ...`) and exit status 2; Ctrl-C one line and exit status 130.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys

from saformer.contract.errors import SaformerError
from saformer.contract.paths import BUILD_ENV, set_build_dir

# command -> ("module:function", help). Each function takes argv (list[str]) and returns an exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "interface": ("saformer.steps:cli_interface", "render docs/interface.md from the config"),
    "export": ("saformer.golden.train:cli_export", "export the shipped (or given) checkpoint as an artifact"),
    "train": ("saformer.golden.train:cli_train", "train the float twin and the QAT model on digits"),
    "golden": ("saformer.golden.report:cli_golden", "Brevitas vs numpy reference on the test split -> golden.json"),
    "verify": ("saformer.sim.verify:cli_verify", "RTL (and HLS) regression over the named configs -> verify.json"),
    "demo": ("saformer.demo:cli_demo", "the main job: evaluate, export, generate, simulate, report"),
    "bench": ("saformer.bench:cli_bench", "measure side by side -> bench.json"),
    "synth": ("saformer.hw.synth_modules:cli_synth", "Yosys estimates for a PYNQ board -> synth.json"),
    "hls-synth": ("saformer.hls.generate:cli_hls_synth", "run Vitis HLS on the generated kernel (needs vitis_hls)"),
    "bitstream": ("saformer.hw.vivado:cli_bitstream", "run Vivado on the generated Tcl (needs vivado)"),
    "package": ("saformer.hw.vivado:cli_package", "write a PYNQ deployment folder"),
    "clean": ("saformer.sim.cache:cli_clean", "remove the build folder (only the project's own) or its build cache"),
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser: global options and one subparser per command. A subparser only names its command
    (add_help=False): the command's own parser (`cli_xxx`) reads the rest, `-h` included."""
    from saformer import __version__

    ap = argparse.ArgumentParser(
        prog="saformer", allow_abbrev=False,
        description="SAFormer flow: golden model -> artifact -> Verilog / HLS -> simulation -> reports.",
        epilog="Run `saformer <command> --help` for a command's options. Outputs go to ./build of the current "
               "directory unless --build-dir says otherwise; relative paths are taken against the current directory.")
    ap.add_argument("--version", action="version", version=f"saformer {__version__}",
                    help="print the version and exit")
    ap.add_argument("--build-dir", metavar="DIR",
                    help=f"output root (default ./build; sets {BUILD_ENV} for this run and its subprocesses)")
    sub = ap.add_subparsers(dest="command", metavar="<command>", title="commands")
    for name, (_, doc) in COMMANDS.items():
        sub.add_parser(name, help=doc, description=doc, add_help=False)
    return ap


def _command_index(argv: list[str]) -> int | None:
    """Index of the command in argv (the first word that is not a global option or its value)."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--build-dir":
            i += 2
        elif a.startswith("-"):
            i += 1
        else:
            return i
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = build_parser()
    i = _command_index(argv)
    if i is not None and argv[i] not in COMMANDS:
        near = difflib.get_close_matches(argv[i], COMMANDS, n=1)
        ap.print_usage(sys.stderr)
        print(f"saformer: error: unknown command '{argv[i]}'" + (f" (did you mean '{near[0]}'?)" if near else "")
              + f"; commands: {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    try:
        # the global options before the command; the command's own options go to its cli_xxx unparsed
        a = ap.parse_args(argv[:i + 1] if i is not None else argv)
        if a.build_dir is not None and not a.build_dir.strip():
            ap.error("argument --build-dir: needs a directory")
    except SystemExit as e:  # --help, --version (0) or a usage error (2), already printed
        return int(e.code or 0)
    if a.command is None:
        ap.print_help(sys.stderr)
        return 2
    if a.build_dir is not None:
        set_build_dir(a.build_dir)
    rest = argv[i + 1:]
    target, _ = COMMANDS[a.command]
    mod_name, fn_name = target.split(":")
    try:
        try:
            fn = getattr(importlib.import_module(mod_name), fn_name)
        except (ImportError, AttributeError) as e:
            raise SaformerError(f"command '{a.command}' is not available in this install ({target}: {e}); "
                                "install the extras it needs (pip install 'saformer-hw[dev]')") from None
        return int(fn(rest) or 0)
    except SaformerError as e:
        print(f"saformer {a.command}: error: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:  # the command's argparse: --help (0) or a usage error (2), already printed
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except KeyboardInterrupt:
        print(f"saformer {a.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
