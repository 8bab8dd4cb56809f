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
// the network stream into per-lane memories of G words (word g: channel g*P + lane; LUT RAM), read
// asynchronously at the group; the group's spikes of each tap are an AND-OR of the word's G P-bit slices
// under a one-hot group register (no multiplied offset: no shifter over the weights or the spikes).
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
    localparam integer LW   = dbw(P - 1);
    localparam integer PM1  = P - 1;
    localparam [LW-1:0] L_LAST = PM1[LW-1:0];
    localparam integer CLW  = BP * IW;             // collector bits
    localparam integer CSH  = P * IW;              // collector shift per group
    localparam integer CTOP = (BP - P) * IW;       // the newest group's position in the collector
    generate
        if (IW < B_W || IW < W_W + 4 || P < 1 || W_W < 2 || B_W < 2) begin : gen_bad_widths
            net_bad_parameter_set_dwc_widths u_bad ();
        end
        if (OB < 1 || OB > D || (OB < D && (D % OB != 0 || OB % P != 0))) begin : gen_bad_beat
            net_bad_parameter_set_dwc_beat u_bad ();
        end
    endgenerate

    reg [D-1:0] sr_q [0:SRL-1];    // sr_q[i]: the word shifted in i+1 shifts ago
    reg [PW-1:0] p_q;              // position of the next shift in this timestep
    reg [GW-1:0] er_q, ec_q;       // row, column of the next token to emit
    reg r0_q, rl_q, c0_q, cl_q;    // er_q / ec_q is 0 / GRID-1 (registered: the taps' grid masks)
    wire c_wrap = (ec_q == G_LAST);
    wire [GW-1:0] ec_n = c_wrap ? {GW{1'b0}} : ec_q + 1'b1;  // after this token
    wire [GW-1:0] er_n = !c_wrap ? er_q : (er_q == G_LAST) ? {GW{1'b0}} : er_q + 1'b1;
    reg [TW-1:0] te_q;             // timestep
    reg av_q, al_q;                // stage A holds a token / the image's last
    reg [OB*IW-1:0] m_q;
    reg mv_q, ml_q;

    reg [GGW-1:0] g_q;             // channel group of this cycle
    reg [G-1:0]   gh_q;            // the same, one-hot (the spike select)
    reg [BGW-1:0] bg_q;            // its group within its output beat
    reg ab_q;                      // stage A holds an output beat's last group
    function [G-1:0] gh_next;  // the one-hot group after gh (after the last: the first)
        input [G-1:0] gh;
        input         last;
        begin
            gh_next = last ? {G{1'b0}} : (gh << 1);
            gh_next[0] = last;
        end
    endfunction
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
            wire row_ok = (DY == 0) ? !r0_q : (DY == 2) ? !rl_q : 1'b1;
            wire col_ok = (DX == 0) ? !c0_q : (DX == 2) ? !cl_q : 1'b1;
            assign nb_ok[gk] = row_ok && col_ok;
            if (AGE == 0) begin : gen_new
                assign nb_s[gk] = s_data;
            end else begin : gen_old
                assign nb_s[gk] = sr_q[AGE - 1];
            end
        end
    endgenerate

    // weights and biases: net_wdec counts the stream's (channel, tap) / channel; a counter pair next to it
    // counts the channel as (lane, group) = (c % P, c / P) without a division, for any P
    wire w_we, b_we;
    wire [3:0] w_row;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [CW-1:0] w_col, b_col;  // the channel: counted as (lane, group) below
    wire b_row;
    /* verilator lint_on UNUSEDSIGNAL */
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_WT), .ROWS(9), .COLS(D), .COL_OUTER(1), .RW(4), .CLW(CW))
        u_wdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(w_we), .row(w_row), .col(w_col));
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_B), .ROWS(1), .COLS(D), .COL_OUTER(0), .RW(1), .CLW(CW))
        u_bdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(b_we), .row(b_row), .col(b_col));

    // Weights and biases live in per-lane memories of G words (word g: channel g*P + lane), read
    // asynchronously at the group g_q: LUT RAM (or, for a small G, registers behind a G:1 multiplexer of
    // the lane's bits). A channel's nine taps come in a row (tap 0 first): taps 0..7 wait in a shift
    // register, the ninth writes the lane's 9*W_W-bit word, so each memory has one write port.
    wire w_put = w_we && (w_row == 4'd8);  // a channel's last tap
    reg [8*W_W-1:0] wst_q;                 // its taps 0..7, tap k at k*W_W
    reg [LW-1:0]  wln_q, bln_q;            // lane of the channel being loaded (weights, biases)
    reg [GGW-1:0] wgr_q, bgr_q;            // its group
    always @(posedge clk) begin
        if (w_we) wst_q <= {wl_data[W_W-1:0], wst_q[8*W_W-1:W_W]};
        if (wl_start) begin
            wln_q <= {LW{1'b0}};
            wgr_q <= {GGW{1'b0}};
            bln_q <= {LW{1'b0}};
            bgr_q <= {GGW{1'b0}};
        end else begin
            if (w_put) begin
                wln_q <= (wln_q == L_LAST) ? {LW{1'b0}} : wln_q + 1'b1;
                if (wln_q == L_LAST) wgr_q <= wgr_q + 1'b1;
            end
            if (b_we) begin
                bln_q <= (bln_q == L_LAST) ? {LW{1'b0}} : bln_q + 1'b1;
                if (bln_q == L_LAST) bgr_q <= bgr_q + 1'b1;
            end
        end
    end
    wire [9*W_W*P-1:0] w_g;  // the group's weights, lane l's tap k at (l*9 + k)*W_W
    wire [B_W*P-1:0]   b_g;  // the group's biases, lane l's at l*B_W (padded lanes: never written)
    generate
        for (gc = 0; gc < P; gc = gc + 1) begin : gen_wmem
            localparam integer LNI = gc;
            localparam [LW-1:0] LN = LNI[LW-1:0];
            reg [9*W_W-1:0] wm_q [0:G-1];
            reg [B_W-1:0]   bm_q [0:G-1];
            always @(posedge clk) begin
                if (w_put && wln_q == LN) wm_q[wgr_q] <= {wl_data[W_W-1:0], wst_q};
                if (b_we && bln_q == LN) bm_q[bgr_q] <= wl_data[B_W-1:0];
            end
            assign w_g[gc * 9 * W_W +: 9 * W_W] = wm_q[g_q];
            assign b_g[gc * B_W +: B_W] = bm_q[g_q];
        end
    endgenerate
    // Stages A and B are functions called inside the clocked blocks, under their enables (A: a group is
    // issued; B: A holds one), not wires: a cycle-based simulator (Verilator) then evaluates the P lanes'
    // adders only in the cycles that use them (as net_slin's lane sum); the logic is the same adders and
    // sign extensions (Verilog-2001 has no zero-width replication, so each extension keeps one copy of
    // the sign bit: W_W >= 2, B_W >= 2). A's registers load only when a group is issued; B reads them only
    // then (av_q), so the cycles and values at every port are those of a wire-and-`adv` description.
    function [QW-1:0] ext_q;  // a weight, sign-extended to a quad sum's width
        input [W_W-1:0] v;
        ext_q = {{(QW - W_W + 1){v[W_W-1]}}, v[W_W-2:0]};
    endfunction
    function [IW-1:0] ext_wi;  // a weight, sign-extended to the increment width
        input [W_W-1:0] v;
        ext_wi = {{(IW - W_W + 1){v[W_W-1]}}, v[W_W-2:0]};
    endfunction
    function [IW-1:0] ext_bi;  // a bias, sign-extended to the increment width
        input [B_W-1:0] v;
        ext_bi = {{(IW - B_W + 1){v[B_W-1]}}, v[B_W-2:0]};
    endfunction
    function [IW-1:0] ext_qi;  // a quad sum, sign-extended to the increment width
        input [QW-1:0] v;
        ext_qi = {{(IW - QW + 1){v[QW-1]}}, v[QW-2:0]};
    endfunction
    // A word's spikes of one channel group (channels past D: 0): an AND-OR of its G P-bit slices under the
    // one-hot group, OR-ed pairwise (a balanced tree; no multiplied offset, no shifter)
    function [P-1:0] grp;
        input [D-1:0] w;
        input [G-1:0] gh;
        reg [GP-1:0]  x;
        reg [G*P-1:0] v;
        integer g, st;
        begin
            x = {GP{1'b0}};
            x[D-1:0] = w;
            for (g = 0; g < G; g = g + 1) v[g * P +: P] = x[g * P +: P] & {P{gh[g]}};
            for (st = 1; st < G; st = 2 * st)
                for (g = 0; g + st < G; g = g + 2 * st) v[g * P +: P] = v[g * P +: P] | v[(g + st) * P +: P];
            grp = v[0 +: P];
        end
    endfunction
    function [P-1:0] grp0;  // a word's spikes of group 0
        input [D-1:0] w;
        /* verilator lint_off UNUSEDSIGNAL */
        reg [GP-1:0] x;  // the other groups' bits are not used
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            x = {GP{1'b0}};
            x[D-1:0] = w;
            grp0 = x[P-1:0];
        end
    endfunction
    // Taps 0..7 are words of the shift register: their group's spikes wait in registers, loaded a cycle
    // early: a shift (a token's last group, or a position that emits nothing) makes the shifted words' group
    // 0 current, any other emitted group the next group of the same words; so sg_q[k] = grp(nb_s[k], g_q)
    // whenever a group is issued. Tap 8 is the incoming word (s_data): selected in the cycle.
    wire [8*P-1:0] sg;  // tap k's spikes of group g_q, lane l at k*P + l
    generate
        for (gk = 0; gk < 8; gk = gk + 1) begin : gen_sg
            localparam integer DY = gk / 3, DX = gk % 3;
            localparam integer AGE = GRID + 1 - ((DY - 1) * GRID + (DX - 1));  // >= 1 for taps 0..7
            wire [D-1:0] nxt;  // the word after a shift
            if (AGE == 1) begin : gen_in
                assign nxt = s_data;
            end else begin : gen_sr
                assign nxt = sr_q[AGE - 2];
            end
            reg [P-1:0] sg_q;
            always @(posedge clk) begin
                if (shift) sg_q <= grp0(nxt);
                else if (emit) sg_q <= grp(nb_s[gk], gh_q << 1);
            end
            assign sg[gk * P +: P] = sg_q;
        end
    endgenerate
    // stage A of the P lanes: lane l's {tap 8 + bias, quad 4..7, quad 0..3} of the taps whose spike is set
    // in the grid, as {q8 (P x IW), q1 (P x QW), q0 (P x QW)}
    function [P*(2*QW+IW)-1:0] stage_a;
        input [9*P-1:0]     sp;  // the group's spikes of tap k, lane l at k*P + l
        input [8:0]         ing; // tap k is in the grid
        input [9*W_W*P-1:0] wg;  // the group's weights, lane l's tap k at (l*9 + k)*W_W
        input [B_W*P-1:0]   bg;  // the group's biases, lane l's at l*B_W
        reg [9*P-1:0]   s;   // the same, 0 outside the grid
        reg [8*W_W-1:0] t;   // tap k's (k < 8) weight where it contributes, else 0, at k*W_W
        reg [P*QW-1:0]  r0, r1;
        reg [P*IW-1:0]  r8;
        integer k, l;
        begin
            for (k = 0; k < 9; k = k + 1) s[k * P +: P] = sp[k * P +: P] & {P{ing[k]}};
            for (l = 0; l < P; l = l + 1) begin
                for (k = 0; k < 8; k = k + 1)
                    t[k * W_W +: W_W] = s[k * P + l] ? wg[(l * 9 + k) * W_W +: W_W] : {W_W{1'b0}};
                r0[l * QW +: QW] = (ext_q(t[0 +: W_W]) + ext_q(t[W_W +: W_W]))
                                 + (ext_q(t[2 * W_W +: W_W]) + ext_q(t[3 * W_W +: W_W]));
                r1[l * QW +: QW] = (ext_q(t[4 * W_W +: W_W]) + ext_q(t[5 * W_W +: W_W]))
                                 + (ext_q(t[6 * W_W +: W_W]) + ext_q(t[7 * W_W +: W_W]));
                // tap 8 + bias: the sum of the memories' words, or the bias alone (no carry after the spikes)
                r8[l * IW +: IW] = s[8 * P + l] ? ext_wi(wg[(l * 9 + 8) * W_W +: W_W]) + ext_bi(bg[l * B_W +: B_W])
                                                : ext_bi(bg[l * B_W +: B_W]);
            end
            stage_a = {r8, r1, r0};
        end
    endfunction
    // stage B: the P lanes' increments shifted into the collector from the top (BG groups per beat)
    function [BP*IW-1:0] col_next;
        input [P*QW-1:0] q0, q1;
        input [P*IW-1:0] q8;
        input [BP*IW-1:0] col;
        reg [BP*IW-1:0] lx;
        integer l;
        begin
            lx = {CLW{1'b0}};
            for (l = 0; l < P; l = l + 1)
                lx[l * IW +: IW] = (ext_qi(q0[l * QW +: QW]) + ext_qi(q1[l * QW +: QW])) + q8[l * IW +: IW];
            col_next = (col >> CSH) | (lx << CTOP);
        end
    endfunction

    reg [P*QW-1:0] q0_q, q1_q;
    reg [P*IW-1:0] q8_q;
    always @(posedge clk) begin
        if (emit) {q8_q, q1_q, q0_q} <= stage_a({grp(s_data, gh_q), sg}, nb_ok, w_g, b_g);
    end
    // the beat's lanes of the collector (its padded lanes are never emitted)
    function [OB*IW-1:0] beat_of;
        /* verilator lint_off UNUSEDSIGNAL */
        input [BP*IW-1:0] col;
        /* verilator lint_on UNUSEDSIGNAL */
        beat_of = col[OB*IW-1:0];
    endfunction
    // the collector, BP lanes (the padded ones are never emitted)
    /* verilator lint_off UNUSEDSIGNAL */
    reg [BP*IW-1:0] col_q;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk) begin
        // m_q before col_q: every read of col_q precedes its write (Verilator needs no shadow copy)
        if (av_q && ab_q && adv) m_q <= beat_of(col_next(q0_q, q1_q, q8_q, col_q));
        if (av_q && adv) col_q <= col_next(q0_q, q1_q, q8_q, col_q);
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
            gh_q <= gh_next({G{1'b0}}, 1'b1);
            bg_q <= {BGW{1'b0}};
            er_q <= {GW{1'b0}}; ec_q <= {GW{1'b0}}; te_q <= {TW{1'b0}};
            r0_q <= 1'b1; c0_q <= 1'b1; rl_q <= (G_LAST == {GW{1'b0}}); cl_q <= (G_LAST == {GW{1'b0}});
            av_q <= 1'b0;
            mv_q <= 1'b0;
        end else begin
            if (adv) av_q <= emit;
            if (av_q && ab_q && adv) mv_q <= 1'b1;
            else if (m_ready) mv_q <= 1'b0;
            if (emit) g_q <= g_last ? {GGW{1'b0}} : g_q + 1'b1;
            if (emit) gh_q <= gh_next(gh_q, g_last);
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
                ec_q <= ec_n;
                er_q <= er_n;
                r0_q <= (er_n == {GW{1'b0}});
                rl_q <= (er_n == G_LAST);
                c0_q <= (ec_n == {GW{1'b0}});
                cl_q <= (ec_n == G_LAST);
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
