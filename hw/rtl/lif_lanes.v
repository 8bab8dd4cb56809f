// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// lif_lanes: P lanes of the LIF/SN neuron of docs/integer-semantics.md whose membranes live in a lane
// memory of DEPTH words per lane (one word per neuron group, e.g. (token n, group g) at n*G + g):
//   v <- v - (v >>> K) + I;  s = (v >= theta);  v <- s ? 0 : v
// Read-modify-write in OUT_LAT cycles from in_valid to out_valid (each stage one carry chain at most:
// logic_levels <= 10). A memory word is {fired, v}: the membrane before the reset and whether it fired,
// so the write-back needs no "0 after a spike" multiplexer; the reader takes v as 0 when `fired` (or
// `in_clear`, first timestep) is set.
//   U  update: sum = v - (v >>> K) + I in one carry chain (a 3:2 carry-save step in LUTs first)
//   F  fire:   s = sum >= theta; {s, sum} is written back
//   O  out_valid with the P spikes (lane l at bit l) and the update's tag
// The memory read before U is synchronous (sdp_ram: block RAM for large DEPTH, cycle R before U), or, for
// a small memory (LUT RAM: RAM_STYLE = 2, or tool's choice and DEPTH <= ASYNC_MAX), asynchronous in U
// itself (no read-data and current registers); the spikes then leave after O (OUT_LAT = 2), or wait one
// cycle more (OUT_LAT = 3, the synchronous read's latency). OUT_LAT = 2 with a synchronous read stops
// elaboration.
// Port contract: one update per cycle at most; two updates of the same address must be at least 3 cycles
// apart (the caller's pipeline drains between timesteps). MEM_W holds every pre-reset membrane value (the
// proven width), so two's-complement wrap-around inside cannot change a result; `>>>` acts on a signed
// operand. `theta` must be stable while updates are in flight. Only valid flags are reset.
module lif_lanes #(
    parameter integer P         = 8,   // lanes
    parameter integer MEM_W     = 20,  // membrane width (signed)
    parameter integer CUR_W     = 19,  // current width (signed), <= MEM_W
    parameter integer TH_W      = 12,  // threshold width (unsigned)
    parameter integer K         = 1,   // leak shift
    parameter integer DEPTH     = 64,  // membrane words per lane
    parameter integer TAG_W     = 1,   // bits carried from an update to its spikes
    parameter integer RAM_STYLE = 0,   // membrane memory: 0 tool's choice, 1 block RAM, 2 LUT RAM, 3 UltraRAM
    parameter integer OUT_LAT   = 3    // cycles from in_valid to out_valid: 3, or 2 (asynchronous read only)
) (
    input  wire                                         clk,
    input  wire                                         rst,
    input  wire                                         in_valid,
    input  wire                                         in_clear,
    input  wire [((DEPTH > 1) ? $clog2(DEPTH) : 1)-1:0] in_addr,
    input  wire [P*CUR_W-1:0]                           in_cur,    // lane l at bits l*CUR_W +: CUR_W
    input  wire [TAG_W-1:0]                             in_tag,
    input  wire [TH_W-1:0]                              theta,
    output wire                                         out_valid,
    output wire [P-1:0]                                 out_spikes,
    output wire [TAG_W-1:0]                             out_tag
);
    localparam integer AW    = (DEPTH > 1) ? $clog2(DEPTH) : 1;      // membrane address bits
    localparam integer CMP_W = (MEM_W > TH_W + 1) ? MEM_W : TH_W + 1; // compare width (signed)
    localparam integer MW1   = MEM_W + 1;                           // memory word: {fired, v}
    localparam integer ASYNC_MAX = 64;                              // a RAM64M per 3 bits: one LUT level
    localparam integer ASYNC = (RAM_STYLE == 2 || (RAM_STYLE == 0 && DEPTH <= ASYNC_MAX)) ? 1 : 0;

    generate
        if (P < 1 || CUR_W > MEM_W || K < 1 || K >= MEM_W || DEPTH < 1 || TAG_W < 1
            || !(OUT_LAT == 3 || (OUT_LAT == 2 && ASYNC != 0))) begin : gen_param_error
            initial begin
                $display("ERROR: lif_lanes: inconsistent parameters P=%0d MEM_W=%0d CUR_W=%0d K=%0d DEPTH=%0d (%m)",
                         P, MEM_W, CUR_W, K, DEPTH);
                $display("  OUT_LAT=%0d (2 needs the asynchronous read: RAM_STYLE=%0d)", OUT_LAT, RAM_STYLE);
                $finish;
            end
            PARAMETER_ERROR_lif_lanes_inconsistent u_param_error ();
        end
    endgenerate

    // ------------------------------------------------------------------ U stage inputs
    wire              u_v;      // an update is in U
    wire              u_clr;
    wire [AW-1:0]     u_addr;
    wire [P*CUR_W-1:0] u_i;      // the currents
    wire [TAG_W-1:0]  u_tag;
    wire [P*MW1-1:0]  u_rd;     // the lanes' memory words at u_addr
    wire              f_we;     // F-stage write (from the F registers below)
    reg  [AW-1:0]     f_addr_q;
    wire [P*MW1-1:0]  f_wdata;

    genvar gl;
    generate
        if (ASYNC != 0) begin : gen_async
            // the memory is read in U (LUT RAM, asynchronous read): U is the input cycle
            assign u_v    = in_valid;
            assign u_clr  = in_clear;
            assign u_addr = in_addr;
            assign u_i    = in_cur;
            assign u_tag  = in_tag;
            for (gl = 0; gl < P; gl = gl + 1) begin : gen_mem
                (* ram_style = "distributed" *) reg [MW1-1:0] mem [0:DEPTH-1];
                always @(posedge clk) begin
                    if (f_we) mem[f_addr_q] <= f_wdata[gl * MW1 +: MW1];
                end
                assign u_rd[gl * MW1 +: MW1] = mem[u_addr];
            end
        end else begin : gen_sync
            // R: the read is issued at in_addr (synchronous read); the update's fields wait one cycle
            reg               r_v_q, r_clr_q;
            reg [AW-1:0]      r_addr_q;
            reg [P*CUR_W-1:0] r_cur_q;
            reg [TAG_W-1:0]   r_tag_q;
            always @(posedge clk) begin
                r_clr_q  <= in_clear;
                r_addr_q <= in_addr;
                r_cur_q  <= in_cur;
                r_tag_q  <= in_tag;
                if (rst) r_v_q <= 1'b0;
                else r_v_q <= in_valid;
            end
            assign u_v    = r_v_q;
            assign u_clr  = r_clr_q;
            assign u_addr = r_addr_q;
            assign u_i    = r_cur_q;
            assign u_tag  = r_tag_q;
            for (gl = 0; gl < P; gl = gl + 1) begin : gen_mem
                sdp_ram #(.W(MW1), .DEPTH(DEPTH), .STYLE(RAM_STYLE)) u_mem (
                    .clk(clk), .we(f_we), .waddr(f_addr_q), .wdata(f_wdata[gl * MW1 +: MW1]),
                    .re(1'b1), .raddr(in_addr), .rdata(u_rd[gl * MW1 +: MW1]));
            end
        end
    endgenerate

    // ------------------------------------------------------------------ U -> F -> O
    reg              f_v_q, o_v_q;
    reg [TAG_W-1:0]  f_tag_q, o_tag_q;
    reg [P-1:0]      o_spk_q;
    wire [P-1:0]     fire;

    always @(posedge clk) begin
        f_addr_q <= u_addr;
        f_tag_q  <= u_tag;
        o_tag_q  <= f_tag_q;
        o_spk_q  <= fire;
        if (rst) begin
            f_v_q <= 1'b0;
            o_v_q <= 1'b0;
        end else begin
            f_v_q <= u_v;
            o_v_q <= f_v_q;
        end
    end
    assign f_we = f_v_q;

    wire [CMP_W-1:0] th_c;
    sign_extend #(.IN_W(TH_W + 1), .OUT_W(CMP_W)) u_tc (.din({1'b0, theta}), .dout(th_c));

    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            wire [MW1-1:0]          rd = u_rd[gl * MW1 +: MW1];
            wire [MEM_W-1:0]        cur_x;
            wire [CMP_W-1:0]        sum_c;
            reg  signed [MEM_W-1:0] sum_q;
            // the stored membrane is 0 after a spike (`fired`, the word's top bit) and at t = 0 (u_clr)
            wire signed [MEM_W-1:0] v_s = (u_clr || rd[MEM_W]) ? {MEM_W{1'b0}} : rd[MEM_W-1:0];
            // v - (v >>> K) + I = v + ~(v >>> K) + I + 1: a 3:2 carry-save step, then one adder whose
            // carry-in slot (bit 0 of the shifted carries, always 0) takes the +1
            wire [MEM_W-1:0]        nl = ~(v_s >>> K);
            wire [MEM_W-1:0]        cs_s = v_s ^ nl ^ cur_x;
            wire [MEM_W-1:0]        cs_c = (v_s & nl) | (v_s & cur_x) | (nl & cur_x);

            sign_extend #(.IN_W(CUR_W), .OUT_W(MEM_W)) u_cur (.din(u_i[gl * CUR_W +: CUR_W]), .dout(cur_x));
            sign_extend #(.IN_W(MEM_W), .OUT_W(CMP_W)) u_vc (.din(sum_q), .dout(sum_c));
            assign fire[gl] = $signed(sum_c) >= $signed(th_c);
            assign f_wdata[gl * MW1 +: MW1] = {fire[gl], sum_q};

            // the carry out of the top bit is dropped (two's-complement wrap: harmless, see above)
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_top_carry = cs_c[MEM_W-1];
            /* verilator lint_on UNUSEDSIGNAL */
            always @(posedge clk) begin
                sum_q <= cs_s + {cs_c[MEM_W-2:0], 1'b1};
            end
        end
    endgenerate

    generate
        if (ASYNC != 0 && OUT_LAT == 3) begin : gen_pad
            // the asynchronous read saved the R cycle: the spikes wait one cycle so the latency is three
            reg             p_v_q;
            reg [TAG_W-1:0] p_tag_q;
            reg [P-1:0]     p_spk_q;
            always @(posedge clk) begin
                p_tag_q <= o_tag_q;
                p_spk_q <= o_spk_q;
                if (rst) p_v_q <= 1'b0;
                else p_v_q <= o_v_q;
            end
            assign out_valid  = p_v_q;
            assign out_spikes = p_spk_q;
            assign out_tag    = p_tag_q;
        end else begin : gen_nopad
            assign out_valid  = o_v_q;
            assign out_spikes = o_spk_q;
            assign out_tag    = o_tag_q;
        end
    endgenerate
endmodule
`default_nettype wire
