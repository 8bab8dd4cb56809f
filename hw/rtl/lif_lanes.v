// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// lif_lanes: P lanes of the LIF/SN neuron of docs/integer-semantics.md whose membranes live in a lane
// memory of DEPTH words per lane (one word per neuron group, e.g. (token n, group g) at n*G + g):
//   v <- v - (v >>> K) + I;  s = (v >= theta);  v <- s ? 0 : v
// Read-modify-write, pipelined in three cycles (each stage one carry chain at most: logic_levels <= 10):
//   0  in_valid: membrane read issued at in_addr (synchronous read), current and tag registered
//   1  update:   sum = v - (v >>> K) + I in one carry chain (a 3:2 carry-save step in LUTs first,
//                v = 0 when the update is marked `in_clear`, first timestep)
//   2  fire:     s = sum >= theta; the membrane word is written back (0 after a spike)
//   3  out_valid with the P spikes (lane l at bit l) and the update's tag
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
    parameter integer RAM_STYLE = 0    // membrane memory: 0 tool's choice, 1 block RAM, 2 LUT RAM
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

    generate
        if (P < 1 || CUR_W > MEM_W || K < 1 || K >= MEM_W || DEPTH < 1 || TAG_W < 1) begin : gen_param_error
            initial begin
                $display("ERROR: lif_lanes: inconsistent parameters P=%0d MEM_W=%0d CUR_W=%0d K=%0d DEPTH=%0d (%m)",
                         P, MEM_W, CUR_W, K, DEPTH);
                $finish;
            end
            PARAMETER_ERROR_lif_lanes_inconsistent u_param_error ();
        end
    endgenerate

    reg              v1_q, v2_q, v3_q;
    reg              clr1_q;
    reg [AW-1:0]     addr1_q, addr2_q;
    reg [P*CUR_W-1:0] cur1_q;
    reg [TAG_W-1:0]  tag1_q, tag2_q, tag3_q;
    reg [P-1:0]      spk3_q;

    always @(posedge clk) begin
        clr1_q  <= in_clear;
        addr1_q <= in_addr;
        addr2_q <= addr1_q;
        cur1_q  <= in_cur;
        tag1_q  <= in_tag;
        tag2_q  <= tag1_q;
        tag3_q  <= tag2_q;
        if (rst) begin
            v1_q <= 1'b0;
            v2_q <= 1'b0;
            v3_q <= 1'b0;
        end else begin
            v1_q <= in_valid;
            v2_q <= v1_q;
            v3_q <= v2_q;
        end
    end

    wire [CMP_W-1:0] th_c;
    sign_extend #(.IN_W(TH_W + 1), .OUT_W(CMP_W)) u_tc (.din({1'b0, theta}), .dout(th_c));

    genvar gl;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            wire [MEM_W-1:0]        v_rd;
            wire [MEM_W-1:0]        cur_x;
            wire [CMP_W-1:0]        sum_c;
            reg  signed [MEM_W-1:0] sum_q;
            wire signed [MEM_W-1:0] v_s = clr1_q ? {MEM_W{1'b0}} : v_rd;
            // v - (v >>> K) + I = v + ~(v >>> K) + I + 1: a 3:2 carry-save step, then one adder whose
            // carry-in slot (bit 0 of the shifted carries, always 0) takes the +1
            wire [MEM_W-1:0]        nl = ~(v_s >>> K);
            wire [MEM_W-1:0]        cs_s = v_s ^ nl ^ cur_x;
            wire [MEM_W-1:0]        cs_c = (v_s & nl) | (v_s & cur_x) | (nl & cur_x);
            wire                    fire = $signed(sum_c) >= $signed(th_c);

            sdp_ram #(.W(MEM_W), .DEPTH(DEPTH), .STYLE(RAM_STYLE)) u_mem (
                .clk(clk), .we(v2_q), .waddr(addr2_q), .wdata(fire ? {MEM_W{1'b0}} : sum_q),
                .re(1'b1), .raddr(in_addr), .rdata(v_rd));
            sign_extend #(.IN_W(CUR_W), .OUT_W(MEM_W)) u_cur (.din(cur1_q[gl * CUR_W +: CUR_W]), .dout(cur_x));
            sign_extend #(.IN_W(MEM_W), .OUT_W(CMP_W)) u_vc (.din(sum_q), .dout(sum_c));

            // the carry out of the top bit is dropped (two's-complement wrap: harmless, see above)
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_top_carry = cs_c[MEM_W-1];
            /* verilator lint_on UNUSEDSIGNAL */
            always @(posedge clk) begin
                sum_q <= cs_s + {cs_c[MEM_W-2:0], 1'b1};
                spk3_q[gl] <= fire;
            end
        end
    endgenerate

    assign out_valid  = v3_q;
    assign out_spikes = spk3_q;
    assign out_tag    = tag3_q;
endmodule
`default_nettype wire
