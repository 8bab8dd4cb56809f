# SPDX-License-Identifier: Apache-2.0
"""Coverage bins of an RTL regression run (numpy + the run's stall counters; no cocotb).

Data bins come from the integer reference's trace (golden.reference via the artifact's stored tensors) of
the images given -- sim/verify.py passes only the images whose DUT output matched under every stall pattern
(`matched_images`), so a data bin counts a case the DUT was seen to get right; the bins say so in
`data_bins_source`. They are a = 0 and a = N, all-zero / all-one A timesteps, empty tokens of S and of Y,
and Q/K membranes at their proven bounds. Stall bins come from the testbench's per-cycle monitor of the DUT:
engine stalls in the QK phase (input starved at a token accept) and in the Y phase (output backpressure at
an emit), plus port-level stalls per phase. `check` says which required bins were missed; the A phase is
exempt (`EXEMPT`: it lasts one cycle and has no handshake, so nothing can stall it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from saformer.contract.artifact import Artifact
from saformer.contract.config import derive
from saformer.golden.vectors import membrane_extremes


def data_bins(art: Artifact, images: list[tuple[str, int]]) -> dict[str, Any]:
    cfg = art.cfg
    N = cfg.N
    a_zero = a_full = a_zero_ts = a_one_ts = empty_s = empty_y = 0
    lo, hi = 0, 0
    by_set: dict[str, list[int]] = {}
    for sname, i in images:
        by_set.setdefault(sname, []).append(i)
    for sname, idx in by_set.items():
        vs = art.vectors[sname]
        a, A, s, y = vs["a"][idx], vs["A"][idx], vs["s"][idx], vs["y"][idx]
        a_zero += int(np.count_nonzero(a == 0))
        a_full += int(np.count_nonzero(a == N))
        a_zero_ts += int(np.count_nonzero(A.sum(axis=-1) == 0))
        a_one_ts += int(np.count_nonzero(A.sum(axis=-1) == cfg.D))
        empty_s += int(np.count_nonzero(s.sum(axis=-1) == 0))
        empty_y += int(np.count_nonzero(y.sum(axis=-1) == 0))
        sub = dict(vs)
        sub["s"] = s
        m_lo, m_hi = membrane_extremes(cfg, sub)
        lo, hi = min(lo, m_lo), max(hi, m_hi)
    p_lo, p_hi = derive(cfg).ranges["sasa.qk_membrane"]
    return {
        "a_eq_0": a_zero, "a_eq_N": a_full,
        "A_all_zero_timesteps": a_zero_ts, "A_all_one_timesteps": a_one_ts,
        "empty_tokens_S": empty_s, "empty_tokens_Y": empty_y,
        "membrane_min_reached": lo, "membrane_max_reached": hi,
        "membrane_min_proven": p_lo, "membrane_max_proven": p_hi,
        "membrane_at_min": lo == p_lo, "membrane_at_max": hi == p_hi,
    }


def stall_bins(runs: dict[str, dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in runs.values():
        for k, v in r["bins"].items():
            out[k] = out.get(k, 0) + int(v)
    for k in ("engine_stall_accept", "engine_stall_emit"):
        out.setdefault(k, 0)
    return out


# every bin a regression must hit (issue 4); the boolean membrane bins must be True, the counts > 0
REQUIRED = ("a_eq_0", "a_eq_N", "A_all_zero_timesteps", "A_all_one_timesteps", "empty_tokens_S",
            "empty_tokens_Y", "membrane_at_min", "membrane_at_max",
            "engine_stall_accept",  # QK phase: input starved while the engine waits to accept a token
            "engine_stall_emit")    # Y phase: output backpressure while the engine holds an output beat
EXEMPT = {"engine_stall_a": "impossible by design: sasa_core's S_A state lasts exactly one cycle "
                            "(S_A -> S_Y unconditionally) and neither accepts input nor emits output, so no "
                            "handshake can stall it; reported (always 0), not required"}
DATA_SOURCE = ("reference trace (golden.reference tensors of the artifact) of the images the DUT matched "
               "under every stall pattern")
STALL_SOURCE = "DUT: the testbench's per-cycle monitor of the engine state and AXI-Stream handshakes"


def matched_images(images: list[tuple[str, int]], runs: dict[str, dict[str, Any]]) -> list[tuple[str, int]]:
    """The images whose outputs matched (0 mismatching words) in every stall run that ran; an image missing
    from a run (the run stopped early) does not count as matched."""
    per: dict[str, list[int]] = {}
    for r in runs.values():
        for im in r["images"]:
            per.setdefault(im["label"], []).append(int(im["mismatches"]))
    n = len(runs)
    return [(s, i) for s, i in images
            if len(per.get(f"{s}[{i}]", [])) == n and not any(per[f"{s}[{i}]"])]


def check(bins: dict[str, Any]) -> dict[str, Any]:
    """Which REQUIRED bins were hit; `all_hit` is what a regression's `ok` requires."""
    missed = [k for k in REQUIRED if not bins.get(k)]
    return {"required": list(REQUIRED), "missed": missed, "all_hit": not missed, "exempt": dict(EXEMPT)}


def coverage(art: Artifact, images: list[tuple[str, int]], runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The coverage record of one regression: data bins over the matched images, stall bins of the DUT,
    where each came from, and the required/missed/exempt verdict."""
    ok_images = matched_images(images, runs)
    bins = {**data_bins(art, ok_images), **stall_bins(runs), "engine_stall_a": 0}
    return {**bins, "data_bins_source": DATA_SOURCE, "data_bins_images": len(ok_images),
            "data_bins_images_excluded": len(images) - len(ok_images), "stall_bins_source": STALL_SOURCE,
            **check(bins)}
