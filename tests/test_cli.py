# SPDX-License-Identifier: Apache-2.0
"""The command line fits the ecosystem: argparse subcommands, --version, --build-dir, a clear unknown-command
message, help on every option, `--help` without importing torch/brevitas/cocotb, bad numbers are argparse errors
raised before any long step, and every failure is one `error:` line with exit 2."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from saformer.contract.paths import BUILD_ENV

from saformer.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "brevitas", "cocotb", "cocotb_tools", "matplotlib", "sklearn", "scipy")


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys, json, time; t0 = time.perf_counter(); import saformer.cli\n"
            "try:\n    saformer.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "rc = saformer.cli.main(['--build-dir', 'x', '--version'])\n"
            f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
            "print(json.dumps({'heavy': heavy, 'rc': rc, 's': time.perf_counter() - t0}))")
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t0
    r = json.loads(p.stdout.strip().splitlines()[-1])
    assert r["heavy"] == [] and r["rc"] == 0, r
    assert "commands:" in p.stdout and all(c in p.stdout for c in COMMANDS)
    print(f"saformer --help: {wall:.2f} s wall (interpreter included), {r['s']:.3f} s import + parse")


def test_version_and_top_help(capsys: pytest.CaptureFixture[str]) -> None:
    from saformer import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"saformer {__version__}"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--build-dir DIR" in out and "--version" in out and "demo" in out
    assert main([]) == 2  # no command: the help, and a failure status


@pytest.mark.parametrize(("cmd", "hint"), [("exprot", "did you mean 'export'"), ("frobnicate", "commands: ")])
def test_unknown_command(cmd: str, hint: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([cmd, "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert f"saformer: error: unknown command '{cmd}'" in err and hint in err


def test_unknown_global_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus", "interface"]) == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize("form", ["two", "equals"])
def test_build_dir_sets_the_output_root(form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BUILD_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    opt = ["--build-dir", "out"] if form == "two" else ["--build-dir=out"]
    assert main([*opt, "interface", "--out", "iface.md"]) == 0
    assert os.environ[BUILD_ENV] == str(tmp_path / "out")
    assert (tmp_path / "iface.md").is_file()
    assert main(["--build-dir=", "interface"]) == 2


def _parser_of(cmd: str) -> argparse.ArgumentParser:
    """The command's own parser, taken at its parse_args call (nothing of the command runs)."""

    class Got(Exception):
        pass

    seen: dict[str, argparse.ArgumentParser] = {}

    def grab(self: argparse.ArgumentParser, *a: object, **k: object) -> None:
        seen["p"] = self
        raise Got

    mod, fn = COMMANDS[cmd][0].split(":")
    mp = pytest.MonkeyPatch()
    mp.setattr(argparse.ArgumentParser, "parse_args", grab)
    try:
        with pytest.raises(Got):
            getattr(importlib.import_module(mod), fn)([])
    finally:
        mp.undo()
    return seen["p"]


@pytest.mark.parametrize("cmd", list(COMMANDS))
def test_every_option_has_help(cmd: str, capsys: pytest.CaptureFixture[str]) -> None:
    p = _parser_of(cmd)
    assert p.prog == f"saformer {cmd}" and p.description
    opts = [a for a in p._actions if a.option_strings]
    assert len(opts) >= 2, opts  # --help and at least one option
    assert [a.option_strings for a in opts if not a.help] == []
    assert main([cmd, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: saformer {cmd}") and all(a.option_strings[-1] in out for a in opts)


@pytest.mark.parametrize(("argv", "msg"), [
    (["synth", "--lanes", "abc"], "argument --lanes: 'abc' is not an integer"),
    (["synth", "--lanes", "1,x,4"], "argument --lanes: 'x' is not an integer in '1,x,4'"),
    (["synth", "--lanes", "0,2"], "argument --lanes: 0 is out of range"),
    (["synth", "--jobs", "0"], "argument --jobs: 0 is out of range: must be >= 1"),
    (["synth", "--board", "foo"], "argument --board: invalid choice: 'foo'"),
    (["demo", "--board", "foo"], "argument --board: invalid choice: 'foo'"),
    (["demo", "--images", "0"], "argument --images: 0 is out of range"),
    (["demo", "--golden-images", "-1"], "argument --golden-images: -1 is out of range"),
    (["export", "--images", "many"], "argument --images: 'many' is not an integer"),
    (["golden", "--images", "-3"], "argument --images: -3 is out of range"),
    (["train", "--threads", "0"], "argument --threads: 0 is out of range"),
    (["verify", "--vectors", "0"], "argument --vectors: 0 is out of range"),
    (["hls-synth", "--clock-ns", "fast"], "argument --clock-ns: 'fast' is not a number"),
    (["hls-synth", "--clock-ns", "0"], "argument --clock-ns: 0 must be a positive number"),
    (["bitstream", "--jobs", "-1"], "argument --jobs: -1 is out of range"),
    (["package", "--board", "zcu"], "argument --board: invalid choice"),
])
def test_bad_numbers_are_argument_errors_before_any_work(argv: list[str], msg: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import saformer.demo

    monkeypatch.setattr(saformer.demo, "run_demo", lambda d: pytest.fail("the demo started"))
    monkeypatch.chdir(tmp_path)
    assert main(["--build-dir", str(tmp_path / "b"), *argv]) == 2
    err = capsys.readouterr().err
    assert f"saformer {argv[0]}: error: {msg}" in err, err
    assert not (tmp_path / "b").exists() and list(tmp_path.iterdir()) == []  # nothing written


def test_checkpoint_directory_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["export", "--ckpt", str(tmp_path), "--out", str(tmp_path / "a")],
                 ["golden", "--ckpt", str(tmp_path), "--out", str(tmp_path / "g.json")],
                 ["demo", "--ckpt", str(tmp_path), "--build", str(tmp_path / "b")]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err == f"saformer {argv[0]}: error: checkpoint {tmp_path} is a directory; give the checkpoint file " \
                      "(.pt) itself" or err == f"saformer {argv[0]}: error: --ckpt {tmp_path} is a directory; " \
                      "give the checkpoint file (.pt) itself", err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_sha256_mismatch_in_a_step_says_to_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from saformer.contract.configs import NAMED
    from saformer.golden.vectors import random_artifact

    art = random_artifact(NAMED["t1"], tmp_path / "art", seed=1, n_random=2)
    f = art / "params" / "head.b.npy"
    f.write_bytes(f.read_bytes()[:-1] + b"\x07")
    assert main(["synth", "--artifact", str(art), "--lanes", "", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("saformer synth: error: ") and "sha256 mismatch" in err and "make export" in err
    assert "\n" not in err


def test_hls_synth_fails_like_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda n, *a, **k: None if n == "vitis_hls" else real_which(n, *a, **k))
    assert main(["--build-dir", str(tmp_path), "hls-synth", "--config", "t1", "--out", str(tmp_path / "hls")]) == 2
    cap = capsys.readouterr()
    err = cap.err.strip()
    assert err.startswith("saformer hls-synth: error: vitis_hls not found on PATH") and "\n" not in err, err
    assert (tmp_path / "hls" / "t1" / "run_hls.tcl").is_file()  # the Tcl is there for a machine with Vitis


def test_ctrl_c_is_one_line_exit_130(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import saformer.steps

    def interrupted(argv: list[str]) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(saformer.steps, "cli_interface", interrupted)
    assert main(["interface"]) == 130
    assert capsys.readouterr().err == "saformer interface: interrupted\n"


def test_ctrl_c_in_the_demo_leaves_no_half_written_report(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after some report files were written: none of them reaches the report folder, the staging folder
    is gone, and an earlier complete report is left as it was."""
    import saformer.demo as demo

    out = tmp_path / "report"
    out.mkdir()
    (out / "report.md").write_text("the earlier, complete report")

    def model(d: demo.Demo) -> str:
        demo.write_json(d.out / "golden.json", {"partial": True})
        return "ok"

    def interrupt(d: demo.Demo) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "step_model", model)
    monkeypatch.setattr(demo, "step_golden", interrupt)
    assert main(["demo", "--no-synth", "--build", str(tmp_path / "b"), "--out", str(out)]) == 130
    assert sorted(p.name for p in out.iterdir()) == ["report.md"]
    assert (out / "report.md").read_text() == "the earlier, complete report"
    assert capsys.readouterr().err.strip().splitlines()[-1] == "saformer demo: interrupted"
