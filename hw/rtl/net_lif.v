// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_lif: a stream stage of FO LIF neurons per token (docs/integer-semantics.md, "The neuron"): each
// input beat is the current I[t, n, :] of token n at timestep t (timestep outer, FO lanes of IN_W bits);
// the stage updates the membranes of token n -- held in a memory of N words, one lane per channel,
// carried across the T timesteps and read as 0 at t = 0 -- and emits the FO spikes in one cycle.
// Used as every shortcut LIF of the residual stream U, the MLP hidden neuron and the head's LIF.
// The threshold is a register loaded from segment SEG_TH of the network weight stream. A beat whose
// s_last differs from the token counters' image end sets err_proto (sticky until reset).
// Active cycles: one per token (the beat taken).
module net_lif #(
    parameter integer FO    = 32,  // neurons per token
    parameter integer IN_W  = 15,  // current width (signed), <= MEM_W
    parameter integer MEM_W = 16,  // membrane width (signed, proven)
    parameter integer TH_W  = 12,  // threshold width (unsigned)
    parameter integer K     = 1,   // leak shift
    parameter integer N     = 16,  // tokens per timestep
    parameter integer T     = 4,   // timesteps per image
    parameter integer SEG_W = 5,   // bits of a weight-stream segment id
    parameter integer SEG_TH = 0   // segment of the threshold
) (
    input  wire               clk,
    input  wire               rst,
    input  wire [FO*IN_W-1:0] s_data,
    input  wire               s_last,
    input  wire               s_valid,
    output wire               s_ready,
    output wire [FO-1:0]      m_data,
    output wire               m_last,
    output wire               m_valid,
    input  wire               m_ready,
    input  wire               wl_take,
    input  wire [SEG_W-1:0]   wl_seg,
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    input  wire [31:0]        wl_data,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire               act,
    output wire               img_end,
    output wire               err_proto
);
    function integer bw;
        input integer x;
        integer v;
        begin
            bw = 1;
            for (v = x; v > 1; v = v >> 1) bw = bw + 1;
        end
    endfunction
    localparam integer NW = bw(N - 1);
    localparam integer TW = bw(T - 1);
    localparam integer NM1 = N - 1, TM1 = T - 1;
    localparam [NW-1:0] N_LAST = NM1[NW-1:0];
    localparam [TW-1:0] T_LAST = TM1[TW-1:0];
    generate
        if (IN_W > MEM_W) begin : gen_bad_widths
            net_bad_parameter_set_lif_widths u_bad ();
        end
    endgenerate

    reg [FO*MEM_W-1:0] vmem [0:N-1];  // membranes of token n
    reg [NW-1:0] n_q;
    reg [TW-1:0] t_q;
    reg [TH_W-1:0] th_q;
    reg [FO-1:0] s_q;
    reg mv_q, ml_q, err_q;
    wire take = s_valid && s_ready;
    wire at_end = (n_q == N_LAST) && (t_q == T_LAST);
    wire [FO*MEM_W-1:0] v_old = vmem[n_q];
    wire [FO*MEM_W-1:0] v_new;
    wire [FO-1:0] spk;

    assign s_ready   = !mv_q || m_ready;
    assign m_data    = s_q;
    assign m_last    = ml_q;
    assign m_valid   = mv_q;
    assign act       = take;
    assign img_end   = take && at_end;
    assign err_proto = err_q;

    genvar gl;
    generate
        for (gl = 0; gl < FO; gl = gl + 1) begin : gen_lane
            lif_unit #(.MEM_W(MEM_W), .CUR_W(IN_W), .TH_W(TH_W), .K(K)) u_lif (
                .v_old(v_old[gl * MEM_W +: MEM_W]), .clear(t_q == {TW{1'b0}}), .cur(s_data[gl * IN_W +: IN_W]),
                .theta(th_q), .v_new(v_new[gl * MEM_W +: MEM_W]), .spike(spk[gl]));
        end
    endgenerate

    always @(posedge clk) begin
        if (wl_take && wl_seg == SEG_TH[SEG_W-1:0]) th_q <= wl_data[TH_W-1:0];
        if (take) begin
            vmem[n_q] <= v_new;
            s_q <= spk;
            ml_q <= at_end;
        end
        if (rst) begin
            n_q <= {NW{1'b0}};
            t_q <= {TW{1'b0}};
            mv_q <= 1'b0;
            err_q <= 1'b0;
        end else begin
            if (take) begin
                mv_q <= 1'b1;
                if (s_last != at_end) err_q <= 1'b1;
                if (n_q == N_LAST) begin
                    n_q <= {NW{1'b0}};
                    t_q <= (t_q == T_LAST) ? {TW{1'b0}} : t_q + 1'b1;
                end else begin
                    n_q <= n_q + 1'b1;
                end
            end else if (m_ready) begin
                mv_q <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
