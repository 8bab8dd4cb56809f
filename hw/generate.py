# SPDX-License-Identifier: Apache-2.0
"""Generate the SASA engine's top-level Verilog for one configuration.

Hand-written, parameterised units live in hw/rtl/ (hls4ml's split: library by hand, glue generated).
This generator only fills in the parameters -- every one taken from `saformer.contract.config` (the config and
`derive(cfg)`) and `saformer.contract.interface` -- and wires the AXI-Stream ports, the reset and the skid buffers
around `sasa_core`. Weights, biases and thresholds are not baked in: they arrive at run time on
`s_axis_w` (docs/architecture.md, "Weights at run time"), so one bitstream serves every reload. The
generated text depends on the configuration only (its header names the config id and hash, never an
artifact path), so every caller of one configuration shares one generated file and one simulator build.

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
UNITS = ("sign_extend", "sdp_ram", "spike_finder", "spike_deser", "spike_linear", "lif_lanes",
         "sasa_attn", "sasa_wload", "sasa_core", "axil_slave", "sasa_ctrl")
# registers held by sasa_ctrl (read through its outputs); every other register of the map is read-only
CTRL_REGS = {"CTRL": "ctrl_word", "GIE": "gie_word", "IER": "ier_word", "ISR": "isr_word",
             "IMAGES": "images_word", "STATUS": "status_word", "CYCLES_ACTIVE": "cycles_active_word",
             "CYCLES_TOTAL": "cycles_total_word", "CYCLES_ACTIVE_HI": "cycles_active_hi_word",
             "CYCLES_TOTAL_HI": "cycles_total_hi_word"}


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


def read_mux(cfg: SAFormerConfig) -> list[tuple[int, str, str]]:
    """(offset, register name, Verilog value) for every register of contract/interface.py's map."""
    fields = cfg.to_dict()
    out = []
    for r in itf.registers(cfg):
        if r.name in CTRL_REGS:
            val = CTRL_REGS[r.name]
        elif r.name == "CONFIG_HASH":
            val = f"32'h{cfg.hash32:08x}"
        elif r.name.startswith("CFG_") and r.name[4:].lower() in {k.lower() for k in fields}:
            key = next(k for k in fields if k.lower() == r.name[4:].lower())
            v = int(fields[key])
            if not 0 <= v < 2 ** 32:
                raise SaformerError(f"config field '{key}' = {v} does not fit a 32-bit register")
            val = f"32'd{v}"
        else:
            raise SaformerError(f"register {r.name} of contract/interface.py has no source in hw/generate.py "
                                "(add it to CTRL_REGS or the read mux)")
        out.append((r.offset, r.name, val))
    return out


HEADER_PARAMS = ("MAGIC", "VERSION", "HASH", "COUNT")  # weight-header words: WW-bit vectors


def ctrl_bit_params() -> dict[str, int]:
    """sasa_ctrl's bit-position parameters, from contract/interface.py (CTRL_BITS, STATUS_BITS)."""
    out = {f"CTRL_{k.upper()}_BIT": b for k, b in itf.CTRL_BITS.items()}
    out.update({f"STATUS_{k.upper()}_BIT": b for k, b in itf.STATUS_BITS.items()})
    if any(not 0 <= b < 8 for k, b in itf.CTRL_BITS.items()):
        raise SaformerError("contract/interface.py CTRL_BITS: sasa_ctrl writes CTRL under byte strobe 0 (bits 0..7)")
    if any(not 0 <= b < 32 for b in out.values()):
        raise SaformerError("contract/interface.py CTRL_BITS/STATUS_BITS: a bit outside the 32-bit register")
    return out


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


def port_decls() -> str:
    """The engine top's port declarations from ENGINE_PORTS (`interrupt` wrapped in its lint waiver)."""
    lines = []
    for i, (d, w, n) in enumerate(ENGINE_PORTS):
        sep = "," if i < len(ENGINE_PORTS) - 1 else ""
        decl = f"    {d:6s} wire {w:17s} {n}{sep}"
        if n == "interrupt":
            decl = ("    // `interrupt` is the Vitis name of the kernel's interrupt (a C++ word to Verilator, which "
                    "renames it)\n    /* verilator lint_off SYMRSVDWORD */\n" + decl
                    + "\n    /* verilator lint_on SYMRSVDWORD */")
        lines.append(decl)
    return "\n".join(lines)


def axil_decls(vitis: bool) -> str:
    """Port declarations of the AXI-Lite slave, each line ending in a comma."""
    pad = 16 if vitis else 17
    return "\n".join(f"    {d:6s} wire {w:{pad}s} {'s_axi_control_' + sig.upper() if vitis else 's_axil_' + sig},"
                     for d, w, sig in AXIL_PORTS)


def axil_connections() -> str:
    """Engine-instance connections from the wrapper's Vitis names to the engine's house names."""
    pairs = [f".s_axil_{sig}(s_axi_control_{sig.upper()})" for _, _, sig in AXIL_PORTS]
    return "\n".join("        " + ", ".join(pairs[i:i + 2]) + "," for i in range(0, len(pairs), 2))


def render_top(cfg: SAFormerConfig, name: str) -> str:
    ep = engine_params(cfg)
    v = ep.values

    def plit(k: str) -> str:
        return f"{v['WW']}'h{v[k]:08x}" if k in HEADER_PARAMS else str(v[k])

    plines = []
    keys = list(v)
    for k in keys:
        typ = "[WW-1:0]" if k in HEADER_PARAMS else "integer"
        sep = ","  # AXIL_AW follows
        plines.append(f"    parameter {typ} {k:10s} = {plit(k)}{sep}  // {ep.comments[k]}")
    core_params = ", ".join(f".{k}({k})" for k in keys)
    aw = axil_addr_bits(cfg)
    addr = {r.name: r.offset for r in itf.registers(cfg)}
    ctrl_params = ", ".join([f".ADDR_{k}({aw}'h{addr[k]:02x})" for k in ("CTRL", "GIE", "IER", "ISR", "IMAGES")]
                            + [f".{p}({b})" for p, b in ctrl_bit_params().items()])
    mux = "\n".join(f"            {aw}'h{off:02x}: rd_data = {val};  // {name}" for off, name, val in read_mux(cfg))
    return f"""{header(cfg, name)}
`default_nettype none
// {TOP}: the SASA engine of configuration '{name}' as a system block -- AXI-Stream spikes in (s_axis),
// weight load in (s_axis_w), 16-bit-lane increments out (m_axis), AXI4-Lite control (s_axil) in the Vitis
// ap_ctrl_hs layout of docs/interface.md, `interrupt`. Top-level glue only: the reset, the skid buffers,
// the register read mux (from contract/interface.py: registers) around the hand-written units (sasa_core,
// sasa_ctrl, axil_slave). Reset: the AXI active-low aresetn is registered once here into rst_q; the
// single synchronous active-high reset of everything inside is rst = rst_q | !aresetn, so it acts from the
// first clock edge with aresetn low and every ready and valid output is low (combinationally) for as long
// as aresetn is low (AXI A3.1.2), and for one cycle after. A reset drops the weights (a valid load is
// needed again).
module {TOP} #(
{chr(10).join(plines)}
    parameter integer AXIL_AW    = {aw}  // AXI-Lite address width (holds the highest register offset)
) (
{port_decls()}
);
    reg  rst_q;                  // aresetn, registered
    wire rst = rst_q | !aresetn;  // the internal reset, derived here: low-active port or its registered copy
    always @(posedge aclk) rst_q <= !aresetn;

    // ------------------------------------------------------------------ AXI4-Lite control
    wire               wr_en, rd_en;
    wire [AXIL_AW-1:0] wr_addr, rd_addr;
    wire [31:0]        wr_data;
    wire [3:0]         wr_strb;
    reg  [31:0]        rd_data;
    axil_slave #(.AW(AXIL_AW)) u_axil (
        .clk(aclk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_data(rd_data)
    );

    wire        start_en, load_en, img_start, load_active;
    wire [31:0] ctrl_word, gie_word, ier_word, isr_word, images_word, status_word;
    wire [31:0] cycles_active_word, cycles_total_word, cycles_active_hi_word, cycles_total_hi_word;
    sasa_ctrl #(.AW(AXIL_AW), {ctrl_params}) u_ctrl (
        .clk(aclk), .rst(rst),
        .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb), .rd_en(rd_en), .rd_addr(rd_addr),
        .weights_loaded(weights_loaded), .load_active(load_active), .img_start(img_start), .img_done(img_done),
        .img_cycles_active(cycles_active), .err_hdr(err_hdr), .err_len(err_len), .err_val(err_val),
        .err_proto(err_proto),
        .start_en(start_en), .load_en(load_en),
        .ctrl_word(ctrl_word), .gie_word(gie_word), .ier_word(ier_word), .isr_word(isr_word),
        .images_word(images_word), .status_word(status_word), .cycles_active_word(cycles_active_word),
        .cycles_total_word(cycles_total_word), .cycles_active_hi_word(cycles_active_hi_word),
        .cycles_total_hi_word(cycles_total_hi_word), .interrupt(interrupt)
    );

    // register read mux: one entry per register of contract/interface.py's map (unmapped offsets read 0)
    always @* begin
        case (rd_addr)
{mux}
            default: rd_data = 32'd0;
        endcase
    end

    sasa_core #({core_params}) u_core (
        .clk(aclk), .rst(rst),
        .start_en(start_en), .load_en(load_en), .img_start(img_start), .load_active(load_active),
        .in_data(s_axis_tdata), .in_last(s_axis_tlast), .in_valid(s_axis_tvalid), .in_ready(s_axis_tready),
        .w_data(s_axis_w_tdata), .w_valid(s_axis_w_tvalid), .w_last(s_axis_w_tlast), .w_ready(s_axis_w_tready),
        .out_data(m_axis_tdata), .out_last(m_axis_tlast), .out_valid(m_axis_tvalid), .out_ready(m_axis_tready),
        .busy(busy), .img_done(img_done), .cycles_active(cycles_active), .cycles_total(cycles_total),
        .cycles_qk(cycles_qk), .cycles_y(cycles_y), .stall_in(stall_in), .stall_out(stall_out),
        .weights_loaded(weights_loaded), .err_hdr(err_hdr), .err_len(err_len), .err_val(err_val),
        .err_proto(err_proto)
    );
endmodule
`default_nettype wire
"""


def render_vitis_top(cfg: SAFormerConfig, name: str) -> str:
    """The thin wrapper with Vitis HLS port names around `sasa_engine`: ap_clk, ap_rst_n, the stream
    arguments of the HLS top (`s_axis`, `m_axis`, `s_axis_w`, ports <arg>_TDATA/TVALID/TREADY/TLAST/TKEEP/
    TSTRB as Vitis names an `hls::stream<ap_axiu<W,0,0,0>>`), `s_axi_control_*` and `interrupt`."""
    ep = engine_params(cfg)
    v = ep.values
    plines = []
    for k in v:
        typ = "[WW-1:0]" if k in HEADER_PARAMS else "integer"
        lit = f"{v['WW']}'h{v[k]:08x}" if k in HEADER_PARAMS else str(v[k])
        plines.append(f"    parameter {typ} {k:10s} = {lit},  // {ep.comments[k]}")
    aw = axil_addr_bits(cfg)
    passp = ", ".join(f".{k}({k})" for k in v)
    sw, ow = v["SW"], v["P"] * v["OUT_LANE_W"]
    return f"""{header(cfg, name)}
`default_nettype none
// {VITIS_TOP}: {TOP} under the port names Vitis HLS gives the kernel `sasa_top` (hls/generate.py): ap_clk,
// ap_rst_n, the hls::stream arguments s_axis / m_axis / s_axis_w as <arg>_TDATA, _TVALID, _TREADY,
// _TLAST, _TKEEP, _TSTRB (ap_axiu<W,0,0,0>), the s_axilite bundle `control` as s_axi_control_*, and
// interrupt. Renaming only: no logic but constant TKEEP/TSTRB (every byte valid) on the output.
module {VITIS_TOP} #(
{chr(10).join(plines)}
    parameter integer AXIL_AW    = {aw}  // AXI-Lite address width (C_S_AXI_CONTROL_ADDR_WIDTH)
) (
    input  wire                 ap_clk,
    input  wire                 ap_rst_n,
    input  wire [{sw - 1}:0]          s_axis_TDATA,
    input  wire                 s_axis_TVALID,
    output wire                 s_axis_TREADY,
    input  wire                 s_axis_TLAST,
    input  wire [{sw // 8 - 1}:0]           s_axis_TKEEP,
    input  wire [{sw // 8 - 1}:0]           s_axis_TSTRB,
    output wire [{ow - 1}:0]         m_axis_TDATA,
    output wire                 m_axis_TVALID,
    input  wire                 m_axis_TREADY,
    output wire                 m_axis_TLAST,
    output wire [{ow // 8 - 1}:0]          m_axis_TKEEP,
    output wire [{ow // 8 - 1}:0]          m_axis_TSTRB,
    input  wire [WW-1:0]        s_axis_w_TDATA,
    input  wire                 s_axis_w_TVALID,
    output wire                 s_axis_w_TREADY,
    input  wire                 s_axis_w_TLAST,
    input  wire [WW/8-1:0]      s_axis_w_TKEEP,
    input  wire [WW/8-1:0]      s_axis_w_TSTRB,
{axil_decls(True)}
    /* verilator lint_off SYMRSVDWORD */
    output wire                 interrupt  // the Vitis name (a C++ word to Verilator, which renames it)
    /* verilator lint_on SYMRSVDWORD */
);
    // Every input byte is taken as valid (the interface has no partial words); the keep/strobe inputs are
    // accepted for port compatibility only.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_keep = |{{s_axis_TKEEP, s_axis_TSTRB, s_axis_w_TKEEP, s_axis_w_TSTRB}};
    /* verilator lint_on UNUSEDSIGNAL */
    assign m_axis_TKEEP = {{{ow // 8}{{1'b1}}}};
    assign m_axis_TSTRB = {{{ow // 8}{{1'b1}}}};

    {TOP} #({passp}, .AXIL_AW(AXIL_AW)) u_engine (
        .aclk(ap_clk), .aresetn(ap_rst_n),
        .s_axis_tdata(s_axis_TDATA), .s_axis_tvalid(s_axis_TVALID), .s_axis_tready(s_axis_TREADY),
        .s_axis_tlast(s_axis_TLAST),
        .s_axis_w_tdata(s_axis_w_TDATA), .s_axis_w_tvalid(s_axis_w_TVALID), .s_axis_w_tready(s_axis_w_TREADY),
        .s_axis_w_tlast(s_axis_w_TLAST),
        .m_axis_tdata(m_axis_TDATA), .m_axis_tvalid(m_axis_TVALID), .m_axis_tready(m_axis_TREADY),
        .m_axis_tlast(m_axis_TLAST),
{axil_connections()}
        .interrupt(interrupt),
        /* verilator lint_off PINCONNECTEMPTY */
        .busy(), .img_done(), .cycles_active(), .cycles_total(), .cycles_qk(), .cycles_y(), .stall_in(),
        .stall_out(), .weights_loaded(), .err_hdr(), .err_len(), .err_val(),
        .err_proto()
        /* verilator lint_on PINCONNECTEMPTY */
    );
endmodule
`default_nettype wire
"""




def unit_sources() -> list[Path]:
    return [RTL_DIR / f"{u}.v" for u in UNITS]


def generate(cfg: SAFormerConfig, out_root: str | Path, name: str = "custom", source: str | None = None) -> Path:
    """Write <out_root>/<config-id>/sasa_engine.v and sasa_top.v; returns the folder. Rewrites only when
    the text changed (atomically, so concurrent writers of one config leave identical, whole files).
    `source` (an artifact path, say) is accepted for the callers' logs only: it is not written into the
    files, whose text depends on the configuration alone."""
    del source
    out = Path(out_root) / config_id(name, cfg)
    for mod, text in ((TOP, render_top(cfg, name)), (VITIS_TOP, render_vitis_top(cfg, name))):
        f = out / f"{mod}.v"
        if not f.is_file() or f.read_text() != text:
            write_atomic(f, text)
    return out


def sources(gen_dir: Path, top: str = TOP) -> list[Path]:
    """Every Verilog file of one engine: the hand-written units, then the generated top (and, for
    top=VITIS_TOP, the Vitis-named wrapper after it)."""
    files = unit_sources() + [Path(gen_dir) / f"{TOP}.v"]
    return files + ([Path(gen_dir) / f"{VITIS_TOP}.v"] if top == VITIS_TOP else [])


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
