# SPDX-License-Identifier: Apache-2.0
"""cocotb test of a bulk network run (sim/net_bulk.py): the HDL harness plays the whole program and
records the DUT's transfers; Python wakes once at the start and once at the end. The harness starts at time 0; the test
awaits `done`, times the simulation, then compares the logs with the integer reference (`check_bulk`) and
asserts: lost, duplicated, wrong results, boundary signatures, module cycles, harness faults."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import RisingEdge
from saformer.contract.config import SAFormerConfig
from saformer.contract.fsutil import write_atomic
from saformer.sim.net_bulk_check import case_sets, check_bulk


@cocotb.test()
async def bulk(dut) -> None:
    case_json = Path(os.environ["NET_BULK_CASE"])
    case = json.loads(case_json.read_text())
    t0, c0 = time.perf_counter(), time.process_time()
    await RisingEdge(dut.done)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    sim_cycles = int(dut.cycles.value)
    cfg = SAFormerConfig.from_dict(case["config"])
    npz = dict(np.load(case_json.with_suffix(".npz")))
    t1 = time.perf_counter()
    res = check_bulk(case_json.parent, cfg, case_sets(case, npz), npz["pixels"], case["name"])
    st = res.stats
    st.update({"sim_cycles": sim_cycles, "sim_wall_s": round(wall, 3),
               "sim_cpu_s": round(cpu, 3), "sim_cycles_per_s": round(sim_cycles / wall, 1) if wall > 0 else None,
               "sim_cycles_per_cpu_s": round(sim_cycles / cpu, 1) if cpu > 0 else None,
               "check_wall_s": round(time.perf_counter() - t1, 3)})
    write_atomic(Path(case["result"]), json.dumps({"stats": st, "first_mismatch": res.first_mismatch,
                                                   "wrong_at": list(res.wrong_at) if res.wrong_at else None}))
    assert not res.failed, res.report()
