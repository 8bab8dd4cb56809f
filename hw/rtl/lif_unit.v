// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// lif_unit: one lane of the LIF/SN neuron of docs/integer-semantics.md, combinational:
//   v <- v - (v >>> K) + I;  s = (v >= theta);  v <- s ? 0 : v
// The membrane is MEM_W bits, the proven minimum width (golden/config.py derive().sasa_mem_bits): every
// pre-reset value fits, so two's-complement wrap-around of the intermediate sums cannot change the result.
// The shift is arithmetic because the whole operand is declared signed. `clear` forces the old membrane to
// 0 (first timestep of an image), so membrane memories never need an explicit clear pass.
module lif_unit #(
    parameter integer MEM_W = 12,  // membrane width (bits, signed)
    parameter integer CUR_W = 10,  // input current width (bits, signed), <= MEM_W
    parameter integer TH_W  = 12,  // threshold width (bits, unsigned)
    parameter integer K     = 1    // leak shift k
) (
    input  wire [MEM_W-1:0] v_old,   // stored membrane (post-reset) of the previous timestep
    input  wire             clear,   // 1: treat v_old as 0 (t = 0)
    input  wire [CUR_W-1:0] cur,     // current I (bias included)
    input  wire [TH_W-1:0]  theta,   // threshold, 1 .. 2^TH_W - 1
    output wire [MEM_W-1:0] v_new,   // membrane to store
    output wire             spike
);
    // comparison width: holds every membrane value and every threshold as signed numbers
    localparam integer CMP_W = (MEM_W > TH_W + 1) ? MEM_W : TH_W + 1;

    wire [MEM_W-1:0] cur_x;
    sign_extend #(.IN_W(CUR_W), .OUT_W(MEM_W)) u_cur (.din(cur), .dout(cur_x));

    wire signed [MEM_W-1:0] v_s  = clear ? {MEM_W{1'b0}} : v_old;
    wire signed [MEM_W-1:0] leak = v_s >>> K;
    wire signed [MEM_W-1:0] sum  = v_s - leak + $signed(cur_x);

    wire [CMP_W-1:0] v_c;
    wire [CMP_W-1:0] th_c;
    sign_extend #(.IN_W(MEM_W), .OUT_W(CMP_W)) u_vc (.din(sum), .dout(v_c));
    sign_extend #(.IN_W(TH_W + 1), .OUT_W(CMP_W)) u_tc (.din({1'b0, theta}), .dout(th_c));

    assign spike = $signed(v_c) >= $signed(th_c);
    assign v_new = spike ? {MEM_W{1'b0}} : sum;
endmodule
`default_nettype wire
