# SPDX-License-Identifier: Apache-2.0
"""Generate the SASA engine's configuration files for one configuration.

Every unit and both tops (sasa_engine, the Vitis-named sasa_top) are hand-written and parameterised in hw/rtl/.
This generator writes only what a configuration decides: the configuration header `sasa_engine_cfg.vh` (one
localparam per chosen figure, every one from `saformer.contract.config` (the config and `derive(cfg)`) and
`saformer.contract.interface`), included in the body of both tops (they take no parameters), and the register block
`sasa_engine_regs.v` (hw/reggen.py from the register table contract/regmap.py: read and write decode).
Weights, biases and thresholds are not baked in: they arrive at run time on `s_axis_w` (docs/architecture.md,
"Weights at run time"), so one bitstream serves every reload. The generated text depends on the configuration
only (its header names the config id and hash, never an artifact path), so every caller of one configuration
shares one generated folder and one simulator build.

    python -m hw.generate --config default --out build/rtl
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path

from saformer.contract import interface as itf
from saformer.contract.config import SAFormerConfig, derive
from saformer.contract.errors import SaformerError
from saformer.contract.fsutil import write_atomic

RTL_DIR = Path(__file__).resolve().parent / "rtl"
TOP = "sasa_engine"
# Verilator configuration file of the units (split_var of spike_finder's tree vectors); Verilator builds only
VERILATOR_CONFIG = RTL_DIR / "verilator.vlt"
VITIS_TOP = "sasa_top"  # the thin wrapper with Vitis HLS port names (the HLS kernel's top function name)
# hand-written units, in dependency order
# hand-written units below the top, in dependency order (the tops sasa_engine / sasa_top are hand-written too,
# in hw/rtl/, but listed by `sources` after the generated register block they instantiate)
UNITS = ("sign_extend", "sdp_ram", "pop_sat3", "spike_chunks", "spike_deser", "spike_linear", "lif_lanes",
         "sasa_attn", "sasa_wload", "sasa_core", "axil_slave", "sasa_ctrl")


def _bits(x: int) -> int:
    """Bits of an unsigned index that must hold x (at least 1)."""
    return max(1, int(x).bit_length())


@dataclass(frozen=True)
class EngineParams:
    """Every Verilog parameter of the engine, derived from the config (the one source)."""

    values: dict[str, int]
    comments: dict[str, str]


def ram_style(cfg: SAFormerConfig) -> int:
    """Memory style of the weight memories: block RAM once a lane memory (G*D words) holds 1024 words or
    more (a BRAM18 at 1K x 18 .. 16K x 1), otherwise the tool's choice (LUT RAM for the small configs)."""
    return 1 if itf.groups(cfg) * cfg.D >= 1024 else 0


def engine_params(cfg: SAFormerConfig) -> EngineParams:
    d = derive(cfg)
    D, N, T, P, H = cfg.D, cfg.N, cfg.T, cfg.lanes, cfg.heads
    mem_w = cfg.mem_bits or d.sasa_mem_bits
    if d.sasa_acc_bits != d.sasa_out_bits:
        raise SaformerError(f"config {cfg.hash()[:12]}: the engine shares one accumulator width for the Q/K "
                            f"current ({d.sasa_acc_bits}) and the increment ({d.sasa_out_bits})")
    if d.sasa_acc_bits > itf.LANE_BITS:
        raise SaformerError(f"config field 'bias_bits': increment needs {d.sasa_acc_bits} bits > lane "
                            f"{itf.LANE_BITS}")
    # Only the chosen figures are parameters; every derived one (groups, index widths, counter widths) is a
    # localparam computed inside the unit that needs it.
    rows: list[tuple[str, int, str]] = [
        ("D", D, "channels"), ("N", N, "tokens per timestep"), ("T", T, "timesteps per image"),
        ("P", P, "lanes: output channels per cycle"), ("H", H, "heads"),
        ("W_W", cfg.w_bits, "weight width (signed)"), ("B_W", cfg.bias_bits, "bias width (signed)"),
        ("TH_W", cfg.theta_bits, "LIF threshold width (unsigned)"),
        ("ACC_W", d.sasa_acc_bits, "accumulator/current/increment width (proven)"),
        ("MEM_W", mem_w, f"membrane width (proven minimum {d.sasa_mem_bits})"),
        ("K", cfg.leak_shift, "LIF leak shift"),
        ("OUT_LANE_W", itf.LANE_BITS, "output lane width"),
        ("SW", cfg.stream_bits, "spike stream word width"),
        ("WW", itf.WEIGHT_WORD_BITS, "weight-stream word width"),
        ("RAM_STYLE", ram_style(cfg), "weight/membrane memories: 0 tool's choice, 1 block RAM, 2 LUT RAM"),
        ("MAGIC", itf.WEIGHT_MAGIC, "weight header magic"),
        ("VERSION", itf.WEIGHT_FORMAT_VERSION, "weight format version"),
        ("HASH", cfg.hash32, "config hash32"), ("COUNT", itf.weight_words(cfg), "weight payload words"),
    ]
    return EngineParams({k: v for k, v, _ in rows}, {k: c for k, _, c in rows})


def axil_addr_bits(cfg: SAFormerConfig) -> int:
    """AXI-Lite address width: holds the highest register offset (+ its ap_vld word)."""
    return (max(r.offset for r in itf.registers(cfg)) + 7).bit_length()


HEADER_PARAMS = ("MAGIC", "VERSION", "HASH", "COUNT")  # weight-header words: WW-bit vectors


def config_id(name: str, cfg: SAFormerConfig) -> str:
    return f"{name}-{cfg.hash()[:10]}"


def header(cfg: SAFormerConfig, name: str) -> str:
    """The generated-file line: what generated it, from what (the config only), do not edit."""
    return (f"// generated by hw/generate.py from contract/config.py (config '{name}', id {config_id(name, cfg)}, "
            f"hash {cfg.hash()[:16]}); do not edit")


# AXI4-Lite slave ports (direction, range, signal): declared as s_axil_<sig> on the engine (house style) and as
# s_axi_control_<SIG> on the Vitis-named wrapper, which connects one to the other. One list for all three.
AXIL_PORTS = (
    ("input", "[AXIL_AW-1:0]", "awaddr"), ("input", "", "awvalid"), ("output", "", "awready"),
    ("input", "[31:0]", "wdata"), ("input", "[3:0]", "wstrb"), ("input", "", "wvalid"), ("output", "", "wready"),
    ("output", "[1:0]", "bresp"), ("output", "", "bvalid"), ("input", "", "bready"),
    ("input", "[AXIL_AW-1:0]", "araddr"), ("input", "", "arvalid"), ("output", "", "arready"),
    ("output", "[31:0]", "rdata"), ("output", "[1:0]", "rresp"), ("output", "", "rvalid"), ("input", "", "rready"),
)


# The engine top's ports (direction, range, name), in order: the one table the generated top's port list and the
# Vivado packager (hw/vivado.py) read. The AXI-Lite ports are AXIL_PORTS (as s_axil_<sig>).
ENGINE_PORTS = (
    ("input", "", "aclk"), ("input", "", "aresetn"),
    ("input", "[SW-1:0]", "s_axis_tdata"), ("input", "", "s_axis_tvalid"), ("output", "", "s_axis_tready"),
    ("input", "", "s_axis_tlast"),
    ("input", "[WW-1:0]", "s_axis_w_tdata"), ("input", "", "s_axis_w_tvalid"), ("output", "", "s_axis_w_tready"),
    ("input", "", "s_axis_w_tlast"),
    ("output", "[P*OUT_LANE_W-1:0]", "m_axis_tdata"), ("output", "", "m_axis_tvalid"), ("input", "", "m_axis_tready"),
    ("output", "", "m_axis_tlast"),
    *((d, w, f"s_axil_{sig}") for d, w, sig in AXIL_PORTS),
    ("output", "", "interrupt"),
    # per-image status for testbenches (the registers carry the per-run values)
    ("output", "", "busy"), ("output", "", "img_done"), ("output", "[31:0]", "cycles_active"),
    ("output", "[31:0]", "cycles_total"), ("output", "[31:0]", "cycles_qk"), ("output", "[31:0]", "cycles_y"),
    ("output", "", "stall_in"), ("output", "", "stall_out"), ("output", "", "weights_loaded"),
    ("output", "", "err_hdr"), ("output", "", "err_len"), ("output", "", "err_val"), ("output", "", "err_proto"),
)


def port_directions(top: str = "sasa_engine") -> dict[str, str]:
    """Port name -> direction of the generated top `top` (TOP or VITIS_TOP), from the port tables."""
    if top == TOP:
        return {n: d for d, _, n in ENGINE_PORTS}
    if top == VITIS_TOP:
        out = {"ap_clk": "input", "ap_rst_n": "input"}
        for pre, dirs in (("s_axis", ("input", "input", "output", "input", "input", "input")),
                          ("m_axis", ("output", "output", "input", "output", "output", "output")),
                          ("s_axis_w", ("input", "input", "output", "input", "input", "input"))):
            out.update({f"{pre}_{sig}": d for sig, d in zip(("TDATA", "TVALID", "TREADY", "TLAST", "TKEEP", "TSTRB"),
                                                              dirs)})
        out.update({f"s_axi_control_{sig.upper()}": d for d, _, sig in AXIL_PORTS})
        out["interrupt"] = "output"
        return out
    raise SaformerError(f"unknown top '{top}' (known: {TOP}, {VITIS_TOP})")


CFG_HEADER = "sasa_engine_cfg.vh"  # the generated configuration header (included in the body of both tops)


def render_cfg_header(cfg: SAFormerConfig, name: str) -> str:
    """The configuration header of hw/rtl/sasa_engine.v and sasa_top.v: one `localparam` per chosen figure of
    the config, each with its comment. Each top includes it first in its body (a Verilog-2001 non-ANSI port
    list), so its port declarations (SW, WW, P*OUT_LANE_W, AXIL_AW) use these; the tops take no parameters:
    the header is generated per configuration (derived figures are localparams of the unit that needs them)."""
    ep = engine_params(cfg)
    v = ep.values
    rows = [(k, f"{v['WW']}'h{v[k]:08x}" if k in HEADER_PARAMS else str(v[k]),
             "[WW-1:0]" if k in HEADER_PARAMS else "integer", ep.comments[k]) for k in v]
    rows.append(("AXIL_AW", str(axil_addr_bits(cfg)), "integer",
                 "AXI-Lite address width (holds the highest register offset)"))
    return render_localparams(header(cfg, name), "sasa_engine / sasa_top", rows)


def render_localparams(first: str, tops: str, rows: list[tuple[str, str, str, str]]) -> str:
    """A generated configuration header: the generated-file line, then `localparam <type> <name> = <value>;
    // <comment>` per row (name, value, type, comment), for the body of the hand-written tops `tops`."""
    lines = [first, f"// the configuration of {tops} (hw/rtl/): included first in each top's body"]
    wk, wt, wv = (max(len(r[i]) for r in rows) for i in (0, 2, 1))
    lines += [f"localparam {typ:{wt}s} {k:{wk}s} = {lit + ';':{wv + 1}s}  // {doc}" for k, lit, typ, doc in rows]
    return "\n".join(lines) + "\n"


def render_regs(cfg: SAFormerConfig, name: str) -> str:
    """The engine's register block (hw/reggen.py from contract/regmap.py: sasa_block)."""
    from saformer.contract.regmap import sasa_block
    from saformer.hw.reggen import render

    block = sasa_block(cfg)
    if block.addr_bits != axil_addr_bits(cfg):
        raise SaformerError("register table and AXI-Lite address width disagree")
    hdr = header(cfg, name).replace("from contract/config.py", "(hw/reggen.py) from contract/regmap.py")
    return render(block, hdr)


REGS = "sasa_engine_regs"  # the generated register block's module (contract/regmap.py: sasa_block)


def unit_sources() -> list[Path]:
    return [RTL_DIR / f"{u}.v" for u in UNITS]


def generate(cfg: SAFormerConfig, out_root: str | Path, name: str = "custom", source: str | None = None) -> Path:
    """Write <out_root>/<config-id>/sasa_engine_cfg.vh (the configuration header of the hand-written tops) and
    sasa_engine_regs.v (the register block); returns the folder. Rewrites only when the text changed
    (atomically, so concurrent writers of one config leave identical, whole files). `source` (an artifact
    path, say) is accepted for the callers' logs only: the files' text depends on the configuration alone."""
    del source
    out = Path(out_root) / config_id(name, cfg)
    for fname, text in ((CFG_HEADER, render_cfg_header(cfg, name)), (f"{REGS}.v", render_regs(cfg, name))):
        f = out / fname
        if not f.is_file() or f.read_text() != text:
            write_atomic(f, text)
    return out


def sources(gen_dir: Path, top: str = TOP) -> list[Path]:
    """Every Verilog file of one engine: the hand-written units, the generated register block, then the
    hand-written top (and, for top=VITIS_TOP, the Vitis-named wrapper after it). The tops include the
    configuration header: pass `include_flags(files)` to the tool, and hash `headers(gen_dir)` too."""
    files = unit_sources() + [Path(gen_dir) / f"{REGS}.v", RTL_DIR / f"{TOP}.v"]
    return files + ([RTL_DIR / f"{VITIS_TOP}.v"] if top == VITIS_TOP else [])


def headers(gen_dir: Path) -> list[Path]:
    """The generated headers the tops include (one: the configuration header)."""
    return [Path(gen_dir) / CFG_HEADER]


def include_dirs(files: list[Path]) -> list[Path]:
    """Include directories for a file list: every file's folder (the generated folder holds the header)."""
    out: list[Path] = []
    for f in files:
        if Path(f).parent not in out:
            out.append(Path(f).parent)
    return out


def include_flags(files: list[Path]) -> list[str]:
    """`-I<dir>` for Verilator, Icarus and Yosys' read_verilog."""
    return [f"-I{d}" for d in include_dirs(files)]


def sources_hash(files: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    from saformer.contract.configs import NAMED

    ap = argparse.ArgumentParser(prog="python -m hw.generate", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="default", choices=sorted(NAMED))
    ap.add_argument("--artifact", default=None, help="artifact directory (its config is used)")
    ap.add_argument("--out", default="build/rtl")
    a = ap.parse_args(argv)
    if a.artifact:
        from saformer.contract.artifact import load_artifact

        cfg, src = load_artifact(a.artifact).cfg, a.artifact
    else:
        cfg, src = NAMED[a.config], f"contract/configs.py:{a.config}"
    print(generate(cfg, a.out, a.config, src))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
