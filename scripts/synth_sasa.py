# SPDX-License-Identifier: Apache-2.0
"""The SASA engine of the network (net_sasa: sasa_core, spike_linear, sasa_attn, lif_lanes, ...) alone through
hw/synth.py `synthesize` (synth_xilinx, classic ABC unless --abc9), with the parameters of one generated instance
(grep `net_sasa #(` in the generated net_engine.v), and its longest path's cells (scripts/synth_slin.py).

    nice -n 10 .venv/bin/python scripts/synth_sasa.py <workdir> <xc7|xcup> D=128 N=64 T=4 P=4 H=8 ACC_W=13 ...
    (--top spike_linear FAN_IN=128 ...: one of the engine's units alone)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_slin import synth_alone  # noqa: E402  (one synthesis and longest-path walk for both scripts)

UNIT_FILES = ("net_sasa.v", "sasa_core.v", "sasa_wload.v", "spike_deser.v", "spike_linear.v", "spike_chunks.v",
              "pop_sat3.v", "lif_lanes.v", "sasa_attn.v", "sdp_ram.v", "sign_extend.v")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("family", choices=("xc7", "xcup"))
    ap.add_argument("params", nargs="+", help="NAME=VALUE parameters of the top")
    ap.add_argument("--top", default="net_sasa")
    ap.add_argument("--abc9", action="store_true")
    a = ap.parse_args()
    return synth_alone(a.workdir, a.family, UNIT_FILES, a.top, a.params, a.abc9)


if __name__ == "__main__":
    raise SystemExit(main())
