# SPDX-License-Identifier: Apache-2.0
"""The simulator build cache stays bounded (least recently used first) and `clean` deletes only the project's
own files: a foreign folder, a symlink or a user's file next to the builds is never removed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock
from saformer.contract.errors import SaformerError
from saformer.sim import cache

REPO = Path(__file__).resolve().parent.parent


def _build(root: Path, name: str, size: int, age: float) -> Path:
    d = root / "sim" / name
    d.mkdir(parents=True)
    (d / "Vtop").write_bytes(b"\0" * size)
    m = d / ".built"
    m.write_text(f"default {'ab' * 32}\n")
    t = 1_700_000_000 + age
    os.utime(m, (t, t))
    return d


def test_prune_removes_least_recently_used_first(tmp_path: Path) -> None:
    old = _build(tmp_path, "net-0000000000000001", 1000, 1)
    mid = _build(tmp_path, "netacc-0000000000000002", 1000, 2)
    new = _build(tmp_path, "0000000000000003", 1000, 3)
    removed = cache.prune(tmp_path, keep=new, cap=2500)
    assert removed == [old]
    assert mid.is_dir() and new.is_dir()
    cache.mark_used(mid)  # mid becomes the most recent: new goes next unless kept
    assert cache.prune(tmp_path, keep=new, cap=1500) == [mid]
    assert new.is_dir()


def test_prune_leaves_what_is_not_a_build(tmp_path: Path) -> None:
    sim = tmp_path / "sim"
    _build(tmp_path, "net-00000000000000aa", 5000, 1)
    user = sim / "my-notes"  # no marker
    user.mkdir(parents=True)
    (user / "keep.txt").write_text("mine")
    fake = sim / "net-00000000000000bb"  # the name of a build, a marker that is not ours
    fake.mkdir()
    (fake / ".built").write_text("something else entirely")
    (fake / "data").write_bytes(b"\0" * 5000)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".built").write_text(f"default {'cd' * 32}\n")
    (sim / "net-00000000000000cc").symlink_to(outside)  # a symlink is never followed
    cache.prune(tmp_path, cap=1)
    assert (user / "keep.txt").read_text() == "mine"
    assert (fake / "data").is_file() and (outside / ".built").is_file()
    assert not (sim / "net-00000000000000aa").exists()


def test_prune_skips_a_locked_build(tmp_path: Path) -> None:
    d = _build(tmp_path, "net-00000000000000dd", 1000, 1)
    with FileLock(str(d) + ".lock"):
        assert cache.prune(tmp_path, cap=1) == []
    assert d.is_dir()


def test_cap_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "0.5")
    assert cache.cap_bytes() == 500_000_000
    monkeypatch.setenv(cache.CACHE_ENV, "lots")
    with pytest.raises(SaformerError, match=cache.CACHE_ENV):
        cache.cap_bytes()


def test_clean_refuses_a_folder_with_foreign_entries(tmp_path: Path) -> None:
    root = tmp_path / "b"
    _build(root, "net-00000000000000ee", 10, 1)
    (root / "thesis.tex").write_text("years of work")
    with pytest.raises(SaformerError, match=r"refusing to clean .*thesis\.tex.*nothing was removed"):
        cache.clean(root)
    assert (root / "thesis.tex").read_text() == "years of work" and (root / "sim").is_dir()
    assert "removed 1 simulator build" in cache.clean(root, cache_only=True)
    assert (root / "thesis.tex").is_file() and not (root / "sim" / "net-00000000000000ee").exists()


def test_clean_removes_the_projects_own_folder(tmp_path: Path) -> None:
    root = tmp_path / "b"
    _build(root, "net-00000000000000ff", 10, 1)
    for d in ("report", "synth", "artifact", "bdist.linux-x86_64"):
        (root / d).mkdir()
    (root / "sim" / "net-00000000000000ff.lock").write_text("")
    assert "removed" in cache.clean(root)
    assert not root.exists()


def test_make_clean_on_a_users_folder_deletes_nothing(tmp_path: Path) -> None:
    """The data-loss regression: `make clean BUILD=<a user's folder>` used to be `rm -rf $(BUILD)`."""
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    p = subprocess.run(["make", "-s", "clean", f"BUILD={tmp_path}"], cwd=REPO, capture_output=True, text=True,
                       check=False)
    assert p.returncode != 0
    assert "refusing to clean" in p.stderr and "photos" in p.stderr
    assert (tmp_path / "photos" / "a.jpg").read_bytes() == b"\xff\xd8"
