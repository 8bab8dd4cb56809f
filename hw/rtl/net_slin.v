// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_slin: a spike-driven linear layer over full rows (docs/architecture.md, "The whole network"). For
// each input token (FI spike bits) it visits only the active spikes, lowest first (spike_finder), and
// adds weight row j -- OB output channels at once -- into OB accumulators, one row per cycle; the
// accumulators start from the bias, and a pass's last row hands the OB currents (OUT_W bits each,
// sign-extended) to the output register as one beat.
// Output folding: with G = FO / OB passes (OB = FO: one pass, the whole token per beat), pass g of a
// token visits the token's active spikes again (pass 0 finds them, the others replay its list of rows)
// and accumulates channels g*OB .. g*OB+OB-1; the token's beats leave in pass order, m_last on the
// image's last beat (the last pass of the token with s_last). A pass with no spike costs one cycle (its
// bias only), so a token costs G * max(1, nnz) active cycles: the next pass starts in the cycle after the
// current one's last spike, and the next token is taken in the cycle of the last pass's last spike
// (pop_sat3 tells one cycle ahead that at most one spike is left; a replayed pass, a count).
// IMG_ACC = 1 accumulates over every token of an image without clearing and emits once, after the token
// with s_last (the head: logits = bias + sum over (t, n, j) of S[t,n,j] * W[j, :], which equals
// counts . W, so the counts need no multiplier); only with OB = FO.
// Pipeline: S1 finds the spike (a two-level finder over chunks of the mask, below; the spike's chunk,
// one-hot, and every chunk's lowest bit registered), R encodes the row j and reads word j*G + g (row j's
// lanes of pass g; no multiplier: {j, g} when G is a power of two, else shifts and adds) from the weight
// memory (one sdp_ram of FI*G words x OB*W_W bits, registered read: block RAM when large), S2
// accumulates. A full output register with an emitting row in S2 stalls every stage (the memory's read
// data holds).
// Weights load from the network weight stream, segment SEG_WT (order COL_OUTER, see net_wdec), one
// element per word: element (j, c) of a linear weight is lane c mod OB of word j*G + c div OB, which
// net_wdec counts as row j*G + c div OB, column c mod OB of a (FI*G) x OB segment (no division), so a
// word's OB lanes are OB consecutive elements (lane 0 first): they are shifted into a word register and
// the word is written once, after its last lane (no read, no merge: the read port is the datapath's
// alone). A conv weight (COL_OUTER = 1, out o outer) reaches a word one lane at a time, FI elements
// apart: each element is a read-modify-write of its word (with FI = 1 a word read while the previous
// word's write to the same word is in flight takes that write's data; with FI >= 2 two consecutive
// elements of one load never share a word). The bias from segment SEG_B: into registers (G = 1), or (G > 1)
// into one G-word memory per lane (lane l, word g: bias of channel g*OB + l), read beside the weights.
// Active cycles: the S1 issue cycles; waiting for a token or for a free output is a stall.
module net_slin #(
    parameter integer FI        = 32,  // fan-in: spike bits per token
    parameter integer FO        = 32,  // fan-out: output channels
    parameter integer W_W       = 4,   // weight width (signed)
    parameter integer B_W       = 12,  // bias width (signed)
    parameter integer ACC_W     = 16,  // accumulator width (signed): holds every partial sum (proven)
    parameter integer OUT_W     = 16,  // output lane width (signed), >= ACC_W
    parameter integer IMG_ACC   = 0,   // 1: accumulate over the whole image, emit after s_last
    parameter integer RAM_STYLE = 0,   // weight-row memory: sdp_ram STYLE (0 tool's choice, 3 UltraRAM: hw/fit.py)
    parameter integer SEG_W     = 5,   // bits of a weight-stream segment id
    parameter integer SEG_WT    = 0,   // segment of the weights
    parameter integer SEG_B     = 1,   // segment of the bias
    parameter integer COL_OUTER = 0,   // weight element order (0: linear (in, out); 1: conv (out, in...))
    parameter integer OB        = FO   // output lanes per beat (divides FO; OB < FO: linear order, IMG_ACC 0)
) (
    input  wire              clk,
    input  wire              rst,       // synchronous, active high
    input  wire [FI-1:0]     s_data,
    input  wire              s_last,
    input  wire              s_valid,
    output wire              s_ready,
    output wire [OB*OUT_W-1:0] m_data,
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
    function integer sbw;  // bits of an index that holds x (>= 1)
        input integer x;
        integer v;
        begin
            sbw = 1;
            for (v = x; v > 1; v = v >> 1) sbw = sbw + 1;
        end
    endfunction
    function integer ksel;  // chunk index bits of the spike finder: the least k >= 1 with 2 * 4^k >= x
        input integer x;
        integer v;
        begin
            ksel = 1;
            for (v = 8; v < x; v = v * 4) ksel = ksel + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer G   = FO / OB;      // passes per token
    localparam integer JW  = (FI > 1) ? $clog2(FI) : 1;  // row index bits
    localparam integer WRW = sbw(FI * G - 1);  // weight word index bits (net_wdec rows)
    localparam integer OBW = sbw(OB - 1);  // lane bits
    localparam integer GW  = sbw(G - 1);   // pass bits
    localparam integer AW  = (FI * G > 1) ? $clog2(FI * G) : 1;  // weight memory address bits
    localparam integer RW  = OB * W_W;     // weight word bits
    localparam integer GM1 = G - 1;
    localparam [GW-1:0] G_LAST = GM1[GW-1:0];
    generate
        if (OUT_W < ACC_W || ACC_W < W_W + 1 || ACC_W < B_W || W_W < 2 || B_W < 2) begin : gen_bad_widths
            net_bad_parameter_set_slin_widths u_bad ();
        end
        if (OB < 1 || OB > FO || FO % OB != 0 || (G > 1 && (IMG_ACC != 0 || COL_OUTER != 0))) begin : gen_bad_fold
            net_bad_parameter_set_slin_fold u_bad ();
        end
    endgenerate

    // ------------------------------------------------------------------ S1: the spike finder
    // A two-level find-first-set (spike_chunks, the finder shared with spike_linear; no FI-wide priority chain on
    // the mask's loop): the mask is cut into C chunks of K bits (K = 2^KW, the smallest power of two >= 2 with
    // 2*K*K >= FI, but 16 at FI = 128: fewer LUTs than 8 there by Yosys' classic ABC) and per chunk two flags are
    // registered beside it, nz_q (the chunk holds a spike) and g2_q (it holds two or more); the finder gives the
    // selected chunk (one-hot), every chunk's lowest bit, the mask without its spike and its flags, and "at most one
    // spike left" (one) from the flags alone. The spike's chunk and every chunk's lowest bit are registered (R) and
    // encoded to the row there ({chunk, bit in chunk}, one-hot selects, no adder), off the mask's loop. Same values as
    // spike_finder and pop_sat3 over the whole mask (the port contract of tests/test_rtl_units.py, the cycle model).
    localparam integer KW  = (FI >= 128 && ksel(FI) < 4) ? 4 : ksel(FI);  // chunk index bits
    localparam integer K   = 1 << KW;       // chunk bits
    localparam integer C   = (FI + K - 1) / K;  // chunks
    reg          busy_q, tl_q;  // a token is held / it ends the image
    reg [FI-1:0] mask_q;
    reg [C-1:0]  nz_q, g2_q;    // per chunk of mask_q: some spike / at least two
    reg          rv_q, radd_q, rend_q, rtl_q;  // R: an item / adds a row / pass's last / image's last beat
    reg [C-1:0]  rsel_q;    // R: the spike's chunk (one-hot) and every chunk's lowest bit: the row index
    reg [C*KW-1:0] rloc_q;  // is encoded in R, off the mask's loop
    reg          v2_q, add2_q, end2_q, tl2_q;  // S2
    reg          mv_q, ml_q, fresh_q;
    wire         emit2  = (IMG_ACC == 0) || tl2_q;
    wire         stall  = v2_q && end2_q && emit2 && mv_q && !m_ready;
    wire         adv    = !stall;
    wire         issue  = busy_q && adv;
    wire         take   = s_valid && s_ready;

    wire [FI-1:0]  sp_rest;             // mask_q without its lowest spike
    wire [C-1:0]   sel;                 // the lowest non-empty chunk, one-hot
    wire [C-1:0]   in_nz, in_g2;        // per chunk of s_data: >= 1, >= 2 spikes
    wire [C-1:0]   nz_rest, g2_rest;    // the flags of sp_rest
    wire [C*KW-1:0] locs;               // per chunk: its lowest spike's bit
    wire          sp_any;               // mask_q holds a spike
    wire          one;                  // <= 1 spike left in the mask (this pass)
    wire [JW-1:0] ridx_f;               // R: the row of the spike the finder found
    spike_chunks #(.W(FI), .KW(KW), .IW(JW)) u_find (
        .mask(mask_q), .nz(nz_q), .g2(g2_q), .any(sp_any), .one(one), .sel(sel), .locs(locs), .rest(sp_rest),
        .nz_rest(nz_rest), .g2_rest(g2_rest), .in(s_data), .in_nz(in_nz), .in_g2(in_g2),
        .r_sel(rsel_q), .r_loc(rloc_q), .r_idx(ridx_f));

    // the pass counter (G > 1): g_q in S1, rg_q in R (the weight and bias word), g_last the pass's last.
    // Only pass 0 runs the finder; it leaves the mask empty and writes its spikes' rows, in order, to a
    // list (LUT RAM, from R: the encoded row), and passes 1 .. G-1 replay the list: max(1, nnz) issues each,
    // as pass 0. A replayed pass ends at a count (rp_q == cm_q, pass 0's spikes minus one), so the next
    // token's take (in the last pass's last issue) does not wait for the finder's flags: no reload of the
    // token into the mask either. A replayed row reads list entry rp_q in S1 (data in R); entry 0 of a
    // one-spike token is still being written then, and is still R's own chunk select (held while replaying).
    wire          g_last, g0, rl;      // last pass / pass 0 / a replayed pass's last issue
    wire          pe = g0 ? one : rl;  // this issue ends its pass
    wire          pe_l;                // ... and its token (the last pass)
    wire          rl_none;             // the token has no spike (its replayed passes add no row)
    wire          radd_d = g0 ? sp_any : !rl_none;
    /* verilator lint_off UNUSEDSIGNAL */  // G = 1: no pass to address
    wire [GW-1:0] rg;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [JW-1:0] ridx;                // R: the row of the spike
    generate
        if (G > 1) begin : gen_pass
            reg [GW-1:0] g_q, rg_q;
            reg [JW:0]   cm_q;          // pass 0's spikes minus one (top bit set: none)
            reg [JW-1:0] rp_q, wc_q;    // S1: the replayed issue's entry; R: pass 0's next entry
            reg          rrep_q, rone_q;  // R: a replayed row / of a one-spike token
            wire [JW-1:0] list_rd;
            assign g_last  = (g_q == G_LAST);
            assign g0      = (g_q == {GW{1'b0}});
            assign rl_none = cm_q[JW];
            assign rl      = rl_none || (rp_q == cm_q[JW-1:0]);
            assign pe_l    = rl && g_last;
            assign rg      = rg_q;
            assign ridx    = (rrep_q && !rone_q) ? list_rd : ridx_f;
            sdp_ram #(.W(JW), .DEPTH(FI), .STYLE(2)) u_list (
                .clk(clk), .we(adv && rv_q && radd_q && !rrep_q), .waddr(wc_q), .wdata(ridx_f),
                .re(adv), .raddr(rp_q), .rdata(list_rd));
            always @(posedge clk) begin
                if (take) cm_q <= {(JW + 1){1'b1}};
                else if (issue && g0 && sp_any) cm_q <= cm_q + 1'b1;
                if (issue && pe) rp_q <= {JW{1'b0}};
                else if (issue && !g0) rp_q <= rp_q + 1'b1;
                if (take) wc_q <= {JW{1'b0}};
                else if (adv && rv_q && radd_q && !rrep_q) wc_q <= wc_q + 1'b1;
                if (adv) begin
                    rg_q   <= g_q;
                    rrep_q <= !g0;
                    rone_q <= (cm_q == {(JW + 1){1'b0}});
                end
                if (rst) g_q <= {GW{1'b0}};
                else if (issue && pe) g_q <= g_last ? {GW{1'b0}} : g_q + 1'b1;
            end
        end else begin : gen_one_pass
            assign g_last  = 1'b1;
            assign g0      = 1'b1;
            assign rl      = 1'b1;
            assign rl_none = 1'b0;
            assign pe_l    = one;
            assign rg      = {GW{1'b0}};
            assign ridx    = ridx_f;
        end
    endgenerate

    assign s_ready = adv && (!busy_q || pe_l);
    assign act     = issue;
    assign img_end = issue && pe_l && tl_q;

    always @(posedge clk) begin
        if (take) begin
            mask_q <= s_data;
            nz_q   <= in_nz;
            g2_q   <= in_g2;
            tl_q   <= s_last;
        end else if (issue && g0) begin
            mask_q <= sp_rest;
            nz_q   <= nz_rest;
            g2_q   <= g2_rest;
        end
        if (adv) begin
            radd_q <= issue && radd_d;
            rend_q <= pe;
            rtl_q  <= tl_q && g_last;
            add2_q <= radd_q;
            end2_q <= rend_q;
            tl2_q  <= rtl_q;
        end
        if (adv && g0) begin  // held while a pass is replayed (a one-spike token's row)
            rsel_q <= sel;
            rloc_q <= locs;
        end
        if (rst) begin
            busy_q <= 1'b0;
            rv_q   <= 1'b0;
            v2_q   <= 1'b0;
        end else begin
            if (take) busy_q <= 1'b1;
            else if (issue && pe_l) busy_q <= 1'b0;
            if (adv) begin
                rv_q <= issue;
                v2_q <= rv_q;
            end
        end
    end

    // ------------------------------------------------------------------ weight memory and load
    wire            w_we, b_we;
    wire [WRW-1:0]  w_row;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [OBW-1:0]  w_col, b_col;      // the weight's lane (COL_OUTER = 0), the bias's
    wire [GW-1:0]   b_row;             // the bias's pass (G > 1)
    /* verilator lint_on UNUSEDSIGNAL */
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_WT), .ROWS(FI * G), .COLS(OB), .COL_OUTER(COL_OUTER), .RW(WRW), .CLW(OBW))
        u_wdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(w_we), .row(w_row), .col(w_col));
    net_wdec #(.SEG_W(SEG_W), .SEG(SEG_B), .ROWS(G), .COLS(OB), .COL_OUTER(0), .RW(GW), .CLW(OBW))
        u_bdec (.clk(clk), .start(wl_start), .take(wl_take), .seg(wl_seg), .we(b_we), .row(b_row), .col(b_col));

    // the word of row j, pass g: j*G + g (G = 1: j). No multiplier (a DSP on UltraScale+): G a power of
    // two is the concatenation {j, g}; otherwise j*G is the sum of j shifted by G's set bits (adders)
    function [AW-1:0] mul_g;
        input [AW-1:0] j;
        integer b;
        begin
            mul_g = {AW{1'b0}};
            for (b = 0; b < 32; b = b + 1) begin
                if (((G >> b) & 1) != 0) mul_g = mul_g + (j << b);
            end
        end
    endfunction
    wire [AW-1:0] r_word;
    generate
        if (G > 1 && (G & (G - 1)) == 0) begin : gen_word_cat
            /* verilator lint_off UNUSEDSIGNAL */  // FI = 1: the row bit is zero
            wire [JW+GW-1:0] cat = {ridx, rg};
            /* verilator lint_on UNUSEDSIGNAL */
            assign r_word = cat[AW-1:0];
        end else if (G > 1 && G % 3 == 0 && ((G / 3) & (G / 3 - 1)) == 0 && FI <= 512) begin : gen_word3
            // G = 3 * 2^S (cifar10-384: 12): j*G + g = {j*3 + gh, gl} with gh = g >> S (0, 1 or 2) and gl the low
            // S bits, and j*3 + gh is ONE adder: (2j + gh[1]) + j + (gh[1] | gh[0]) (gh = 2 has gh[0] = 0), its
            // carry-in entering as an extra low bit of both operands ({A, 1} + {B, cin} = 2(A + B + cin) + 1):
            // the word's carry chain is one adder long, not two (cifar10-384 fc1: 11 -> 10 levels). Only up to FI =
            // 512 (chunks of <= 16 bits): at fc2's FI = 1536 (48 chunks of 32) classic ABC maps the row encoder and this
            // adder to 12-13 levels, the two adders below to 11 (scripts/synth_slin.py, 2026-12-02)
            localparam integer S = GW - 2;  // 3 * 2^S > G - 1 >= 2^(S+1): g has S + 2 bits
            wire [1:0]      gh = rg[GW-1:S];
            wire [JW+2:0]   opa = {1'b0, ridx, gh[1], 1'b1};
            wire [JW+2:0]   opb = {2'b00, ridx, gh[1] | gh[0]};
            /* verilator lint_off UNUSEDSIGNAL */  // the low bit is the carry trick's, the top bits above FI*G - 1 zero
            wire [JW+2:0]   sum3 = opa + opb;
            wire [JW+1+S:0] cat3;
            /* verilator lint_on UNUSEDSIGNAL */
            if (S > 0) begin : gen_lo
                assign cat3 = {sum3[JW+2:1], rg[S-1:0]};
            end else begin : gen_nolo
                assign cat3 = sum3[JW+2:1];
            end
            assign r_word = cat3[AW-1:0];
        end else if (G > 1) begin : gen_word
            wire [AW-1:0] rj = {{(AW - JW){1'b0}}, ridx};
            wire [AW-1:0] rp = {{(AW - GW){1'b0}}, rg};
            assign r_word = mul_g(rj) + rp;
        end else begin : gen_row
            assign r_word = ridx;
        end
    endgenerate
    reg           lv_q;                // a word is written this cycle
    reg [AW-1:0]  lrow_q;
    wire [RW-1:0] w_rd;                // the word read (S2, or the load's merge)
    wire [RW-1:0] w_wr;
    wire [AW-1:0] w_raddr;
    localparam integer OM1 = OB - 1;
    localparam [OBW-1:0] OB_LAST = OM1[OBW-1:0];
    genvar gl;
    generate
        if (COL_OUTER == 0) begin : gen_wshift
            // the word's lanes in a shift register (lane 0 enters first and ends lowest); written after the last
            reg [RW-1:0] sh_q;
            assign w_wr    = sh_q;
            assign w_raddr = r_word;
            if (OB > 1) begin : gen_sh
                always @(posedge clk) if (w_we) sh_q <= {wl_data[W_W-1:0], sh_q[RW-1:W_W]};
            end else begin : gen_sh1
                always @(posedge clk) if (w_we) sh_q <= wl_data[W_W-1:0];
            end
            always @(posedge clk) begin
                lrow_q <= w_row[AW-1:0];
                if (rst) lv_q <= 1'b0;
                else     lv_q <= w_we && w_col == OB_LAST;
            end
        end else begin : gen_wrmw
            // read-modify-write: the element's word read in the take cycle, merged and written in the next.
            // The element's lane one-hot (oh_q: net_wdec's column, which moves on after a column's last row;
            // loh_q: of the word being merged): a lane's merge select is one register bit, no lane compare
            localparam integer RM1 = FI * G - 1;
            localparam [WRW-1:0] R_LAST = RM1[WRW-1:0];
            reg [OB-1:0]  oh_q, loh_q;
            reg [W_W-1:0] ldat_q;
            wire [RW-1:0] w_base;
            assign w_raddr = w_we ? w_row[AW-1:0] : r_word;
            if (FI * G > 1) begin : gen_nofwd
                assign w_base = w_rd;
            end else begin : gen_fwd  // one word: the previous element's write may be in flight
                reg          fv_q;
                reg [RW-1:0] fdat_q;
                assign w_base = fv_q ? fdat_q : w_rd;
                always @(posedge clk) begin
                    fdat_q <= w_wr;
                    if (rst) fv_q <= 1'b0;
                    else     fv_q <= lv_q;
                end
            end
            for (gl = 0; gl < OB; gl = gl + 1) begin : gen_merge
                assign w_wr[gl * W_W +: W_W] = loh_q[gl] ? ldat_q : w_base[gl * W_W +: W_W];
            end
            if (OB > 1) begin : gen_oh
                always @(posedge clk) begin
                    if (wl_start) oh_q <= {{(OB - 1){1'b0}}, 1'b1};
                    else if (w_we && w_row == R_LAST) oh_q <= {oh_q[OB-2:0], oh_q[OB-1]};
                end
            end else begin : gen_oh1
                always @(posedge clk) oh_q <= 1'b1;
            end
            always @(posedge clk) begin
                lrow_q <= w_row[AW-1:0];
                loh_q  <= oh_q;
                ldat_q <= wl_data[W_W-1:0];
                if (rst) lv_q <= 1'b0;
                else     lv_q <= w_we;
            end
        end
    endgenerate
    sdp_ram #(.W(RW), .DEPTH(FI * G), .STYLE(RAM_STYLE)) u_w (
        .clk(clk), .we(lv_q), .waddr(lrow_q), .wdata(w_wr), .re(adv), .raddr(w_raddr), .rdata(w_rd));

    // ------------------------------------------------------------------ S2: accumulate
    // The lane sum is a function called inside the clocked block (under v2_q && adv), not a wire: a
    // cycle-based simulator (Verilator) then evaluates the FO adders only in the cycles that use them; the
    // logic is the same adder and sign extensions (Verilog-2001 has no zero-width replication, so the
    // extensions keep one copy of the sign bit: B_W >= 2, ACC_W >= 2). The weight is the first operand:
    // Yosys' Xilinx carry mapping feeds the first operand to the CARRY4/CARRY8 DI pins, so that operand needs a
    // net of its own; the gated weight's is shared by its sign-extension bits, while the bias/accumulator
    // select folds into each bit's sum LUT (the other order spends a LUT per bit on it: conv2 -917 LUT).
    function [ACC_W-1:0] lane_sum;
        input [ACC_W-1:0] acc;
        input [B_W-1:0]   b;
        input [W_W-1:0]   w;
        input             fresh, add;
        begin
            lane_sum = (add ? {{(ACC_W - W_W + 1){w[W_W-1]}}, w[W_W-2:0]} : {ACC_W{1'b0}})
                     + (fresh ? {{(ACC_W - B_W + 1){b[B_W-1]}}, b[B_W-2:0]} : acc);
        end
    endfunction
    function [OUT_W-1:0] lane_out;
        input [ACC_W-1:0] v;
        begin
            lane_out = {{(OUT_W - ACC_W + 1){v[ACC_W-1]}}, v[ACC_W-2:0]};
        end
    endfunction
    generate
        for (gl = 0; gl < OB; gl = gl + 1) begin : gen_lane
            wire [B_W-1:0]  b_q;  // this lane's bias (of this pass, G > 1)
            reg [ACC_W-1:0] acc_q;
            reg [OUT_W-1:0] o_q;
            if (G > 1) begin : gen_bmem
                // one G-word memory per lane: written alone (no read-modify-write), read with the weights
                sdp_ram #(.W(B_W), .DEPTH(G)) u_b (
                    .clk(clk), .we(b_we && b_col == gl[OBW-1:0]), .waddr(b_row), .wdata(wl_data[B_W-1:0]),
                    .re(adv), .raddr(rg), .rdata(b_q));
            end else begin : gen_breg
                // G = 1: one register per lane, written at its column (decoded: conv2 ~256 LUT fewer than the
                // biases as a lane shift register, scripts/synth_slin.py)
                reg [B_W-1:0] br_q;
                assign b_q = br_q;
                always @(posedge clk) begin  // the enable tested alone first: once for every lane in Verilator
                    if (b_we) begin
                        if (b_col == gl[OBW-1:0]) br_q <= wl_data[B_W-1:0];
                    end
                end
            end
            always @(posedge clk) begin
                // o_q before acc_q: every read of acc_q precedes its write, so Verilator needs no shadow copy
                if (v2_q && adv) begin
                    if (end2_q && emit2) o_q <= lane_out(lane_sum(acc_q, b_q, w_rd[gl * W_W +: W_W], fresh_q, add2_q));
                    acc_q <= lane_sum(acc_q, b_q, w_rd[gl * W_W +: W_W], fresh_q, add2_q);
                end
            end
            assign m_data[gl * OUT_W +: OUT_W] = o_q;
        end
    endgenerate

    assign m_valid = mv_q;
    assign m_last  = ml_q;
    always @(posedge clk) begin
        if (v2_q && adv && end2_q && emit2) ml_q <= tl2_q;
        if (rst) begin
            mv_q    <= 1'b0;
            fresh_q <= 1'b1;  // the first token after reset starts an image: accumulators from the bias
        end else begin
            if (v2_q && adv) fresh_q <= end2_q && emit2;
            if (v2_q && adv && end2_q && emit2) mv_q <= 1'b1;
            else if (m_ready) mv_q <= 1'b0;
        end
    end
endmodule
`default_nettype wire
