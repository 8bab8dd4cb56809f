# SPDX-License-Identifier: Apache-2.0
"""Register-block generator (OpenTitan reggen's idea): one Verilog module per register table of
contract/regmap.py (`RegBlock`), holding the AXI-Lite read decode and the write decode of every register --
the Vitis ap_ctrl_hs CTRL/GIE/IER/ISR semantics, stored RW registers under byte strobes, read-only inputs and
constants -- behind axil_slave's register bus. The module holds registers and decode only; what a run is
(when `done` pulses, what `run` reads) is the hand-written logic around it.

Ports of the generated module (every name from the table, lower case):
  clk, rst (synchronous, active high), the register bus wr_en/wr_addr/wr_data/wr_strb, rd_en/rd_addr and the
  combinational read data rd_data (axil_slave captures it);
  ctrl: `ap_start_req` (out, one cycle: CTRL written with ap_start = 1), `auto_restart` (out), `run` (in: reads
        as ap_start, its inverse as ap_idle), `done` (in, pulse: sets ap_done, ap_ready and ISR under IER);
  rw:   `<name>` (out, 32 bits);
  ro:   `<name>_i` (in, 32 bits) or `<name>_<field>_i` (in, 1 bit each) for a register with bit fields;
  `interrupt` (out) = GIE && ISR != 0.
"""

from __future__ import annotations

from saformer.contract.errors import SaformerError
from saformer.contract.regmap import KINDS, HwReg, RegBlock


def _ro_inputs(r: HwReg) -> list[tuple[str, int, int]]:
    """(port, bit offset, width) of a read-only register's own inputs (none for a word of a vector input)."""
    if r.vec is not None:
        return []
    if len(r.fields) > 1:
        return [(f"{r.name.lower()}_{f.name.lower()}_i", f.offset, 1) for f in r.fields]
    return [(f"{r.name.lower()}_i", 0, 32)]


def check(block: RegBlock) -> None:
    names = [r.name for r in block.regs]
    offs = [r.offset for r in block.regs]
    if len(set(names)) != len(names) or len(set(offs)) != len(offs):
        raise SaformerError(f"register table {block.module}: duplicate name or offset")
    for r in block.regs:
        if r.kind not in KINDS:
            raise SaformerError(f"register {r.name}: unknown kind '{r.kind}' (known: {', '.join(KINDS)})")
        if r.offset % 4:
            raise SaformerError(f"register {r.name}: offset 0x{r.offset:x} not word aligned")
    kinds = [r.kind for r in block.regs]
    for k in ("ctrl", "gie", "ier", "isr"):
        if kinds.count(k) != 1:
            raise SaformerError(f"register table {block.module}: needs exactly one '{k}' register (ap_ctrl_hs)")
    if any(not 0 <= b < 8 for b in block.ctrl_bits.values()):
        raise SaformerError("CTRL_BITS: CTRL is written under byte strobe 0 (bits 0..7)")


def render(block: RegBlock, header: str) -> str:  # noqa: PLR0915 -- one linear module text
    """The Verilog text of the register block `block`; `header` is its generated-by line."""
    check(block)
    aw = block.addr_bits
    cb = block.ctrl_bits
    by = {r.kind: r for r in block.regs}
    rw = [r for r in block.regs if r.kind == "rw"]
    ro = [r for r in block.regs if r.kind == "ro"]
    ports = ["    input  wire          clk,", "    input  wire          rst,",
             "    // register bus (axil_slave)",
             "    input  wire          wr_en,", "    input  wire [AW-1:0] wr_addr,",
             "    input  wire [31:0]   wr_data,", "    input  wire [3:0]    wr_strb,",
             "    input  wire          rd_en,", "    input  wire [AW-1:0] rd_addr,",
             "    output reg  [31:0]   rd_data,",
             "    // CTRL (ap_ctrl_hs): the run logic's side",
             "    output wire          ap_start_req,  // one cycle: CTRL written with ap_start = 1",
             "    output wire          auto_restart,",
             "    input  wire          run,           // a run is active (reads as ap_start, !ap_idle)",
             "    input  wire          done,          // pulse: the run finished (ap_done, ap_ready, ISR)"]
    for r in rw:
        ports.append(f"    output wire [31:0]   {r.name.lower()},  // {r.name}")
    vecs: dict[str, int] = {}
    for r in ro:
        for p, _, w in _ro_inputs(r):
            ports.append(f"    input  wire {'[31:0] ' if w == 32 else '       '}  {p},  // {r.name}")
        if r.vec is not None:
            vecs[r.vec[0]] = max(vecs.get(r.vec[0], 0), r.vec[1] + 1)
    for p, n in vecs.items():
        ports.append(f"    input  wire [{32 * n - 1}:0] {p},  // {n} register words, word k at bits 32k+31..32k")
    ports += ["    // `interrupt` is the Vitis name (a C++ word to Verilator, which renames it)",
              "    /* verilator lint_off SYMRSVDWORD */", "    output wire          interrupt",
              "    /* verilator lint_on SYMRSVDWORD */"]
    L = [header, "`default_nettype none",
         f"// {block.module}: the AXI-Lite register block ({len(block.regs)} registers) -- read decode and write",
         "// decode of the register table (contract/regmap.py), written by hw/reggen.py. Registers and decode",
         "// only: the run logic around it says when a run is active (`run`) and when it finished (`done`).",
         "// Reset (`rst`, synchronous, active high) clears every stored register.",
         f"module {block.module} #(",
         f"    parameter integer AW = {aw}  // register address width (bytes): at least {aw} for this table",
         ") (", "\n".join(ports), ");"]
    a = L.append
    a("    generate")
    a(f"        if (AW < {aw}) begin : gen_param_error")
    a("            initial begin")
    a(f'                $display("ERROR: {block.module}: AW=%0d < {aw} bits of the highest offset (%m)", AW);')
    a("                $finish;")
    a("            end")
    a(f"            PARAMETER_ERROR_{block.module}_address_width u_param_error ();")
    a("        end")
    a("    endgenerate")
    a("    // register offsets (contract/regmap.py)")
    for r in block.regs:
        a(f"    localparam integer O_{r.name} = {r.offset};")
    a("    localparam [AW-1:0] " + ",\n        ".join(f"A_{r.name} = O_{r.name}[AW-1:0]" for r in block.regs)
      + ";")
    a("    reg       done_q, done_d;    // CTRL ap_done (clear on read)")
    a("    reg       ready_q, ready_d;  // CTRL ap_ready (clear on read)")
    a("    reg       auto_q, auto_d;    // CTRL auto_restart")
    a("    reg       gie_q, gie_d;")
    a("    reg [1:0] ier_q, ier_d;      // bit0 ap_done, bit1 ap_ready")
    a("    reg [1:0] isr_q, isr_d;")
    for r in rw:
        n = r.name.lower()
        a(f"    reg [31:0] {n}_q, {n}_d;  // {r.name}")
    a("")
    a(f"    wire wr_ctrl = wr_en && (wr_addr == A_{by['ctrl'].name}) && wr_strb[0];")
    a(f"    wire rd_ctrl = rd_en && (rd_addr == A_{by['ctrl'].name});")
    a(f"    assign ap_start_req = wr_ctrl && wr_data[{cb['ap_start']}];")
    a("    assign auto_restart = auto_q;")
    a("    assign interrupt    = gie_q && (isr_q != 2'd0);")
    for r in rw:
        a(f"    assign {r.name.lower()} = {r.name.lower()}_q;")
    a("")
    a("    integer i;")
    a("    always @* begin")
    a("        done_d  = done_q && !rd_ctrl;")
    a("        ready_d = ready_q && !rd_ctrl;")
    a("        auto_d  = auto_q;\n        gie_d   = gie_q;\n        ier_d   = ier_q;\n        isr_d   = isr_q;")
    for r in rw:
        a(f"        {r.name.lower()}_d = {r.name.lower()}_q;")
    a("        if (wr_en) begin")
    a(f"            if (wr_ctrl) auto_d = wr_data[{cb['auto_restart']}];")
    a(f"            if (wr_addr == A_{by['gie'].name} && wr_strb[0]) gie_d = wr_data[0];")
    a(f"            if (wr_addr == A_{by['ier'].name} && wr_strb[0]) ier_d = wr_data[1:0];")
    a(f"            if (wr_addr == A_{by['isr'].name} && wr_strb[0]) isr_d = isr_q ^ wr_data[1:0];  "
      "// toggle on write 1")
    for r in rw:
        n = r.name.lower()
        a(f"            if (wr_addr == A_{r.name}) begin")
        a("                for (i = 0; i < 4; i = i + 1) begin")
        a(f"                    if (wr_strb[i]) {n}_d[8 * i +: 8] = wr_data[8 * i +: 8];")
        a("                end")
        a("            end")
    a("        end")
    a("        if (done) begin")
    a("            done_d  = 1'b1;\n            ready_d = 1'b1;")
    a("            isr_d   = isr_d | ier_q;  // bit0 ap_done, bit1 ap_ready")
    a("        end")
    a("    end")
    a("")
    a("    always @(posedge clk) begin")
    a("        if (rst) begin")
    a("            done_q  <= 1'b0;\n            ready_q <= 1'b0;\n            auto_q  <= 1'b0;\n"
      "            gie_q   <= 1'b0;\n            ier_q   <= 2'd0;\n            isr_q   <= 2'd0;")
    for r in rw:
        a(f"            {r.name.lower()}_q <= 32'd0;")
    a("        end else begin")
    a("            done_q  <= done_d;\n            ready_q <= ready_d;\n            auto_q  <= auto_d;\n"
      "            gie_q   <= gie_d;\n            ier_q   <= ier_d;\n            isr_q   <= isr_d;")
    for r in rw:
        a(f"            {r.name.lower()}_q <= {r.name.lower()}_d;")
    a("        end")
    a("    end")
    a("")
    # read words of the multi-bit registers
    a("    reg [31:0] ctrl_w;  // CTRL, each bit at its contract/interface.py position")
    multi = [r for r in ro if len(r.fields) > 1 and r.vec is None]
    for r in multi:
        a(f"    reg [31:0] {r.name.lower()}_w;")
    a("    always @* begin")
    a("        ctrl_w = 32'd0;")
    a(f"        ctrl_w[{cb['ap_start']}] = run;")
    a(f"        ctrl_w[{cb['ap_done']}] = done_q;")
    a(f"        ctrl_w[{cb['ap_idle']}] = !run;")
    a(f"        ctrl_w[{cb['ap_ready']}] = ready_q;")
    a(f"        ctrl_w[{cb['auto_restart']}] = auto_q;")
    for r in multi:
        a(f"        {r.name.lower()}_w = 32'd0;")
        for p, b, _ in _ro_inputs(r):
            a(f"        {r.name.lower()}_w[{b}] = {p};")
    a("    end")
    a("")
    a("    // read decode: one entry per register of the table (unmapped offsets read 0)")
    a("    always @* begin")
    a("        case (rd_addr)")
    for r in block.regs:
        if r.kind == "ctrl":
            v = "ctrl_w"
        elif r.kind == "gie":
            v = "{31'd0, gie_q}"
        elif r.kind in ("ier", "isr"):
            v = f"{{30'd0, {r.kind}_q}}"
        elif r.kind == "rw":
            v = f"{r.name.lower()}_q"
        elif r.kind == "ro" and r.vec is not None:
            v = f"{r.vec[0]}[{32 * r.vec[1] + 31}:{32 * r.vec[1]}]"
        elif r.kind == "ro":
            v = f"{r.name.lower()}_w" if len(r.fields) > 1 else f"{r.name.lower()}_i"
        else:
            v = f"32'h{r.value:08x}"
        a(f"            A_{r.name}: rd_data = {v};")
    a("            default: rd_data = 32'd0;")
    a("        endcase")
    a("    end")
    a("endmodule")
    a("`default_nettype wire")
    return "\n".join(L) + "\n"
