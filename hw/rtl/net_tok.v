// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_tok: the tokenizer's first half (docs/integer-semantics.md, "Tokenizer"): the image's integer pixels
// in (one beat per (channel, row), pixel x in byte x), conv1 (3x3, stride 1, zero padding 1,
// cross-correlation) computed ONCE per image -- the static image gives the same current at every timestep --
// with one tap per cycle for all STEM output channels in parallel, each product pixel x weight as a
// shift-add over the pixel's PXB bits (multiplier-free, no DSP: conv1 is 9*IC*IMG^2 taps per image and not
// the pipeline's bottleneck, so one tap per cycle is enough). The currents (bias included) are stored; then
// per timestep t the conv1 LIF runs over the IMG^2 positions (one per cycle, STEM neurons in parallel,
// membranes stored) into a spike map s1[t], and conv2's input is gathered: for each output token (oy, ox)
// of the GRID x GRID grid (stride PATCH) the 3x3 window of s1[t] with zero padding, STEM*9 bits, bit
// i*9 + dy*3 + dx = s1[t, i, PATCH*oy + dy - 1, PATCH*ox + dx - 1], which is the row order of conv2's
// weights (out, in, kh, kw). conv2 itself is a spike-driven net_slin behind this module.
// Active cycles per image: IC*IMG (pixel beats) + 9*IC*IMG^2 (conv1) + T*IMG^2 (LIF) + T*N (windows).
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
    localparam integer NR   = IC * IMG;       // pixel rows (beats) per image
    localparam integer PIW  = bw(NPOS - 1);   // position index bits
    localparam integer PW   = PIW + 1;        // position arithmetic bits (offsets wrap, results checked)
    localparam integer RIW  = bw(NR - 1);     // pixel-row index bits
    localparam integer XIW  = bw(IMG - 1);    // column index bits
    localparam integer IXW  = bw(IMG);        // image coordinate bits (holds IMG)
    localparam integer RAW  = bw(NR) + 1;     // pixel-row address arithmetic bits
    localparam integer KW   = bw(K1 - 1);
    localparam integer SW   = bw(STEM - 1);
    localparam integer TW   = bw(T - 1);
    localparam integer GW   = bw(GRID - 1);
    localparam integer IM1 = IMG - 1, TM1 = T - 1, GM1 = GRID - 1, NRM1 = NR - 1, K1M1 = K1 - 1;
    localparam [IXW-1:0] I_LAST = IM1[IXW-1:0];
    localparam [TW-1:0]  T_LAST = TM1[TW-1:0];
    localparam [GW-1:0]  G_LAST = GM1[GW-1:0];
    localparam [RAW-1:0] R_LAST = NRM1[RAW-1:0];
    localparam [KW-1:0]  K_LAST = K1M1[KW-1:0];
    generate
        if (PXB > 8 || W_W > 8 || C1_W > M1_W || C1_W < W_W + PXB || (IMG % PATCH) != 0) begin : gen_bad_params
            net_bad_parameter_set_tok u_bad ();
        end
    endgenerate

    localparam [1:0] P_LOAD = 2'd0, P_CONV = 2'd1, P_LIF = 2'd2, P_GATH = 2'd3;
    reg [1:0] ph_q;
    reg [RAW-1:0] lr_q;                 // pixel row being loaded
    reg [IXW-1:0] py_q, px_q;           // conv1 / LIF position
    reg [PW-1:0]  pos_q;                // py * IMG + px
    reg [KW-1:0]  kk_q;                 // conv1 tap i*9 + dy*3 + dx
    reg [1:0]     dy_q, dx_q;
    reg [RAW-1:0] ib_q;                 // i * IMG
    reg [TW-1:0]  t_q;
    reg [GW-1:0]  oy_q, ox_q;           // output token
    reg [IXW-1:0] gy_q, gx_q;           // PATCH * oy, PATCH * ox
    reg [PW-1:0]  gb_q;                 // gy * IMG + gx
    reg [PW-1:0]  rb_q;                 // gy * IMG
    reg           err_q;
    reg [IMG*8-1:0] prow [0:NR-1];
    reg [STEM*C1_W-1:0] c1m [0:NPOS-1]; // conv1 current (bias included) per position
    reg [STEM*M1_W-1:0] v1m [0:NPOS-1]; // conv1 LIF membranes per position
    reg [STEM-1:0]      s1m [0:NPOS-1]; // s1[t] per position
    reg [TH_W-1:0] th_q;

    wire ld_take  = (ph_q == P_LOAD) && s_valid && en;
    wire g_take   = (ph_q == P_GATH) && m_ready;
    wire pos_last = (py_q == I_LAST) && (px_q == I_LAST);
    wire tok_last = (oy_q == G_LAST) && (ox_q == G_LAST);
    assign s_ready   = (ph_q == P_LOAD) && en;
    assign m_valid   = (ph_q == P_GATH);
    assign m_last    = tok_last && (t_q == T_LAST);
    assign act       = ld_take || (ph_q == P_CONV) || (ph_q == P_LIF) || g_take;
    assign img_start = ld_take && (lr_q == {RAW{1'b0}});
    assign img_end   = g_take && tok_last && (t_q == T_LAST);
    assign err_proto = err_q;

    // ------------------------------------------------------------------ conv1: this cycle's pixel
    wire row_ok = (dy_q == 2'd0) ? (py_q != {IXW{1'b0}}) : (dy_q == 2'd2) ? (py_q != I_LAST) : 1'b1;
    wire col_ok = (dx_q == 2'd0) ? (px_q != {IXW{1'b0}}) : (dx_q == 2'd2) ? (px_q != I_LAST) : 1'b1;
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    wire [RAW-1:0] pr_addr = ib_q + {{(RAW - IXW){1'b0}}, py_q} + {{(RAW - 2){1'b0}}, dy_q} - 1'b1;
    /* verilator lint_on UNUSEDSIGNAL */
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    wire [IXW:0]   pc = {1'b0, px_q} + {{(IXW - 1){1'b0}}, dx_q} - 1'b1;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [IMG*8-1:0] prow_rd = prow[pr_addr[RIW-1:0]];
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    wire [7:0]     pbyte = prow_rd[{pc[XIW-1:0], 3'b000} +: 8];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [PXB-1:0] pix = (row_ok && col_ok) ? pbyte[PXB-1:0] : {PXB{1'b0}};
    wire first_tap = (kk_q == {KW{1'b0}});
    wire last_tap  = (kk_q == K_LAST);

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
    always @(posedge clk) begin
        if (wl_take && wl_seg == SEG_TH1[SEG_W-1:0]) th_q <= wl_data[TH_W-1:0];
    end

    // pixel (unsigned) times weight (signed), multiplier-free: one shifted copy of the pixel per weight bit
    // (the sign bit's copy subtracted), summed as a two-level tree of pairs (W_W <= 8).
    function [C1_W-1:0] wterm;  // pixel << i if weight bit i is set (0 beyond the weight)
        input [PXB-1:0] p;
        input [W_W-1:0] w;
        input integer i;
        reg [C1_W-1:0] px;
        begin
            px = {{(C1_W - PXB){1'b0}}, p};
            wterm = (i < W_W && w[i]) ? (px << i) : {C1_W{1'b0}};
        end
    endfunction
    function [C1_W-1:0] wpair;  // terms 2k and 2k+1 with their signs
        input [PXB-1:0] p;
        input [W_W-1:0] w;
        input integer k;
        begin
            if (2 * k == W_W - 1) wpair = {C1_W{1'b0}} - wterm(p, w, 2 * k);
            else if (2 * k + 1 == W_W - 1) wpair = wterm(p, w, 2 * k) - wterm(p, w, 2 * k + 1);
            else wpair = wterm(p, w, 2 * k) + wterm(p, w, 2 * k + 1);
        end
    endfunction
    function [C1_W-1:0] mulpw;
        input [PXB-1:0] p;
        input [W_W-1:0] w;
        begin
            mulpw = (wpair(p, w, 0) + wpair(p, w, 1)) + (wpair(p, w, 2) + wpair(p, w, 3));
        end
    endfunction

    // conv1 pipeline: this cycle's pixel and weights are registered (stage A), the product is added in the
    // next cycle (stage B); the LIF reads a position's current and membrane and computes v - (v >>> K)
    // and I - theta (stage L0), the next cycle finishes v' and the spike and writes both (stage L1).
    reg           cv_q, cf_q, cl_q;    // stage B1: a tap / the position's first / last
    reg [PIW-1:0] cpos_q;
    reg           cv2_q, cf2_q, cl2_q; // stage B2
    reg [PIW-1:0] cpos2_q;
    reg [PXB-1:0] pix_q;
    reg           lv1_q;               // stage L1 holds a position
    reg [PIW-1:0] lpos_q;
    wire [STEM*C1_W-1:0] c1_row = c1m[pos_q[PIW-1:0]];
    wire [STEM*M1_W-1:0] v1_row = v1m[pos_q[PIW-1:0]];
    wire [STEM*M1_W-1:0] v1_new;
    wire [STEM-1:0]      s1_new;
    wire [STEM*C1_W-1:0] c1_new;
    localparam integer LCW = ((M1_W > TH_W + 1) ? M1_W : TH_W + 1) + 2;  // holds a + I - theta exactly
    wire [LCW-1:0] th_x = {{(LCW - TH_W){1'b0}}, th_q};
    wire           l_clr = (t_q == {TW{1'b0}});
    genvar go, gk;
    generate
        for (go = 0; go < STEM; go = go + 1) begin : gen_stem
            reg [W_W-1:0] w1 [0:K1-1];  // conv1 weights of output channel go, tap k at address k
            reg [B_W-1:0] b_q;
            reg [C1_W-1:0] acc_q;
            reg [W_W-1:0] wk_q;
            wire [C1_W-1:0] b_x;
            always @(posedge clk) begin
                // the enable tested alone first: Verilator then tests it once for every channel
                if (w_we) begin
                    if (w_col == go[SW-1:0]) w1[w_row] <= wl_data[W_W-1:0];
                end
                if (b_we) begin
                    if (b_col == go[SW-1:0]) b_q <= wl_data[B_W-1:0];
                end
                wk_q <= w1[kk_q];
            end
            sign_extend #(.IN_W(B_W), .OUT_W(C1_W)) u_xb (.din(b_q), .dout(b_x));
            reg  [C1_W-1:0] pr_q;
            wire [C1_W-1:0] acc_nx = (cf2_q ? b_x : acc_q) + pr_q;
            always @(posedge clk) begin
                pr_q <= mulpw(pix_q, wk_q);
                if (cv2_q) acc_q <= acc_nx;
            end
            assign c1_new[go * C1_W +: C1_W] = acc_nx;
            // LIF, stage L0
            wire signed [M1_W-1:0] vs = l_clr ? {M1_W{1'b0}} : v1_row[go * M1_W +: M1_W];
            wire signed [M1_W-1:0] lk = vs >>> K;
            wire [M1_W-1:0] cx;
            wire [LCW-1:0]  cxx;
            sign_extend #(.IN_W(C1_W), .OUT_W(M1_W)) u_xc (.din(c1_row[go * C1_W +: C1_W]), .dout(cx));
            sign_extend #(.IN_W(C1_W), .OUT_W(LCW)) u_xcc (.din(c1_row[go * C1_W +: C1_W]), .dout(cxx));
            reg [M1_W-1:0] la_q, lc_q;
            reg [LCW-1:0]  ld_q;
            always @(posedge clk) begin
                la_q <= vs - lk;
                lc_q <= cx;
                ld_q <= cxx - th_x;
            end
            // LIF, stage L1
            wire [LCW-1:0] lax;
            sign_extend #(.IN_W(M1_W), .OUT_W(LCW)) u_xa (.din(la_q), .dout(lax));
            wire [M1_W-1:0] lsum = la_q + lc_q;
            wire [LCW-1:0]  ldif = lax + ld_q;
            assign s1_new[go] = !ldif[LCW-1];
            assign v1_new[go * M1_W +: M1_W] = s1_new[go] ? {M1_W{1'b0}} : lsum;
        end
    endgenerate
    // ------------------------------------------------------------------ conv2 input window
    generate
        for (gk = 0; gk < 9; gk = gk + 1) begin : gen_win
            localparam integer DY = gk / 3, DX = gk % 3;
            localparam integer OFF = (DY - 1) * IMG + (DX - 1);
            wire r_ok = (DY == 0) ? (gy_q != {IXW{1'b0}}) : (DY == 2) ? (gy_q != I_LAST) : 1'b1;
            wire c_ok = (DX == 0) ? (gx_q != {IXW{1'b0}}) : (DX == 2) ? (gx_q != I_LAST) : 1'b1;
            /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
            wire [PW-1:0] p = gb_q + OFF[PW-1:0];
            /* verilator lint_on UNUSEDSIGNAL */
            wire [STEM-1:0] sp = s1m[p[PIW-1:0]];
            for (go = 0; go < STEM; go = go + 1) begin : gen_bit
                assign m_data[go * 9 + gk] = r_ok && c_ok && sp[go];
            end
        end
    endgenerate

    // ------------------------------------------------------------------ sequencing
    localparam integer PSTEP = PATCH, RSTEP = PATCH * IMG;
    always @(posedge clk) begin
        if (ld_take) prow[lr_q[RIW-1:0]] <= s_data;
        if (cv2_q && cl2_q) c1m[cpos2_q] <= c1_new;
        if (lv1_q) begin
            v1m[lpos_q] <= v1_new;
            s1m[lpos_q] <= s1_new;
        end
        pix_q  <= pix;
        cf_q   <= first_tap;
        cl_q   <= last_tap;
        cpos_q <= pos_q[PIW-1:0];
        cf2_q  <= cf_q;
        cl2_q  <= cl_q;
        cpos2_q <= cpos_q;
        lpos_q <= pos_q[PIW-1:0];
        if (rst) begin
            cv_q <= 1'b0;
            cv2_q <= 1'b0;
            lv1_q <= 1'b0;
        end else begin
            cv_q <= (ph_q == P_CONV);
            cv2_q <= cv_q;
            lv1_q <= (ph_q == P_LIF);
        end
        if (rst) begin
            ph_q <= P_LOAD; lr_q <= {RAW{1'b0}}; err_q <= 1'b0;
            py_q <= {IXW{1'b0}}; px_q <= {IXW{1'b0}}; pos_q <= {PW{1'b0}};
            kk_q <= {KW{1'b0}}; dy_q <= 2'd0; dx_q <= 2'd0; ib_q <= {RAW{1'b0}}; t_q <= {TW{1'b0}};
            oy_q <= {GW{1'b0}}; ox_q <= {GW{1'b0}}; gy_q <= {IXW{1'b0}}; gx_q <= {IXW{1'b0}};
            gb_q <= {PW{1'b0}}; rb_q <= {PW{1'b0}};
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
                        kk_q <= {KW{1'b0}}; dy_q <= 2'd0; dx_q <= 2'd0; ib_q <= {RAW{1'b0}};
                        if (pos_last) begin
                            py_q <= {IXW{1'b0}}; px_q <= {IXW{1'b0}}; pos_q <= {PW{1'b0}};
                            t_q <= {TW{1'b0}};
                            ph_q <= P_LIF;
                        end else begin
                            pos_q <= pos_q + 1'b1;
                            if (px_q == I_LAST) begin
                                px_q <= {IXW{1'b0}};
                                py_q <= py_q + 1'b1;
                            end else begin
                                px_q <= px_q + 1'b1;
                            end
                        end
                    end else begin
                        kk_q <= kk_q + 1'b1;
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
                end
                P_LIF: begin
                    if (pos_last) begin
                        py_q <= {IXW{1'b0}}; px_q <= {IXW{1'b0}}; pos_q <= {PW{1'b0}};
                        oy_q <= {GW{1'b0}}; ox_q <= {GW{1'b0}}; gy_q <= {IXW{1'b0}}; gx_q <= {IXW{1'b0}};
                        gb_q <= {PW{1'b0}}; rb_q <= {PW{1'b0}};
                        ph_q <= P_GATH;
                    end else begin
                        pos_q <= pos_q + 1'b1;
                        if (px_q == I_LAST) begin
                            px_q <= {IXW{1'b0}};
                            py_q <= py_q + 1'b1;
                        end else begin
                            px_q <= px_q + 1'b1;
                        end
                    end
                end
                default: if (g_take) begin  // P_GATH
                    if (tok_last) begin
                        if (t_q == T_LAST) begin
                            t_q <= {TW{1'b0}};
                            ph_q <= P_LOAD;
                        end else begin
                            t_q <= t_q + 1'b1;
                            ph_q <= P_LIF;
                        end
                    end else if (ox_q == G_LAST) begin
                        ox_q <= {GW{1'b0}}; gx_q <= {IXW{1'b0}};
                        oy_q <= oy_q + 1'b1; gy_q <= gy_q + PSTEP[IXW-1:0];
                        rb_q <= rb_q + RSTEP[PW-1:0]; gb_q <= rb_q + RSTEP[PW-1:0];
                    end else begin
                        ox_q <= ox_q + 1'b1; gx_q <= gx_q + PSTEP[IXW-1:0];
                        gb_q <= gb_q + PSTEP[PW-1:0];
                    end
                end
            endcase
        end
    end
endmodule
`default_nettype wire
