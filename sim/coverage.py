"""Coverage bins of an RTL regression run (numpy + the run's stall counters; no cocotb).

Data bins come from the reference tensors of exactly the images the DUT ran (a = 0 and a = N, all-zero /
all-one A timesteps, empty tokens, membranes at their proven bounds); they count what the inputs exercised,
not whether the outputs matched -- that is the run's `mismatches`, so a bin is evidence only together with
mismatches == 0 (as sim/verify.py and the tests read them). Stall bins come from the
testbench's per-cycle monitor (engine stalls in the QK phase -- input starved at a token accept -- and in
the Y phase -- output backpressure at an emit -- plus port-level stalls per phase).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from golden.artifact import Artifact
from golden.config import derive
from golden.vectors import membrane_extremes


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
