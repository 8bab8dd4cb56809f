# SPDX-License-Identifier: Apache-2.0
"""The `network` section of build/report/verify.json: the whole-network RTL on every configuration of the
network regression (sim/net_runner.py: NET_CONFIGS) -- all 360 test images of the shipped model for
`default`, random pixels on random artifacts for the others -- under crossed input idles and output
backpressure, with per-image hardware vs golden classes and measured vs formula cycles of every module; the
stall-free run also checks the network's schedule (contract/cycles.py network_schedule): per image the
latency and the completion interval, and every handshake of every boundary, measured == model; and the
CIFAR-10 configurations (sim/net_bulk_verify.py: BULK_NET_CONFIGS) on the bulk harness, with their
calibration images and worst-case sets."""

from __future__ import annotations

from typing import Any

import numpy as np
from saformer.contract.errors import SaformerError


def network_config(name: str, images: int | None, stalls: tuple[str, ...]) -> dict[str, Any]:
    from saformer.golden import reference as ref
    from saformer.sim.net_runner import ensure_net_built, net_artifact, network_images, run_net_case

    art = net_artifact(name)
    x, y = network_images(art, images)
    build = ensure_net_built(name, art.cfg)
    res = run_net_case(build, art, x, y, stalls, seed=11, label=f"verify-{name}")
    golden = ref.predict(ref.forward(x, art.params, art.cfg)["logits"])
    out: dict[str, Any] = {"artifact": str(art.path), "trained": bool(art.manifest.get("checkpoint")),
                           "stalls": list(stalls), "rerun": res.rerun,
                           "waveform": str(res.waveform) if res.waveform else None}
    for st, r in res.runs.items():
        hw = np.array(r["classes_hw"])
        lab = np.array(r["labels"])
        mods = list(r["cycles"])
        per_image = [{"cycles_measured": {m: (r["cycles"][m]["measured"][i] if i < len(r["cycles"][m]["measured"])
                                              else None) for m in mods},
                      "cycles_formula": {m: r["cycles"][m]["formula"][i] for m in mods},
                      "class_hw": int(hw[i]), "class_golden": int(golden[i])} for i in range(len(x))]
        mism_imgs = set(r["mismatching_images"]) | {i for i in range(len(x)) if hw[i] != golden[i]}
        out[st] = {
            "images": len(x), "mismatching_images": len(mism_imgs), "mismatching_values": r["mismatching_values"],
            "accuracy_hw": float((hw == lab).mean()) if (lab >= 0).all() else None,
            "accuracy_golden": float((golden == lab).mean()) if (lab >= 0).all() else None,
            "classes_equal": bool((hw == golden).all()), "cycle_errors": r["cycle_errors"],
            "cycles_match_formula": not r["cycle_errors"], "first_mismatch": r["first_mismatch"],
            "per_image": per_image}
        if "schedule" in r:  # the stall-free run: measured == the schedule model, per image
            sch = r["schedule"]
            out[st]["schedule"] = {**sch, "first_mismatch": next((e for e in r["cycle_errors"]
                                                                   if e.startswith("schedule:")), None)}
    return out


LONG_RUN = {"images": 10_000, "resets": 10, "reloads": 10}  # the long run of issue 12 (sim/net_bulk.py)


def network_section(configs: tuple[str, ...] | None = None, default_images: int | None = None,
                    other_images: int = 8, stalls: tuple[str, ...] = ("none", "both"),
                    long_run: dict[str, int] | None = LONG_RUN) -> dict[str, Any]:
    """Every network configuration per cycle (cocotb), then `long_run`: the bulk harness on the shipped
    model (and a random model) with stalls at both ends, resets mid-image and weight reloads."""
    from saformer.sim.net_bulk import long_run as bulk_long_run
    from saformer.sim.net_bulk_verify import BULK_NET_CONFIGS, VERIFY_BULK_CONFIGS, network_bulk_config
    from saformer.sim.net_runner import NET_CONFIGS

    sec: dict[str, Any] = {}
    for n in configs or NET_CONFIGS + VERIFY_BULK_CONFIGS:
        if n in BULK_NET_CONFIGS:  # CIFAR-10 sizes: the bulk harness, every boundary value, worst-case sets
            sec[n] = network_bulk_config(n, stalls[0] if len(stalls) == 1 else "both")
        else:
            sec[n] = network_config(n, default_images if n == "default" else other_images, stalls)
    network_worst(sec)
    if long_run:
        sec["long_run"] = bulk_long_run(long_run["images"], long_run["resets"], long_run["reloads"], "both")
    sec["ok"] = section_ok(sec)
    return sec


def section_ok(sec: dict[str, Any]) -> bool:
    """Every network config's run: no mismatching value or image, cycles == formula, under every stall; its
    worst-case sets (when run) and the long run (when run) without a fault."""
    runs = [c for c in sec.values() if isinstance(c, dict) and "stalls" in c]
    return (all(c.get("ok", True) for c in runs)  # the bulk records' own verdict (harness faults included)
            and all(c[st]["mismatching_values"] == 0 and c[st]["mismatching_images"] == 0
                and c[st]["cycles_match_formula"] for c in runs for st in c["stalls"])
            and all(c["worst"]["ok"] for c in runs if "worst" in c)
            and (sec["long_run"]["ok"] if isinstance(sec.get("long_run"), dict) else True))


def network_worst(sec: dict[str, Any], names: tuple[str, ...] = ("minwidth",), stalls: tuple[str, ...] = ("both",)
                  ) -> bool:
    """The whole-network worst-case sets (golden/net_vectors.py) of each config in `names` that the section
    ran, through the RTL: a `worst` entry beside the config's own (per set `images`, `mismatching_images`,
    `mismatching_values`; totals). True when every set matched."""
    from saformer.sim.net_worst import run_worst

    ok = True
    for n in names:
        if isinstance(sec.get(n), dict):
            sec[n]["worst"] = run_worst(n, stalls)
            ok = ok and sec[n]["worst"]["ok"]
    return ok


def merge_network_configs(rep: dict[str, Any], recs: dict[str, Any]) -> dict[str, Any]:
    """Put the records `recs` (config name -> network record) into `rep`'s network section beside the entries
    it has, and recompute the section's verdict; the report's total can only lose its ok (the other cases'
    verdicts are not recomputed here)."""
    sec = {k: v for k, v in rep.get("network", {}).items() if k != "ok"}
    sec.update(recs)
    sec["ok"] = section_ok(sec)
    rep["network"] = sec
    if isinstance(rep.get("total"), dict):
        rep["total"]["network_ok"] = sec["ok"]
        rep["total"]["ok"] = bool(rep["total"].get("ok", True) and sec["ok"])
    return rep


def cli_network_verify(out, configs: list[str] | None = None) -> int:
    """Run the network section alone and merge it into the verify report at `out`; with `configs`, only those
    network configurations (e.g. cifar10-384, which `make verify` leaves out), merged beside the section's
    other entries."""
    import json
    from pathlib import Path

    from saformer.contract.fsutil import write_json_atomic
    from saformer.sim.net_bulk_verify import BULK_NET_CONFIGS
    from saformer.sim.net_runner import NET_CONFIGS

    out = Path(out)
    rep = json.loads(out.read_text()) if out.is_file() else {}
    if configs:
        bad = [n for n in configs if n not in NET_CONFIGS + BULK_NET_CONFIGS]
        if bad:
            raise SaformerError(f"verify --network-only: {bad} not network configurations "
                                f"({', '.join(NET_CONFIGS + BULK_NET_CONFIGS)})")
        rec = network_section(configs=tuple(configs), long_run=None)
        merge_network_configs(rep, {n: rec[n] for n in configs})
    else:
        rep["network"] = network_section()
    write_json_atomic(out, rep, indent=1, sort_keys=True)
    for n, c in rep["network"].items():
        if n == "long_run":
            print(f"network long run: {c['images']} images, lost {c['lost']}, duplicated {c['duplicated']}, wrong "
                  f"{c['wrong']}, resets {c['resets']}, reloads {c['reloads']}, cut by reset {c['cut_by_reset']}, "
                  f"{c['wall_s']} s ({c['sim_cycles_per_s']} simulated cycles/s)")
        elif isinstance(c, dict):
            for st in c["stalls"]:
                r = c[st]
                print(f"network {n:9s} stall={st}: {r['images']} images, {r['mismatching_images']} mismatching "
                      f"images, {r['mismatching_values']} values, accuracy hw {r.get('accuracy_hw')} golden "
                      f"{r.get('accuracy_golden')}, cycles==formula {r['cycles_match_formula']}")
                if "schedule" in r:
                    sc = r["schedule"]
                    print(f"network {n:9s} schedule: measured == model {sc['equal']} ({len(sc['latency_model'])} "
                          f"images, {sc['handshakes_compared']} handshakes; latency image 0 measured "
                          f"{sc['latency_measured'][:1]} model {sc['latency_model'][:1]})"
                          + (f": {sc['first_mismatch']}" if sc["first_mismatch"] else ""))
                if n in BULK_NET_CONFIGS:
                    for im in r["per_image"]:
                        print(f"  {im['label']}: cycles measured {sum(v or 0 for v in im['cycles_measured'].values())}"
                              f" formula {sum(im['cycles_formula'].values())} (summed over modules), equal "
                              f"{im['cycles_equal']}")
            if "worst" in c:
                w = c["worst"]
                print(f"network {n:9s} worst-case sets: {w['images']} images, {w['mismatching_images']} "
                      f"mismatching images, {w['mismatching_values']} values, ok={w['ok']}")
    print(f"wrote {out} (network section): ok={rep['network']['ok']}")
    return 0 if rep["network"]["ok"] else 1
