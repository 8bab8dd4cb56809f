# SPDX-License-Identifier: Apache-2.0
"""Clock estimate from logic levels: the delay model of the synthesis report (docs/architecture.md, "Timing
estimate").

There is no open place-and-route for 7-series or UltraScale+ here, so the clock is estimated from the
longest register-to-register path Yosys reports (`logic_levels`, counted by hw/synth.py LEVELS_RULE) with a
linear model per device family:

    t_path = t_clk_to_q + levels * (t_lut + t_net) + t_setup + t_margin,   f_max = 1 / t_path

`t_lut` is the data sheet's LUT delay (TILO) of the slowest speed grade the boards ship with (-1), `t_net`
the mean routed net delay per level of a moderately filled device, `t_clk_to_q` / `t_setup` the slice FF's,
`t_margin` clock uncertainty plus jitter. The routing share dominates and depends on placement, so the
estimate is a planning figure, not timing closure; a user with Vivado replaces it by the post-route timing
summary of `saformer bitstream` and may recalibrate `t_net` with `calibrate_net_delay` from one measured
(levels, MHz) pair.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from saformer.contract.errors import SaformerError


@dataclass(frozen=True)
class DelayModel:
    family: str
    t_clk_to_q: float  # ns, slice FF clock to Q
    t_lut: float  # ns per LUT level (TILO)
    t_net: float  # ns per level, routed net (mean; placement dependent)
    t_setup: float  # ns, slice FF setup
    t_margin: float  # ns, clock uncertainty + jitter
    source: str

    def path_ns(self, levels: int) -> float:
        return self.t_clk_to_q + levels * (self.t_lut + self.t_net) + self.t_setup + self.t_margin

    def fmax_mhz(self, levels: int) -> float:
        if levels < 0:
            raise SaformerError(f"logic levels must be >= 0, got {levels}")
        return 1e3 / self.path_ns(levels)

    def levels_for(self, mhz: float) -> int:
        """The most logic levels a path may have and still meet `mhz`."""
        per = self.t_lut + self.t_net
        return int((1e3 / mhz - self.t_clk_to_q - self.t_setup - self.t_margin) // per)


MODELS: dict[str, DelayModel] = {
    # Zynq-7000 / Artix-7 class, speed grade -1 (PYNQ-Z1/Z2: xc7z020-1)
    "xc7": DelayModel("xc7", t_clk_to_q=0.46, t_lut=0.13, t_net=0.55, t_setup=0.06, t_margin=0.25,
                      source="DS187 (Zynq-7000 -1) TCKO/TILO/TDICK; mean net 0.55 ns per level"),
    # Zynq UltraScale+ speed grade -1 (Ultra96-V2, KV260) / -2 (ZCU104): the -1 figures, the slower
    "xcup": DelayModel("xcup", t_clk_to_q=0.09, t_lut=0.12, t_net=0.35, t_setup=0.03, t_margin=0.15,
                       source="DS925 (Zynq UltraScale+ -1) TCKO/TILO/TDICK; mean net 0.35 ns per level"),
}


def model(family: str) -> DelayModel:
    try:
        return MODELS[family]
    except KeyError:
        raise SaformerError(f"no delay model for device family '{family}' (known: {', '.join(MODELS)})") from None


def estimate(levels: int, family: str) -> dict[str, Any]:
    """The report's `timing` entry: the estimate, the model's constants and the levels a 100 MHz clock allows."""
    m = model(family)
    return {"logic_levels": int(levels), "path_ns": round(m.path_ns(levels), 3),
            "fmax_mhz_estimate": round(m.fmax_mhz(levels), 1), "levels_at_100mhz": m.levels_for(100.0),
            "model": asdict(m),
            "formula": "t = t_clk_to_q + levels * (t_lut + t_net) + t_setup + t_margin; f = 1/t (estimate, no P&R)"}


def calibrate_net_delay(family: str, levels: int, measured_mhz: float) -> float:
    """The mean net delay per level that makes the model give `measured_mhz` at `levels` (from a user's Vivado
    post-route timing summary of the same design)."""
    m = model(family)
    if levels <= 0 or measured_mhz <= 0:
        raise SaformerError("calibration needs levels > 0 and a positive measured clock")
    return (1e3 / measured_mhz - m.t_clk_to_q - m.t_setup - m.t_margin) / levels - m.t_lut
