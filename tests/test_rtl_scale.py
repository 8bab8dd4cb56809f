# SPDX-License-Identifier: Apache-2.0
"""Scale (issue 11): several spike words per token, the relaxed config limits, the scale configs, and the synth
report's memory list and ABC9 fallback. Quick: no simulator build (the scale configs simulate in `make verify`)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest
from saformer.contract.config import DEFAULT
from saformer.contract.configs import NAMED, SCALE
from saformer.contract.errors import SaformerError
from saformer.contract.interface import pack_spikes, unpack_spikes, words_per_token


@pytest.mark.parametrize("d,wb,words", [(128, 0, 2), (256, 0, 4), (512, 0, 8), (100, 32, 4), (40, 64, 1),
                                        (33, 0, 1), (64, 32, 2)])
def test_multiword_tokens_round_trip(d: int, wb: int, words: int) -> None:
    """Word i of a token holds channels i*SW .. i*SW+SW-1 (channel c at bit c mod SW), bits past D zero."""
    rng = np.random.default_rng(d + wb)
    T, N = 2, 3
    s = (rng.random((T, N, d)) < 0.4).astype(np.uint8)
    w = pack_spikes(s, wb)
    sw = wb or (32 if d <= 32 else 64)
    assert w.shape == (T * N * words,) and w.dtype == np.uint64
    for t, n, c in ((0, 0, 0), (1, 2, d - 1), (0, 1, d // 2)):
        word = int(w[(t * N + n) * words + c // sw])
        assert (word >> (c % sw)) & 1 == s[t, n, c], (t, n, c)
    last = [int(x) for x in w[words - 1::words]]
    assert all(x >> (d - (words - 1) * sw) == 0 for x in last), "bits past D of a token's last word must be 0"
    assert all(int(x) < 2 ** sw for x in w)
    assert np.array_equal(unpack_spikes(w, T, N, d, wb), s)


def test_config_limits_d512_n1024() -> None:
    cfg = DEFAULT.replace(D=512, heads=2, lanes=8)
    assert words_per_token(cfg) == 8 and cfg.stream_bits == 64
    assert DEFAULT.replace(img=64).N == 1024
    with pytest.raises(SaformerError, match="'D' = 513"):
        DEFAULT.replace(D=513, heads=1)
    with pytest.raises(SaformerError, match="N must be <= 1024"):
        DEFAULT.replace(img=66)


def test_scale_configs() -> None:
    assert set(SCALE) == {"d128", "d256"} and not set(SCALE) & set(NAMED)
    assert (SCALE["d128"].D, SCALE["d128"].N, words_per_token(SCALE["d128"])) == (128, 64, 2)
    assert (SCALE["d256"].D, SCALE["d256"].N, words_per_token(SCALE["d256"])) == (256, 64, 4)


def test_bram18_count_and_memory_report() -> None:
    from saformer.hw.synth import bram18_count, memory_report, memory_summary

    assert bram18_count(8192, 4) == 2 and bram18_count(1024, 18) == 1 and bram18_count(2048, 14) == 2
    assert bram18_count(128, 256) == 8  # 512 x 36 aspect, 8 wide
    premem = {"modules": {"top": {"cells": {
        "a": {"type": "$mem_v2", "parameters": {"MEMID": "\\u_core.u_qk.gen_mat[0].gen_lane[0].u_w.mem",
                                                 "WIDTH": format(4, "032b"), "SIZE": format(8192, "032b")}},
        "b": {"type": "$mem_v2", "parameters": {"MEMID": "\\u_core.u_attn.u_qbuf.mem",
                                                 "WIDTH": format(32, "032b"), "SIZE": format(32, "032b")}},
        "c": {"type": "$mem_v2", "parameters": {"MEMID": "\\u_core.tiny",
                                                 "WIDTH": format(2, "032b"), "SIZE": format(2, "032b")}},
        "d": {"type": "FDRE", "parameters": {}}}}}}
    log = ("mapping memory top.u_core.u_qk.gen_mat[0].gen_lane[0].u_w.mem via $__XILINX_BLOCKRAM_SDP_\n"
           "mapping memory top.u_core.u_attn.u_qbuf.mem via $__XILINX_LUTRAM_SDP_\n")
    mems = {m["name"]: m for m in memory_report(premem, log, "top")}
    assert set(mems) == {"u_core.u_qk.gen_mat[0].gen_lane[0].u_w.mem", "u_core.u_attn.u_qbuf.mem", "u_core.tiny"}
    w = mems["u_core.u_qk.gen_mat[0].gen_lane[0].u_w.mem"]
    assert (w["words"], w["width"], w["bits"], w["mapped_to"], w["bram18_est"]) == (8192, 4, 32768, "BRAM", 2)
    assert mems["u_core.u_attn.u_qbuf.mem"]["mapped_to"] == "LUT RAM" and mems["u_core.tiny"]["mapped_to"] == "FF"
    summ = memory_summary(list(mems.values()))
    assert summ["weight_memories_mapped_to"] == ["BRAM"] and summ["by_kind"]["FF"] == {"memories": 1, "bits": 4}


@pytest.mark.skipif(shutil.which("yosys") is None, reason="yosys not installed")
def test_abc9_crash_falls_back_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Yosys whose -abc9 run dies (as ABC9's std::out_of_range does on large designs) is rerun without -abc9,
    and the result says so; the same failure without -abc9 is an error."""
    from saformer.hw import synth
    from saformer.hw.generate import generate, sources

    real = shutil.which("yosys")
    fake = tmp_path / "yosys"
    fake.write_text("#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in *.ys) grep -q -- -abc9 \"$a\" && "
                    "{ echo \"terminate called after throwing an instance of 'std::out_of_range'\" >&2; exit 134; };; "
                    f"esac; done\nexec {real} \"$@\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    cfg = NAMED["t1"]
    files = sources(generate(cfg, tmp_path / "rtl", "t1"))
    res = synth.synthesize(files, synth.TOP, tmp_path / "work")
    assert res["abc9"] is False and "std::out_of_range" in res["abc9_fallback"]
    assert "-abc9" not in res["flow"] and res["lut"] > 0 and res["memories"]
