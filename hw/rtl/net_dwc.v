// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_dwc: the DWC module (docs/integer-semantics.md): increment[t, n, c] = b[c] + sum over the 3x3
// neighbourhood of token n on the GRID x GRID token grid (zero padding 1, cross-correlation) of
// w[c, dy, dx] * S[t, neighbour, c]. Spikes make every product a select, so the nine taps of P channels
// are summed per cycle: a token takes G = ceil(D/P) cycles (group g: channels g*P .. g*P+P-1), only P
// adder trees exist. The window is a shift register of 2*GRID+2 spike words
// (no memory read ports): per timestep, N tokens are shifted in (positions 0..N-1) and then GRID+1
// don't-care words (positions N..N+GRID); the shift of position p completes the window of token
// e = p - GRID - 1, whose tap (dy, dx) is the word shifted in GRID+1 - ((dy-1)*GRID + dx-1) shifts ago.
// Every tap outside the grid is masked by the row / column of e, so the previous timestep's words and
// the don't-care words are never used; the window shifts with a token's last group. Two pipeline
// stages: A selects the group's taps and adds them in pairs and quads (weight-wide sums, W_W+2 bits) and
// tap 8 + bias; B adds those into the IW-bit increments and shifts them into a collector, which hands
// the whole token to the output register after the last group. A full output register with a token's
// last group in B stalls both. Weights (segment SEG_WT, (channel, kh, kw)) and biases (SEG_B) load from
// the network stream into registers.
// Output beats (OB < D, config stream_beat): the collector hands a beat of OB increments (channels
// b*OB .. b*OB+OB-1) to the output register after every OB / P groups, D / OB beats per token, m_last on
// the image's last; a full output register with a beat's last group in B stalls both.
// Active cycles: G per emitted token (T*N*G per image); the GRID+1 shifts of a timestep that complete no
// window (its first tokens) are waiting for input, not active.
module net_dwc #(
    parameter integer D     = 32,  // channels
    parameter integer GRID  = 4,   // token grid side; N = GRID^2
    parameter integer T     = 4,   // timesteps per image
    parameter integer W_W   = 4,   // weight width
    parameter integer B_W   = 12,  // bias width
    parameter integer IW    = 13,  // increment width (signed, proven)
    parameter integer P     = 8,   // channels per cycle
    parameter integer SEG_W = 5,   // bits of a weight-stream segment id
    parameter integer SEG_WT = 0,  // segment of the weights
    parameter integer SEG_B  = 1,  // segment of the biases
    parameter integer OB     = D   // increments per output beat (divides D; OB < D: P divides OB)
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [D-1:0]      s_data,
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire              s_last,   // framing is checked by the shortcut LIF in front
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire              s_valid,
    output wire              s_ready,
    output wire [OB*IW-1:0]  m_data,
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
    function integer dbw;
        input integer x;
        integer v;
        begin
            dbw = 1;
            for (v = x; v > 1; v = v >> 1) dbw = dbw + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer N   = GRID * GRID;
    localparam integer NP  = N + GRID + 1;        // shifts per timestep
    localparam integer PW  = dbw(NP - 1);
    localparam integer SRL = 2 * GRID + 2;        // stored words (the incoming word is the window's newest)
    localparam integer GW  = dbw(GRID - 1);
    localparam integer TW  = dbw(T - 1);
    localparam integer CW  = dbw(D - 1);
    localparam integer QW  = W_W + 2;             // a sum of four taps
    localparam integer G   = (D + P - 1) / P;     // cycles (channel groups) per token
    localparam integer GP  = G * P;
    localparam integer GGW = dbw(G - 1);
    localparam integer GGM1 = G - 1;
    localparam [GGW-1:0] GG_LAST = GGM1[GGW-1:0];
    localparam integer BG  = (OB < D) ? OB / P : G;  // groups per output beat
    localparam integer BGW = dbw(BG - 1);
    localparam integer BGM1 = BG - 1;
    localparam [BGW-1:0] BG_LAST = BGM1[BGW-1:0];
    localparam integer BP  = BG * P;              // collector lanes
    localparam integer GM1 = GRID - 1, TM1 = T - 1, NPM1 = NP - 1, G1 = GRID + 1;
    localparam [PW-1:0]  P_N    = N[PW-1:0];
    localparam [PW-1:0]  P_LAST = NPM1[PW-1:0];
    localparam [PW-1:0]  P_EMIT = G1[PW-1:0];     // the first shift that completes a window
    localparam [GW-1:0]  G_LAST = GM1[GW-1:0];
    localparam [TW-1:0]  T_LAST = TM1[TW-1:0];
    generate
        if (IW < B_W || IW < W_W + 4 || P < 1) begin : gen_bad_widths
            net_bad_parameter_set_dwc_widths u_bad ();
        end
        if (OB < 1 || OB > D || (OB < D && (D % OB != 0 || OB % P != 0))) begin : gen_bad_beat
            net_bad_parameter_set_dwc_beat u_bad ();
        end
    endgenerate

    reg [D-1:0] sr_q [0:SRL-1];    // sr_q[i]: the word shifted in i+1 shifts ago
    reg [PW-1:0] p_q;              // position of the next shift in this timestep
    reg [GW-1:0] er_q, ec_q;       // row, column of the next token to emit
    reg [TW-1:0] te_q;             // timestep
    reg av_q, al_q;                // stage A holds a token / the image's last
    reg [OB*IW-1:0] m_q;
    reg mv_q, ml_q;

    reg [GGW-1:0] g_q;             // channel group of this cycle
    reg [BGW-1:0] bg_q;            // its group within its output beat
    reg ab_q;                      // stage A holds an output beat's last group
    wire stall   = av_q && ab_q && mv_q && !m_ready;
    wire adv     = !stall;
    wire g_last  = (g_q == GG_LAST);
    wire bg_last = (bg_q == BG_LAST);
    wire real_p  = (p_q < P_N);                 // this position takes a token
    wire emits   = (p_q >= P_EMIT);             // this position completes a window
    wire ok      = adv && (!real_p || s_valid);
    wire emit    = ok && emits;                 // one channel group issued
    wire shift   = ok && (!emits || g_last);
    wire e_last  = (p_q == P_LAST) && (te_q == T_LAST);
    assign s_ready = adv && real_p && (!emits || g_last);
    assign m_data  = m_q;
    assign m_last  = ml_q;
    assign m_valid = mv_q;
    assign act     = emit;
    assign img_end = emit && g_last && e_last;

    // the nine taps of token e: in-grid flag and spike word
    wire [8:0]   nb_ok;
    wire [D-1:0] nb_s [0:8];
    genvar gk, gc, gi;
    generate
        for (gk = 0; gk < 9; gk = gk + 1) begin : gen_tap
            localparam integer DY = gk / 3, DX = gk % 3;
            localparam integer AGE = GRID + 1 - ((DY - 1) * GRID + (DX - 1));  // 0: the incoming word
            wire row_ok = (DY == 0) ? (er_q != {GW{1'b0}}) : (DY == 2) ? (er_q != G_LAST) : 1'b1;
            wire col_ok = (DX == 0) ? (ec_q != {GW{1'b0}}) : (DX == 2) ? (ec_q != G_LAST) : 1'b1;
            assign nb_ok[gk] = row_ok && col_ok;
            if (AGE == 0) begin : gen_new
                assign nb_s[gk] = s_data;
            end else begin : gen_old
                assign nb_s[gk] = sr_q[AGE - 1];
            end
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

    // weights and biases of every channel (registers), padded to GP channels
    wire [GP*9*W_W-1:0] w_all;
    wire [GP*B_W-1:0]   b_all;
    generate
        for (gc = 0; gc < GP; gc = gc + 1) begin : gen_chan
            if (gc < D) begin : gen_real
                reg [W_W-1:0] w_q [0:8];
                reg [B_W-1:0] b_q;
                always @(posedge clk) begin
                    // the enable tested alone first: Verilator then tests it once for every channel
                    if (w_we) begin
                        if (w_col == gc[CW-1:0]) w_q[w_row] <= wl_data[W_W-1:0];
                    end
                    if (b_we) begin
                        if (b_col == gc[CW-1:0]) b_q <= wl_data[B_W-1:0];
                    end
                end
                for (gk = 0; gk < 9; gk = gk + 1) begin : gen_w
                    assign w_all[(gc * 9 + gk) * W_W +: W_W] = w_q[gk];
                end
                assign b_all[gc * B_W +: B_W] = b_q;
            end else begin : gen_pad
                assign w_all[gc * 9 * W_W +: 9 * W_W] = {(9 * W_W){1'b0}};
                assign b_all[gc * B_W +: B_W] = {B_W{1'b0}};
            end
        end
    endgenerate
    // this cycle's group: spikes of the nine taps, weights, biases
    wire [9*W_W*P-1:0] w_g = w_all[g_q * (9 * W_W * P) +: 9 * W_W * P];
    wire [B_W*P-1:0]   b_g = b_all[g_q * (B_W * P) +: B_W * P];
    wire [P-1:0] nb_g [0:8];
    generate
        for (gk = 0; gk < 9; gk = gk + 1) begin : gen_tg
            wire [GP-1:0] sp;
            if (GP > D) begin : gen_spad
                assign sp = {{(GP - D){1'b0}}, nb_s[gk]};
            end else begin : gen_snopad
                assign sp = nb_s[gk];
            end
            assign nb_g[gk] = sp[g_q * P +: P];
        end
    endgenerate

    /* verilator lint_off UNUSEDSIGNAL */  // padded lanes
    reg  [BP*IW-1:0] col_q;
    wire [BP*IW-1:0] col_nx;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [P*IW-1:0]  lanes;
    generate
        for (gc = 0; gc < P; gc = gc + 1) begin : gen_lane
            wire [IW-1:0] b_x;
            wire [W_W-1:0] tx [0:8];
            sign_extend #(.IN_W(B_W), .OUT_W(IW)) u_xb (.din(b_g[gc * B_W +: B_W]), .dout(b_x));
            for (gk = 0; gk < 9; gk = gk + 1) begin : gen_t
                assign tx[gk] = (nb_ok[gk] && nb_g[gk][gc]) ? w_g[(gc * 9 + gk) * W_W +: W_W] : {W_W{1'b0}};
            end
            // stage A: pairs and quads at their own widths, tap 8 + bias
            wire [QW-1:0] x0, x1, x2, x3, x4, x5, x6, x7;
            wire [IW-1:0] x8;
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x0 (.din(tx[0]), .dout(x0));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x1 (.din(tx[1]), .dout(x1));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x2 (.din(tx[2]), .dout(x2));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x3 (.din(tx[3]), .dout(x3));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x4 (.din(tx[4]), .dout(x4));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x5 (.din(tx[5]), .dout(x5));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x6 (.din(tx[6]), .dout(x6));
            sign_extend #(.IN_W(W_W), .OUT_W(QW)) u_x7 (.din(tx[7]), .dout(x7));
            sign_extend #(.IN_W(W_W), .OUT_W(IW)) u_x8 (.din(tx[8]), .dout(x8));
            reg [QW-1:0] q0_q, q1_q;
            reg [IW-1:0] q8_q;
            always @(posedge clk) begin
                if (adv) begin
                    q0_q <= (x0 + x1) + (x2 + x3);
                    q1_q <= (x4 + x5) + (x6 + x7);
                    q8_q <= x8 + b_x;
                end
            end
            // stage B
            wire [IW-1:0] q0x, q1x;
            sign_extend #(.IN_W(QW), .OUT_W(IW)) u_q0 (.din(q0_q), .dout(q0x));
            sign_extend #(.IN_W(QW), .OUT_W(IW)) u_q1 (.din(q1_q), .dout(q1x));
            assign lanes[gc * IW +: IW] = (q0x + q1x) + q8_q;
        end
        if (BG > 1) begin : gen_shift
            assign col_nx = {lanes, col_q[BP*IW-1:P*IW]};
        end else begin : gen_one
            assign col_nx = lanes;
        end
    endgenerate
    always @(posedge clk) begin
        if (av_q && adv) col_q <= col_nx;
        if (av_q && ab_q && adv) m_q <= col_nx[OB*IW-1:0];
    end

    always @(posedge clk) begin
        if (shift) begin
            sr_q[0] <= s_data;
        end
        if (adv) begin
            al_q <= e_last && g_last;
            ab_q <= bg_last;
        end
        if (av_q && ab_q && adv) ml_q <= al_q;
        if (rst) begin
            p_q <= {PW{1'b0}};
            g_q <= {GGW{1'b0}};
            bg_q <= {BGW{1'b0}};
            er_q <= {GW{1'b0}}; ec_q <= {GW{1'b0}}; te_q <= {TW{1'b0}};
            av_q <= 1'b0;
            mv_q <= 1'b0;
        end else begin
            if (adv) av_q <= emit;
            if (av_q && ab_q && adv) mv_q <= 1'b1;
            else if (m_ready) mv_q <= 1'b0;
            if (emit) g_q <= g_last ? {GGW{1'b0}} : g_q + 1'b1;
            if (emit) bg_q <= bg_last ? {BGW{1'b0}} : bg_q + 1'b1;
            if (shift) begin
                if (p_q == P_LAST) begin
                    p_q <= {PW{1'b0}};
                    te_q <= (te_q == T_LAST) ? {TW{1'b0}} : te_q + 1'b1;
                end else begin
                    p_q <= p_q + 1'b1;
                end
            end
            if (emit && g_last) begin
                if (ec_q == G_LAST) begin
                    ec_q <= {GW{1'b0}};
                    er_q <= (er_q == G_LAST) ? {GW{1'b0}} : er_q + 1'b1;
                end else begin
                    ec_q <= ec_q + 1'b1;
                end
            end
        end
    end
    generate
        for (gi = 1; gi < SRL; gi = gi + 1) begin : gen_sr
            always @(posedge clk) begin
                if (shift) sr_q[gi] <= sr_q[gi - 1];
            end
        end
    endgenerate
endmodule
`default_nettype wire
