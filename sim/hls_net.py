# SPDX-License-Identifier: Apache-2.0
"""The network HLS kernel's C-simulation checked against the integer reference at every module boundary.

`check_run(cfg, params, pixels, result)` compares one kernel call (hls/net_csim.py: `NetKernel.run(...,
trace=True)`) with `golden.reference.forward`: every traced stream against the RTL scoreboard's expected
values (`sim.net_scoreboard.boundary_values`, the same records the RTL's monitors are checked with), then the
result beats (logits, class, TLAST), STATUS and the words left unread. The first mismatch is the earliest
boundary in pipeline order, then image, token and channel -- the RTL's convention
(`sim.net_scoreboard.predict_first_mismatch`), reported as (image, module, t, n, channel).

`verify_network_hls(names)` runs the network configurations: `default` on the shipped model's artifact with
all its test images (360), the others on random integer models (`golden.vectors.random_artifact`) with random
and extreme pixels; every configuration also with worst-case parameter sets (`worst_case_params`). It returns
per config `images`, `mismatching_images`, `mismatching_values` -- the `hls` part of verify.json's `network`
section (sim/verify.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from saformer.contract import interface as itf
from saformer.contract.artifact import Artifact
from saformer.contract.config import SAFormerConfig, derive, wrange
from saformer.contract.errors import SaformerError
from saformer.golden import reference as ref
from saformer.hls import net_csim
from saformer.hls.net_generate import boundaries as net_boundaries
from saformer.sim.net_runner import NET_CONFIGS, net_artifact, net_config
from saformer.sim.net_scoreboard import boundary_mismatch, boundary_values
from saformer.sim.scoreboard import Mismatch

# The network configurations: the network regression's (sim/net_runner.py: NET_CONFIGS, contract/configs.py NAMED
# and NETWORK_NAMED): default, T=1, N=9, P=1, P not dividing D, minwidth, L=2.
NETWORK_CONFIGS: dict[str, SAFormerConfig] = {n: net_config(n) for n in NET_CONFIGS}
RANDOM_IMAGES = 32


def network_artifact(name: str) -> Artifact:
    """The artifact a network config runs on: exactly the RTL network regression's (`net_runner.net_artifact`)."""
    return net_artifact(name)


def test_images(art: Artifact, count: int | None = None) -> np.ndarray:
    """The shipped model's test images (all of them by default) for a trained artifact; else seeded random
    pixels followed by three extreme images (all pixel_max, all zero, a checkerboard of both)."""
    cfg = art.cfg
    if art.manifest.get("checkpoint"):
        from saformer.golden.data import load_digits

        x = load_digits().x_test
        return x if count is None else x[:count]
    rng = np.random.default_rng(7)
    n = RANDOM_IMAGES if count is None else max(0, count - 3)
    x = rng.integers(0, cfg.pixel_max + 1, size=(n, cfg.in_ch, cfg.img, cfg.img), dtype=np.int64)
    out = np.concatenate([x, extreme_images(cfg)])
    return out if count is None else out[:count]


def worst_case_params(cfg: SAFormerConfig) -> dict[str, dict[str, np.ndarray]]:
    """Whole-network parameter sets at the declared extremes (weights are reloadable, so each is a legitimate
    input): `worst_max` every weight and bias at its maximum, thresholds at theta_max; `worst_min` every weight
    and bias at its minimum, thresholds at theta_max; `worst_wrap` the minimum with every threshold at 1 (a too
    narrow membrane wraps to a value that fires). SASA heads alternate theta_a = 1 and N."""
    from saformer.contract import layout

    d = derive(cfg)
    W, B = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    out = {}
    for name, wi, th in (("worst_max", 1, d.theta_max), ("worst_min", 0, d.theta_max), ("worst_wrap", 0, 1)):
        p = {}
        for s in layout.network_segments(cfg):
            if s.name.endswith("theta_a"):
                p[s.key] = (np.arange(cfg.heads) % 2 * (cfg.N - 1) + 1).astype(np.int64)
            elif "theta" in s.name:
                p[s.key] = np.full(s.shape, th, dtype=np.int64)
            elif s.name.endswith("w") or s.name[-2:] in ("w1", "w2", "wq", "wk", "wo"):
                p[s.key] = np.full(s.shape, W[wi], dtype=np.int64)
            else:
                p[s.key] = np.full(s.shape, B[wi], dtype=np.int64)
        out[name] = p
    return out


# ------------------------------------------------------------------------------ one call, checked
@dataclass
class Check:
    images: int = 0
    mismatching_values: int = 0
    mismatching_images: set[int] = field(default_factory=set)
    first: Mismatch | None = None
    first_key: tuple = ()
    output_first: str | None = None
    boundaries: dict[str, int] = field(default_factory=dict)  # boundary -> mismatching values

    @property
    def first_mismatch(self) -> str | None:
        return self.first.text() if self.first else self.output_first

    def record(self) -> dict[str, Any]:
        return {"images": self.images, "mismatching_images": len(self.mismatching_images),
                "mismatching_values": self.mismatching_values, "first_mismatch": self.first_mismatch}


def check_run(cfg: SAFormerConfig, params: dict[str, np.ndarray], pixels: np.ndarray, res: net_csim.CallResult,
              images: list[int] | None = None, expect_status: int = 0) -> Check:
    """Compare one traced kernel call with golden.reference (see the module docstring)."""
    x = np.asarray(pixels, dtype=np.int64)
    B = x.shape[0]
    labels = list(range(B)) if images is None else images
    rec = ref.forward(x, params, cfg)
    want_all = boundary_values(cfg, rec)
    ck = Check(images=B)
    for bi, name in enumerate(b.name for b in net_boundaries(cfg)):  # pipeline order
        want = want_all[name][0]
        got = res.traces.get(name)
        if got is None or got.shape != want.shape:
            n = int(want.size)
            ck.mismatching_values += n
            ck.boundaries[name] = n
            ck.mismatching_images |= set(labels)
            key = (bi, 0, 0, 0)
            if ck.first is None or key < ck.first_key:
                ck.first = boundary_mismatch(cfg, labels[0], name, 1, 0, -1, None, 0)  # no such trace
                ck.first_key = key
            continue
        diff = got != want
        n = int(diff.sum())
        ck.boundaries[name] = n
        if not n:
            continue
        ck.mismatching_values += n
        ck.mismatching_images |= {labels[i] for i in np.flatnonzero(diff.any(axis=(1, 2)))}
        img, k, c = (int(v) for v in np.argwhere(diff)[0])
        key = (bi, img, k, c)
        if ck.first is None or key < ck.first_key:
            ck.first = boundary_mismatch(cfg, labels[img], name, want.shape[1], k, c, int(got[img, k, c]),
                                         int(want[img, k, c]))
            ck.first_key = key
    # the result stream: logits, class, TLAST; STATUS; nothing left unread
    per = itf.net_out_beats(cfg)
    want_beats = [b for row in rec["logits"] for b in itf.pack_net_output(row)]
    want_last = [int(i % per == per - 1) for i in range(len(want_beats))]
    for i in range(max(len(want_beats), len(res.beats))):
        ok = i < len(res.beats) and i < len(want_beats) and res.beats[i] == want_beats[i] and \
            res.lasts[i] == want_last[i]
        if ok:
            continue
        ck.mismatching_values += 1
        img = min(i // per, B - 1)
        ck.mismatching_images.add(labels[img])
        if ck.output_first is None:
            ck.output_first = (f"result stream: image {labels[img]}, beat {i % per}: got "
                               f"{res.beats[i] if i < len(res.beats) else 'nothing'}, expected "
                               f"{want_beats[i] if i < len(want_beats) else 'nothing'}")
    if res.status != expect_status or res.left_pixels or res.left_weights:
        ck.mismatching_values += 1
        ck.mismatching_images |= set(labels)
        ck.output_first = ck.output_first or (f"STATUS 0x{res.status:x} (expected 0x{expect_status:x}), "
                                              f"{res.left_pixels} pixel beats and {res.left_weights} weight words "
                                              "left unread")
    return ck


def run_checked(kernel: net_csim.NetKernel, params: dict[str, np.ndarray], pixels: np.ndarray,
                chunk: int = 60, weights: list[int] | None = None) -> Check:
    """All `pixels` through the kernel in traced calls of `chunk` images (the first call carries the weight
    stream, `weights` if given, else the parameters' own), merged into one Check."""
    cfg = kernel.cfg
    words = itf.net_weight_stream(cfg, params) if weights is None else weights
    total = Check()
    x = np.asarray(pixels)
    for s in range(0, x.shape[0], chunk):
        part = x[s:s + chunk]
        res = kernel.run(words if s == 0 else None, part, trace=True)
        ck = check_run(cfg, params, part, res, list(range(s, s + part.shape[0])))
        total.images += ck.images
        total.mismatching_values += ck.mismatching_values
        total.mismatching_images |= ck.mismatching_images
        for k, v in ck.boundaries.items():
            total.boundaries[k] = total.boundaries.get(k, 0) + v
        if total.first is None and ck.first is not None:
            total.first, total.first_key = ck.first, ck.first_key
        total.output_first = total.output_first or ck.output_first
    kernel._weights_key = None  # the next predict() reloads
    return total


def verify_config(name: str, count: int | None = None, art: Artifact | None = None) -> dict[str, Any]:
    """One network config: its artifact's model (`art`, default `network_artifact(name)`) on its test images,
    then every worst-case parameter set on the extreme images, then the whole-network worst-case sets that reach
    every proven bound (golden/net_vectors.py, `bound_<set>`); figures summed over the sets, per set beside."""
    t0 = time.perf_counter()
    art = art or network_artifact(name)
    cfg = art.cfg
    nb = net_csim.build(name, cfg, source=f"{art.path} (config '{name}', hash {cfg.hash()[:16]})")
    kern = net_csim.NetKernel(nb)
    x = test_images(art, count)
    sets = {"model": run_checked(kern, art.params, x)}
    ext = extreme_images(cfg)
    for sname, p in worst_case_params(cfg).items():
        sets[sname] = run_checked(kern, p, ext)
    # the whole-network worst-case sets that reach every proven bound (golden/net_vectors.py), as the RTL runs them
    from saformer.golden.net_vectors import network_worst_sets

    for ws in network_worst_sets(cfg):
        sets[f"bound_{ws.name}"] = run_checked(kern, ws.params, np.asarray(ws.pixels, dtype=np.int64))
    first = next((c.first_mismatch for c in sets.values() if c.first_mismatch), None)
    return {"images": sum(c.images for c in sets.values()),
            "mismatching_images": sum(len(c.mismatching_images) for c in sets.values()),
            "mismatching_values": sum(c.mismatching_values for c in sets.values()),
            "first_mismatch": first, "sets": {k: c.record() for k, c in sets.items()},
            "artifact": str(art.path), "config_hash": cfg.hash(), "compile_s": round(nb.compile_s, 2),
            "wall_s": round(time.perf_counter() - t0, 2)}


def extreme_images(cfg: SAFormerConfig) -> np.ndarray:
    """All pixel_max, all zero, a checkerboard of both."""
    yy, xx = np.mgrid[:cfg.img, :cfg.img]
    chk = np.broadcast_to(((yy + xx) % 2) * cfg.pixel_max, (cfg.in_ch, cfg.img, cfg.img))
    return np.stack([np.full((cfg.in_ch, cfg.img, cfg.img), cfg.pixel_max), np.zeros_like(chk), chk]).astype(np.int64)


def verify_network_hls(names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """verify.json `network.hls`: per network config {images, mismatching_images, mismatching_values, ...}.
    """
    out = {}
    for n in names or list(NETWORK_CONFIGS):
        if n not in NETWORK_CONFIGS:
            raise SaformerError(f"network config '{n}' is not one of {sorted(NETWORK_CONFIGS)}")
        out[n] = verify_config(n)
    return out
