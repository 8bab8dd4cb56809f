# SPDX-License-Identifier: Apache-2.0
"""The RTL regression over every named configuration -> build/report/verify.json.

`verify_config` runs one configuration (every image of every vector set under every stall pattern by
default, then the AXI-Lite system checks of sim/system.py) and returns its record, whose `ok` also requires
every coverage bin of sim/coverage.py to be hit (the one-cycle A phase is exempt, said so in the record);
`verify_all` runs a list of them, the Vitis-named wrapper's checks, the long run (`long_run`: images, lost,
duplicated, wrong) and the HLS C-simulation (`hls`: per config vectors, mismatches), and writes the report atomically;
`cli_verify` is the `saformer verify` / `make verify` entry point. The HLS worker and the demo may call
`verify_config`/`verify_all` directly.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from saformer.contract.configs import ALL, NAMED, SCALE
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_json_atomic
from saformer.contract.paths import package_root
from saformer.golden.named_artifacts import artifact_for
from saformer.hw.generate import TOP, VITIS_TOP, include_flags
from saformer.sim.coverage import coverage
from saformer.sim.runner import BUILD, STALLS, ensure_built, run_case, select_images, verilator_env

REPORT = BUILD / "report" / "verify.json"
# The scale configs (several spike words per token; D = 128, 256): two images of the random set (the
# Verilator model runs ~10k cycles/s at D = 128; the cover and worst sets cost 0.5-4M cycles per image at
# D = 128-256), two stall patterns, no AXI-Lite system checks (the control block is the same as every other
# config's); mismatches, cycles == formula and lint count in the verdict, coverage bins are reported but not
# required (too few images).
SCALE_PER_SET = {"random": 2}
SCALE_STALLS = ("none", "both")
LONG_RUN_CONFIG = "t1"  # a small config (T=1: ~150-700 cycles per image) so 10,000 images take minutes


def lint(sources: list[Path]) -> dict[str, Any]:
    """`verilator --lint-only -Wall` on one engine's sources: clean means exit 0 and no output."""
    verilator_env()
    p = subprocess.run(["verilator", "--lint-only", "-Wall", *include_flags(sources), "--top-module", TOP,
                        *map(str, sources)],
                       capture_output=True, text=True, check=False)
    msgs = [ln for ln in (p.stdout + p.stderr).splitlines() if ln.startswith("%")]
    return {"clean": p.returncode == 0 and not msgs, "messages": msgs[:20]}


def verify_config(name: str, per_set: dict[str, int] | int | None = None, stalls: tuple[str, ...] = STALLS,
                  seed: int = 1, build_root: Path = BUILD, artifact: str | Path | None = None,
                  system: bool = False, workdir: Path | None = None,
                  require_coverage: bool = True) -> dict[str, Any]:
    """One configuration's regression. The case folder is `workdir` if given (the demo passes its own
    build folder), else a fresh uuid-named folder under the hash-keyed simulator build.

    `require_coverage=False` (the demo: a run of real test images cannot hit the regression's worst-case bins)
    keeps the coverage record as a report but leaves it out of `ok`; the record says so (`coverage_required`)."""
    art = artifact_for(name, build_root / "sim", artifact)
    build = ensure_built(name, art.cfg, build_root, source=str(art.path))
    images = select_images(art, per_set)
    t0 = time.perf_counter()
    res = run_case(build, art, images, stalls, seed, workdir=workdir, label=f"verify-{name}")
    wall = time.perf_counter() - t0
    sim_cycles = sum(r["sim_cycles"] for r in res.runs.values())
    sim_wall = sum(r["wall_s"] for r in res.runs.values())
    per_vector: dict[str, Any] = {}
    for stall, r in res.runs.items():
        for im in r["images"]:
            v = per_vector.setdefault(im["label"], {"cycles_formula": im["cycles_formula"],
                                                   "cycles_measured": {}, "cycles_total": {}, "mismatches": 0})
            v["cycles_measured"][stall] = im.get("cycles_measured")
            v["cycles_total"][stall] = im.get("cycles_total")
            v["mismatches"] += im["mismatches"]
    cyc_ok = not res.cycle_errors()
    system_rec = system_record(name, TOP, build_root, artifact) if system else None
    cov = coverage(art, images, res.runs)
    lint_rec = lint(build.sources)
    return {
        # ok: every word matched, cycles == formula, lint clean, the system checks (if run) passed and every
        # required coverage bin was hit (coverage.missed lists the ones that were not)
        "ok": bool(res.mismatches == 0 and cyc_ok and lint_rec["clean"] and (cov["all_hit"] or not require_coverage)
                   and (system_rec is None or system_rec["passed"])),
        "coverage_required": require_coverage,
        "system": system_rec,
        "config_hash": art.cfg.hash(), "artifact": str(art.path),
        "artifact_source": art.manifest.get("source", "trained export"),
        "build_dir": str(build.build_dir), "rtl": str(build.gen_dir / f"{TOP}.v"),
        "vectors": len(images), "stalls": list(stalls), "image_runs": len(images) * len(stalls),
        "mismatches": res.mismatches, "first_mismatch": res.first_mismatch(),
        "cycles_match_formula": cyc_ok, "cycle_errors": res.cycle_errors()[:20],
        "per_vector": per_vector,
        "coverage": cov,
        "sim_cycles": sim_cycles, "sim_wall_s": round(sim_wall, 3),
        "sim_cycles_per_s": round(sim_cycles / sim_wall, 1) if sim_wall else None,
        "wall_s": round(wall, 2), "lint": lint_rec,
        "rerun": res.rerun if (res.mismatches or not cyc_ok) else None,
        "waveform": str(res.waveform) if res.waveform else None,
    }


def system_record(name: str, top: str = TOP, build_root: Path = BUILD,
                  artifact: str | Path | None = None) -> dict[str, Any]:
    """The issue-5 system checks (sim/system.py) on one configuration and top: passed, mismatches, the
    first failed assertion, the raw results."""
    from saformer.sim.system import check_system, run_system, second_artifact

    art = artifact_for(name, build_root / "sim", artifact)
    build = ensure_built(name, art.cfg, build_root, source=str(art.path), top=top)
    r = run_system(build, art, second_artifact(name, build_root / "sim"))
    try:
        check_system(art.cfg, r)
        failed = None
    except AssertionError as e:
        failed = str(e)[:500] or "assertion failed"
    return {"top": top, "passed": failed is None, "failed": failed, "mismatches": r["mismatches"],
            "wall_s": r["wall_s"], "checks": {k: v for k, v in r.items() if isinstance(v, dict)}}


def long_run_clean(lr: dict[str, Any] | None, images: int) -> bool:
    """The long run is clean when it was skipped, or ran every image with no beat lost, duplicated or
    wrong and no cycle error (CYCLES_ACTIVE != formula, or a timeout)."""
    if lr is None:
        return True
    return (lr.get("lost"), lr.get("duplicated"), lr.get("wrong"), lr.get("cycle_errors"),
            lr.get("images")) == (0, 0, 0, 0, images)


def case_ids(names: list[str] | None = None, long_run: int = 10_000, hls: bool = True, network: bool = True,
             scale: bool = True) -> list[str]:
    """The regression's cases, in run order, as ids `<kind>:<name>`: config (RTL regression + system checks
    of one named config), scale (a scale config), vitis (the Vitis-named wrapper's system checks), long_run,
    hls (HLS C-simulation of one config), network (the whole-network RTL on one config: per cycle, or on the
    bulk harness for the CIFAR-10 configs, sim/net_bulk_verify.py), network_hls (the network HLS kernel on one
    config). `make verify SHARD=i/N` splits this list (`shard_cases`)."""
    from saformer.sim.net_bulk_verify import BULK_NET_CONFIGS, VERIFY_BULK_CONFIGS
    from saformer.sim.net_runner import NET_CONFIGS

    given = list(names or [])
    cfgs = [n for n in (given or list(NAMED)) if n not in SCALE]
    scale_names = [n for n in given if n in SCALE] if given else (list(SCALE) if scale else [])
    ids = [f"config:{n}" for n in cfgs] + [f"scale:{n}" for n in scale_names] + ["vitis:minwidth"]
    if long_run:
        ids.append(f"long_run:{LONG_RUN_CONFIG}")
    if hls:
        ids += [f"hls:{n}" for n in cfgs]
    if network:
        # the large ones on the bulk harness; cifar10-384 only when asked for by name
        bulk = VERIFY_BULK_CONFIGS + tuple(n for n in given if n in BULK_NET_CONFIGS and n not in VERIFY_BULK_CONFIGS)
        ids += [f"network:{n}" for n in NET_CONFIGS + bulk]
        if long_run:
            ids.append("network_long_run:default")
    if hls:
        ids += [f"network_hls:{n}" for n in NET_CONFIGS]
    return ids


def run_case_id(cid: str, per_set: dict[str, int] | int | None, stalls: tuple[str, ...],
                long_run: int) -> dict[str, Any]:
    """Run one case of `case_ids` and return its record (the value the report keeps for it)."""
    kind, name = cid.split(":", 1)
    if kind == "config":
        return verify_config(name, per_set, stalls, system=True)
    if kind == "scale":
        return verify_config(name, SCALE_PER_SET, SCALE_STALLS, system=False)
    if kind == "vitis":
        return system_record(name, VITIS_TOP)
    if kind == "long_run":
        from saformer.sim.system import run_long

        return run_long(name, images=long_run)
    if kind == "hls":
        from saformer.hls.csim import run_all

        return run_all(configs=[name], workdir=BUILD / "hls")[name]
    if kind == "network":
        from saformer.sim.net_verify import network_section

        return network_section(configs=(name,), long_run=None)[name]
    if kind == "network_long_run":
        from saformer.sim.net_bulk import long_run as bulk_long_run
        from saformer.sim.net_verify import LONG_RUN

        return bulk_long_run(LONG_RUN["images"], LONG_RUN["resets"], LONG_RUN["reloads"], "both")
    if kind == "network_hls":
        from saformer.sim.hls_net import verify_network_hls

        return verify_network_hls([name])[name]
    raise SaformerError(f"verify: unknown case id '{cid}'")


def assemble(results: dict[str, Any], ids: list[str], long_run: int) -> dict[str, Any]:
    """The verify.json report from the records of every case of `ids` (an unsharded run and a merge of shard
    files build it the same way, so they are equal)."""
    missing = [c for c in ids if c not in results]
    if missing:
        raise SaformerError(f"verify: no result for case(s) {missing[:5]}{' ...' if len(missing) > 5 else ''}")

    def of(kind: str) -> dict[str, Any]:
        return {c.split(":", 1)[1]: results[c] for c in ids if c.split(":", 1)[0] == kind}

    configs, scale, net, net_hls = of("config"), of("scale"), of("network"), of("network_hls")
    vitis = results["vitis:minwidth"]
    lr = next(iter(of("long_run").values()), None)
    hls_res = of("hls") if any(c.startswith("hls:") for c in ids) else None
    report = {
        "tool": "sim/verify.py (cocotb 2.1 + Verilator, integer reference golden/reference.py)",
        "configs": configs,
        "vitis_wrapper": vitis,
        "long_run": lr,
        "hls": hls_res,
        "scale": scale,
        "total": {"configs": len(configs), "vectors": sum(c["vectors"] for c in configs.values()),
                  "image_runs": sum(c["image_runs"] for c in configs.values()),
                  "mismatches": sum(c["mismatches"] for c in configs.values()),
                  "cycles_match_formula": all(c["cycles_match_formula"] for c in configs.values()),
                  "lint_clean": all(c["lint"]["clean"] for c in configs.values()),
                  "system_passed": all(c["system"]["passed"] for c in configs.values()) and vitis["passed"],
                  "long_run_clean": long_run_clean(lr, long_run),
                  "coverage_all_hit": all(c.get("coverage", {}).get("all_hit", False) for c in configs.values()),
                  "coverage_missed": {n: c.get("coverage", {}).get("missed", ["(no coverage record)"])
                                      for n, c in configs.items()
                                      if not c.get("coverage", {}).get("all_hit", False)},
                  "configs_ok": all(c.get("ok", False) for c in configs.values()),
                  "hls_mismatches": None if hls_res is None else sum(h["mismatches"] for h in hls_res.values()),
                  "scale_configs": list(scale), "scale_mismatches": sum(c["mismatches"] for c in scale.values()),
                  "scale_cycles_match_formula": all(c["cycles_match_formula"] for c in scale.values()),
                  "scale_lint_clean": all(c["lint"]["clean"] for c in scale.values())},
    }
    network = any(c.startswith("network:") for c in ids)
    if network:
        from saformer.sim.net_verify import section_ok

        net_lr = of("network_long_run")
        if net_lr:
            net = {**net, "long_run": next(iter(net_lr.values()))}
        report["network"] = {**net, "ok": section_ok(net)}
    tot = report["total"]
    tot["network_ok"] = report["network"]["ok"] if network else None
    tot["ok"] = bool(tot["network_ok"] is not False
                     and tot["configs_ok"] and tot["mismatches"] == 0 and tot["cycles_match_formula"]
                     and tot["lint_clean"] and tot["system_passed"] and tot["long_run_clean"]
                     and tot["coverage_all_hit"] and not tot["hls_mismatches"] and tot["scale_mismatches"] == 0
                     and tot["scale_cycles_match_formula"] and tot["scale_lint_clean"])
    if hls_res is not None:
        merge_network_hls(report, net_hls)
    return report


def verify_all(names: list[str] | None = None, per_set: dict[str, int] | int | None = None,
               stalls: tuple[str, ...] = STALLS, out: Path = REPORT, progress: bool = True,
               long_run: int = 10_000, hls: bool = True, network: bool = True,
               scale: bool = True, shard: tuple[int, int] | None = None,
               durations: dict[str, float] | None = None, record_durations: bool = False) -> dict[str, Any]:
    """Every config's regression and system checks; the Vitis wrapper's system checks (always); then
    (unless long_run=0) the long run of LONG_RUN_CONFIG; then (if hls) the HLS C-simulation of the same
    configs; the whole-network RTL and HLS (if network / hls). With `shard` = (i, N) only shard i of N of the
    cases (`shard_cases`, by `durations`, default the recorded ones) runs and `out` is a shard file for
    `merge_shards` (returned); else the report is written to `out` and returned. `record_durations`: store
    the seconds each case took in sim/verify_durations.json."""
    settings = {"names": list(names) if names else None, "per_set": per_set, "stalls": list(stalls),
                "long_run": long_run, "hls": hls, "network": network, "scale": scale}
    ids = case_ids(names, long_run, hls, network, scale)
    todo = shard_cases(ids, *shard, durations) if shard else ids
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is pinned, but the report does not need it
        tqdm = None
    it = tqdm(todo, desc="verify", unit="case") if (progress and tqdm) else todo
    results: dict[str, Any] = {}
    took: dict[str, float] = {}
    for cid in it:
        t0 = time.perf_counter()
        results[cid] = run_case_id(cid, per_set, tuple(stalls), long_run)
        took[cid] = round(time.perf_counter() - t0, 2)
    if record_durations:
        store_durations(took)
    if shard:
        rec = {"format": SHARD_FORMAT, "settings": settings, "shard": list(shard), "cases": todo,
               "results": results, "durations": took}
        write_json_atomic(out, rec, indent=1, sort_keys=True)
        return rec
    report = assemble(results, ids, long_run)
    write_json_atomic(out, report, indent=1, sort_keys=True)
    return report


# ------------------------------------------------------------------------------ shards
SHARD_FORMAT = "saformer-verify-shard-1"
DURATIONS = package_root() / "sim" / "verify_durations.json"  # recorded seconds per case id (in the repo)


def load_durations(path: Path = DURATIONS) -> dict[str, float]:
    try:
        d = json.loads(Path(path).read_text())
    except FileNotFoundError:
        return {}
    except ValueError as e:
        raise SaformerError(f"{path}: corrupt JSON ({e}); restore it from git") from None
    cases = d.get("cases") if isinstance(d, dict) else None
    if not isinstance(cases, dict) or not all(isinstance(v, (int, float)) and v >= 0 for v in cases.values()):
        raise SaformerError(f"{path}: field 'cases' must map case ids to seconds >= 0")
    return {str(k): float(v) for k, v in cases.items()}


def store_durations(took: dict[str, float], path: Path = DURATIONS, source: str = "") -> Path:
    """Merge measured seconds per case into the durations file (atomically)."""
    old = load_durations(path)
    old.update(took)
    body = {"about": "seconds per verify case id, recorded by `saformer verify --store-durations`; `make verify "
                     "SHARD=i/N` balances the shards by these (sim/verify.py shard_cases)",
            "source": source or "saformer verify --store-durations", "cases": dict(sorted(old.items()))}
    return write_json_atomic(path, body, indent=1)


def shard_cases(ids: list[str], index: int, count: int, durations: dict[str, float] | None = None) -> list[str]:
    """Shard `index` (1-based) of `count` of the case list: greedy longest-first on the recorded durations
    (a case without a record counts as the mean of the recorded ones), each case into the shard with the least
    total so far (ties: the lower shard); the shards partition `ids` and keep its order inside each."""
    if not (isinstance(count, int) and count >= 1 and 1 <= index <= count):
        raise SaformerError(f"verify: shard {index}/{count}: need 1 <= i <= N")
    dur = load_durations() if durations is None else durations
    known = [dur[c] for c in ids if c in dur]
    default = sum(known) / len(known) if known else 1.0
    cost = {c: dur.get(c, default) for c in ids}
    loads = [0.0] * count
    where: dict[str, int] = {}
    for c in sorted(ids, key=lambda c: (-cost[c], ids.index(c))):
        k = min(range(count), key=lambda j: (loads[j], j))
        where[c] = k
        loads[k] += cost[c]
    return [c for c in ids if where[c] == index - 1]


def parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise SaformerError(f"verify: --shard '{text}': expected i/N, e.g. 2/4") from None
    if not 1 <= i <= n:
        raise SaformerError(f"verify: --shard '{text}': need 1 <= i <= N")
    return i, n


def merge_shards(files: list[Path], out: Path = REPORT) -> dict[str, Any]:
    """Merge shard files (`verify_all(shard=...)`) into one verify.json: every shard of one N, the same
    settings, and together every case exactly once; the report is `assemble` of the union (== an unsharded
    run's report on the same results)."""
    recs = []
    for f in files:
        try:
            r = json.loads(Path(f).read_text())
        except FileNotFoundError:
            raise SaformerError(f"verify --merge: {f} does not exist") from None
        except ValueError as e:
            raise SaformerError(f"verify --merge: {f}: corrupt JSON ({e})") from None
        if not isinstance(r, dict) or r.get("format") != SHARD_FORMAT:
            raise SaformerError(f"verify --merge: {f} is not a verify shard file (format {SHARD_FORMAT})")
        recs.append((Path(f), r))
    if not recs:
        raise SaformerError(f"verify --merge: no shard files given (`make verify SHARD=i/N` writes them to "
                            f"{REPORT.parent}/verify-shard-i-of-N.json)")
    st = recs[0][1]["settings"]
    n = recs[0][1]["shard"][1]
    for f, r in recs:
        if r["settings"] != st:
            raise SaformerError(f"verify --merge: {f} ran with other settings than {recs[0][0]}")
        if r["shard"][1] != n:
            raise SaformerError(f"verify --merge: {f} is a shard of {r['shard'][1]}, {recs[0][0]} of {n}")
    have = sorted(r["shard"][0] for _, r in recs)
    if have != list(range(1, n + 1)):
        raise SaformerError(f"verify --merge: shards {have} given, need each of 1..{n} once")
    ids = case_ids(st["names"], st["long_run"], st["hls"], st["network"], st["scale"])
    results: dict[str, Any] = {}
    for f, r in recs:
        for c in r["cases"]:
            if c in results:
                raise SaformerError(f"verify --merge: case '{c}' is in two shards (last: {f})")
            results[c] = r["results"][c]
    extra = sorted(set(results) - set(ids))
    if extra:
        raise SaformerError(f"verify --merge: cases {extra[:5]} are not in the regression's case list")
    report = assemble(results, ids, st["long_run"])
    write_json_atomic(out, report, indent=1, sort_keys=True)
    return report


def add_network_hls(report: dict[str, Any], names: list[str] | None = None) -> None:
    """The network HLS kernel's C-simulation (sim/hls_net.py: every network config, or `names`) as
    `network.<config>.hls`: images, mismatching_images, mismatching_values; a mismatch makes `total.ok` false."""
    from saformer.sim.hls_net import verify_network_hls

    merge_network_hls(report, verify_network_hls(names))


def merge_network_hls(report: dict[str, Any], net_hls: dict[str, Any]) -> None:
    """Put the network HLS records into `report` (`add_network_hls`)."""
    for n, r in net_hls.items():
        report.setdefault("network", {}).setdefault(n, {})["hls"] = r
    bad = sum(r["mismatching_values"] for r in net_hls.values())
    report["total"]["network_hls_mismatches"] = bad
    report["total"]["ok"] = bool(report["total"]["ok"] and bad == 0)


def cli_verify(argv: list[str]) -> int:
    from saformer.contract.argtypes import count

    ap = argparse.ArgumentParser(prog="saformer verify", description="RTL regression -> build/report/verify.json")
    ap.add_argument("--config", action="append", choices=sorted(ALL),
                    help="configuration(s); default all (the scale configs d128/d256 with a few images each)")
    ap.add_argument("--vectors", type=count(1), default=None, help="images per vector set (default: all)")
    ap.add_argument("--stall", action="append", choices=STALLS, help="stall pattern(s); default all")
    ap.add_argument("--long-run", type=count(0), default=10_000, help="images of the long run (0: skip)")
    ap.add_argument("--no-hls", action="store_true", help="skip the HLS C-simulation")
    ap.add_argument("--out", default=str(REPORT), help="report JSON (default %(default)s)")
    ap.add_argument("--network-only", action="store_true",
                    help="only the whole-network section (merged in); with --config only those network configs")
    ap.add_argument("--no-network", action="store_true", help="skip the whole-network section")
    ap.add_argument("--shard", default=None, metavar="i/N",
                    help="run shard i of N (cases balanced by sim/verify_durations.json) and write a shard file "
                         "(default out: build/report/verify-shard-i-of-N.json); merge them with --merge")
    ap.add_argument("--list", action="store_true", help="print the case ids (of --shard, if given) and exit")
    ap.add_argument("--merge", nargs="*", default=None, metavar="SHARD_JSON",
                    help=f"merge shard files into one report (--out, default {REPORT})")
    ap.add_argument("--store-durations", action="store_true",
                    help="record this run's seconds per case into sim/verify_durations.json")
    a = ap.parse_args(argv)
    if a.network_only:
        from saformer.sim.net_verify import cli_network_verify

        return cli_network_verify(a.out, a.config)
    if a.merge is not None:
        rep = merge_shards([Path(f) for f in a.merge], Path(a.out))
        print(f"merged {len(a.merge)} shard file(s) into {a.out}: ok={rep['total']['ok']}")
        if a.store_durations:
            took: dict[str, float] = {}
            for f in a.merge:
                took.update(json.loads(Path(f).read_text())["durations"])
            print(f"wrote {store_durations(took, source='saformer verify --merge --store-durations')}")
        return 0 if rep["total"]["ok"] else 1
    shard = parse_shard(a.shard) if a.shard else None
    if a.list:
        ids = case_ids(a.config, a.long_run, not a.no_hls, not a.no_network)
        print("\n".join(shard_cases(ids, *shard) if shard else ids))
        return 0
    out = Path(a.out)
    if shard and a.out == str(REPORT):
        out = REPORT.parent / f"verify-shard-{shard[0]}-of-{shard[1]}.json"
    rep = verify_all(a.config, a.vectors, tuple(a.stall or STALLS), out, long_run=a.long_run,
                     hls=not a.no_hls, network=not a.no_network, shard=shard, record_durations=a.store_durations)
    if a.store_durations:
        print(f"updated {DURATIONS}")
    if shard:
        print(f"wrote shard {shard[0]}/{shard[1]} ({len(rep['cases'])} cases) to {out}; merge all shards with "
              f"`saformer verify --merge {REPORT.parent}/verify-shard-*-of-{shard[1]}.json`")
        return 0
    tot = rep["total"]
    for n, c in rep["configs"].items():
        print(f"{n:9s} vectors {c['vectors']:3d}  runs {c['image_runs']:4d}  mismatches {c['mismatches']}  "
              f"cycles==formula {c['cycles_match_formula']}  lint {'clean' if c['lint']['clean'] else 'DIRTY'}  "
              f"{c['sim_cycles_per_s']:.0f} sim cycles/s  coverage "
              f"{'all hit' if c['coverage']['all_hit'] else 'MISSED ' + ','.join(c['coverage']['missed'])}")
        if c["first_mismatch"]:
            print(f"  {c['first_mismatch']}\n  rerun: {c['rerun']}")
    for n, c in rep["configs"].items():
        if not c["system"]["passed"]:
            print(f"{n:9s} system checks FAILED: {c['system']['failed']}")
    print(f"vitis wrapper (minwidth) system checks passed: {rep['vitis_wrapper']['passed']}")
    lr = rep["long_run"]
    if lr:
        print(f"long run ({lr['config']}): {lr.get('images')} images, lost {lr.get('lost')}, duplicated "
              f"{lr.get('duplicated')}, wrong {lr.get('wrong')}, cycle errors {lr.get('cycle_errors')}, "
              f"{lr.get('resets')} resets, {lr.get('wall_s')} s")
    for n, c in rep["scale"].items():
        print(f"scale {n:5s} vectors {c['vectors']:3d}  runs {c['image_runs']:4d}  mismatches {c['mismatches']}  "
              f"cycles==formula {c['cycles_match_formula']}  lint {'clean' if c['lint']['clean'] else 'DIRTY'}  "
              f"{c['sim_cycles_per_s']:.0f} sim cycles/s")
        if c["first_mismatch"]:
            print(f"  {c['first_mismatch']}\n  rerun: {c['rerun']}")
    if rep["hls"]:
        for n, h in rep["hls"].items():
            print(f"hls {n:9s} vectors {h['vectors']:3d}  mismatches {h['mismatches']}")
    for n, h in ((n, c["hls"]) for n, c in rep.get("network", {}).items() if isinstance(c, dict) and "hls" in c):
        print(f"hls network {n:9s} images {h['images']:3d}  mismatching images {h['mismatching_images']}  "
              f"values {h['mismatching_values']}")
    print(f"wrote {a.out}: {tot['mismatches']} mismatches over {tot['image_runs']} image runs")
    if not tot["coverage_all_hit"]:
        print(f"coverage bins missed (exit 1): {tot['coverage_missed']}")
    return 0 if tot["ok"] else 1


if __name__ == "__main__":
    import sys

    raise SystemExit(cli_verify(sys.argv[1:]))
