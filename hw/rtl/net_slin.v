// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_slin: a spike-driven linear layer over full rows (docs/architecture.md, "The whole network"). For
// each input token (FI spike bits) it visits only the active spikes, lowest first (spike_finder), and
// adds weight row j -- all FO output channels at once -- into FO accumulators, one row per cycle; then one
// fire cycle adds the bias and hands the FO currents (OUT_W bits each, sign-extended) to the output
// register. The next token is taken in that fire cycle, so a token costs exactly nnz + 1 active cycles.
// IMG_ACC = 1 accumulates over every token of an image without clearing and emits once, after the token
// with s_last (the head: logits = bias + sum over (t, n, j) of S[t,n,j] * W[j, :], which equals
// counts . W, so the counts need no multiplier). Weights live in FO lane memories of FI words (LUT RAM,
// asynchronous read from the spike index); they load from the network weight stream, segment SEG_WT
// (order COL_OUTER, see net_wdec) and the bias from segment SEG_B.
// Active cycles: the accumulate and fire cycles; waiting for a token or for a free output is a stall.
module net_slin #(
    parameter integer FI        = 32,  // fan-in: spike bits per token
    parameter integer FO        = 32,  // fan-out: output channels
    parameter integer W_W       = 4,   // weight width (signed)
    parameter integer B_W       = 12,  // bias width (signed)
    parameter integer ACC_W     = 16,  // accumulator width (signed): holds every partial sum (proven)
    parameter integer OUT_W     = 16,  // output lane width (signed), >= ACC_W
    parameter integer IMG_ACC   = 0,   // 1: accumulate over the whole image, emit after s_last
    parameter integer SEG_W     = 5,   // bits of a weight-stream segment id
    parameter integer SEG_WT    = 0,   // segment of the weights
    parameter integer SEG_B     = 1,   // segment of the bias
    parameter integer COL_OUTER = 0    // weight element order (0: linear (in, out); 1: conv (out, in...))
) (
    input  wire              clk,
    input  wire              rst,       // synchronous, active high
    input  wire [FI-1:0]     s_data,
    input  wire              s_last,
    input  wire              s_valid,
    output wire              s_ready,
    output wire [FO*OUT_W-1:0] m_data,
    output wire              m_last,
    output wire              m_valid,
    input  wire              m_ready,
    input  wire              wl_start,  // weight stream: a load begins
    input  wire              wl_take,   // a payload word is taken
    input  wire [SEG_W-1:0]  wl_seg,
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    input  wire [31:0]       wl_data,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire              act,       // this cycle is active
    output wire              img_end    // this cycle is the last active cycle of an image
);
    function integer bw;  // bits of an index that holds x (>= 1)
        input integer x;
        integer v;
        begin
            bw = 1;
            for (v = x; v > 1; v = v >> 1) bw = bw + 1;
        end
    endfunction
    localparam integer FIW = bw(FI - 1);  // spike index bits
    localparam integer FOW = bw(FO - 1);  // output channel bits
    generate
        if (OUT_W < ACC_W || ACC_W < W_W + 1 || ACC_W < B_W) begin : gen_bad_widths
            net_bad_parameter_set_slin_widths u_bad ();
        end
    endgenerate

    reg              busy_q, busy_d;
    reg              last_q, last_d;
    reg [FI-1:0]     mask_q, mask_d;
    reg              mv_q, mv_d, ml_q, ml_d;
    reg              clr;    // accumulators to 0
    reg              add;    // accumulate the row of the spike found
    reg              fire;   // bias added, output written

    wire           sp_any;
    wire [FIW-1:0] sp_idx;
    wire [FI-1:0]  sp_rest;
    spike_finder #(.W(FI), .IW(FIW)) u_find (.mask(mask_q), .any(sp_any), .idx(sp_idx), .rest(sp_rest));

    wire emit     = (IMG_ACC == 0) || last_q;
    wire out_free = !mv_q || m_ready;
    wire fire_ok  = busy_q && !sp_any && (!emit || out_free);
    wire take     = s_valid && s_ready;
    assign s_ready = !busy_q || fire_ok;
    assign m_valid = mv_q;
    assign m_last  = ml_q;
    assign act     = busy_q && (sp_any || fire_ok);
    assign img_end = fire_ok && last_q;

    // weight load
    wire            w_we, b_we;
    wire [FIW-1:0]  w_row;
    wire [FOW-1:0]  w_col, b_col;
    /* verilator lint_off UNUSEDSIGNAL */
    wire            b_row;
    /* verilator lint_on UNUSEDSIGNAL */
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_WT), .ROWS(FI), .COLS(FO), .COL_OUTER(COL_OUTER), .RW(FIW), .CLW(FOW))
        u_wdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(w_we), .row(w_row), .col(w_col));
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_B), .ROWS(1), .COLS(FO), .COL_OUTER(0), .RW(1), .CLW(FOW))
        u_bdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(b_we), .row(b_row), .col(b_col));

    genvar gl;
    generate
        for (gl = 0; gl < FO; gl = gl + 1) begin : gen_lane
            reg [W_W-1:0]  wmem [0:FI-1];  // column gl of the weights, row j at address j
            reg [B_W-1:0]  b_q;
            reg [ACC_W-1:0] acc_q, acc_d;
            wire [ACC_W-1:0] w_x, b_x;
            wire [OUT_W-1:0] o_x;
            reg  [OUT_W-1:0] o_q;
            always @(posedge clk) begin
                if (w_we && w_col == gl[FOW-1:0]) wmem[w_row] <= wl_data[W_W-1:0];
                if (b_we && b_col == gl[FOW-1:0]) b_q <= wl_data[B_W-1:0];
            end
            sign_extend #(.IN_W(W_W), .OUT_W(ACC_W)) u_xw (.din(wmem[sp_idx]), .dout(w_x));
            sign_extend #(.IN_W(B_W), .OUT_W(ACC_W)) u_xb (.din(b_q), .dout(b_x));
            always @* begin
                acc_d = acc_q;
                if (add) acc_d = acc_q + w_x;
                if (clr) acc_d = {ACC_W{1'b0}};
            end
            sign_extend #(.IN_W(ACC_W), .OUT_W(OUT_W)) u_xo (.din(acc_q + b_x), .dout(o_x));
            always @(posedge clk) begin
                acc_q <= acc_d;
                if (fire && emit) o_q <= o_x;
            end
            assign m_data[gl * OUT_W +: OUT_W] = o_q;
        end
    endgenerate

    always @* begin
        busy_d = busy_q; last_d = last_q; mask_d = mask_q; mv_d = mv_q; ml_d = ml_q;
        clr = 1'b0; add = 1'b0; fire = 1'b0;
        if (mv_q && m_ready) mv_d = 1'b0;
        if (busy_q && sp_any) begin
            add = 1'b1;
            mask_d = sp_rest;
        end else if (fire_ok) begin
            fire = 1'b1;
            if (emit) begin
                mv_d = 1'b1;
                ml_d = last_q;
            end
            busy_d = 1'b0;
            if (IMG_ACC == 0 || last_q) clr = 1'b1;
        end
        if (take) begin
            busy_d = 1'b1;
            mask_d = s_data;
            last_d = s_last;
            if (!busy_q && (IMG_ACC == 0 || last_q)) clr = 1'b1;
        end
    end

    always @(posedge clk) begin
        mask_q <= mask_d;
        last_q <= last_d;
        ml_q <= ml_d;
        if (rst) begin
            busy_q <= 1'b0;
            mv_q   <= 1'b0;
            last_q <= 1'b1;  // the first token after reset starts an image (accumulators cleared)
        end else begin
            busy_q <= busy_d;
            mv_q   <= mv_d;
        end
    end
endmodule
`default_nettype wire
