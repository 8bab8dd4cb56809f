// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sdp_ram: simple dual-port RAM with a synchronous (registered) read, Xilinx UG901's inference template:
// one write port and one read port on one clock; `rdata` is the word at `raddr` one cycle after a cycle
// with `re` = 1 and holds while `re` = 0 (so a stalled pipeline keeps its read data). Every large memory
// of the engines is one of these, so Yosys/Vivado map it to block RAM when large and to LUT RAM + an
// output register when small; STYLE forces block RAM, LUT RAM or UltraRAM through the (* ram_style *)
// attribute both tools read. UltraRAM (STYLE 3, UltraScale+ only): Yosys 0.23 `synth_xilinx -family xcup`
// maps it to URAM288 (4K x 72, ceil(W/72) * ceil(DEPTH/4096) of them, the registered read is the URAM's own
// output, no extra pipeline register) without `-uram`; for -family xc7 it stops with "no valid mapping
// found" (docs/architecture.md, "Memories"; the generator asks for it only where hw/fit.py's uram_styles
// does). A read of the address being written in the same cycle returns a don't-care value: callers never
// do that. Contents are not reset.
// Port contract: waddr/raddr are ceil(log2(DEPTH)) bits (1 when DEPTH = 1).
module sdp_ram #(
    parameter integer W     = 8,   // word width (bits), >= 1
    parameter integer DEPTH = 16,  // words, >= 1
    parameter integer STYLE = 0    // 0: tool's choice, 1: block RAM, 2: distributed (LUT) RAM, 3: UltraRAM
) (
    input  wire                                            clk,
    input  wire                                            we,     // write enable
    input  wire [((DEPTH > 1) ? $clog2(DEPTH) : 1)-1:0]    waddr,
    input  wire [W-1:0]                                    wdata,
    input  wire                                            re,     // read enable (rdata updates)
    input  wire [((DEPTH > 1) ? $clog2(DEPTH) : 1)-1:0]    raddr,
    output wire [W-1:0]                                    rdata
);
    generate
        if (W < 1 || DEPTH < 1 || STYLE < 0 || STYLE > 3) begin : gen_param_error
            initial begin
                $display("ERROR: sdp_ram: W=%0d, DEPTH=%0d must be >= 1 and STYLE=%0d in 0..3 (%m)", W, DEPTH, STYLE);
                $finish;
            end
            PARAMETER_ERROR_sdp_ram_W_DEPTH_STYLE u_param_error ();
        end
    endgenerate

    reg [W-1:0] rdata_q;
    assign rdata = rdata_q;

    generate
        if (STYLE == 1) begin : gen_block
            (* ram_style = "block" *) reg [W-1:0] mem [0:DEPTH-1];
            always @(posedge clk) begin
                if (we) mem[waddr] <= wdata;
                if (re) rdata_q <= mem[raddr];
            end
        end else if (STYLE == 2) begin : gen_dist
            (* ram_style = "distributed" *) reg [W-1:0] mem [0:DEPTH-1];
            always @(posedge clk) begin
                if (we) mem[waddr] <= wdata;
                if (re) rdata_q <= mem[raddr];
            end
        end else if (STYLE == 3) begin : gen_ultra
            (* ram_style = "ultra" *) reg [W-1:0] mem [0:DEPTH-1];
            always @(posedge clk) begin
                if (we) mem[waddr] <= wdata;
                if (re) rdata_q <= mem[raddr];
            end
        end else begin : gen_auto
            reg [W-1:0] mem [0:DEPTH-1];
            always @(posedge clk) begin
                if (we) mem[waddr] <= wdata;
                if (re) rdata_q <= mem[raddr];
            end
        end
    endgenerate
endmodule
`default_nettype wire
