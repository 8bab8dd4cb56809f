# SPDX-License-Identifier: Apache-2.0
"""System-level checks of the SASA engine top through AXI-Lite (issue 5) and the long run.

`run_system` runs the control checks of `sim/tb_system.py` on one build (house-style `sasa_engine` or the
Vitis-named `sasa_top`): register map read-back, ap_ctrl_hs handshake and interrupt, start before any
load, bad weight loads (wrong config hash, truncated, over-long), reset in the middle of an image, and
weights reloaded between images from two different artifacts. `run_long` runs many images in one
simulator process (random spikes, random stall patterns, random resets and reloads between runs) and
counts output beats lost, duplicated and wrong. Both write their case (case.json + case.npz) into their
own folder and return plain dicts; the pytest files and sim/verify.py assert on them.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock
from saformer.contract import interface as itf
from saformer.contract.artifact import Artifact, load_artifact
from saformer.contract.config import SAFormerConfig
from saformer.contract.cycles import active_formula, active_formulas
from saformer.contract.interface import registers
from saformer.contract.paths import child_pythonpath
from saformer.golden import reference as ref
from saformer.golden.named_artifacts import artifact_for, random_artifact_path
from saformer.golden.vectors import random_artifact, random_spikes
from saformer.sim.runner import BUILD, SimBuild, ensure_built, expected_increments, verilator_env

CTRL_START, CTRL_DONE, CTRL_IDLE, CTRL_READY = (1 << itf.CTRL_BITS[k] for k in ("ap_start", "ap_done", "ap_idle",
                                                                               "ap_ready"))


def status_value(*flags: str) -> int:
    """A STATUS value with the named flags set (contract/interface.py STATUS_BITS)."""
    return sum(1 << itf.STATUS_BITS[f] for f in flags)


NOT_LOADED = status_value("not_loaded")
CHECKS = ("regmap", "control", "start_before_load", "load_errors", "reset_mid_image", "reload", "reset_handshakes",
          "framing", "done_after_drain", "counters_64bit")
SECOND_SEED = 4321  # the second artifact of the reload check: another random integer model


def second_artifact(name: str, workdir: Path = BUILD / "sim") -> Artifact:
    """A second artifact of configuration `name` (a random integer model, seed SECOND_SEED), cached."""
    cfg = artifact_for(name, workdir).cfg
    path = random_artifact_path(workdir, name, cfg, SECOND_SEED)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        if not (path / "manifest.json").is_file():
            random_artifact(cfg, path, seed=SECOND_SEED, n_random=4)
    return load_artifact(path)


def _params(vs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: vs[k] for k in itf.WEIGHT_ORDER}


def _simulate(build: SimBuild, case_dir: Path, case: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    verilator_env()
    (case_dir / "results").mkdir(parents=True, exist_ok=True)
    for f in [*(case_dir / "results").glob("*.json"), case_dir / "results.xml"]:
        f.unlink(missing_ok=True)
    case["results_dir"] = str(case_dir / "results")
    np.savez(case_dir / "case.npz", **arrays)
    (case_dir / "case.json").write_text(json.dumps(case))
    # cocotb's runner exits (SystemExit) under pytest when a test fails: the verdict is read from results.xml
    # below (cocotb_results), with each failing test's message, so the exit is caught here
    try:
        _run_tests(build, case_dir, case)
    except SystemExit:
        pass


def _run_tests(build: SimBuild, case_dir: Path, case: dict[str, Any]) -> None:
    from cocotb_tools.runner import get_runner

    get_runner(build.simulator).test(
        test_module="saformer.sim.tb_system", hdl_toplevel=build.top, hdl_toplevel_lang="verilog",
        # the checks are chosen here (no test returns early to skip)
        test_filter=r"\.(" + "|".join(case["checks"]) + r")$",
        build_dir=build.build_dir, test_dir=case_dir, results_xml=str(case_dir / "results.xml"),
        log_file=case_dir / "sim.log",
        extra_env={"SASA_CASE": str(case_dir / "case.json"), "COCOTB_LOG_LEVEL": "WARNING",
                   "PYTHONPATH": child_pythonpath()})


def _case_dir(build: SimBuild, workdir: Path | None, label: str) -> Path:
    d = Path(workdir) if workdir else build.build_dir / "runs" / f"{label}-{uuid.uuid4().hex[:8]}"
    d = d.resolve()
    d.mkdir(parents=True, exist_ok=True)
    return d


def run_system(build: SimBuild, art_a: Artifact, art_b: Artifact, checks: tuple[str, ...] = CHECKS,
               seed: int = 1, workdir: Path | None = None) -> dict[str, Any]:
    """Run the system checks on `build`; returns {check: result dict} plus `mismatches` (all images)."""
    cfg = build.cfg
    case_dir = _case_dir(build, workdir, f"system-{build.name}")
    va, vb = art_a.vectors["random"], art_b.vectors["random"]
    picks = [("A", va, i) for i in range(min(4, va["s"].shape[0]))] + \
            [("B", vb, i) for i in range(min(2, vb["s"].shape[0]))]
    images, spikes, expected = [], [], []
    # expected increments recomputed by the integer reference (and checked against the stored vectors)
    want = {"A": expected_increments(art_a, "random", [i for w, _, i in picks if w == "A"]),
            "B": expected_increments(art_b, "random", [i for w, _, i in picks if w == "B"])}
    for w, vs, i in picks:
        images.append({"label": f"{w}:random[{i}]", "w": w, "formula": active_formula(cfg, vs["s"][i], vs["y"][i])})
        spikes.append(itf.pack_spikes(vs["s"][i], cfg.stream_bits))
        expected.append(want[w][[j for w2, _, j in picks if w2 == w].index(i)])
    # the framing check's early-TLAST image: the first half of the tokens of image A[0], the rest silent
    trunc = T_N // 2 if (T_N := cfg.T * cfg.N) > 1 else 1
    s_tr = np.array(va["s"][picks[0][2]])
    s_tr.reshape(cfg.T * cfg.N, cfg.D)[trunc:] = 0
    trunc_expected = np.asarray(ref.sasa(s_tr[None], _params(va), cfg)["inc"][0], dtype=np.int64)
    case = {"config": cfg.to_dict(), "name": build.name, "seed": seed, "ports": build.ports, "checks": list(checks),
            "trunc_tokens": trunc,
            "weights": {"A": itf.weight_stream(cfg, _params(va)), "B": itf.weight_stream(cfg, _params(vb))},
            "images": images}
    t0 = time.perf_counter()
    _simulate(build, case_dir, case, {"spikes": np.stack(spikes).astype(np.uint64), "expected": np.stack(expected),
                                      "trunc_expected": trunc_expected})
    out: dict[str, Any] = {"case_dir": str(case_dir), "wall_s": round(time.perf_counter() - t0, 2)}
    for c in checks:
        f = case_dir / "results" / f"{c}.json"
        out[c] = json.loads(f.read_text()) if f.is_file() else {"error": f"no result; see {case_dir / 'sim.log'}"}
    out["mismatches"] = sum(im["mismatches"] for c in checks for im in out[c].get("images", []))
    out["cocotb"] = cocotb_results(case_dir / "results.xml")
    return out


def cocotb_results(xml: Path) -> dict[str, Any]:
    """Per test of a cocotb results.xml: passed or the failure message (the checks assert inside)."""
    import xml.etree.ElementTree as ET

    if not xml.is_file():
        return {"error": f"no {xml}"}
    out: dict[str, Any] = {}
    for tc in ET.parse(xml).getroot().iter("testcase"):
        bad = tc.find("failure")
        if bad is None:
            bad = tc.find("error")
        out[tc.get("name", "?")] = "passed" if bad is None else (bad.get("message") or bad.text or "failed")[:500]
    return out


def expected_regs(cfg: SAFormerConfig) -> dict[str, int]:
    """Read-only register values contract/interface.py implies after reset (config fields and hash)."""
    want = {"CONFIG_HASH": cfg.hash32, "CTRL": CTRL_IDLE, "STATUS": NOT_LOADED, "IMAGES": 0, "GIE": 0, "IER": 0,
            "ISR": 0, "CYCLES_ACTIVE": 0, "CYCLES_TOTAL": 0, "CYCLES_ACTIVE_HI": 0, "CYCLES_TOTAL_HI": 0}
    for k, v in cfg.register_fields().items():
        want[f"CFG_{k.upper()}"] = int(v)
    return want


def check_system(cfg: SAFormerConfig, r: dict[str, Any]) -> None:
    """Every assertion of the issue-5 checks on one run_system result (also used by sim/verify.py)."""
    for c in ("regmap", "control", "start_before_load", "load_errors", "reset_mid_image", "reload"):
        assert "error" not in r[c], r[c]
    # register map read back == contract/interface.py (every register, config fields and hash)
    reads = r["regmap"]["reads"]
    assert set(reads) == {x.name for x in registers(cfg)}
    assert reads == expected_regs(cfg)
    assert r["regmap"]["rw"] == {"IMAGES": 0x12345678, "GIE": 1, "IER": 3}
    assert r["regmap"]["unmapped"] == 0
    # ap_ctrl_hs handshake and interrupt
    c = r["control"]
    assert c["ctrl_at_start"] & CTRL_START and not c["ctrl_at_start"] & CTRL_IDLE
    assert c["irq"] == 1 and c["isr"] == 1
    assert c["ctrl_1st_read"] == CTRL_DONE | CTRL_IDLE | CTRL_READY and c["ctrl_2nd_read"] == CTRL_IDLE
    assert c["isr_after_toggle"] == 0 and c["irq_after_toggle"] == 0
    assert c["extra_frames_after_images0"] == 0
    assert c["run2_cycles_active"] == c["run2_formula"] and c["ctrl_final"] == CTRL_IDLE
    # start before any load: refused, flagged, no output; the queued image runs after a valid load
    s = r["start_before_load"]
    assert s["ctrl_at_start"] == CTRL_IDLE and s["status"] == NOT_LOADED and s["beats_out"] == 0
    assert s["ctrl_at_start_after_load"] & CTRL_START and s["status_end"] == 0
    # bad loads: the right flag, start refused, the next valid load runs bit-exact
    flags = {"wrong_hash": status_value("not_loaded", "header"), "truncated": status_value("not_loaded", "length"),
             "over_long": status_value("not_loaded", "length")}
    for kind, want in flags.items():
        k = r["load_errors"]["kinds"][kind]
        assert k["status"] == want, (kind, k)
        assert k["ctrl_at_start"] == CTRL_IDLE and k["ctrl"] == CTRL_IDLE, (kind, k)
        assert k["status_after_valid"] == 0 and k["valid_load"]["loaded"] == 1, (kind, k)
        assert k["image"]["mismatches"] == 0 and k["image"]["cycles_active"] == k["image"]["formula"]
    # reset in the middle of an image: idle, weights dropped, nothing of the aborted image, next run exact
    m = r["reset_mid_image"]
    assert m["busy_at_reset"] == 1 and m["status_after_reset"] == NOT_LOADED and m["ctrl_after_reset"] == CTRL_IDLE
    assert m["frames_after_reset"] == 0 and m["extra_frames"] == 0
    # two artifacts alternating: every image bit-exact, CYCLES_ACTIVE == formula
    rl = r["reload"]
    assert all(ld["loaded"] for ld in rl["loads"])
    for im in rl["images"] + m["images"]:
        assert im["cycles_active"] == im["formula"], im
    assert len({im["label"][0] for im in rl["images"]}) == 2
    assert r["mismatches"] == 0, r
    # the checks that assert inside the cocotb test: every one ran and passed (results.xml)
    got = r.get("cocotb", {})
    assert got and "error" not in got, got
    for c in CHECKS:
        if c in r:
            assert got.get(c) == "passed", (c, got.get(c))


def run_long(name: str = "t1", images: int = 10_000, seed: int = 5, p_reset: float = 0.1,
             p_reload: float = 0.05, max_batch: int = 48, workdir: Path | None = None,
             build_root: Path = BUILD, hang_run: int | None = None) -> dict[str, Any]:
    """The long run: `images` random-spike images on configuration `name` in one simulator process.

    The plan (made here, executed by sim/tb_system.py: long_run) is a list of runs; each run is IMAGES =
    1..max_batch images under a random stall pattern, preceded with probability p_reset by a reset (which
    drops the weights, so a load follows) and with probability p_reload by a reload with the other
    artifact. Returns images, lost, duplicated and wrong output beats, cycle errors, timeouts, resets,
    reloads, time. Every wait is bounded (sim/tb_sasa.py: wait_bound_cycles): a frame that never comes is
    counted as lost, the engine is reset and reloaded, and the run goes on. `hang_run` (tests) holds the
    output's tready low during that run of the plan, so its frames never come."""
    art_a = artifact_for(name, build_root / "sim")
    art_b = second_artifact(name, build_root / "sim")
    cfg = art_a.cfg
    build = ensure_built(name, cfg, build_root, source=str(art_a.path))
    rng = np.random.default_rng(seed)
    s = random_spikes(cfg, rng, images, rng.uniform(0.0, 0.3, images))
    plan, w_of = [], np.zeros(images, dtype=np.int64)
    cur, i, resets, reloads = -1, 0, 0, 0
    while i < images:
        k = int(min(images - i, rng.integers(1, max_batch + 1)))
        reset = bool(cur < 0 or rng.random() < p_reset)
        w = cur
        if cur < 0 or reset or rng.random() < p_reload:
            w = int(rng.integers(0, 2)) if cur < 0 else (1 - cur if rng.random() < 0.7 else cur)
        load = reset or w != cur
        resets += int(reset and cur >= 0)
        reloads += int(load)
        stall = ("none", "in_idle", "out_bp", "both")[int(rng.integers(0, 4))]
        plan.append({"first": i, "count": k, "reset": reset, "load": load, "w": w, "stall": stall,
                     "stall_seed": int(rng.integers(0, 2**31))})
        w_of[i:i + k] = w
        cur, i = w, i + k
    params = [_params(art_a.vectors["random"]), _params(art_b.vectors["random"])]
    inc = np.zeros((images, cfg.T, cfg.N, cfg.D), dtype=np.int16)
    formula = np.zeros(images, dtype=np.int64)
    for w in (0, 1):
        idx = np.flatnonzero(w_of == w)
        if len(idx):
            r = ref.sasa(s[idx], params[w], cfg)
            inc[idx] = r["inc"]
            formula[idx] = active_formulas(cfg, s[idx], r["y"])
    words = np.stack([itf.pack_spikes(x, cfg.stream_bits) for x in s]).astype(np.uint64)
    case_dir = _case_dir(build, workdir, f"long-{name}")
    case = {"config": cfg.to_dict(), "name": name, "seed": seed, "ports": build.ports, "checks": ["long_run"],
            "weights": {"A": itf.weight_stream(cfg, params[0]), "B": itf.weight_stream(cfg, params[1])},
            "plan": plan, "hang_run": hang_run}
    t0 = time.perf_counter()
    _simulate(build, case_dir, case, {"spikes": words, "expected": inc, "formula": formula})
    wall = time.perf_counter() - t0
    f = case_dir / "results" / "long_run.json"
    if not f.is_file():
        return {"config": name, "images": images, "error": f"no result; see {case_dir / 'sim.log'}",
                "lost": None, "duplicated": None, "wrong": None}
    r = json.loads(f.read_text())
    r.update({"config": name, "seed": seed, "resets": resets, "reloads": reloads, "runs": len(plan),
              "wall_s": round(wall, 1), "case_dir": str(case_dir)})
    r["sim_cycles_per_s"] = round(r["sim_cycles"] / r["sim_wall_s"], 1) if r.get("sim_wall_s") else None
    return r
