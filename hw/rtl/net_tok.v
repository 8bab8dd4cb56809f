// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_tok: the tokenizer's first half (docs/integer-semantics.md, "Tokenizer"): the image's integer pixels
// in (one beat per (channel, row), pixel x in byte x), conv1 (3x3, stride 1, zero padding 1,
// cross-correlation) with one tap per cycle for all STEM output channels in parallel, each product
// pixel x weight as a shift-add over the pixel's PXB bits (multiplier-free, no DSP), and its LIF, then
// conv2's input windows. The conv1 LIF is position-local and the static image gives the same current at
// every timestep, so it runs position-outer: for each pixel position (raster order) the current (bias
// included) is accumulated over the 9*IC taps, then that position's T LIF steps run back to back (two
// cycles a step; one LIF datapath per two channels, its membranes in registers, the second channel a cycle
// behind the first) while the next position's taps accumulate; every position
// costs PP = max(9*IC, 2*T) cycles. Only the spikes are stored: s1[t] of every position in one sdp_ram of
// T*IMG^2 words of STEM bits (word t*IMG^2 + y*IMG + x; registered read, block RAM when large). Positions
// no conv2 window reads are skipped (PATCH >= 3: rows and columns beyond PATCH*(GRID-1) + 1; PATCH >= 4:
// also PATCH*o + 2 .. PATCH*o + PATCH - 2; their s1 words are never written nor read): RU = min(IMG,
// 3*GRID - 1) rows and columns are computed, RU^2 positions. Then conv2's
// input is gathered in (t, n) order, timestep outer: for each output token (oy, ox) of the GRID x GRID grid
// (stride PATCH) the 3x3 window of s1[t] with zero padding, STEM*9 bits, bit i*9 + dy*3 + dx =
// s1[t, i, PATCH*oy + dy - 1, PATCH*ox + dx - 1] (the row order of conv2's weights (out, in, kh, kw)): nine
// reads of the sdp_ram (a padding tap reads nothing and gives 0), taps 0..7 shifted into a register, tap 8
// straight from the RAM's read register; the window is offered in the cycle after its last read and the
// next window's reads start in the cycle after it was taken. conv2 itself is a spike-driven net_slin
// behind this module.
// Active cycles per image (contract/cycles.py network_cycles 'tok'): IC*IMG (pixel beats) + RU^2*PP (conv1
// and its LIF) + 2 + min(9*IC, 2*T) (the last position's LIF) + 10*T*N (windows: 9 reads and the take).
module net_tok #(
    parameter integer IMG   = 8,   // image side
    parameter integer IC    = 1,   // image channels
    parameter integer STEM  = 16,  // conv1 output channels
    parameter integer T     = 4,   // timesteps
    parameter integer PATCH = 2,   // conv2 stride
    parameter integer PXB   = 5,   // bits of a pixel value (holds pixel_max)
    parameter integer W_W   = 4,   // weight width
    parameter integer B_W   = 12,  // bias width
    parameter integer C1_W  = 13,  // conv1 current width (proven)
    parameter integer M1_W  = 14,  // conv1 LIF membrane width (proven)
    parameter integer TH_W  = 12,  // threshold width
    parameter integer K     = 1,   // leak shift
    parameter integer SEG_W = 5,   // bits of a weight-stream segment id
    parameter integer SEG_W1 = 0,  // segment of conv1.w
    parameter integer SEG_B1 = 1,  // segment of conv1.b
    parameter integer SEG_TH1 = 2  // segment of conv1.theta
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                en,       // pixels may be taken (weights loaded, no load in progress)
    input  wire [IMG*8-1:0]    s_data,
    input  wire                s_last,
    input  wire                s_valid,
    output wire                s_ready,
    output wire [STEM*9-1:0]   m_data,
    output wire                m_last,
    output wire                m_valid,
    input  wire                m_ready,
    input  wire                wl_start,
    input  wire                wl_take,
    input  wire [SEG_W-1:0]    wl_seg,
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    input  wire [31:0]         wl_data,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire                act,
    output wire                img_start,  // pulse: the first pixel beat of an image was taken
    output wire                img_end,
    output wire                err_proto   // a pixel tlast was misplaced (sticky until reset)
);
    function integer bw;
        input integer x;
        integer v;
        begin
            bw = 1;
            for (v = x; v > 1; v = v >> 1) bw = bw + 1;
        end
    endfunction
    localparam integer GRID = (IMG - 1) / PATCH + 1;
    localparam integer NPOS = IMG * IMG;
    localparam integer K1   = IC * 9;
    localparam integer PP   = (K1 > 2 * T) ? K1 : 2 * T;  // cycles per position: the taps, or the LIF's T steps
    localparam integer NS1  = T * NPOS;                    // words of the s1 store
    localparam integer NR   = IC * IMG;       // pixel rows (beats) per image
    localparam integer PIW  = bw(NPOS - 1);   // position index bits
    localparam integer PW   = PIW + 1;        // position arithmetic bits
    localparam integer SAW  = bw(NS1 - 1);    // s1 store address bits (sdp_ram's $clog2(NS1), NS1 >= 2)
    localparam integer AW1  = SAW + 1;        // s1 address arithmetic bits (offsets wrap, padding taps unread)
    localparam integer RIW  = bw(NR - 1);     // pixel-row index bits
    localparam integer XIW  = bw(IMG - 1);    // column index bits
    localparam integer IXW  = bw(IMG);        // image coordinate bits (holds IMG)
    localparam integer RAW  = bw(NR) + 1;     // pixel-row address arithmetic bits
    localparam integer KW   = bw(K1 - 1);
    localparam integer PCW  = bw(PP - 1);
    localparam integer SW   = bw(STEM - 1);
    localparam integer TW   = bw(T - 1);
    localparam integer GW   = bw(GRID - 1);
    // the rows (columns) some window reads: PATCH*o - 1 .. PATCH*o + 1; from a window's last row the next
    // read row is PATCH - 2 further (1 for PATCH <= 3); the last one is PATCH*(GRID-1) + 1 (IMG - 1 at most)
    localparam integer JUMP  = (PATCH >= 3) ? PATCH - 2 : 1;
    localparam integer R_ENDI = (PATCH * (GRID - 1) + 1 < IMG - 1) ? PATCH * (GRID - 1) + 1 : IMG - 1;
    localparam integer IM1 = IMG - 1, TM1 = T - 1, GM1 = GRID - 1, NRM1 = NR - 1, K1M1 = K1 - 1, PPM1 = PP - 1;
    localparam [IXW-1:0] I_LAST = IM1[IXW-1:0];
    localparam [IXW-1:0] R_END  = R_ENDI[IXW-1:0];
    localparam [TW-1:0]  T_LAST = TM1[TW-1:0];
    localparam [GW-1:0]  G_LAST = GM1[GW-1:0];
    localparam [RAW-1:0] R_LAST = NRM1[RAW-1:0];
    localparam [PCW-1:0] K_LAST = K1M1[PCW-1:0];
    localparam [PCW-1:0] P_LASTC = PPM1[PCW-1:0];
    generate
        if (PXB > 8 || W_W > 8 || C1_W > M1_W || C1_W < W_W + PXB || B_W < 2 || B_W > C1_W ||
            (IMG % PATCH) != 0 || NS1 < 2)
        begin : gen_bad_params
            net_bad_parameter_set_tok u_bad ();
        end
    endgenerate

    localparam [1:0] P_LOAD = 2'd0, P_CONV = 2'd1, P_DRAIN = 2'd2, P_GATH = 2'd3;
    reg [1:0] ph_q;
    reg [RAW-1:0] lr_q;                 // pixel row being loaded
    reg [IXW-1:0] py_q, px_q;           // conv1 position
    reg [1:0]     rph_q, cph_q;         // its row / column within a window: 0 top, 1 centre, 2 bottom
    reg [PW-1:0]  pos_q;                // py * IMG + px
    reg [PW-1:0]  prb_q;                // py * IMG
    reg [PCW-1:0] pc_q;                 // cycle of the position: taps 0 .. 9*IC-1, then idle up to PP-1
    reg [1:0]     dy_q, dx_q;
    reg [RAW-1:0] ib_q;                 // i * IMG
    reg [TW-1:0]  t_q;
    reg [GW-1:0]  oy_q, ox_q;           // output token
    reg [IXW-1:0] gy_q, gx_q;           // PATCH * oy, PATCH * ox
    reg [AW1-1:0] tb_q;                 // t * IMG^2
    reg [AW1-1:0] rb_q;                 // t * IMG^2 + gy * IMG
    reg [AW1-1:0] wb_q;                 // t * IMG^2 + gy * IMG + gx: the window's centre word
    reg [AW1-1:0] go_q;                 // (gdy - 1) * IMG + gdx - 1: the tap's offset
    reg [3:0]     gk_q;                 // the window's tap being read, gdy * 3 + gdx
    reg [1:0]     gdy_q, gdx_q;
    reg           gv_q;                 // the window is complete (offered)
    reg           err_q;
    // LUT RAM (read at the registered tap address pra_q, pcx_q below): in block RAM Yosys would absorb
    // that register into the read port and lengthen the address path instead
    (* ram_style = "distributed" *) reg [IMG*8-1:0] prow [0:NR-1];

    wire ld_take  = (ph_q == P_LOAD) && s_valid && en;
    wire g_take   = (ph_q == P_GATH) && gv_q && m_ready;
    wire g_issue  = (ph_q == P_GATH) && !gv_q;
    wire pos_last = (py_q == R_END) && (px_q == R_END);
    wire tok_last = (oy_q == G_LAST) && (ox_q == G_LAST);
    assign s_ready   = (ph_q == P_LOAD) && en;
    assign m_valid   = (ph_q == P_GATH) && gv_q;
    assign m_last    = tok_last && (t_q == T_LAST);
    assign act       = ld_take || (ph_q == P_CONV) || (ph_q == P_DRAIN) || g_issue || g_take;
    assign img_start = ld_take && (lr_q == {RAW{1'b0}});
    assign img_end   = g_take && tok_last && (t_q == T_LAST);
    assign err_proto = err_q;

    // ------------------------------------------------------------------ conv1: this cycle's pixel
    wire row_ok = (dy_q == 2'd0) ? (py_q != {IXW{1'b0}}) : (dy_q == 2'd2) ? (py_q != I_LAST) : 1'b1;
    wire col_ok = (dx_q == 2'd0) ? (px_q != {IXW{1'b0}}) : (dx_q == 2'd2) ? (px_q != I_LAST) : 1'b1;
    // the tap's pixel row i*IMG + py + dy - 1 and column px + dx - 1, kept in registers that follow the
    // tap counters (so the row read and the byte select start at a register; out of the image they wrap,
    // and row_ok / col_ok mask the pixel)
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    reg  [RAW-1:0] pra_q;
    reg  [IXW:0]   pcx_q;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [IMG*8-1:0] prow_rd = prow[pra_q[RIW-1:0]];
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    wire [7:0]     pbyte = prow_rd[{pcx_q[XIW-1:0], 3'b000} +: 8];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [PXB-1:0] pix = (row_ok && col_ok) ? pbyte[PXB-1:0] : {PXB{1'b0}};
    wire is_tap    = (pc_q <= K_LAST);
    wire first_tap = (pc_q == {PCW{1'b0}});
    wire last_tap  = (pc_q == K_LAST);
    wire last_cyc  = (pc_q == P_LASTC);
    /* verilator lint_off UNUSEDSIGNAL */  // beyond the taps (PP > 9*IC) the index is not used
    wire [PCW-1:0] kk = pc_q;
    /* verilator lint_on UNUSEDSIGNAL */

    // weights and biases of conv1
    wire w_we, b_we;
    wire [KW-1:0] w_row;
    wire [SW-1:0] w_col, b_col;
    /* verilator lint_off UNUSEDSIGNAL */
    wire b_row;
    /* verilator lint_on UNUSEDSIGNAL */
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_W1), .ROWS(K1), .COLS(STEM), .COL_OUTER(1), .RW(KW), .CLW(SW))
        u_wdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(w_we), .row(w_row), .col(w_col));
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_B1), .ROWS(1), .COLS(STEM), .COL_OUTER(0), .RW(1), .CLW(SW))
        u_bdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(b_we), .row(b_row), .col(b_col));
    localparam integer LCW = ((M1_W > TH_W + 1) ? M1_W : TH_W + 1) + 2;  // holds a + I - theta exactly
    // -theta, kept as a register (loaded with theta): the first operand of the lanes' I - theta
    reg  [LCW-1:0] thn_q;
    always @(posedge clk) begin
        if (wl_take && wl_seg == SEG_TH1[SEG_W-1:0]) thn_q <= {LCW{1'b0}} - {{(LCW - TH_W){1'b0}}, wl_data[TH_W-1:0]};
    end

    // pixel (unsigned) times weight (signed), multiplier-free: one shifted copy of the pixel per weight bit
    // (the sign bit's copy subtracted), summed as a two-level tree of pairs (W_W <= 8), all PRW = PXB + W_W
    // bits wide (the product's exact width; sign-extended into the accumulator). The copies are registers
    // (stage A: the pixel, or 0 where the weight bit is clear: a flip-flop's synchronous reset), so each
    // adder's first operand is a register or an adder's output: on xc7 that operand feeds the carry chain's
    // DI directly and each bit costs one LUT (an AND of pixel and weight bit in front would cost a second).
    localparam integer PRW = PXB + W_W;
    function [PRW-1:0] wterm;  // copy i (the pixel or 0), shifted to its weight bit
        input [W_W*PXB-1:0] tm;
        input integer i;
        reg [PRW-1:0] px;
        begin
            px = (i < W_W) ? {{W_W{1'b0}}, tm[((i < W_W) ? i : 0) * PXB +: PXB]} : {PRW{1'b0}};
            wterm = px << i;
        end
    endfunction
    function [PRW-1:0] wpair;  // terms 2k and 2k+1 with their signs
        input [W_W*PXB-1:0] tm;
        input integer k;
        begin
            if (2 * k == W_W - 1) wpair = {PRW{1'b0}} - wterm(tm, 2 * k);
            else if (2 * k + 1 == W_W - 1) wpair = wterm(tm, 2 * k) - wterm(tm, 2 * k + 1);
            else wpair = wterm(tm, 2 * k) + wterm(tm, 2 * k + 1);
        end
    endfunction
    function [PRW-1:0] mulpw;
        input [W_W*PXB-1:0] tm;
        begin
            mulpw = (wpair(tm, 0) + wpair(tm, 1)) + (wpair(tm, 2) + wpair(tm, 3));
        end
    endfunction

    // conv1 pipeline: this cycle's pixel and weights are registered (stage A), the product is formed in the
    // next cycle (stage B1) and added in the one after (stage B2), where the position's last tap completes
    // its current (cycle c, l_go). The LIF runs the position's T steps, two cycles each: L0 computes
    // a = v - (v >>> K) (v = 0 at t = 0) and I - theta, L1 the spike a + I - theta >= 0 and the new membrane.
    // One LIF datapath serves two channels (a lane: channels A = 2j, B = 2j + 1), B one cycle behind A: A's
    // L0 of step t is in cycle c + 1 + 2t, A's L1 and B's L0 in c + 2 + 2t, B's L1 in c + 3 + 2t, so each
    // cycle the lane's L0 works one channel and its L1 the other. Its two registers form a ring: la_q (and
    // ld_q, I - theta, li_q, I) is written by one channel's L0 and read by the same channel's L1 in the next
    // cycle, v_q written by one channel's L1 and read by the same channel's L0 in the next cycle. Both
    // currents are latched at c; the latch is read up to the channel's last L0 (c + 2T - 1, c + 2T) and
    // overwritten at the end of the next position's c' = c + PP >= c + 2T. The s1 word of step t (all STEM
    // spikes) is written with B's L1 (A's spike kept
    // one cycle in sa_q), one cycle later than the step's A L1; the last one (the image's last position,
    // t = T - 1) lands in the gather's first cycle, whose read is tap (0, 0) of token (0, 0): padding, no
    // read. The cycles at every port are those of one datapath per channel.
    reg           cv_q, cf_q, cl_q, cp_q;     // stage B1: a tap / the position's first / last / last position
    reg [PIW-1:0] cpos_q;
    reg           cv2_q, cf2_q, cl2_q, cp2_q; // stage B2
    reg [PIW-1:0] cpos2_q;
    reg           lb_q, lph_q, lp_q;          // LIF busy, in L1 (of channel A), its position is the image's last
    reg           l2_q;                       // channel B's L1 (and the s1 write)
    reg [TW-1:0]  lt_q;                       // LIF timestep
    reg [SAW-1:0] lwa_q, lwa2_q;              // its s1 word: lt * IMG^2 + position (channel A's, B's L1)
    wire          l_go  = cv2_q && cl2_q;     // a position's current is complete
    wire          l_l1  = lb_q && lph_q;      // A's L1, B's L0 (lb_q && !lph_q: A's L0)
    wire          l_fin = l_l1 && (lt_q == T_LAST);
    wire          l_clr = (lt_q == {TW{1'b0}});
    wire [STEM-1:0] s1_new;
    localparam integer LN  = (STEM + 1) / 2;                               // LIF lanes
    wire [LN*2*M1_W-1:0] lc_all;  // the latched currents, channel c at bits c*M1_W (0 beyond STEM)
    // The per-channel arithmetic after the product is functions called in the clocked blocks under their
    // enables (cv2_q, l_go, L0), not wires: a cycle-based simulator (Verilator) then evaluates it only in
    // the cycles that use it; the logic is the same adders, shift and sign extensions (Verilog-2001 has no
    // zero-width replication, so an extension keeps one copy of the sign bit: B_W, C1_W, M1_W >= 2).
    // The product enters the accumulator offset to unsigned, pr + 2^(PRW-1) (its sign bit inverted) and
    // zero-extended, and the bias register holds b - 9*IC * 2^(PRW-1) (mod 2^C1_W): the position's sum is
    // the same, and Yosys maps (first tap ? bias : sum) + a zero-extended register in one LUT a bit (with a
    // sign-extended one it makes the multiplexer a LUT of its own, the carry chain's DI operand: two a bit).
    localparam integer POFF = 1 << (PRW - 1);
    localparam integer B_OFFI = K1 * POFF;
    localparam [C1_W-1:0] B_OFF = B_OFFI[C1_W-1:0];
    function [C1_W-1:0] acc_nx;  // the current after this tap: bias (first tap) or sum so far, + product
        input             fresh;
        input [C1_W-1:0]  b;
        input [C1_W-1:0]  acc;
        input [PRW-1:0]   pr;
        reg   [C1_W-1:0]  pu;  // pr + 2^(PRW-1), zero-extended (C1_W >= PRW: no zero-width replication)
        begin
            pu = {C1_W{1'b0}};
            pu[PRW-1:0] = {~pr[PRW-1], pr[PRW-2:0]};
            acc_nx = (fresh ? b : acc) + pu;
        end
    endfunction
    function [M1_W-1:0] sx_m1;
        input [C1_W-1:0] x;
        begin
            sx_m1 = {{(M1_W - C1_W + 1){x[C1_W-1]}}, x[C1_W-2:0]};
        end
    endfunction
    function [LCW-1:0] sx_lc;
        input [M1_W-1:0] x;
        begin
            sx_lc = {{(LCW - M1_W + 1){x[M1_W-1]}}, x[M1_W-2:0]};
        end
    endfunction
    function [M1_W-1:0] leak;  // v - (v >>> K) (v = 0 at t = 0 is the register's reset: leak(0) = 0)
        input [M1_W-1:0] v;
        reg signed [M1_W-1:0] vs;
        begin
            vs = v;
            leak = vs - (vs >>> K);
        end
    endfunction
    wire [C1_W-1:0] b_load = {{(C1_W - B_W + 1){wl_data[B_W-1]}}, wl_data[B_W-2:0]} - B_OFF;
    genvar go;
    generate
        for (go = 0; go < STEM; go = go + 1) begin : gen_stem
            reg [W_W-1:0] w1 [0:K1-1];  // conv1 weights of output channel go (inverted), tap k at address k
            reg [C1_W-1:0] b_q;  // the bias, less the products' offsets (acc_nx)
            reg [C1_W-1:0] acc_q;
            reg [W_W*PXB-1:0] tm_q;  // stage A: copy i = the pixel if weight bit i is set, else 0
            // w1 holds the weights inverted: a set bit of wkn is then the copy's reset as it is (not one
            // inverter per flip-flop)
            wire [W_W-1:0] wkn = w1[kk[KW-1:0]];
            integer ti;
            always @(posedge clk) begin
                // the enable tested alone first: Verilator then tests it once for every channel
                if (w_we) begin
                    if (w_col == go[SW-1:0]) w1[w_row] <= ~wl_data[W_W-1:0];
                end
                if (b_we) begin
                    if (b_col == go[SW-1:0]) b_q <= b_load;
                end
                for (ti = 0; ti < W_W; ti = ti + 1) tm_q[ti * PXB +: PXB] <= wkn[ti] ? {PXB{1'b0}} : pix;
            end
            reg  [PRW-1:0] pr_q;
            reg  [M1_W-1:0] lc_q;  // the position's current I
            always @(posedge clk) begin
                pr_q <= mulpw(tm_q);
                if (cv2_q) acc_q <= acc_nx(cf2_q, b_q, acc_q, pr_q);
            end
            always @(posedge clk) begin
                if (l_go) lc_q <= sx_m1(acc_nx(cf2_q, b_q, acc_q, pr_q));
            end
            assign lc_all[go * M1_W +: M1_W] = lc_q;
        end
        if (2 * LN > STEM) begin : gen_lc_pad
            assign lc_all[STEM * M1_W +: M1_W] = {M1_W{1'b0}};
        end
    endgenerate
    genvar gj;
    generate
        for (gj = 0; gj < LN; gj = gj + 1) begin : gen_lane
            wire [M1_W-1:0] lc_a = lc_all[(2 * gj) * M1_W +: M1_W];
            wire [M1_W-1:0] lc_b = lc_all[(2 * gj + 1) * M1_W +: M1_W];
            reg  [M1_W-1:0] la_q, v_q, li_q;
            reg  [LCW-1:0]  ld_q;
            reg             sa_q;  // A's spike of the step, written with B's
            // L1 of the channel in la_q / ld_q / li_q (its current, selected at its L0: L1 adds two
            // registers, no multiplexer in front of the carry chain)
            wire [LCW-1:0] ldif = sx_lc(la_q) + ld_q;
            wire           spk  = !ldif[LCW-1];
            always @(posedge clk) begin
                if (lb_q) begin  // L0 of A (l_l0) or of B (l_l1)
                    la_q <= l_clr ? {M1_W{1'b0}} : leak(v_q);
                    li_q <= lph_q ? lc_b : lc_a;
                    ld_q <= thn_q + sx_lc(lph_q ? lc_b : lc_a);
                end
                if (l_l1 || l2_q) v_q <= spk ? {M1_W{1'b0}} : la_q + li_q;
                if (l_l1) sa_q <= spk;
            end
            assign s1_new[2 * gj] = sa_q;
            if (2 * gj + 1 < STEM) begin : gen_sb
                assign s1_new[2 * gj + 1] = spk;
            end
        end
    endgenerate

    // ------------------------------------------------------------------ the s1 store and the window gather
    wire [AW1-1:0] g_addr = wb_q + go_q;
    wire r_ok = (gdy_q == 2'd0) ? (gy_q != {IXW{1'b0}}) : (gdy_q == 2'd2) ? (gy_q != I_LAST) : 1'b1;
    wire c_ok = (gdx_q == 2'd0) ? (gx_q != {IXW{1'b0}}) : (gdx_q == 2'd2) ? (gx_q != I_LAST) : 1'b1;
    wire g_rd = g_issue && r_ok && c_ok;
    wire [STEM-1:0] s1_rd;
    /* verilator lint_off UNUSEDSIGNAL */  // the wrap bit of the address arithmetic
    wire [AW1-1:0] g_addr_u = g_addr;
    /* verilator lint_on UNUSEDSIGNAL */
    sdp_ram #(.W(STEM), .DEPTH(NS1), .STYLE(0)) u_s1 (
        .clk(clk), .we(l2_q), .waddr(lwa2_q), .wdata(s1_new),
        .re(g_rd), .raddr(g_addr_u[SAW-1:0]), .rdata(s1_rd));
    reg            cap_q;                // the previous cycle issued one of taps 0..7
    reg            cok_q;                // the last issued tap was inside the image (else it reads as 0)
    wire [STEM-1:0] s1_tap = cok_q ? s1_rd : {STEM{1'b0}};
    always @(posedge clk) begin
        if (g_issue) cok_q <= r_ok && c_ok;
    end
    // the window's taps 0..7 of channel go in a shift register of its own (tap k at bit k; channel-major,
    // the order of m_data): m_data is then STEM slices of 9 bits, not 144 single-bit moves in Verilator
    generate
        for (go = 0; go < STEM; go = go + 1) begin : gen_win
            reg [7:0] asm_q;
            always @(posedge clk) begin
                if (cap_q) asm_q <= {s1_tap[go], asm_q[7:1]};
            end
            assign m_data[go * 9 +: 9] = {s1_tap[go], asm_q};
        end
    endgenerate

    // ------------------------------------------------------------------ sequencing
    localparam integer PSTEP = PATCH, RSTEP = PATCH * IMG;
    localparam integer OFF0 = -(IMG + 1), OFFR = IMG - 2;
    localparam [AW1-1:0] G_OFF0 = OFF0[AW1-1:0];  // tap (0, 0): one row up, one column left
    localparam [AW1-1:0] G_OFFR = OFFR[AW1-1:0];  // from a row's tap dx = 2 to the next row's dx = 0
    localparam [IXW-1:0] P_JUMP = JUMP[IXW-1:0];
    localparam integer JIMG = JUMP * IMG;
    localparam [PW-1:0] P_JIMG = JIMG[PW-1:0];
    localparam [PW-1:0] P_IMG = IMG[PW-1:0];
    localparam [AW1-1:0] G_NPOS = NPOS[AW1-1:0];
    wire [IXW-1:0] px_step = (cph_q == 2'd2) ? P_JUMP : {{(IXW - 1){1'b0}}, 1'b1};
    wire [IXW-1:0] py_step = (rph_q == 2'd2) ? P_JUMP : {{(IXW - 1){1'b0}}, 1'b1};
    // the next position (used at a position's last cycle)
    wire [IXW-1:0] py_nx = pos_last ? {IXW{1'b0}} : (px_q == R_END) ? py_q + py_step : py_q;
    wire [IXW-1:0] px_nx = (pos_last || px_q == R_END) ? {IXW{1'b0}} : px_q + px_step;
    localparam integer IMGM2 = IMG - 2;
    localparam [RAW-1:0] R_ONE = 1, R_IMGM2 = IMGM2[RAW-1:0];
    localparam [IXW:0]   X_ONE = 1, X_TWO = 2;
    wire [PW-1:0]  prb_nx  = prb_q + ((rph_q == 2'd2) ? P_JIMG : P_IMG);
    /* verilator lint_off UNUSEDSIGNAL */  // T = 1: the s1 word is the position
    wire [AW1-1:0] cpos2_x = {{(AW1 - PIW){1'b0}}, cpos2_q};
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk) begin
        if (ld_take) prow[lr_q[RIW-1:0]] <= s_data;
        cf_q   <= first_tap;
        cl_q   <= last_tap;
        cp_q   <= pos_last;
        cpos_q <= pos_q[PIW-1:0];
        cf2_q  <= cf_q;
        cl2_q  <= cl_q;
        cp2_q  <= cp_q;
        cpos2_q <= cpos_q;
        cap_q  <= g_issue && (gk_q != 4'd8);
        if (rst) begin
            cv_q <= 1'b0;
            cv2_q <= 1'b0;
            lb_q <= 1'b0;
            lph_q <= 1'b0;
            l2_q <= 1'b0;
        end else begin
            cv_q <= (ph_q == P_CONV) && is_tap;
            cv2_q <= cv_q;
            if (lb_q) begin
                lph_q <= !lph_q;
                if (l_fin) lb_q <= 1'b0;
            end
            if (l_go) begin  // in or after the previous position's last L1
                lb_q <= 1'b1;
                lph_q <= 1'b0;
            end
            l2_q <= l_l1;
        end
        if (l_l1) lwa2_q <= lwa_q;
        if (l_go) begin
            lt_q <= {TW{1'b0}};
            lp_q <= cp2_q;
            lwa_q <= cpos2_x[SAW-1:0];
        end else if (l_l1) begin
            lt_q <= lt_q + 1'b1;
            lwa_q <= lwa_q + G_NPOS[SAW-1:0];
        end
        if (rst) begin
            ph_q <= P_LOAD; lr_q <= {RAW{1'b0}}; err_q <= 1'b0;
            py_q <= {IXW{1'b0}}; px_q <= {IXW{1'b0}}; rph_q <= 2'd1; cph_q <= 2'd1;
            pos_q <= {PW{1'b0}}; prb_q <= {PW{1'b0}}; pc_q <= {PCW{1'b0}};
            dy_q <= 2'd0; dx_q <= 2'd0; ib_q <= {RAW{1'b0}}; t_q <= {TW{1'b0}};
            pra_q <= {RAW{1'b1}}; pcx_q <= {(IXW + 1){1'b1}};
            oy_q <= {GW{1'b0}}; ox_q <= {GW{1'b0}}; gy_q <= {IXW{1'b0}}; gx_q <= {IXW{1'b0}};
            tb_q <= {AW1{1'b0}}; rb_q <= {AW1{1'b0}}; wb_q <= {AW1{1'b0}}; go_q <= G_OFF0;
            gk_q <= 4'd0; gdy_q <= 2'd0; gdx_q <= 2'd0; gv_q <= 1'b0;
        end else begin
            case (ph_q)
                P_LOAD: if (ld_take) begin
                    if (s_last != (lr_q == R_LAST)) err_q <= 1'b1;
                    if (lr_q == R_LAST) begin
                        lr_q <= {RAW{1'b0}};
                        ph_q <= P_CONV;
                    end else begin
                        lr_q <= lr_q + 1'b1;
                    end
                end
                P_CONV: begin
                    if (last_tap) begin
                        dy_q <= 2'd0; dx_q <= 2'd0; ib_q <= {RAW{1'b0}};
                    end else if (is_tap) begin
                        if (dx_q == 2'd2) begin
                            dx_q <= 2'd0;
                            if (dy_q == 2'd2) begin
                                dy_q <= 2'd0;
                                ib_q <= ib_q + IMG[RAW-1:0];
                            end else begin
                                dy_q <= dy_q + 2'd1;
                            end
                        end else begin
                            dx_q <= dx_q + 2'd1;
                        end
                    end
                    if (last_cyc) begin  // the next position's first tap
                        pra_q <= {{(RAW - IXW){1'b0}}, py_nx} - R_ONE;
                        pcx_q <= {1'b0, px_nx} - X_ONE;
                    end else if (last_tap) begin  // idle cycles up to PP: the position's first tap
                        pra_q <= {{(RAW - IXW){1'b0}}, py_q} - R_ONE;
                        pcx_q <= {1'b0, px_q} - X_ONE;
                    end else if (is_tap) begin
                        if (dx_q == 2'd2) begin
                            pcx_q <= pcx_q - X_TWO;
                            pra_q <= pra_q + ((dy_q == 2'd2) ? R_IMGM2 : R_ONE);
                        end else begin
                            pcx_q <= pcx_q + X_ONE;
                        end
                    end
                    if (last_cyc) begin
                        pc_q <= {PCW{1'b0}};
                        if (pos_last) begin
                            py_q <= {IXW{1'b0}}; px_q <= {IXW{1'b0}}; rph_q <= 2'd1; cph_q <= 2'd1;
                            pos_q <= {PW{1'b0}}; prb_q <= {PW{1'b0}};
                            ph_q <= P_DRAIN;
                        end else if (px_q == R_END) begin
                            px_q <= {IXW{1'b0}}; cph_q <= 2'd1;
                            py_q <= py_q + py_step;
                            rph_q <= (rph_q == 2'd2) ? 2'd0 : rph_q + 2'd1;
                            prb_q <= prb_nx;
                            pos_q <= prb_nx;
                        end else begin
                            px_q <= px_q + px_step;
                            cph_q <= (cph_q == 2'd2) ? 2'd0 : cph_q + 2'd1;
                            pos_q <= pos_q + {{(PW - IXW){1'b0}}, px_step};
                        end
                    end else begin
                        pc_q <= pc_q + 1'b1;
                    end
                end
                P_DRAIN: if (l_fin && lp_q) begin  // the last position's last LIF step
                    t_q <= {TW{1'b0}};
                    oy_q <= {GW{1'b0}}; ox_q <= {GW{1'b0}}; gy_q <= {IXW{1'b0}}; gx_q <= {IXW{1'b0}};
                    tb_q <= {AW1{1'b0}}; rb_q <= {AW1{1'b0}}; wb_q <= {AW1{1'b0}};
                    go_q <= G_OFF0; gk_q <= 4'd0; gdy_q <= 2'd0; gdx_q <= 2'd0; gv_q <= 1'b0;
                    ph_q <= P_GATH;
                end
                default: begin  // P_GATH
                    if (g_issue) begin
                        if (gk_q == 4'd8) begin
                            gv_q <= 1'b1;
                        end
                        gk_q <= gk_q + 4'd1;
                        if (gdx_q == 2'd2) begin
                            gdx_q <= 2'd0; gdy_q <= gdy_q + 2'd1;
                            go_q <= go_q + G_OFFR;
                        end else begin
                            gdx_q <= gdx_q + 2'd1;
                            go_q <= go_q + 1'b1;
                        end
                    end
                    if (g_take) begin
                        gv_q <= 1'b0; gk_q <= 4'd0; gdy_q <= 2'd0; gdx_q <= 2'd0; go_q <= G_OFF0;
                        if (tok_last) begin
                            if (t_q == T_LAST) begin
                                t_q <= {TW{1'b0}};
                                ph_q <= P_LOAD;
                            end else begin
                                t_q <= t_q + 1'b1;
                                oy_q <= {GW{1'b0}}; ox_q <= {GW{1'b0}}; gy_q <= {IXW{1'b0}};
                                gx_q <= {IXW{1'b0}};
                                tb_q <= tb_q + G_NPOS; rb_q <= tb_q + G_NPOS; wb_q <= tb_q + G_NPOS;
                            end
                        end else if (ox_q == G_LAST) begin
                            ox_q <= {GW{1'b0}}; gx_q <= {IXW{1'b0}};
                            oy_q <= oy_q + 1'b1; gy_q <= gy_q + PSTEP[IXW-1:0];
                            rb_q <= rb_q + RSTEP[AW1-1:0]; wb_q <= rb_q + RSTEP[AW1-1:0];
                        end else begin
                            ox_q <= ox_q + 1'b1; gx_q <= gx_q + PSTEP[IXW-1:0];
                            wb_q <= wb_q + PSTEP[AW1-1:0];
                        end
                    end
                end
            endcase
        end
    end
endmodule
`default_nettype wire
