# SPDX-License-Identifier: Apache-2.0
"""The synthesis report's delay model (hw/timing.py): consistent with itself and its documented formula."""

from __future__ import annotations

import pytest
from saformer.contract.errors import SaformerError
from saformer.hw.timing import MODELS, calibrate_net_delay, estimate, model


@pytest.mark.parametrize("family", sorted(MODELS))
def test_levels_for_is_the_largest_depth_meeting_the_clock(family: str) -> None:
    m = model(family)
    for mhz in (50.0, 100.0, 150.0, 200.0):
        n = m.levels_for(mhz)
        assert m.fmax_mhz(n) >= mhz > m.fmax_mhz(n + 1), (family, mhz, n)


@pytest.mark.parametrize("family", sorted(MODELS))
def test_formula_and_calibration_round_trip(family: str) -> None:
    m = model(family)
    e = estimate(10, family)
    want = m.t_clk_to_q + 10 * (m.t_lut + m.t_net) + m.t_setup + m.t_margin
    assert e["path_ns"] == round(want, 3) and e["fmax_mhz_estimate"] == round(1e3 / want, 1)
    assert abs(calibrate_net_delay(family, 10, 1e3 / want) - m.t_net) < 1e-9
    assert [m.fmax_mhz(k) for k in range(30)] == sorted((m.fmax_mhz(k) for k in range(30)), reverse=True)


def test_unknown_family_and_bad_input_are_one_line_errors() -> None:
    with pytest.raises(SaformerError, match="no delay model for device family 'xc6'"):
        model("xc6")
    with pytest.raises(SaformerError):
        calibrate_net_delay("xc7", 0, 100.0)
