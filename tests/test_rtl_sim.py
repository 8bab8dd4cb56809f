# SPDX-License-Identifier: Apache-2.0
"""RTL regression of the SASA engine in Verilator through cocotb (make test subset; `make verify` runs
everything): default and minwidth under every stall cross, mutation checks that must fail with
coordinates, coverage bins. Simulator builds go to build/sim/<hash> (locked, reused); each case writes
into its own folder under tmp_path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from saformer.contract.layout import weight_word_index
from saformer.golden import reference as ref
from saformer.golden.named_artifacts import artifact_for
from saformer.sim.coverage import EXEMPT, REQUIRED, check, coverage, matched_images
from saformer.sim.runner import BUILD, STALLS, ensure_built, run_case, select_images

# few images per stall cross in make test; `make verify` runs every image
PER_SET = {"random": 2, "real": 2, "worst_min": 1, "worst_max": 1, "worst_wrap": 1, "cover": 2}


def _setup(name: str):
    art = artifact_for(name, BUILD / "sim")
    return art, ensure_built(name, art.cfg, BUILD, source=str(art.path))


def test_one_build_per_config(tmp_path: Path) -> None:
    """The simulator build depends on the config and flags only: callers with different artifact paths
    share it (a new ~150 MB Verilator build per caller was the bug)."""
    art = artifact_for("minwidth", BUILD / "sim")
    a = ensure_built("minwidth", art.cfg, BUILD, source=str(art.path))
    b = ensure_built("minwidth", art.cfg, BUILD, source=str(tmp_path / "elsewhere"))
    assert a.build_dir == b.build_dir and a.gen_dir == b.gen_dir


def test_random_artifact_cache_key_follows_golden_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit to any of GOLDEN_SOURCES (golden/vectors.py, golden/reference.py, contract/artifact.py,
    contract/config.py, contract/layout.py) moves the cached random artifact's folder."""
    import shutil

    import saformer.golden.named_artifacts as sa
    from saformer.contract.configs import NAMED

    repo = tmp_path / "repo"
    for f in sa.GOLDEN_SOURCES:
        (repo / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(sa.REPO / f, repo / f)
    monkeypatch.setattr(sa, "REPO", repo)
    before = sa.random_artifact_path(tmp_path, "t1", NAMED["t1"], 1)
    for f in sa.GOLDEN_SOURCES:
        (repo / f).write_text((repo / f).read_text() + "\n# edited\n")
        after = sa.random_artifact_path(tmp_path, "t1", NAMED["t1"], 1)
        assert after != before, f
        before = after


def test_stale_artifact_expected_is_refused(tmp_path: Path) -> None:
    """The scoreboard's expected values come from golden.reference.sasa; stored vectors that differ from
    it (a stale cached artifact, an edited file) raise before any simulation instead of being trusted."""
    from saformer.contract.errors import SaformerError

    art, build = _setup("minwidth")
    vs = art.vectors["random"]
    inc = vs["inc"].copy()
    inc[0, 0, 0, 0] += 1 if inc[0, 0, 0, 0] < 0 else -1
    vs["inc"] = inc
    with pytest.raises(SaformerError, match="differ from golden.reference.sasa"):
        run_case(build, art, [("random", 0)], ("none",), workdir=tmp_path)


@pytest.mark.parametrize("name", ["default", "minwidth"])
def test_regression_stall_crosses(name: str, tmp_path: Path) -> None:
    art, build = _setup(name)
    images = select_images(art, PER_SET)
    res = run_case(build, art, images, STALLS, seed=7, workdir=tmp_path)
    assert set(res.runs) == set(STALLS)
    assert res.mismatches == 0, res.report()
    assert not res.cycle_errors(), res.report()
    for stall, r in res.runs.items():
        assert len(r["images"]) == len(images)
        assert r["status"] == {"err_proto": 0, "err_hdr": 0, "err_len": 0}, stall
        for im in r["images"]:
            assert im["cycles_measured"] == im["cycles_formula"]
            assert (im["cycles_qk"], im["cycles_y"]) == (im["qk_formula"], im["y_formula"])
            assert im["tlast_checked"] == im["beats"] > 0, im  # TLAST seen on every beat (last beat only: 1)
            if stall == "none":
                assert im["cycles_total"] == im["latency_formula"]
    # coverage bins: every required one hit. Data bins are the reference trace of the images the DUT
    # matched (all of them here); the membrane bounds come from the worst-case sets (worst_min/worst_max):
    # for default the real/random images stay within about +-60 of +-4300, worst_max[0] reaches 4259.
    cov = coverage(art, images, res.runs)
    assert cov["data_bins_images"] == len(images) and cov["data_bins_images_excluded"] == 0
    assert "reference trace" in cov["data_bins_source"] and "DUT" in cov["stall_bins_source"]
    assert cov["all_hit"] and cov["missed"] == [], cov
    assert cov["engine_stall_accept"] > 0, cov  # QK phase: input starved at a token accept
    assert cov["engine_stall_emit"] > 0, cov    # Y phase: output backpressure at an emit
    assert cov["empty_tokens_S"] > 0 and cov["empty_tokens_Y"] > 0, cov
    assert cov["membrane_at_min"] and cov["membrane_at_max"], cov
    assert (cov["membrane_min_reached"], cov["membrane_max_reached"]) == (cov["membrane_min_proven"],
                                                                          cov["membrane_max_proven"])
    for k in ("a_eq_0", "a_eq_N", "A_all_zero_timesteps", "A_all_one_timesteps"):
        assert cov[k] > 0, (k, cov)
    assert cov["engine_stall_a"] == 0 and "engine_stall_a" in cov["exempt"]  # one-cycle A phase: exempt


def test_coverage_enforced_and_only_matched_images() -> None:
    """A required bin at 0 (or False) is `missed` and fails `all_hit`; the exempt A-phase stall is not
    required; an image that mismatched in any stall run (or is missing from one) is not a matched image."""
    assert "engine_stall_a" in EXEMPT and "engine_stall_a" not in REQUIRED
    full = {k: (True if k.startswith("membrane_at") else 1) for k in REQUIRED}
    assert check(full)["all_hit"] and check(full)["missed"] == []
    for k in REQUIRED:
        c = check(dict(full, **{k: False if k.startswith("membrane_at") else 0}))
        assert not c["all_hit"] and c["missed"] == [k]
    runs = {"none": {"images": [{"label": "r[0]", "mismatches": 0}, {"label": "r[1]", "mismatches": 0},
                                {"label": "r[2]", "mismatches": 0}]},
            "both": {"images": [{"label": "r[0]", "mismatches": 0}, {"label": "r[1]", "mismatches": 3}]}}
    assert matched_images([("r", 0), ("r", 1), ("r", 2)], runs) == [("r", 0)]


def _first_y(vs: dict, i: int) -> tuple[int, int, int]:
    y = vs["y"][i]
    t, n, j = (int(x) for x in np.argwhere(y)[0])
    return t, n, j


def test_mutation_weight_word_is_caught(tmp_path: Path) -> None:
    """Corrupt one Wo word: the scoreboard must fail at the first (t, n) that uses it, channel 0."""
    art, build = _setup("default")
    cfg = art.cfg
    vs = art.vectors["random"]
    t, n, j = _first_y(vs, 0)
    w = int(vs["wo"][j, 0])
    bad = w + 1 if w < 2 ** (cfg.w_bits - 1) - 1 else w - 1
    patch = {"random": {weight_word_index(cfg, "wo", j * cfg.D + 0): bad}}
    res = run_case(build, art, [("random", 0)], ("none",), seed=11, workdir=tmp_path, patch=patch)
    assert res.mismatches > 0
    msg = res.report()
    assert f"vector random[0], t={t}, n={n}, channel=0" in msg, msg
    assert "seed=11" in msg and "rerun:" in msg and "-m saformer.sim.runner --case" in msg
    assert res.waveform is not None and res.waveform.is_file() and res.waveform.stat().st_size > 0


def test_mutation_theta_a_off_by_one_is_caught(tmp_path: Path) -> None:
    """theta_a of one head off by one: the scoreboard must fail at the first coordinate where the
    reference with the mutated threshold differs."""
    art, build = _setup("default")
    cfg = art.cfg
    vs = art.vectors["random"]
    params = {k: vs[k] for k in ref.SASA_KEYS}
    found = None
    for i in range(vs["s"].shape[0]):
        for h in range(cfg.heads):
            for d in (1, -1):
                th = int(params["theta_a"][h]) + d
                if not 1 <= th <= cfg.N:
                    continue
                p2 = dict(params, theta_a=params["theta_a"].copy())
                p2["theta_a"][h] = th
                inc2 = ref.sasa(vs["s"][i:i + 1], p2, cfg)["inc"][0]
                diff = np.argwhere(inc2 != vs["inc"][i])
                if len(diff):
                    found = (i, h, th, tuple(int(x) for x in diff[0]))
                    break
            if found:
                break
        if found:
            break
    assert found, "no image is sensitive to theta_a +-1"
    i, h, th, (t, n, c) = found
    patch = {"random": {weight_word_index(cfg, "theta_a", h): th}}
    res = run_case(build, art, [("random", i)], ("none",), seed=12, workdir=tmp_path, patch=patch,
                   waves_on_fail=False)
    assert res.mismatches > 0
    msg = res.report()
    assert f"vector random[{i}], t={t}, n={n}, channel={c}" in msg, msg


def test_weight_load_header_checks(tmp_path: Path) -> None:
    """Basic weight-stream checks (issue 5 extends them): wrong hash, truncated, over-long, then valid;
    the images after the valid load are still bit-exact."""
    import json

    art, build = _setup("minwidth")
    res = run_case(build, art, [("random", 0)], ("none",), seed=3, workdir=tmp_path, load_checks=True)
    assert res.mismatches == 0 and not res.cycle_errors(), res.report()
    flags = json.loads((tmp_path / "results" / "load_checks.json").read_text())
    assert flags["wrong_hash"] == {"loaded": 0, "err_hdr": 1, "err_len": 0}
    assert flags["truncated"] == {"loaded": 0, "err_hdr": 0, "err_len": 1}
    assert flags["over_long"] == {"loaded": 0, "err_hdr": 0, "err_len": 1}
    assert flags["upper_bits"] == {"loaded": 0, "err_hdr": 0, "err_len": 0, "err_val": 1}
    assert flags["valid"] == {"loaded": 1, "err_hdr": 0, "err_len": 0}


def test_cycle_formula_one_source() -> None:
    """The batch formula, the single-image formula, fixed/spike cycles, the worst case and the driver's
    timeout bound all come from saformer.contract.cycles and agree."""
    from saformer.contract.configs import NAMED
    from saformer.contract.cycles import cycle_formula, cycle_formulas, fixed_cycles, spike_cycles, worst_cycles
    from saformer.contract.interface import groups
    from saformer.driver.sasa import SasaEngine

    cfg = NAMED["minwidth"]
    rng = np.random.default_rng(0)
    s = rng.integers(0, 2, (5, cfg.T, cfg.N, cfg.D))
    y = rng.integers(0, 2, (5, cfg.T, cfg.N, cfg.D))
    batch = cycle_formulas(cfg, s, y)
    assert batch.shape == (5,)
    assert [cycle_formula(cfg, s[i], y[i]) for i in range(5)] == [int(x) for x in batch]
    G = groups(cfg)
    assert spike_cycles(cfg) == G and cycle_formula(cfg, 0 * s[0], 0 * y[0]) == fixed_cycles(cfg)
    assert SasaEngine(None, cfg).worst_cycles(3) == 3 * worst_cycles(cfg)
    # the max-plus schedule against a scalar re-statement of docs/architecture.md's recurrence
    import saformer.contract.cycles as sb

    for i in range(5):
        q = [G * sum(max(1, int(s[i, t, n].sum())) for n in range(cfg.N)) for t in range(cfg.T)]
        yy = [G * sum(max(1, int(y[i, t, n].sum())) for n in range(cfg.N)) for t in range(cfg.T)]
        qs, ye = [sb.QK_START], []
        for t in range(cfg.T):
            if t > 0:
                qs.append(max(qs[t - 1] + q[t - 1] + sb.QK_GAP, (ye[t - 2] if t >= 2 else -10**9) + sb.QK_BANK))
            ye.append(max(qs[t] + q[t] + sb.Y_START, ye[t - 1] if t else -10**9) + yy[t])
        assert int(batch[i]) == ye[-1] + sb.OUT_LAT
        assert int(sb.active_formulas(cfg, s, y)[i]) == sum(q) + sum(yy)
    ones = np.ones((cfg.T, cfg.N, cfg.D), dtype=np.uint8)
    assert worst_cycles(cfg) == cycle_formula(cfg, ones, ones) >= int(sb.active_formula(cfg, ones, ones)) // 2


def test_scoreboard_checks_tlast() -> None:
    """check_image with TLASTs: 1 on the last beat of the image and only there."""
    from saformer.contract.configs import NAMED
    from saformer.contract.interface import pack_increments
    from saformer.sim.scoreboard import check_image

    cfg = NAMED["t1"]
    inc = np.zeros((cfg.T, cfg.N, cfg.D), dtype=np.int64)
    beats = pack_increments(inc, cfg.lanes)
    ok = [0] * (len(beats) - 1) + [1]
    assert check_image(cfg, "x", beats, inc, ok).mismatches == 0
    early = [0] * len(beats)
    early[0] = 1
    chk = check_image(cfg, "x", beats, inc, early)
    assert chk.mismatches == 2 and "tlast wrong on beat 0" in chk.details[0]
