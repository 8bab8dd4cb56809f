# SPDX-License-Identifier: Apache-2.0
"""The one weight-layout table: every integer parameter of the network as a segment (name, shape, declared
range and width, how its elements map onto the hardware's lanes), and the order in which the SASA engine's
weight stream carries them.

Everything that needs a parameter's shape, range or stream position derives it from here: the artifact's
validation (`saformer.contract.artifact.param_specs`), the host payload (`saformer.contract.interface.
weight_payload`), docs/interface.md, the testbench's word indices, the RTL loader's constants and the HLS
loader (both through their generators). Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

from saformer.contract.config import SAFormerConfig, derive, wrange


@dataclass(frozen=True)
class Segment:
    """One parameter tensor.

    `key`: the artifact name (e.g. `b0.sasa.wq`); `name`: its name inside its module (`wq`);
    `shape`: the array shape; `lo`/`hi`: the declared range (every element); `bits`: the declared width;
    `signed`: two's complement or unsigned; `lanes`: how the engine stores it -- "rows" (a (in j, out c)
    matrix: element (j, c) goes to lane c % P, row address (c // P) * fan_in + j), "channels" (a per-output
    vector: element c to lane c % P, address c // P), "register" (a scalar or per-head value held in a
    register); `doc`: what the element index means.
    """

    key: str
    name: str
    shape: tuple[int, ...]
    lo: int
    hi: int
    bits: int
    signed: bool
    lanes: str
    doc: str

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


def _seg(prefix: str, name: str, shape: tuple[int, ...], rng: tuple[int, int], bits: int, signed: bool,
         lanes: str, doc: str) -> Segment:
    return Segment(prefix + name, name, tuple(shape), rng[0], rng[1], bits, signed, lanes, doc)


def sasa_segments(cfg: SAFormerConfig, block: int = 0) -> list[Segment]:
    """The SASA block's parameters in weight-stream order (the engine's load order)."""
    D, H = cfg.D, cfg.heads
    W, B = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    TH = (1, derive(cfg, check=False).theta_max)
    p = f"b{block}.sasa."
    mat = "(in j, out c), row-major: word j*D+c"
    return [
        _seg(p, "wq", (D, D), W, cfg.w_bits, True, "rows", mat),
        _seg(p, "bq", (D,), B, cfg.bias_bits, True, "channels", "per channel"),
        _seg(p, "theta_q", (), TH, cfg.theta_bits, False, "register", "scalar"),
        _seg(p, "wk", (D, D), W, cfg.w_bits, True, "rows", mat),
        _seg(p, "bk", (D,), B, cfg.bias_bits, True, "channels", "per channel"),
        _seg(p, "theta_k", (), TH, cfg.theta_bits, False, "register", "scalar"),
        _seg(p, "theta_a", (H,), (1, cfg.N), derive(cfg, check=False).count_bits, False, "register", "per head"),
        _seg(p, "wo", (D, D), W, cfg.w_bits, True, "rows", mat),
        _seg(p, "bo", (D,), B, cfg.bias_bits, True, "channels", "per channel"),
    ]


def network_segments(cfg: SAFormerConfig) -> list[Segment]:
    """Every parameter of the whole network: tokenizer, L blocks (SASA, DWC, MLP), head."""
    D, Hd = cfg.D, cfg.hidden
    W, B = wrange(cfg.w_bits), wrange(cfg.bias_bits)
    wb, bb, tb = cfg.w_bits, cfg.bias_bits, cfg.theta_bits
    TH = (1, derive(cfg, check=False).theta_max)
    conv = "(out, in, kh, kw), cross-correlation"
    segs = [
        _seg("", "conv1.w", (cfg.stem_ch, cfg.in_ch, 3, 3), W, wb, True, "rows", conv),
        _seg("", "conv1.b", (cfg.stem_ch,), B, bb, True, "channels", "per channel"),
        _seg("", "conv1.theta", (), TH, tb, False, "register", "scalar"),
        _seg("", "conv2.w", (D, cfg.stem_ch, 3, 3), W, wb, True, "rows", conv),
        _seg("", "conv2.b", (D,), B, bb, True, "channels", "per channel"),
        _seg("", "u.theta", (), TH, tb, False, "register", "scalar"),
    ]
    for i in range(cfg.L):
        p = f"b{i}."
        segs += sasa_segments(cfg, i)
        segs += [
            _seg(p, "dwc.w", (D, 3, 3), W, wb, True, "channels", "(channel, kh, kw), cross-correlation"),
            _seg(p, "dwc.b", (D,), B, bb, True, "channels", "per channel"),
            _seg(p, "mlp.w1", (D, Hd), W, wb, True, "rows", "(in j, out c)"),
            _seg(p, "mlp.b1", (Hd,), B, bb, True, "channels", "per channel"),
            _seg(p, "mlp.theta_h", (), TH, tb, False, "register", "scalar"),
            _seg(p, "mlp.w2", (Hd, D), W, wb, True, "rows", "(in j, out c)"),
            _seg(p, "mlp.b2", (D,), B, bb, True, "channels", "per channel"),
        ]
    segs += [
        _seg("", "head.w", (D, cfg.n_classes), W, wb, True, "rows", "(in j, out class)"),
        _seg("", "head.b", (cfg.n_classes,), B, bb, True, "channels", "per class"),
    ]
    return segs


SASA_ORDER = ("wq", "bq", "theta_q", "wk", "bk", "theta_k", "theta_a", "wo", "bo")
"""The SASA segments' names in stream order (sasa_segments is the table; this is its name column)."""

HEADER_WORDS = 4  # magic, format version, config hash32, payload word count


def sasa_offsets(cfg: SAFormerConfig) -> dict[str, tuple[int, int]]:
    """name -> (first payload word, word count) of each SASA segment (one word per element)."""
    out: dict[str, tuple[int, int]] = {}
    off = 0
    for s in sasa_segments(cfg):
        out[s.name] = (off, s.size)
        off += s.size
    return out


def sasa_payload_words(cfg: SAFormerConfig) -> int:
    return sum(s.size for s in sasa_segments(cfg))


def weight_word_index(cfg: SAFormerConfig, name: str, flat: int = 0) -> int:
    """Index in the weight stream (header included) of element `flat` (row-major) of SASA segment `name`."""
    off, n = sasa_offsets(cfg)[name]
    if not 0 <= flat < n:
        raise IndexError(f"segment '{name}' has {n} elements, not {flat + 1}")
    return HEADER_WORDS + off + flat


# ---------------------------------------------------------------------------- the whole network's stream
def network_offsets(cfg: SAFormerConfig) -> dict[str, tuple[int, int, int]]:
    """key -> (segment id, first payload word, word count) of every network segment (one word per element),
    in `network_segments` order: the network weight stream's layout and the RTL loader's segment ids."""
    out: dict[str, tuple[int, int, int]] = {}
    off = 0
    for i, s in enumerate(network_segments(cfg)):
        out[s.key] = (i, off, s.size)
        off += s.size
    return out


def network_payload_words(cfg: SAFormerConfig) -> int:
    return sum(s.size for s in network_segments(cfg))
