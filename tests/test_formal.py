# SPDX-License-Identifier: Apache-2.0
"""The formal proofs of hw/formal/ through the runner hw/formal.py: the quick subset in `make test`, every
proof under the slow marker (`make formal` runs them all). Each unit's mutant must fail, so a vacuous proof
cannot pass. Writes only to tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from saformer.contract.errors import SaformerError
from saformer.hw import formal


def _check(rep: dict, quick: bool) -> None:
    assert rep["ok"], [r for r in rep["results"] if not r["ok"]]
    want = {(u.name, t) for u in formal.UNITS for t in (u.quick if quick else u.quick + u.slow)}
    want |= {(u.name, f"mutant:{u.mutant.task}") for u in formal.UNITS}
    if not quick:  # the widest spike finders: Yosys SAT equivalence, and its mutant (hw/formal.py run_equiv)
        want |= {("spike_finder", f"equiv_w{w}") for w in formal.EQUIV_WIDTHS}
        want |= {("spike_finder", f"mutant:equiv_w{formal.EQUIV_WIDTHS[0]}")}
    got = {(r["unit"], r["task"]) for r in rep["results"]}
    assert got == want
    for r in rep["results"]:
        if r["kind"] == "mutant":
            assert r["status"] == "mutant-failed-as-expected" and r["sby_status"] == "FAIL", r
            assert r["trace"] and Path(r["trace"]).exists(), r  # a real counterexample trace
        else:
            assert r["sby_status"] == "PASS" and r["status"] in ("proved", "bmc-passed", "covered"), r


def test_quick_proofs(tmp_path: Path) -> None:
    rep = formal.run(tmp_path, quick=True, progress=False)
    _check(rep, quick=True)
    on_disk = json.loads((tmp_path / "report" / "formal.json").read_text())
    assert on_disk == rep and on_disk["generated_by"].startswith("hw/formal.py")
    # the stream and AXI-Lite units close by k-induction, not only a bound
    kinds = {(r["unit"], r["task"]): r["status"] for r in rep["results"]}
    for key in (("axis_skid", "prove"), ("axis_fifo", "d4"), ("axis_fifo", "d3"), ("axil_slave", "prove")):
        assert kinds[key] == "proved", key


@pytest.mark.slow
def test_all_proofs(tmp_path: Path) -> None:
    _check(formal.run(tmp_path, quick=False, progress=False), quick=False)


def test_every_sby_has_a_runner_entry() -> None:
    """No proof in hw/formal/ that the runner forgets, and every listed task exists in its .sby."""
    sbys = {p.name for p in formal.FORMAL_DIR.glob("*.sby")}
    assert sbys == {u.sby for u in formal.UNITS}
    for u in formal.UNITS:
        for task in (*u.quick, *u.slow, u.mutant.task):
            assert formal.task_options(formal.FORMAL_DIR / u.sby, task).get("mode") in ("prove", "bmc", "cover")
        assert (formal.RTL_DIR / u.rtl).read_text().count(u.mutant.old) == 1, u.name


def test_mutant_text_missing_is_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    u = formal.UNITS[0]
    bad = formal.Unit(u.name, u.sby, u.rtl, u.quick, u.slow, formal.Mutant("no such text", "x", "none"))
    with pytest.raises(SaformerError, match=r"mutant text .* occurs 0 times") as e:
        formal.mutant_sby(bad, tmp_path)
    assert "\n" not in str(e.value)


def test_missing_tool_is_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formal.shutil, "which", lambda name: None)
    monkeypatch.setattr(formal, "_tool", lambda name, hint: "/x")
    with pytest.raises(SaformerError, match="z3 not found") as e:
        formal.tools()
    assert "\n" not in str(e.value)


def test_mutant_copy_is_marked_generated(tmp_path: Path) -> None:
    sby = formal.mutant_sby(formal.UNITS[1], tmp_path)
    assert sby.read_text().splitlines()[0].startswith(f"# {formal.GENERATED}")
    rtl = sby.parent / formal.UNITS[1].rtl
    first = rtl.read_text().splitlines()[0]
    assert first.startswith(f"// {formal.GENERATED}") and first.endswith("do not edit")
    assert formal.UNITS[1].mutant.new in rtl.read_text()
    assert str(formal.FORMAL_DIR) not in str(sby) and tmp_path in sby.parents
