# SPDX-License-Identifier: Apache-2.0
"""Run driver code against the simulated engine: `simulate(fn, cfg)` calls `fn(engine)` with a SasaEngine
whose backend is the generated RTL in Verilator (driver/cocotb_session.py) and returns what `fn` returns.

    from saformer.driver.sim import simulate
    inc = simulate(lambda eng: (eng.load_artifact("build/artifact"), eng.run(spikes))[1], cfg)

`fn` and its result travel by cloudpickle (the simulator is another process); an exception raised in `fn`
(EngineError, EngineTimeout, ...) is raised again here. The simulator build is shared with the RTL
regression (`sim.runner.ensure_built`: one build per configuration and sources, under build/sim/).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from saformer.contract.config import SAFormerConfig
from saformer.contract.errors import SaformerError
from saformer.contract.paths import child_pythonpath


def simulate(fn: Callable[[Any], Any], cfg: SAFormerConfig, workdir: str | Path | None = None,
             name: str = "default", source: str | None = None) -> Any:
    from saformer.hw.generate import TOP
    from saformer.sim.runner import ensure_built

    build = ensure_built(name, cfg, source=source)
    return _session(fn, cfg, build.build_dir, TOP, "sasa", workdir)


def simulate_net(fn: Callable[[Any], Any], cfg: SAFormerConfig, workdir: str | Path | None = None,
                 name: str = "default") -> Any:
    """As `simulate`, with `fn(accel)` given a `driver.net.NetAccel` on the network accelerator
    (hw/rtl/net_accel.v, built by sim/net_accel_sim.py)."""
    from saformer.hw.net_accel import TOP
    from saformer.sim.net_accel_sim import ensure_accel_built

    build = ensure_accel_built(name, cfg, TOP)
    return _session(fn, cfg, build.build_dir, TOP, "net", workdir)


def _session(fn: Callable[[Any], Any], cfg: SAFormerConfig, build_dir: Path, top: str, kind: str,
             workdir: str | Path | None) -> Any:
    import cloudpickle
    from cocotb_tools.runner import get_runner
    from saformer.sim.runner import BUILD, verilator_env

    verilator_env()
    job = Path(workdir) if workdir else BUILD / "driver" / f"job-{uuid.uuid4().hex[:8]}"
    job = job.resolve()
    job.mkdir(parents=True, exist_ok=True)
    (job / "result.pkl").unlink(missing_ok=True)
    (job / "job.pkl").write_bytes(cloudpickle.dumps({"fn": fn, "config": cfg.to_dict(), "kind": kind}))
    get_runner("verilator").test(
        test_module="saformer.driver.cocotb_session", hdl_toplevel=top, hdl_toplevel_lang="verilog",
        build_dir=build_dir, test_dir=job, results_xml=str(job / "results.xml"), log_file=job / "sim.log",
        extra_env={"SASA_DRIVER_JOB": str(job), "COCOTB_LOG_LEVEL": "WARNING",
                   "PYTHONPATH": child_pythonpath()})
    res_file = job / "result.pkl"
    if not res_file.is_file():
        raise SaformerError(f"the driver simulation wrote no result; see {job / 'sim.log'}")
    res = cloudpickle.loads(res_file.read_bytes())
    if "error" in res:
        err = res["error"]
        if isinstance(err, Exception):
            raise err
        raise SaformerError(f"driver code failed in the simulator:\n{res['traceback']}")
    return res["ok"]
