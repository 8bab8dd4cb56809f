# SPDX-License-Identifier: Apache-2.0
"""Nothing a user owns is ever deleted: `export --out` and `package --out` refuse a non-empty folder the
project did not write (exit 2, the folder named, every file kept), replace their own marked outputs, and
with `--force` replace only their own entries. A simulator build whose executable is gone is rebuilt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from saformer.contract.configs import NAMED
from saformer.contract.fsutil import MARKER

CFG = NAMED["t1"]


def _export(*args: str) -> int:
    from saformer.cli import main

    return main(["export", "--images", "4", *args])


def test_export_refuses_foreign_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    assert _export("--out", str(out)) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "notes.txt" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "my notes"


def test_export_dot_refuses_and_keeps_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert _export("--out", ".") == 2
    assert "refusing to write into" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_export_force_keeps_foreign_files_and_replaces_own(tmp_path: Path) -> None:
    from saformer.contract.artifact import load_artifact

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "manifest.json").write_text("{}")  # a name the artifact writes: --force replaces it
    assert _export("--out", str(out), "--force") == 0
    assert (out / "notes.txt").read_text() == "my notes"
    assert load_artifact(out).cfg.D > 0
    assert (out / MARKER).is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging folder left behind"
    # the folder still holds a foreign file: a plain export refuses again
    assert _export("--out", str(out)) == 2


def test_export_replaces_its_own_output(tmp_path: Path) -> None:
    out = tmp_path / "art"
    assert _export("--out", str(out)) == 0
    (out / "params" / "stale.npy").write_bytes(b"old")  # inside an owned entry: replaced with it
    assert _export("--out", str(out)) == 0
    assert not (out / "params" / "stale.npy").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "manifest.json", "params", "vectors"])
    # an owned folder that gained a foreign top-level file is no longer replaced as a whole
    (out / "notes.txt").write_text("mine")
    assert _export("--out", str(out)) == 2
    assert (out / "notes.txt").is_file()


def test_artifact_from_before_markers_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "art"
    assert _export("--out", str(out)) == 0
    (out / MARKER).unlink()  # as written by an older version: the manifest names the format
    assert _export("--out", str(out)) == 0


def test_package_refuses_foreign_folder_before_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from saformer.golden.vectors import random_artifact

    from saformer.cli import main

    art = random_artifact(CFG, tmp_path / "art", seed=2, n_random=2)
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["package", "--board", "pynq-z2", "--artifact", str(art), "--out", str(out)]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert main(["package", "--board", "pynq-z2", "--artifact", str(art), "--out", str(out), "--force"]) == 0
    assert (out / "notes.txt").read_text() == "keep me" and (out / "README.md").is_file()
    # a second package into its own (marked, no foreign file) output replaces it
    out2 = tmp_path / "pkg2"
    assert main(["package", "--board", "pynq-z2", "--artifact", str(art), "--out", str(out2)]) == 0
    assert main(["package", "--board", "pynq-z2", "--artifact", str(art), "--out", str(out2)]) == 0


def test_sim_build_without_executable_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The `.built` marker is present but the executable is gone: ensure_built builds again."""
    import cocotb_tools.runner as cr
    from saformer.sim import runner

    calls: list[Path] = []

    class FakeRunner:
        def build(self, *, build_dir: Path, hdl_toplevel: str, **_: object) -> None:
            calls.append(build_dir)
            Path(build_dir).mkdir(parents=True, exist_ok=True)
            (Path(build_dir) / hdl_toplevel).write_text("exe")

    monkeypatch.setattr(cr, "get_runner", lambda sim: FakeRunner())
    b = runner.ensure_built("t1", CFG, build_root=tmp_path)
    assert len(calls) == 1
    runner.ensure_built("t1", CFG, build_root=tmp_path)
    assert len(calls) == 1, "a complete build is reused"
    (b.build_dir / b.top).unlink()
    runner.ensure_built("t1", CFG, build_root=tmp_path)
    assert len(calls) == 2, "a build whose executable is missing is rebuilt"


def test_ctrl_c_leaves_no_half_written_run_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A KeyboardInterrupt during a simulation removes the uuid-named run folder it created."""
    from saformer.contract.artifact import load_artifact
    from saformer.golden.vectors import random_artifact
    from saformer.sim import runner

    art = load_artifact(random_artifact(CFG, tmp_path / "art", seed=3, n_random=2))
    build = runner.SimBuild("t1", CFG, tmp_path / "gen", tmp_path / "build", [], str(art.path))

    def interrupted(*_a: object, **_k: object) -> None:
        assert list((tmp_path / "build" / "runs").iterdir()), "the run folder exists while simulating"
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "_simulate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run_case(build, art, [("random", 0)], ("none",), label="ctrlc")
    assert list((tmp_path / "build" / "runs").iterdir()) == []
