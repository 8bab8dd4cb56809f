# SPDX-License-Identifier: Apache-2.0
"""The SASA engine's external interface, as data: stream formats, weight-load stream, register map.

The one source for docs/interface.md (rendered by `render_markdown`, checked by a test), the RTL and HLS
generators, the testbenches and the PYNQ driver. Numpy only.

Streams (all AXI4-Stream, TLAST on the last beat of each image):
- spikes in (s_axis): ceil(D / word width) words per token (t, n), t outer, n inner; word i of a token holds
  channels i*SW .. i*SW+SW-1 (channel c at bit c mod SW); word width SW = 32 or 64.
- increments out (m_axis): one beat per (t, n, g) with g the channel group of P = lanes channels; lane i
  (bits 16i+15..16i) holds channel g*P+i as a 16-bit two's-complement value; lanes past D are zero.
- weights in (s_axis_w): 32-bit words: header (magic, format version, config hash, payload word count),
  then every SASA parameter as one sign-extended 32-bit word, in the order of `WEIGHT_ORDER`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from saformer.contract import layout
from saformer.contract.config import SAFormerConfig, derive
from saformer.contract.errors import SaformerError

LANE_BITS = 16  # one output lane; the config check keeps the increment width <= LANE_BITS
LANE_MASK = (1 << LANE_BITS) - 1
WEIGHT_MAGIC = 0x5341_5341  # "SASA"
WEIGHT_FORMAT_VERSION = 1
WEIGHT_WORD_BITS = 32  # one weight-stream word (header word or sign-extended parameter)

# CTRL register bits (Vitis ap_ctrl_hs) and STATUS error-flag bits: name -> bit position.
CTRL_BITS = {"ap_start": 0, "ap_done": 1, "ap_idle": 2, "ap_ready": 3, "auto_restart": 7}
STATUS_BITS = {"not_loaded": 0, "header": 1, "length": 2, "protocol": 3, "value": 4}
STATUS_DOC = {
    "not_loaded": "weights not loaded: set at reset and when a load begins, cleared when a valid load completes",
    "header": "weight header mismatch: magic, format version, config hash or payload word count differ "
              "from the engine's",
    "length": "weight load truncated or over-long: `tlast` before or after the announced word count",
    "protocol": "spike stream framing error: `tlast` misplaced (early: the image's remaining tokens are taken as "
                "silent; missing: words are dropped up to and including the next `tlast`); cleared when a valid "
                "load completes",
    "value": "weight load refused: a payload word has bits set above its declared width (not sign-extended "
             "from w_bits / bias_bits, or a threshold above theta_bits / the count width); clears when the next "
             "load begins",
}


def status_flags(status: int) -> list[str]:
    """Names of the STATUS flags set in a register value."""
    return [n for n, b in STATUS_BITS.items() if status >> b & 1]


ARG_BASE = 0x10  # first argument register (Vitis ap_ctrl_hs layout)
ARG_STRIDE = 8  # bytes between argument registers (data word + Vitis ap_vld word)
WEIGHT_ORDER = layout.SASA_ORDER  # the SASA weight stream carries the layout table's SASA segments in order


def groups(cfg: SAFormerConfig) -> int:
    """G = ceil(D / P): channel groups per token."""
    return -(-cfg.D // cfg.lanes)


DWC_FIFO_SLACK = 4  # tokens beyond the DWC window that the DWC shortcut's U FIFO holds (the skids in between)


def shortcut_fifo_tokens(cfg: SAFormerConfig, module: str) -> int:
    """Depth in tokens of a block module's shortcut U FIFO (net_shortcut FD; the generator, the cycle model
    and the resource model all read it here). SASA: N (A[t] needs every token of timestep t before its first
    increment). DWC: its increment of token e needs the tokens up to e + grid + 1 (the next grid row and
    one), so the FIFO holds e .. e + grid + 1 = grid + 2 tokens, plus DWC_FIFO_SLACK so the shortcut can run
    ahead over the skids between it and the DWC; at most N. MLP: per token, 2 (the minimum)."""
    if module == "sasa":
        fd = cfg.N
    elif module == "dwc":
        fd = min(cfg.N, cfg.grid + 2 + DWC_FIFO_SLACK)
    elif module == "mlp":
        fd = 2
    else:
        raise ValueError(f"shortcut_fifo_tokens: unknown block module {module!r}")
    return max(fd, 2)


def out_word_bits(cfg: SAFormerConfig) -> int:
    return cfg.lanes * LANE_BITS


# ------------------------------------------------------------------------------ spikes in
def spike_word_bits(d: int, word_bits: int = 0) -> int:
    """Spike stream word width for D channels: `word_bits` (32 or 64) if given, else the config's rule (32 when
    D <= 32, otherwise 64; SAFormerConfig.stream_bits)."""
    return word_bits or (32 if d <= 32 else 64)


def words_per_token(cfg: SAFormerConfig) -> int:
    """Stream words per token: ceil(D / stream_bits) (1 for D <= 64)."""
    return -(-cfg.D // cfg.stream_bits)


def pack_spikes(s: np.ndarray, word_bits: int = 0) -> np.ndarray:
    """s (T, N, D) {0,1} -> (T*N*W,) uint64 words, W = ceil(D / word_bits) words per token: t outer, n inner,
    then word i of the token carrying channels i*word_bits .. i*word_bits + word_bits-1 (channel c at bit
    c - i*word_bits); the bits past D of the last word are zero. `word_bits` 0: the config's default rule."""
    T, N, D = s.shape
    wb = spike_word_bits(D, word_bits)
    W = -(-D // wb)
    pad = np.zeros((T * N, W * wb), dtype=np.uint64)
    pad[:, :D] = s.reshape(T * N, D)
    bits = pad.reshape(T * N, W, wb) << np.arange(wb, dtype=np.uint64)
    return bits.sum(axis=2, dtype=np.uint64).reshape(T * N * W)


def unpack_spikes(words: np.ndarray, T: int, N: int, D: int, word_bits: int = 0) -> np.ndarray:
    wb = spike_word_bits(D, word_bits)
    W = -(-D // wb)
    w = np.asarray(words, dtype=np.uint64).reshape(T * N, W, 1)
    bits = ((w >> np.arange(wb, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8).reshape(T * N, W * wb)
    return bits[:, :D].reshape(T, N, D)


# ------------------------------------------------------------------------------ increments out
def pack_increments(inc: np.ndarray, lanes: int) -> list[int]:
    """inc (T, N, D) ints -> beats (Python ints, lanes x 16 bits), order t, n, g."""
    T, N, D = inc.shape
    G = -(-D // lanes)
    pad = np.zeros((T, N, G * lanes), dtype=np.int64)
    pad[:, :, :D] = inc
    u = (pad & LANE_MASK).reshape(T * N * G, lanes)
    beats = []
    for row in u:
        v = 0
        for i, x in enumerate(row):
            v |= int(x) << (LANE_BITS * i)
        beats.append(v)
    return beats


def unpack_increments(beats: list[int], T: int, N: int, D: int, lanes: int) -> np.ndarray:
    G = -(-D // lanes)
    out = np.zeros((T * N * G, lanes), dtype=np.int64)
    for b, v in enumerate(beats):
        for i in range(lanes):
            x = (int(v) >> (LANE_BITS * i)) & LANE_MASK
            out[b, i] = x - (1 << LANE_BITS) if x >> (LANE_BITS - 1) else x
    return out.reshape(T, N, G * lanes)[:, :, :D]


# ------------------------------------------------------------------------------ weight stream
def weight_payload(cfg: SAFormerConfig, p: dict[str, np.ndarray]) -> list[int]:
    """Every SASA parameter, one sign-extended 32-bit word each, in the layout table's order (row-major).

    Refuses (SaformerError) a parameter outside its declared range or shape: the hardware keeps only the
    declared low bits, so an out-of-range value would load silently and compute something else.
    """
    words: list[int] = []
    mask = (1 << WEIGHT_WORD_BITS) - 1
    for sg in layout.sasa_segments(cfg):
        k = sg.name
        if k not in p:
            raise SaformerError(f"weights: segment '{k}' missing")
        a = np.asarray(p[k], dtype=np.int64)
        if a.shape != sg.shape:
            raise SaformerError(f"weights: '{k}' has shape {a.shape}, the config needs {sg.shape}")
        if a.size and (int(a.min()) < sg.lo or int(a.max()) > sg.hi):
            bad = np.argwhere((a < sg.lo) | (a > sg.hi))[0]
            raise SaformerError(f"weights: '{k}' value {int(a[tuple(bad)])} at {tuple(int(i) for i in bad)} is "
                                f"outside its declared range [{sg.lo}, {sg.hi}]")
        words += [int(x) & mask for x in a.reshape(-1)]
    return words


def weight_words(cfg: SAFormerConfig) -> int:
    return layout.sasa_payload_words(cfg)


def weight_stream(cfg: SAFormerConfig, p: dict[str, np.ndarray]) -> list[int]:
    payload = weight_payload(cfg, p)
    assert len(payload) == weight_words(cfg)
    return [WEIGHT_MAGIC, WEIGHT_FORMAT_VERSION, cfg.hash32, len(payload)] + payload


# ------------------------------------------------------------------------------ register map
@dataclass(frozen=True)
class Reg:
    name: str
    offset: int
    access: str
    doc: str


def registers(cfg: SAFormerConfig) -> list[Reg]:
    """AXI4-Lite map in the Vitis HLS ap_ctrl_hs layout: control at 0x00, arguments from 0x10."""
    regs = [
        Reg("CTRL", 0x00, "RW", "bit{ap_start} ap_start (W1, self-clearing), bit{ap_done} ap_done (COR), "
            "bit{ap_idle} ap_idle, bit{ap_ready} ap_ready (COR), bit{auto_restart} auto_restart".format(**CTRL_BITS)),
        Reg("GIE", 0x04, "RW", "bit0 global interrupt enable"),
        Reg("IER", 0x08, "RW", "bit0 ap_done interrupt enable, bit1 ap_ready interrupt enable"),
        Reg("ISR", 0x0C, "RW", "bit0 ap_done, bit1 ap_ready interrupt status (toggle on write 1)"),
    ]
    # Arguments from 0x10, one every ARG_STRIDE bytes as Vitis HLS lays out 32-bit scalars: an output
    # argument gets its data word at the offset and an ap_vld control word at offset + 4.
    args = [
        ("IMAGES", "RW", "images to process per ap_start (0 counts as 1)"),
        ("STATUS", "R", "error flags: " + "; ".join(f"bit{STATUS_BITS[n]} {d}" for n, d in STATUS_DOC.items())
         + "; bits header and length describe the last load and clear when the next load begins; "
         "reset clears every flag but not_loaded"),
        ("CYCLES_ACTIVE", "R", "cycles the engine did work in the last run (stalls excluded), bits 31..0"),
        ("CYCLES_TOTAL", "R", "cycles from ap_start to ap_done in the last run, bits 31..0"),
        ("CONFIG_HASH", "R", f"low 32 bits of the config hash (0x{cfg.hash32:08x} for this config)"),
    ]
    args += [(f"CFG_{f.upper()}", "R", f"config field {f} (= {v})") for f, v in cfg.register_fields().items()]
    # The cycle counters are 64 bits (they do not wrap within a run): their high halves come last, so every
    # offset above stays where Vitis puts it. Read them after ap_done (the low/high pair is exact then).
    args += [("CYCLES_ACTIVE_HI", "R", "CYCLES_ACTIVE bits 63..32 (the counter is 64 bits; read after ap_done)"),
             ("CYCLES_TOTAL_HI", "R", "CYCLES_TOTAL bits 63..32 (the counter is 64 bits; read after ap_done)")]
    for i, (name, acc, doc) in enumerate(args):
        regs.append(Reg(name, ARG_BASE + ARG_STRIDE * i, acc, doc))
    return regs


def render_markdown(cfg: SAFormerConfig) -> str:
    d = derive(cfg)
    G = groups(cfg)
    lines = [
        "<!-- generated by `saformer interface` from contract/interface.py, contract/regmap.py and "
        "contract/config.py; do not edit -->",
        "# SASA engine interface",
        "",
        f"Rendered for the default configuration (config hash `{cfg.hash()[:16]}...`, hash32 "
        f"`0x{cfg.hash32:08x}`). Every number below is derived from `contract/config.py`; the RTL, the HLS "
        "kernel, the testbenches and the driver read the same module (`contract/interface.py`).",
        "",
        "## Spike input stream `s_axis`",
        f"- W = ceil(D / SW) words per token (t, n), SW = `tdata` width: here D = {cfg.D}, SW = {cfg.stream_bits}, "
        f"W = {words_per_token(cfg)}, so {cfg.T * cfg.N * words_per_token(cfg)} words per image (T={cfg.T}, "
        f"N={cfg.N}); order t outer, n inner (n = row * grid + col), then the token's words 0..W-1.",
        "- `tdata` is SW = 32 or 64 bits (config field `word_bits`; 0 picks 32 for D <= 32, else 64); word i of a "
        "token carries channels i*SW .. i*SW+SW-1, channel c at bit c - i*SW; the bits past D of a token's "
        "last word are zero. D up to 512 (8 words of 64 bits), N up to 1024."
        + (f" Here channel c (0..{cfg.D - 1}) is at bit c"
           + (f"; bits {cfg.D}..{cfg.stream_bits - 1} are zero." if cfg.stream_bits > cfg.D else " (no padding bits).")
           if words_per_token(cfg) == 1 else ""),
        "- `tlast` is 1 on the last word of each image (t = T-1, n = N-1, word W-1) and 0 elsewhere; a misplaced "
        f"`tlast` sets STATUS bit{STATUS_BITS['protocol']}: a `tlast` inside a token closes that token (its "
        "remaining words are taken as zero) and, before the image's last token, the image's remaining tokens "
        "are silent; a missing `tlast` drops the words up to and including the next `tlast`.",
        "",
        "## Increment output stream `m_axis`",
        f"- One beat per (t, n, g), g = channel group of P = {cfg.lanes} lanes: {G} beats per token, "
        f"{cfg.T * cfg.N * G} beats per image; order t, n, g.",
        f"- `tdata` is {out_word_bits(cfg)} bits: lane i (bits 16i+15..16i) holds channel g*P+i as a 16-bit "
        f"two's-complement value (the increment is {d.sasa_out_bits} bits wide, sign-extended); lanes "
        "past D are zero.",
        "- `tlast` is 1 on the last beat of each image.",
        "",
        "## Weight-load stream `s_axis_w`",
        "32-bit words, `tlast` on the last word:",
        "",
        "| word | content |",
        "|---|---|",
        f"| 0 | magic `0x{WEIGHT_MAGIC:08x}` |",
        f"| 1 | format version `{WEIGHT_FORMAT_VERSION}` |",
        f"| 2 | config hash32 `0x{cfg.hash32:08x}` |",
        f"| 3 | payload word count `{weight_words(cfg)}` |",
    ]
    for sg in layout.sasa_segments(cfg):
        off, n = layout.sasa_offsets(cfg)[sg.name]
        off += layout.HEADER_WORDS
        lines.append(f"| {off}..{off + n - 1} | `{sg.name}`: {n} sign-extended values, {sg.doc} |")
    lines += [
        "",
        f"A load whose header differs (magic, version, config hash or word count) sets STATUS "
        f"bit{STATUS_BITS['header']}; a load whose `tlast` comes before or after the announced count sets STATUS "
        f"bit{STATUS_BITS['length']}. The engine refuses `ap_start` (STATUS bit{STATUS_BITS['not_loaded']}) "
        "until a valid load has completed; a failed load needs a valid reload (no shadow bank). Parameters "
        "outside their declared ranges are refused by `weight_payload` before they reach the stream.",
        "",
        "## Register map (AXI4-Lite `s_axi_control`, Vitis `ap_ctrl_hs` layout)",
        "",
        "| offset | name | access | meaning |",
        "|---|---|---|---|",
    ]
    for r in registers(cfg):
        lines.append(f"| 0x{r.offset:02X} | {r.name} | {r.access} | {r.doc} |")
    lines += ["", "## Derived widths", "", "| quantity | proven range | bits |", "|---|---|---|"]
    for k, (lo, hi) in d.ranges.items():
        lines.append(f"| {k} | [{lo}, {hi}] | {d.width(k)} |")
    lines += network_markdown(cfg)
    return "\n".join(lines) + "\n"


# ============================================================================== the whole network
# Streams of the network accelerator (hw/rtl/net_*.v, docs/architecture.md "The whole network"):
# - pixels in (s_axis): one beat per (channel c, row y), c outer; pixel x in byte x (bits 8x+7..8x, the
#   value 0..pixel_max in the low bits, the rest zero); img * 8 bits per beat; TLAST on each image's last beat.
# - result out (m_axis): 32-bit beats, n_classes + 1 per image: beat k < n_classes is logit k (sign-extended),
#   beat n_classes is the class (argmax, ties to the lowest index) with TLAST.
# - weights in (s_axis_w): 32-bit words: header (magic "SAFN", version, config hash32, payload count), then
#   every parameter of `layout.network_segments` as one sign-extended word per element, row-major.
NET_WEIGHT_MAGIC = 0x5341_464E  # "SAFN"
NET_WEIGHT_FORMAT_VERSION = 1
NET_OUT_WORD_BITS = 32
PIXEL_LANE_BITS = 8


def pixel_beat_bits(cfg: SAFormerConfig) -> int:
    return cfg.img * PIXEL_LANE_BITS


def pack_pixels(cfg: SAFormerConfig, x: np.ndarray) -> list[int]:
    """One image's pixels (in_ch, img, img) integers 0..pixel_max -> beats (Python ints), order (c, y)."""
    x = np.asarray(x, dtype=np.int64)
    if x.shape != (cfg.in_ch, cfg.img, cfg.img):
        raise SaformerError(f"pixels: shape {x.shape}, the config needs {(cfg.in_ch, cfg.img, cfg.img)}")
    if x.size and (int(x.min()) < 0 or int(x.max()) > cfg.pixel_max):
        raise SaformerError(f"pixels: values must be integers 0..{cfg.pixel_max}")
    beats = []
    for c in range(cfg.in_ch):
        for y in range(cfg.img):
            v = 0
            for xx in range(cfg.img):
                v |= int(x[c, y, xx]) << (PIXEL_LANE_BITS * xx)
            beats.append(v)
    return beats


def net_out_beats(cfg: SAFormerConfig) -> int:
    return cfg.n_classes + 1


def pack_net_output(logits: np.ndarray) -> list[int]:
    """One image's logits (n_classes,) -> the expected output beats (logits, then the argmax class)."""
    lg = [int(v) for v in np.asarray(logits).reshape(-1)]
    mask = (1 << NET_OUT_WORD_BITS) - 1
    return [v & mask for v in lg] + [int(np.argmax(lg))]


def unpack_net_output(cfg: SAFormerConfig, beats: list[int]) -> tuple[np.ndarray, int]:
    """Output beats of one image -> (logits, class)."""
    nc = cfg.n_classes
    lg = np.array([(int(b) ^ (1 << 31)) - (1 << 31) for b in beats[:nc]], dtype=np.int64)
    return lg, int(beats[nc])


def net_weight_payload(cfg: SAFormerConfig, params: dict[str, np.ndarray]) -> list[int]:
    """Every network parameter, one sign-extended 32-bit word each, in `layout.network_segments` order
    (row-major); refuses (SaformerError) a parameter outside its declared range or shape."""
    words: list[int] = []
    mask = (1 << WEIGHT_WORD_BITS) - 1
    for sg in layout.network_segments(cfg):
        if sg.key not in params:
            raise SaformerError(f"weights: segment '{sg.key}' missing")
        a = np.asarray(params[sg.key], dtype=np.int64)
        if a.shape != sg.shape:
            raise SaformerError(f"weights: '{sg.key}' has shape {a.shape}, the config needs {sg.shape}")
        if a.size and (int(a.min()) < sg.lo or int(a.max()) > sg.hi):
            bad = np.argwhere((a < sg.lo) | (a > sg.hi))[0]
            raise SaformerError(f"weights: '{sg.key}' value {int(a[tuple(bad)])} at {tuple(int(i) for i in bad)} "
                                f"is outside its declared range [{sg.lo}, {sg.hi}]")
        words += [int(v) & mask for v in a.reshape(-1)]
    return words


def net_weight_stream(cfg: SAFormerConfig, params: dict[str, np.ndarray]) -> list[int]:
    payload = net_weight_payload(cfg, params)
    assert len(payload) == layout.network_payload_words(cfg)
    return [NET_WEIGHT_MAGIC, NET_WEIGHT_FORMAT_VERSION, cfg.hash32, len(payload)] + payload


def network_markdown(cfg: SAFormerConfig) -> list[str]:
    """The network accelerator's streams (a section of docs/interface.md)."""
    lines = [
        "",
        "# Network accelerator interface (hw/rtl/net_*.v)",
        "",
        "## Pixel input stream `s_axis`",
        f"- One beat per (channel c, row y), c outer: {cfg.in_ch * cfg.img} beats per image; `tdata` is "
        f"{pixel_beat_bits(cfg)} bits, pixel x in byte x (bits 8x+7..8x) as an unsigned integer 0..{cfg.pixel_max}.",
        "- `tlast` on each image's last beat (a misplaced `tlast` sets the protocol error flag).",
        "",
        "## Result output stream `m_axis`",
        f"- {net_out_beats(cfg)} beats of {NET_OUT_WORD_BITS} bits per image: beat k < {cfg.n_classes} is logit k "
        "(two's complement, sign-extended), the last beat is the class (argmax, ties to the lowest index) with "
        "`tlast`.",
        "",
        "## Network weight stream `s_axis_w`",
        "32-bit words, `tlast` on the last word:",
        "",
        "| word | content |",
        "|---|---|",
        f"| 0 | magic `0x{NET_WEIGHT_MAGIC:08x}` |",
        f"| 1 | format version `{NET_WEIGHT_FORMAT_VERSION}` |",
        f"| 2 | config hash32 `0x{cfg.hash32:08x}` |",
        f"| 3 | payload word count `{layout.network_payload_words(cfg)}` |",
    ]
    for sg in layout.network_segments(cfg):
        sid, off, n = layout.network_offsets(cfg)[sg.key]
        off += layout.HEADER_WORDS
        lines.append(f"| {off}..{off + n - 1} | segment {sid} `{sg.key}`: {n} sign-extended values, {sg.doc} |")
    lines += [
        "",
        "Weights load only while no image is in flight; a pending weight word holds off new images. A header "
        "mismatch or a wrong length leaves the accelerator unloaded (it takes no pixels) until a valid load.",
    ]
    return lines
