# SPDX-License-Identifier: Apache-2.0
"""Hostile and broken inputs get one clear line (SaformerError), never a traceback, never a read outside.

Artifact manifests with a `file` that leaves the directory (.., absolute, a symlink out), entries missing a field
or of the wrong type, names with an extra '/', and a hypothesis run that mutates manifests and .npy headers
while an audit hook records every file opened."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from saformer.contract.artifact import load_artifact
from saformer.contract.configs import NAMED
from saformer.contract.errors import SaformerError
from saformer.golden.vectors import random_artifact

CFG = NAMED["minwidth"]

# ------------------------------------------------------------------------------------------- audit of opens
_AUDIT: list[list[str]] = []  # the active recorders (the hook stays installed; it records only inside `opened`)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _AUDIT and isinstance(args[0], (str, bytes, Path)):
        _AUDIT[-1].append(str(Path(args[0].decode() if isinstance(args[0], bytes) else args[0]).absolute()))


sys.addaudithook(_hook)


@contextmanager
def opened() -> Iterator[list[str]]:
    """Every path opened (builtins.open, io.open, os.open) while inside the block."""
    rec: list[str] = []
    _AUDIT.append(rec)
    try:
        yield rec
    finally:
        _AUDIT.pop()


def _outside(rec: list[str], root: Path) -> list[str]:
    r = root.resolve()
    return [p for p in rec if not Path(p).resolve().is_relative_to(r)]


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return random_artifact(CFG, tmp_path_factory.mktemp("base") / "art", seed=3, n_random=2)


@pytest.fixture
def art(base: Path, tmp_path: Path) -> Path:
    out = tmp_path / "art"
    shutil.copytree(base, out)
    (tmp_path / "sentinel.npy").write_bytes(b"outside: must never be read")
    return out


def _manifest(art: Path) -> dict[str, Any]:
    return json.loads((art / "manifest.json").read_text())


def _write(art: Path, m: Any) -> None:
    (art / "manifest.json").write_text(json.dumps(m))


def _first(m: dict[str, Any]) -> str:
    return sorted(m["arrays"])[0]


def _refused(art: Path, match: str) -> str:
    with opened() as rec, pytest.raises(SaformerError, match=match) as ei:
        load_artifact(art)
    assert not _outside(rec, art), f"read outside the artifact: {_outside(rec, art)}"
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def test_the_audit_sees_every_read(art: Path) -> None:
    """The audit is not vacuous: a good load is seen opening the manifest and every array file."""
    with opened() as rec:
        load_artifact(art)
    m = _manifest(art)
    assert str((art / "manifest.json").absolute()) in rec
    assert {str((art / e["file"]).absolute()) for e in m["arrays"].values()} <= set(rec)
    with opened() as rec:
        (art.parent / "sentinel.npy").read_bytes()
    assert _outside(rec, art) == [str((art.parent / "sentinel.npy").absolute())]


# ------------------------------------------------------------------------------------------- leaving the folder
@pytest.mark.parametrize("file", ["../sentinel.npy", "../../etc/hostname", "/etc/hostname", "params/../../x.npy"])
def test_file_leaving_the_directory_is_refused_before_any_read(art: Path, file: str) -> None:
    m = _manifest(art)
    m["arrays"][_first(m)]["file"] = file
    _write(art, m)
    with opened() as rec, pytest.raises(SaformerError, match="leaves the artifact directory"):
        load_artifact(art)
    npy = [p for p in rec if p.endswith(".npy") or "hostname" in p]
    assert npy == [], f"array files opened before the manifest was refused: {npy}"


def test_symlink_pointing_out_is_refused_before_any_read(art: Path) -> None:
    m = _manifest(art)
    name = _first(m)
    f = art / m["arrays"][name]["file"]
    f.unlink()
    f.symlink_to(art.parent / "sentinel.npy")
    with opened() as rec, pytest.raises(SaformerError, match="points outside the artifact directory"):
        load_artifact(art)
    assert [p for p in rec if p.endswith(".npy")] == []


def test_symlinked_folder_and_manifest_pointing_out_are_refused(art: Path, tmp_path: Path) -> None:
    shutil.move(art / "params", tmp_path / "params-elsewhere")
    (art / "params").symlink_to(tmp_path / "params-elsewhere")
    _refused(art, "points outside the artifact directory")
    (art / "params").unlink()
    shutil.move(tmp_path / "params-elsewhere", art / "params")
    shutil.move(art / "manifest.json", tmp_path / "manifest.json")
    (art / "manifest.json").symlink_to(tmp_path / "manifest.json")
    _refused(art, "manifest.json: points outside")


# ------------------------------------------------------------------------------------------- broken entries
@pytest.mark.parametrize("field", ["file", "sha256", "shape", "dtype"])
def test_entry_without_a_field(art: Path, field: str) -> None:
    m = _manifest(art)
    del m["arrays"][_first(m)][field]
    _write(art, m)
    _refused(art, f"has no field '{field}'")


@pytest.mark.parametrize(("field", "value"), [("file", 3), ("sha256", None), ("shape", "4,4"), ("dtype", 8),
                                               ("shape", [2.5]), ("shape", [-1]), ("dtype", "float64"),
                                               ("dtype", "object"), ("sha256", "xyz"), ("shape", [10**12])])
def test_entry_of_the_wrong_type(art: Path, field: str, value: Any) -> None:
    m = _manifest(art)
    m["arrays"][_first(m)][field] = value
    _write(art, m)
    _refused(art, f"arrays\\['{_first(m)}'\\]")


@pytest.mark.parametrize("arrays", [[], "x", {"params/a": "file"}, {"params/a": None}])
def test_arrays_of_the_wrong_type(art: Path, arrays: Any) -> None:
    m = _manifest(art)
    m["arrays"] = arrays
    _write(art, m)
    _refused(art, "arrays")


@pytest.mark.parametrize("name", ["vectors/random/extra/s", "params/a/b", "params/", "other/x", "vectors/s"])
def test_names_with_an_extra_slash(art: Path, name: str) -> None:
    m = _manifest(art)
    first = _first(m)
    m["arrays"][name] = m["arrays"].pop(first)
    _write(art, m)
    _refused(art, "is not 'params/<name>' or 'vectors/<set>/<name>'")


def test_sha256_mismatch_says_to_export(art: Path) -> None:
    f = art / "params" / "head.b.npy"
    f.write_bytes(f.read_bytes()[:-1] + b"\x01")
    assert "make export" in _refused(art, "sha256 mismatch")


def test_forged_npy_header_is_refused(art: Path) -> None:
    m = _manifest(art)
    name = "params/head.b"
    f = art / m["arrays"][name]["file"]
    blob = f.read_bytes().replace(b"'shape': (", b"'shape': (99999999, ", 1)
    f.write_bytes(blob)
    m["arrays"][name]["sha256"] = hashlib.sha256(blob).hexdigest()
    _write(art, m)
    _refused(art, "differ from the manifest")


# ------------------------------------------------------------------------------------------- hypothesis
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
                    | st.text(max_size=20) | st.sampled_from(["../sentinel.npy", "/etc/hostname", "..", "params"]),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                    max_leaves=6)


def _paths(obj: Any, pre: tuple = ()) -> list[tuple]:
    out = [pre]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, pre + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, pre + (i,))
    return out


@st.composite
def mutations(draw: st.DrawFn, m: dict[str, Any]) -> tuple[str, Any, Any]:
    """One mutation: of the manifest (replace / delete / add a value anywhere), or of one .npy header."""
    kind = draw(st.sampled_from(["replace", "delete", "add", "npy_header", "npy_header"]))
    paths = _paths(m)
    where = draw(st.sampled_from(paths[1:] if kind == "delete" else paths))
    if kind == "npy_header":
        name = draw(st.sampled_from(sorted(m["arrays"])))
        return kind, name, (draw(st.integers(0, 127)), draw(st.binary(min_size=1, max_size=4)))
    return kind, where, draw(JSON) if kind != "delete" else None


def _apply(art: Path, m: dict[str, Any], mut: tuple[str, Any, Any]) -> Any:
    kind, where, value = mut
    if kind == "npy_header":  # overwrite bytes in the first 128 (the header) and make the sha256 agree
        f = art / m["arrays"][where]["file"]
        b = bytearray(f.read_bytes())
        pos, data = value
        b[pos:pos + len(data)] = data
        f.write_bytes(bytes(b))
        m["arrays"][where]["sha256"] = hashlib.sha256(bytes(b)).hexdigest()
        return m
    if not where:
        return value if kind == "replace" else m
    parent = m
    for k in where[:-1]:
        parent = parent[k]
    k = where[-1]
    if kind == "replace":
        parent[k] = value
    elif kind == "delete":
        del parent[k]
    elif isinstance(parent, dict):
        parent[str(value)[:10]] = value
    else:
        parent.append(value)
    return m


EXAMPLES = 300
SEEN = {"ok": 0, "refused": 0}


def test_mutated_manifests_and_headers_give_one_line_and_read_nothing_outside(base: Path, tmp_path: Path) -> None:
    m0 = _manifest(base)
    (tmp_path / "sentinel.npy").write_bytes(b"outside")

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(mutations(m0), min_size=1, max_size=3))
    def run(muts: list[tuple[str, Any, Any]]) -> None:
        art = Path(tempfile.mkdtemp(dir=tmp_path)) / "art"
        shutil.copytree(base, art)
        m = json.loads(json.dumps(m0))
        for mut in muts:
            try:
                m = _apply(art, m, mut)
            except (KeyError, IndexError, TypeError):  # an earlier mutation removed what this one targets
                continue
        _write(art, m)
        with opened() as rec:
            try:
                load_artifact(art)
                SEEN["ok"] += 1
            except SaformerError as e:
                assert "\n" not in str(e).strip()
                SEEN["refused"] += 1
        assert not _outside(rec, art), f"read outside the artifact: {_outside(rec, art)}"
        shutil.rmtree(art.parent)

    run()
    assert SEEN["refused"] >= EXAMPLES // 2, SEEN  # the mutations did reach the checks
    print(f"hypothesis: {sum(SEEN.values())} examples, {SEEN}")
