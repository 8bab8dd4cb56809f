# SPDX-License-Identifier: Apache-2.0
"""Named configurations of the regression (RTL, HLS and their reports use these names).

`default` is the trained model's configuration; the others stress one dimension each. Any configuration
that is not `default` runs on a random integer model (weights are reloadable) plus worst-case vectors.
"""

from __future__ import annotations

from saformer.contract.config import DEFAULT, SAFormerConfig

_SMALL = dict(D=16, heads=2, lanes=4, stem_ch=8)

NAMED: dict[str, SAFormerConfig] = {
    "default": DEFAULT,  # trained digits model: T=4, N=16, D=32, 2 heads, P=8
    "t1": DEFAULT.replace(T=1, **_SMALL),  # a single timestep
    "n9": DEFAULT.replace(img=6, **_SMALL),  # N = 9 tokens: not a power of two
    "p1": DEFAULT.replace(**{**_SMALL, "lanes": 1}),  # one lane
    "pD": DEFAULT.replace(**{**_SMALL, "lanes": 16}),  # P = D
    "p5": DEFAULT.replace(**{**_SMALL, "lanes": 5}),  # P does not divide D: padded last group
    "h4": DEFAULT.replace(**{**_SMALL, "heads": 4}),  # four heads
    # membranes exactly at the proven minimum width, narrow weights and biases (worst cases reach both bounds)
    "minwidth": DEFAULT.replace(**{**_SMALL, "w_bits": 3, "bias_bits": 6, "theta_bits": 8, "u_frac": 2}),
}

# Network configurations of the whole-network regression (random artifacts; the SASA names above also run
# as networks). `l2`: two blocks chained.
NETWORK_NAMED: dict[str, SAFormerConfig] = {
    "l2": DEFAULT.replace(**{**_SMALL, "L": 2}),
    # the MLP fold (config hidden_beat): fc1 in 4 passes of 8 hidden currents, the hidden LIF 2 groups a beat
    "fold": DEFAULT.replace(**{**_SMALL, "hidden_beat": 8}),
    # the tokenizer's other paths (hw/rtl/net_tok.v): patch 4 (positions outside every conv2 window skipped,
    # as at CIFAR-10's), two image channels, and T LIF steps (2T = 20 cycles) longer than conv1's 18 taps
    "tok4": DEFAULT.replace(**{**_SMALL, "img": 12, "patch": 4, "in_ch": 2, "T": 10}),
    # stream beats (config stream_beat): U and the increments in 2 beats of 8 channels (2 LIF groups a beat),
    # conv2's U0 through the splitter, fc2 in 2 passes
    "beats": DEFAULT.replace(**{**_SMALL, "stream_beat": 8}),
}


def describe_config(cfg: SAFormerConfig, other: SAFormerConfig | None = None) -> str:
    """A person's name for a config: "config 'default' (T=4, D=32, ...)" when it is a named one, else "a
    config with ..."; with `other`, the fields listed are the ones where the two differ (call it once for
    each side to show both values)."""
    name = next((n for n, c in NAMED.items() if c == cfg), None)
    d = cfg.to_dict()
    if other is not None:
        od = other.to_dict()
        keys = [k for k in d if d[k] != od[k]]
    else:
        keys = ["T", "img", "in_ch", "D", "heads", "L", "lanes"]
    fields = ", ".join(f"{k}={d[k]}" for k in keys)
    return f"config '{name}' ({fields})" if name else f"a config with {fields}"

# Scale configurations (issue 11): several 64-bit spike words per token (D = 128: 2, D = 256: 4) and N = 64
# tokens (img 16), on random artifacts; in `make verify` (fewer images) and `make synth CONFIG=...`. Kept apart
# from NAMED so the per-config unit sweeps (HLS C-sim of one-word tokens, every-config lints) stay small.
SCALE: dict[str, SAFormerConfig] = {
    "d128": DEFAULT.replace(D=128, img=16, heads=2, lanes=8),
    "d256": DEFAULT.replace(D=256, img=16, heads=2, lanes=8),
}

# CIFAR-10 configurations (issue 13): 32x32 RGB pixels 0..255 (pixel value x / 256: pixel_frac 8), patch 4 ->
# N = 64 tokens, T = 4, 4-bit weights, mlp_ratio 4; theta_bits 16 because a trained conv1 threshold (1.0 over
# the pixel scale 2^-8 times the weight scale) reaches 2^12 and beyond. `cifar10-pynq` is sized for the
# PYNQ-Z2 (D = 128, L = 2), `cifar10-384` is Spikformer-4-384's size (D = 384, L = 4) for the ZCU104; heads
# as Spikformer's head width (16 and 32 channels per head); P from the P sweep of `make bench` (cifar part)
# and, for cifar10-pynq, the resource model (below).
# Random artifacts until a user brings a trained model (`saformer train --data cifar10 --config cifar10-pynq`).
_CIFAR = dict(img=32, in_ch=3, pixel_max=255, pixel_frac=8, patch=4, T=4, w_bits=4, mlp_ratio=4, theta_bits=16,
              stem_ch=32)
# d128 (D = 128, N = 64) also runs as a whole network (random artifact, make verify): bit-exact in Verilator;
# it does not fit a PYNQ-Z2 as a network (hw/fit.py).
NETWORK_NAMED["d128"] = SCALE["d128"]

# cifar10-pynq is sized for the least resources that keep >= 300 images/s at 100 MHz with margin (issue 13:
# >= ~400, the spike densities vary): the sweep of the resource model (hw/fit.py estimate on pynq-z2) and the
# cycle model (contract/cycles.py network_occupancy_interval on 8 calibrated random images, as
# saformer/cifar_bench.py) over P in 2..16, hidden_beat 8..64, stream_beat 0..32 and heads 4 / 8 / 16 gave:
# - lanes P = 4: the SASA engines set the interval, 209,990 cycles -> 476 images/s (P = 2: 238, below 300;
#   P = 8: 632 but 52,066 LUT and 158.5 BRAM36; P = 16, the config before: 632, 60,035 LUT, 197.5 BRAM36).
# - hidden_beat 16 (the MLP fold, docs/architecture.md "The MLP fold"): fc1 in 32 passes of 16 channels,
#   155,068 cycles, the most passes for which fc1 stays below the SASA engines (8: 64 passes, fc1 sets the
#   interval, 322 images/s); 16 instead of 32 saves 1,603 LUT for 1 BRAM36 (48,050 LUT / 148.5 BRAM36
#   against 49,653 / 147.5).
# - stream_beat 16 (docs/architecture.md "Stream beats"): fc2 in D / 16 = 8 passes, 158,232 cycles, below the
#   SASA engines (8: 16 passes, fc2 sets the interval, 316 images/s: no margin; 0 or 32 cost LUT).
# - heads 8 (Spikformer's 16 channels per head): the resource model does not depend on heads; 4 / 16 heads
#   give 472 / 465 images/s.
# By the model it still does not fit the board: 48,050 LUT (90 %, the issue asks <= 80 %) and 148.5 BRAM36
# (106 %) of the xc7z020 (`python -m saformer.hw.fit --config cifar10-pynq`; Yosys: docs/architecture.md
# "Real model sizes"). cifar10-384: hidden_beat 128 (12 passes, fc1 below the SASA engines) and stream_beat 32
# (fc2 12 passes, about 7 ms <= 10).
CIFAR: dict[str, SAFormerConfig] = {
    "cifar10-pynq": DEFAULT.replace(**_CIFAR, D=128, L=2, heads=8, lanes=4, hidden_beat=16, stream_beat=16),
    "cifar10-384": DEFAULT.replace(**_CIFAR, D=384, L=4, heads=12, lanes=32, hidden_beat=128, stream_beat=32),
}
# The board each CIFAR-10 configuration targets (hw/boards.py names): `make synth CONFIG=<name>` defaults to it.
TARGET_BOARD: dict[str, str] = {"cifar10-pynq": "pynq-z2", "cifar10-384": "zcu104"}

ALL: dict[str, SAFormerConfig] = {**NAMED, **SCALE, **CIFAR}  # every named configuration (RTL regression, synth)
