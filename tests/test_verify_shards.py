# SPDX-License-Identifier: Apache-2.0
"""`make verify SHARD=i/N`: the shards partition the regression's cases, and merging the shard files gives the
report an unsharded run writes (sim/verify.py: case_ids, shard_cases, merge_shards)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import saformer.sim.verify as sv
from saformer.contract.errors import SaformerError


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 40])
def test_shards_partition_the_cases(count: int) -> None:
    ids = sv.case_ids()
    dur = sv.load_durations()
    shards = [sv.shard_cases(ids, i, count) for i in range(1, count + 1)]
    flat = [c for s in shards for c in s]
    assert sorted(flat) == sorted(ids) and len(flat) == len(set(flat)) == len(ids)
    for s in shards:  # each shard keeps the regression's order
        assert s == [c for c in ids if c in s]
    # greedy longest-first: no shard exceeds the mean load by more than the longest case
    known = [dur[c] for c in ids if c in dur]
    cost = {c: dur.get(c, sum(known) / len(known)) for c in ids}
    loads = [sum(cost[c] for c in s) for s in shards]
    assert max(loads) <= sum(loads) / count + max(cost.values()) + 1e-9


def test_durations_file_names_real_cases() -> None:
    dur = sv.load_durations()
    assert dur and set(dur) <= set(sv.case_ids())


def test_shard_argument_errors() -> None:
    for bad in ("0/3", "4/3", "x/3", "3"):
        with pytest.raises(SaformerError, match="--shard"):
            sv.parse_shard(bad)
    assert sv.parse_shard("2/5") == (2, 5)
    with pytest.raises(SaformerError, match="1 <= i <= N"):
        sv.shard_cases(["a:b"], 2, 1)


def _fake_record(cid: str) -> dict:
    """A record of the shape each case kind returns, its values derived from the id (so shards differ)."""
    kind, name = cid.split(":", 1)
    k = len(name)
    if kind in ("config", "scale"):
        return {"ok": True, "vectors": k, "image_runs": 2 * k, "mismatches": 0, "cycles_match_formula": True,
                "lint": {"clean": True}, "system": {"passed": True} if kind == "config" else None,
                "coverage": {"all_hit": True, "missed": []}, "first_mismatch": None, "sim_cycles_per_s": 1.0 * k,
                "per_vector": {f"v{i}": {"cycles": [i, k]} for i in range(2)}}
    if kind == "vitis":
        return {"top": "vitis", "passed": True}
    if kind == "long_run":
        return {"config": name, "images": 3, "lost": 0, "duplicated": 0, "wrong": 0, "cycle_errors": 0}
    if kind == "hls":
        return {"vectors": k, "mismatches": 0}
    if kind == "network_long_run":
        return {"images": 3, "lost": 0, "duplicated": 0, "wrong": 0, "resets": 1, "reloads": 1, "ok": True}
    if kind == "network":
        return {"stalls": ["both"], "both": {"images": k, "mismatching_images": 0, "mismatching_values": 0,
                                             "cycles_match_formula": True}}
    return {"images": k, "mismatching_images": 0, "mismatching_values": 0}


def test_merge_of_shards_equals_the_unsharded_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def fake(cid, per_set, stalls, long_run):
        ran.append(cid)
        return _fake_record(cid)

    monkeypatch.setattr(sv, "run_case_id", fake)
    kw = dict(long_run=3, progress=False)
    whole = tmp_path / "verify.json"
    sv.verify_all(out=whole, **kw)
    assert sorted(ran) == sorted(sv.case_ids(long_run=3))
    files = []
    for i in (1, 2, 3):
        f = tmp_path / f"shard-{i}.json"
        sv.verify_all(out=f, shard=(i, 3), **kw)
        files.append(f)
    assert len(ran) == 2 * len(sv.case_ids(long_run=3))  # every case once more over the three shards
    merged = tmp_path / "merged.json"
    sv.merge_shards(files, merged)
    assert json.loads(merged.read_text()) == json.loads(whole.read_text())
    assert merged.read_text() == whole.read_text()
    # a missing shard, a shard given twice, a shard of other settings: refused with one line
    with pytest.raises(SaformerError, match=r"need each of 1..3"):
        sv.merge_shards(files[:2], tmp_path / "x.json")
    with pytest.raises(SaformerError, match=r"need each of 1..3"):
        sv.merge_shards([files[0], files[0], files[1]], tmp_path / "x.json")
    other = tmp_path / "other.json"
    sv.verify_all(out=other, shard=(3, 3), long_run=0, progress=False)
    with pytest.raises(SaformerError, match="other settings"):
        sv.merge_shards([files[0], files[1], other], tmp_path / "x.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SaformerError, match="corrupt JSON"):
        sv.merge_shards([tmp_path / "bad.json"], tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


@pytest.mark.slow
def test_merge_equals_unsharded_on_a_tiny_real_run(tmp_path: Path) -> None:
    """Verilator: config t1 (one image per set, no stalls) and the Vitis wrapper, unsharded and as 2 shards."""
    kw = dict(names=["t1"], per_set=1, stalls=("none",), long_run=0, hls=False, network=False, progress=False)
    rep = sv.verify_all(out=tmp_path / "whole.json", **kw)
    files = [tmp_path / f"s{i}.json" for i in (1, 2)]
    for i, f in enumerate(files, 1):
        sv.verify_all(out=f, shard=(i, 2), **kw)
    merged = sv.merge_shards(files, tmp_path / "merged.json")
    strip = {"wall_s", "sim_wall_s", "sim_cycles_per_s", "build_dir", "rtl", "waveform", "rerun"}

    def clean(x):  # run-dependent timings and folders differ between two runs of the same case
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items() if k not in strip}
        if isinstance(x, list):
            return [clean(v) for v in x]
        return x

    assert clean(json.loads(json.dumps(merged))) == clean(json.loads(json.dumps(rep)))
    assert rep["total"]["mismatches"] == 0 and set(rep["configs"]) == {"t1"}


def test_cli_lists_the_shards(capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for i in (1, 2):
        assert sv.cli_verify(["--list", "--shard", f"{i}/2"]) == 0
        outs.append(capsys.readouterr().out.split())
    assert sorted(outs[0] + outs[1]) == sorted(sv.case_ids()) and not set(outs[0]) & set(outs[1])
