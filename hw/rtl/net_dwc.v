// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_dwc: the DWC module (docs/integer-semantics.md): increment[t, n, c] = b[c] + sum over the 3x3
// neighbourhood of token n on the GRID x GRID token grid (zero padding 1, cross-correlation) of
// w[c, dy, dx] * S[t, neighbour, c]. Spikes make every product a select, so the nine taps of all D
// channels are summed in one cycle per token. S tokens of a timestep are kept in one of two line buffers
// (a timestep each, N words of D bits): token n is emitted as soon as its window is complete, i.e. once
// token min(n + GRID + 1, N - 1) of the same timestep has arrived, while the next timestep fills the other
// buffer. Weights (segment SEG_WT, (channel, kh, kw)) and biases (SEG_B) load from the network stream.
// Active cycles: one per emitted token (N per timestep); accepting a token costs no extra cycle.
module net_dwc #(
    parameter integer D     = 32,  // channels
    parameter integer GRID  = 4,   // token grid side; N = GRID^2
    parameter integer T     = 4,   // timesteps per image
    parameter integer W_W   = 4,   // weight width
    parameter integer B_W   = 12,  // bias width
    parameter integer IW    = 13,  // increment width (signed, proven)
    parameter integer SEG_W = 5,   // bits of a weight-stream segment id
    parameter integer SEG_WT = 0,  // segment of the weights
    parameter integer SEG_B  = 1   // segment of the biases
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [D-1:0]      s_data,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire              s_last,   // framing is checked by the shortcut LIF in front
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire              s_valid,
    output wire              s_ready,
    output wire [D*IW-1:0]   m_data,
    output wire              m_last,
    output wire              m_valid,
    input  wire              m_ready,
    input  wire              wl_start,
    input  wire              wl_take,
    input  wire [SEG_W-1:0]  wl_seg,
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    input  wire [31:0]       wl_data,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire              act,
    output wire              img_end
);
    function integer bw;
        input integer x;
        integer v;
        begin
            bw = 1;
            for (v = x; v > 1; v = v >> 1) bw = bw + 1;
        end
    endfunction
    localparam integer N   = GRID * GRID;
    localparam integer NW  = bw(N - 1);
    localparam integer CW2 = bw(N + GRID + 2);  // fill counts and window ends
    localparam integer GW  = bw(GRID - 1);
    localparam integer TW  = bw(T - 1);
    localparam integer CW  = bw(D - 1);
    localparam integer NM1 = N - 1, GM1 = GRID - 1, TM1 = T - 1;
    localparam [NW-1:0]  N_LAST = NM1[NW-1:0];
    localparam [GW-1:0]  G_LAST = GM1[GW-1:0];
    localparam [TW-1:0]  T_LAST = TM1[TW-1:0];
    localparam [CW2-1:0] N_FULL = N[CW2-1:0];
    localparam integer AH = GRID + 2;
    localparam [CW2-1:0] AHEAD  = AH[CW2-1:0];  // token n needs tokens < n + GRID + 2
    generate
        if (IW < B_W || IW < W_W + 4) begin : gen_bad_widths
            net_bad_parameter_set_dwc_widths u_bad ();
        end
    endgenerate

    reg [D-1:0] sb0 [0:N-1];  // line buffer of even timesteps
    reg [D-1:0] sb1 [0:N-1];  // line buffer of odd timesteps
    reg [CW2-1:0] cnt0_q, cnt1_q;
    reg pa_q, pe_q;                // buffer being filled / emitted
    reg [NW-1:0] na_q, ne_q;       // next token to fill / emit
    reg [GW-1:0] er_q, ec_q;       // row, column of ne
    reg [TW-1:0] te_q;             // timestep being emitted
    reg [D*IW-1:0] m_q;
    reg mv_q, ml_q;

    wire [CW2-1:0] cnt_a = pa_q ? cnt1_q : cnt0_q;
    wire [CW2-1:0] cnt_e = pe_q ? cnt1_q : cnt0_q;
    wire take = s_valid && s_ready;
    wire [CW2-1:0] ne_x = {{(CW2 - NW){1'b0}}, ne_q};
    wire win_ok = (cnt_e == N_FULL) || (cnt_e >= ne_x + AHEAD);
    wire emit = win_ok && (!mv_q || m_ready);
    assign s_ready = (cnt_a != N_FULL);
    assign m_data  = m_q;
    assign m_last  = ml_q;
    assign m_valid = mv_q;
    assign act     = emit;
    assign img_end = emit && (ne_q == N_LAST) && (te_q == T_LAST);

    // the nine neighbours of token ne: valid flag and spike word
    wire [8:0]   nb_ok;
    wire [D-1:0] nb_s [0:8];
    genvar gk, gc;
    generate
        for (gk = 0; gk < 9; gk = gk + 1) begin : gen_tap
            localparam integer DY = gk / 3, DX = gk % 3;
            localparam integer OFF = (DY - 1) * GRID + (DX - 1);
            wire row_ok = (DY == 0) ? (er_q != {GW{1'b0}}) : (DY == 2) ? (er_q != G_LAST) : 1'b1;
            wire col_ok = (DX == 0) ? (ec_q != {GW{1'b0}}) : (DX == 2) ? (ec_q != G_LAST) : 1'b1;
            /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
            wire [NW:0] idx_w = {1'b0, ne_q} + OFF[NW:0];
            /* verilator lint_on UNUSEDSIGNAL */
            wire [NW-1:0] idx = idx_w[NW-1:0];
            assign nb_ok[gk] = row_ok && col_ok;
            assign nb_s[gk] = pe_q ? sb1[idx] : sb0[idx];
        end
    endgenerate

    // weights and biases
    wire w_we, b_we;
    wire [3:0] w_row;
    wire [CW-1:0] w_col, b_col;
    /* verilator lint_off UNUSEDSIGNAL */
    wire b_row;
    /* verilator lint_on UNUSEDSIGNAL */
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_WT), .ROWS(9), .COLS(D), .COL_OUTER(1), .RW(4), .CLW(CW))
        u_wdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(w_we), .row(w_row), .col(w_col));
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_B), .ROWS(1), .COLS(D), .COL_OUTER(0), .RW(1), .CLW(CW))
        u_bdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(b_we), .row(b_row), .col(b_col));

    generate
        for (gc = 0; gc < D; gc = gc + 1) begin : gen_chan
            reg [W_W-1:0] w_q [0:8];
            reg [B_W-1:0] b_q;
            wire [IW-1:0] b_x;
            wire [IW-1:0] tx [0:8];
            always @(posedge clk) begin
                if (w_we && w_col == gc[CW-1:0]) w_q[w_row] <= wl_data[W_W-1:0];
                if (b_we && b_col == gc[CW-1:0]) b_q <= wl_data[B_W-1:0];
            end
            sign_extend #(.IN_W(B_W), .OUT_W(IW)) u_xb (.din(b_q), .dout(b_x));
            for (gk = 0; gk < 9; gk = gk + 1) begin : gen_t
                wire [IW-1:0] w_x;
                sign_extend #(.IN_W(W_W), .OUT_W(IW)) u_xw (.din(w_q[gk]), .dout(w_x));
                assign tx[gk] = (nb_ok[gk] && nb_s[gk][gc]) ? w_x : {IW{1'b0}};
            end
            wire [IW-1:0] s01 = tx[0] + tx[1], s23 = tx[2] + tx[3], s45 = tx[4] + tx[5], s67 = tx[6] + tx[7];
            wire [IW-1:0] s8b = tx[8] + b_x;
            wire [IW-1:0] tot = (s01 + s23) + (s45 + s67) + s8b;
            always @(posedge clk) begin
                if (emit) m_q[gc * IW +: IW] <= tot;
            end
        end
    endgenerate

    always @(posedge clk) begin
        if (take) begin
            if (pa_q) sb1[na_q] <= s_data;
            else sb0[na_q] <= s_data;
        end
        if (emit) ml_q <= (ne_q == N_LAST) && (te_q == T_LAST);
        if (rst) begin
            cnt0_q <= {CW2{1'b0}};
            cnt1_q <= {CW2{1'b0}};
            pa_q <= 1'b0; pe_q <= 1'b0; na_q <= {NW{1'b0}}; ne_q <= {NW{1'b0}};
            er_q <= {GW{1'b0}}; ec_q <= {GW{1'b0}}; te_q <= {TW{1'b0}};
            mv_q <= 1'b0;
        end else begin
            if (take) begin
                if (pa_q) cnt1_q <= cnt1_q + 1'b1;
                else cnt0_q <= cnt0_q + 1'b1;
                if (na_q == N_LAST) begin
                    na_q <= {NW{1'b0}};
                    pa_q <= !pa_q;
                end else begin
                    na_q <= na_q + 1'b1;
                end
            end
            if (emit) begin
                mv_q <= 1'b1;
                if (ne_q == N_LAST) begin
                    ne_q <= {NW{1'b0}}; er_q <= {GW{1'b0}}; ec_q <= {GW{1'b0}};
                    pe_q <= !pe_q;
                    if (pe_q) cnt1_q <= {CW2{1'b0}};
                    else cnt0_q <= {CW2{1'b0}};
                    te_q <= (te_q == T_LAST) ? {TW{1'b0}} : te_q + 1'b1;
                end else begin
                    ne_q <= ne_q + 1'b1;
                    if (ec_q == G_LAST) begin
                        ec_q <= {GW{1'b0}};
                        er_q <= er_q + 1'b1;
                    end else begin
                        ec_q <= ec_q + 1'b1;
                    end
                end
            end else if (m_ready) begin
                mv_q <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
