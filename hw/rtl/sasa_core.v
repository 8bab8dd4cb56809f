// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_core: the spike-driven SASA engine (docs/architecture.md), built from the units:
//   input:  spike_deser (a token of D channels from ceil(D/SW) words) -> framing (no register slice:
//           spike_linear's prefetch slot is the input register)
//   QK:     spike_linear (M = 2: Wq and Wk share the input spikes) -> lif_lanes (Q) + lif_lanes (K)
//           -> the Q and K spikes of each (token, group) -> sasa_attn (Q buffer, counts a[c], A = a >= theta_a)
//   Y:      sasa_attn's tokens Y[t, n] = Q[t, n] & A[t] -> spike_linear (M = 1: Wo) -> out (its accumulators
//           are the output register; out_ready is its pipeline enable)
// sasa_attn is double-buffered, so the QK pass of timestep t+1 runs while the Y pass of t emits. Each
// group with k active spikes costs max(1, k) issue cycles in either pass, tokens follow each other
// without a gap, and timestep t+1's QK pass starts once timestep t's A is latched and a bank is free.
// Images do not overlap: an image begins after the previous one's last beat has left `out` (m_axis).
//
// Framing policy (docs/interface.md): an image is T*N tokens. A spike `tlast` before the image's last
// token ends the input of that image: its remaining tokens are taken as silent (all zero) and err_proto
// is set. An image's last token without `tlast` also sets err_proto, and the words that follow are
// dropped up to and including the next `tlast` (resynchronisation), so one lost or extra word does not
// shift the images after it. The output frame always has T*N*G beats with tlast on its last beat.
//
// Cycle counters of each image (the exact formulas are contract cycle models, docs/architecture.md):
//   cycles_qk / cycles_y: issue cycles of the QK and the Y pass (G * sum max(1, nnz) each: stall-invariant)
//   cycles_active = cycles_qk + cycles_y;  cycles_total: first token taken .. last beat left `out`
// Multiplier-free: addresses are counters; products appear only in elaboration-time constants.
module sasa_core #(
    parameter integer D          = 32,  // channels
    parameter integer N          = 16,  // tokens per timestep
    parameter integer T          = 4,   // timesteps per image
    parameter integer P          = 8,   // lanes: output channels per cycle
    parameter integer H          = 2,   // heads
    parameter integer W_W        = 4,   // weight width (signed)
    parameter integer B_W        = 12,  // bias width (signed)
    parameter integer TH_W       = 12,  // LIF threshold width (unsigned)
    parameter integer ACC_W      = 13,  // accumulator = current = increment width (signed, proven)
    parameter integer MEM_W      = 20,  // membrane width (signed, proven minimum or wider)
    parameter integer K          = 1,   // LIF leak shift
    parameter integer OUT_LANE_W = 16,  // output lane width (interface), >= ACC_W
    parameter integer SW         = 32,  // spike stream word width
    parameter integer WW         = 32,  // weight-stream word width
    parameter integer RAM_STYLE  = 0,   // weight memories: 0 tool's choice, 1 block RAM, 2 LUT RAM, 3 UltraRAM
    parameter [WW-1:0] MAGIC   = 32'h53415341,  // weight header word 0
    parameter [WW-1:0] VERSION = 32'd1,         // weight header word 1
    parameter [WW-1:0] HASH    = 32'd0,         // weight header word 2: config hash32
    parameter [WW-1:0] COUNT   = 32'd0          // weight header word 3: payload words
) (
    input  wire                    clk,
    input  wire                    rst,        // synchronous, active high
    // control (sasa_ctrl)
    input  wire                    start_en,
    input  wire                    load_en,
    output wire                    img_start,      // one-cycle pulse: the first token of an image is taken
    output wire                    load_active,    // a weight load is in progress or a weight word waits
    // spikes in (AXI-Stream; ready and valid low during reset)
    input  wire [SW-1:0]           in_data,
    input  wire                    in_last,
    input  wire                    in_valid,
    output wire                    in_ready,
    // weight-load stream
    input  wire [WW-1:0]           w_data,
    input  wire                    w_valid,
    input  wire                    w_last,
    output wire                    w_ready,
    // increments out (AXI-Stream, data and valid from flip-flops): one beat per (t, n, g)
    output wire [P*OUT_LANE_W-1:0] out_data,
    output wire                    out_last,
    output wire                    out_valid,
    input  wire                    out_ready,
    // status
    output wire                    busy,           // inside an image
    output wire                    img_done,       // one-cycle pulse after an image's last beat left `out`
    // per-image counters, valid from img_done until the next image's first token is taken (cycles_qk,
    // cycles_y, cycles_total count the running image meanwhile; cycles_active holds until its img_done)
    output wire [31:0]             cycles_active,  // of the last image: cycles_qk + cycles_y
    output wire [31:0]             cycles_total,   // of the last image: first token .. last beat out
    output wire [31:0]             cycles_qk,      // of the last image: QK issue cycles
    output wire [31:0]             cycles_y,       // of the last image: Y issue cycles
    output wire                    stall_in,       // the QK pass waits for an input token
    output wire                    stall_out,      // the Y pass waits for the output
    output wire                    weights_loaded,
    output wire                    err_hdr,
    output wire                    err_len,
    output wire                    err_val,        // a weight word had bits above its declared width
    output wire                    err_proto      // framing error on the spike stream (sticky until a
                                                   // valid weight load or reset)
);
    // ------------------------------------------------------------------ derived figures
    localparam integer G     = (D + P - 1) / P;                  // channel groups
    localparam integer CW    = (D > 1) ? $clog2(D) : 1;          // channel index bits
    localparam integer LW    = (P > 1) ? $clog2(P) : 1;          // lane index bits
    localparam integer GW    = (G > 1) ? $clog2(G) : 1;          // group index bits
    localparam integer WA_W  = (G * D > 1) ? $clog2(G * D) : 1;  // weight-row address bits
    localparam integer HW    = (H > 1) ? $clog2(H) : 1;          // head index bits
    localparam integer NW    = (N > 1) ? $clog2(N) : 1;          // token index bits
    localparam integer NGW   = (N * G > 1) ? $clog2(N * G) : 1;  // membrane address bits
    localparam integer TW    = (T > 1) ? $clog2(T) : 1;          // timestep index bits
    localparam integer CNT_W = $clog2(N + 1);                    // token count bits (0..N)
    localparam integer PAD_FROM = D - (G - 1) * P;               // lanes >= this are past D in the last group
    // issue cycles of one pass over one image are at most T*N*G*D (every spike on): the per-image QK and Y
    // counters hold that (proven bound, not "big enough"), the active count twice that; CYCLES_TOTAL counts
    // stalls too, so it stays 32 bits (as the interface's registers)
    localparam integer PASS_MAX = T * N * G * D;
    localparam integer CQ_W  = ($clog2(PASS_MAX + 1) < 32) ? $clog2(PASS_MAX + 1) : 32;
    localparam integer CA_W  = ($clog2(2 * PASS_MAX + 1) < 32) ? $clog2(2 * PASS_MAX + 1) : 32;
    localparam integer GM1 = G - 1, NM1 = N - 1, TM1 = T - 1, NGM1 = N * G - 1;
    localparam [GW-1:0]  G_LAST  = GM1[GW-1:0];
    localparam [NW-1:0]  N_LAST  = NM1[NW-1:0];
    localparam [TW-1:0]  T_LAST  = TM1[TW-1:0];
    localparam [NGW-1:0] NG_LAST = NGM1[NGW-1:0];

    generate
        if (D < 1 || N < 1 || T < 1 || P < 1 || P > D || H < 1 || D % H != 0 || ACC_W > OUT_LANE_W
            || ACC_W > MEM_W || WW < 32) begin : gen_param_error
            initial begin
                $display("ERROR: sasa_core: bad parameters D=%0d N=%0d T=%0d P=%0d H=%0d (%m)", D, N, T, P, H);
                $display("  ACC_W=%0d MEM_W=%0d OUT_LANE_W=%0d", ACC_W, MEM_W, OUT_LANE_W);
                $finish;
            end
            PARAMETER_ERROR_sasa_core_inconsistent u_param_error ();
        end
    endgenerate

    // ------------------------------------------------------------------ image state
    reg            img_q;        // an image is in progress (first token taken .. last beat out)
    reg [TW-1:0]   pt_q;         // timestep of the next token passed to the QK pass
    reg [NW-1:0]   pn_q;         // its token index
    reg            all_q;        // every token of the image has been passed
    reg            fill_q;       // early tlast: the image's remaining tokens are zero
    reg            skip_q;       // missing tlast: drop tokens up to and including the next tlast
    reg            qkb_q;        // a QK timestep is in flight (until its A is latched)
    reg            errp_q;
    reg            loaded_prev_q;
    reg            done_q;
    reg [31:0]     tot_q;
    reg [CQ_W-1:0] qka_q, ya_q;
    reg [CA_W-1:0] stat_act_q;

    // ------------------------------------------------------------------ weight loader
    wire idle = !img_q;
    wire wl_busy;
    wire we_wq, we_wk, we_wo, we_bq, we_bk, we_bo, we_thq, we_thk, we_tha;
    wire [P-1:0]    wl_lane;
    wire [WA_W-1:0] wl_waddr;
    wire [GW-1:0]   wl_baddr;
    wire [HW-1:0]   wl_haddr;
    // Each store keeps only the low bits of a sign-extended WW-bit load word (its declared width).
    /* verilator lint_off UNUSEDSIGNAL */
    wire [WW-1:0]   wl_data;
    /* verilator lint_on UNUSEDSIGNAL */
    wire            loaded;
    reg [TH_W-1:0]  thq_q, thk_q;

    sasa_wload #(
        .D(D), .P(P), .H(H), .CW(CW), .LW(LW), .GW(GW), .WA_W(WA_W), .HW(HW), .WW(WW),
        .MAGIC(MAGIC), .VERSION(VERSION), .HASH(HASH), .COUNT(COUNT),
        .W_W(W_W), .B_W(B_W), .TH_W(TH_W), .CNT_W(CNT_W)
    ) u_wload (
        .clk(clk), .rst(rst), .en(idle && load_en),
        .s_data(w_data), .s_valid(w_valid), .s_last(w_last), .s_ready(w_ready), .busy(wl_busy),
        .we_wq(we_wq), .we_wk(we_wk), .we_wo(we_wo), .we_bq(we_bq), .we_bk(we_bk), .we_bo(we_bo),
        .we_thq(we_thq), .we_thk(we_thk), .we_tha(we_tha),
        .lane_oh(wl_lane), .waddr(wl_waddr), .baddr(wl_baddr), .haddr(wl_haddr), .wdata(wl_data),
        .loaded(loaded), .err_hdr(err_hdr), .err_len(err_len), .err_val(err_val)
    );
    always @(posedge clk) begin
        if (we_thq) thq_q <= wl_data[TH_W-1:0];
        if (we_thk) thk_q <= wl_data[TH_W-1:0];
    end

    // ------------------------------------------------------------------ input: skid, tokens, framing
    // No input register slice: spike_linear's prefetch slot registers the token, so a skid here would only
    // hold a second copy of it. Ready and valid are low during reset (docs/architecture.md, reset policy).
    wire sk_valid = in_valid && !rst;
    wire sk_ready;
    assign in_ready = sk_ready && !rst;
    wire [D-1:0] tk_data;
    wire         tk_last, tk_valid, tk_ready;
    spike_deser #(.D(D), .SW(SW)) u_deser (
        .clk(clk), .rst(rst), .s_data(in_data), .s_last(in_last), .s_valid(sk_valid), .s_ready(sk_ready),
        .m_data(tk_data), .m_last(tk_last), .m_valid(tk_valid), .m_ready(tk_ready)
    );

    wire qk_tok_ready;
    wire attn_wr_free;
    wire start_ok = start_en && loaded && !(w_valid && load_en) && !wl_busy && !skip_q;
    wire gate     = img_q ? (!all_q && (pn_q != {NW{1'b0}} || (!qkb_q && attn_wr_free))) : start_ok;
    wire src_valid = fill_q || tk_valid;
    wire pass      = gate && src_valid && qk_tok_ready;
    wire img_last_tok = (pt_q == T_LAST) && (pn_q == N_LAST);
    assign tk_ready = skip_q || (!fill_q && gate && qk_tok_ready);
    assign img_start = pass && !img_q;

    // ------------------------------------------------------------------ QK pass
    localparam integer QTAG = NW + 1;  // {t == 0, n}
    wire                   qk_res_valid, qk_res_tend;
    wire [GW-1:0]          qk_res_g;
    wire [QTAG-1:0]        qk_res_tag;
    wire [2*P*ACC_W-1:0]   qk_res;
    wire                   qk_issue, qk_starve, qk_idle, qk_tdone;
    wire [QTAG-1:0]        qk_tdone_tag;
    spike_linear #(.FAN_IN(D), .FAN_OUT(D), .P(P), .M(2), .W_W(W_W), .B_W(B_W), .ACC_W(ACC_W),
                   .TAG_W(QTAG), .RAM_STYLE(RAM_STYLE)) u_qk (
        .clk(clk), .rst(rst), .en(1'b1),
        .tok_data(fill_q ? {D{1'b0}} : tk_data), .tok_tag({pt_q == {TW{1'b0}}, pn_q}),
        .tok_valid(gate && src_valid), .tok_ready(qk_tok_ready),
        .w_we({we_wk, we_wq}), .b_we({we_bk, we_bq}), .wr_lane(wl_lane), .w_waddr(wl_waddr),
        .b_waddr(wl_baddr), .w_wdata(wl_data[W_W-1:0]), .b_wdata(wl_data[B_W-1:0]),
        .res_valid(qk_res_valid), .res_g(qk_res_g), .res_tok_end(qk_res_tend), .res_tag(qk_res_tag),
        .res_data(qk_res), .issue(qk_issue), .starve(qk_starve), .idle(qk_idle), .tok_done(qk_tdone),
        .tok_done_tag(qk_tdone_tag)
    );

    // membrane address of (n, g): results arrive in order, so a counter
    reg [NGW-1:0] ng_q;
    always @(posedge clk) begin
        if (rst) ng_q <= {NGW{1'b0}};
        else if (qk_res_valid) ng_q <= (ng_q == NG_LAST) ? {NGW{1'b0}} : ng_q + 1'b1;
    end

    localparam integer LTAG = NW + 1;  // {token end, n}
    // The LIF lanes' latency: 2 with their asynchronous membrane read (lif_lanes' rule, which stops
    // elaboration if this disagrees with it), else 3; sasa_attn delays its A latch by the difference, so the
    // schedule (contract/cycles.py) is the same either way.
    localparam integer LIF_ASYNC_MAX = 64;
    localparam integer LIF_LAT = (RAM_STYLE == 2 || (RAM_STYLE == 0 && N * G <= LIF_ASYNC_MAX)) ? 2 : 3;
    wire            lq_valid, lk_valid;
    wire [P-1:0]    qs, ks;
    wire [LTAG-1:0] l_tag;
    // K's tag equals Q's (the two lanes run in lockstep): unused
    /* verilator lint_off UNUSEDSIGNAL */
    wire [LTAG-1:0] lk_tag;  // identical to l_tag (lockstep)
    /* verilator lint_on UNUSEDSIGNAL */
    wire [P*ACC_W-1:0] q_cur = qk_res[P*ACC_W-1:0];
    wire [P*ACC_W-1:0] k_cur = qk_res[2*P*ACC_W-1:P*ACC_W];
    lif_lanes #(.P(P), .MEM_W(MEM_W), .CUR_W(ACC_W), .TH_W(TH_W), .K(K), .DEPTH(N * G), .TAG_W(LTAG),
                .RAM_STYLE(RAM_STYLE), .OUT_LAT(LIF_LAT)) u_lifq (
        .clk(clk), .rst(rst), .in_valid(qk_res_valid), .in_clear(qk_res_tag[NW]), .in_addr(ng_q),
        .in_cur(q_cur), .in_tag({qk_res_tend, qk_res_tag[NW-1:0]}), .theta(thq_q),
        .out_valid(lq_valid), .out_spikes(qs), .out_tag(l_tag));
    lif_lanes #(.P(P), .MEM_W(MEM_W), .CUR_W(ACC_W), .TH_W(TH_W), .K(K), .DEPTH(N * G), .TAG_W(LTAG),
                .RAM_STYLE(RAM_STYLE), .OUT_LAT(LIF_LAT)) u_lifk (
        .clk(clk), .rst(rst), .in_valid(qk_res_valid), .in_clear(qk_res_tag[NW]), .in_addr(ng_q),
        .in_cur(k_cur), .in_tag({qk_res_tend, qk_res_tag[NW-1:0]}), .theta(thk_q),
        .out_valid(lk_valid), .out_spikes(ks), .out_tag(lk_tag));

    // the group of the LIF outputs: they arrive in order, so a counter (reset after a token's last group)
    reg [GW-1:0] og_q;
    always @(posedge clk) begin
        if (rst) og_q <= {GW{1'b0}};
        else if (lq_valid) og_q <= l_tag[NW] ? {GW{1'b0}} : og_q + 1'b1;
    end
    // K's valid equals Q's (lockstep): unused
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_lk = lk_valid;
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------ attention (SASA-specific)
    wire [D-1:0] y_tok;
    wire         y_last, y_valid, y_ready, y_release, attn_empty, a_latch;
    sasa_attn #(.D(D), .N(N), .H(H), .P(P), .A_DELAY(3 - LIF_LAT), .RAM_STYLE(RAM_STYLE)) u_attn (
        .clk(clk), .rst(rst),
        .tha_we(we_tha), .tha_addr(wl_haddr), .tha_data(wl_data[CNT_W-1:0]),
        .qk_valid(lq_valid), .qk_n(l_tag[NW-1:0]), .qk_g(og_q), .qk_first(l_tag[NW-1:0] == {NW{1'b0}}),
        .qk_last(l_tag[NW-1:0] == N_LAST), .q_grp(qs), .k_grp(ks),
        .wr_free(attn_wr_free), .a_latch(a_latch),
        .y_tok(y_tok), .y_last(y_last), .y_valid(y_valid), .y_ready(y_ready), .y_release(y_release),
        .empty(attn_empty)
    );

    // ------------------------------------------------------------------ Y pass
    reg [TW-1:0] yt_q;  // timestep of the next Y token taken
    always @(posedge clk) begin
        if (rst) yt_q <= {TW{1'b0}};
        else if (y_valid && y_ready && y_last) yt_q <= (yt_q == T_LAST) ? {TW{1'b0}} : yt_q + 1'b1;
    end
    wire                 y_res_valid, y_res_tend;
    wire [GW-1:0]        y_res_g;
    wire [1:0]           y_res_tag, y_tdone_tag;
    wire [P*ACC_W-1:0]   y_res;
    wire                 y_issue, y_idle, y_tdone;
    // the Y pass never starves on purpose: its starve flag is not needed
    /* verilator lint_off UNUSEDSIGNAL */
    wire                 y_starve;
    /* verilator lint_on UNUSEDSIGNAL */
    wire                 ob_ready;
    wire                 y_en = !y_res_valid || ob_ready;
    spike_linear #(.FAN_IN(D), .FAN_OUT(D), .P(P), .M(1), .W_W(W_W), .B_W(B_W), .ACC_W(ACC_W),
                   .TAG_W(2), .RAM_STYLE(RAM_STYLE)) u_y (
        .clk(clk), .rst(rst), .en(y_en),
        .tok_data(y_tok), .tok_tag({y_last && (yt_q == T_LAST), y_last}), .tok_valid(y_valid),
        .tok_ready(y_ready),
        .w_we(we_wo), .b_we(we_bo), .wr_lane(wl_lane), .w_waddr(wl_waddr), .b_waddr(wl_baddr),
        .w_wdata(wl_data[W_W-1:0]), .b_wdata(wl_data[B_W-1:0]),
        .res_valid(y_res_valid), .res_g(y_res_g), .res_tok_end(y_res_tend), .res_tag(y_res_tag),
        .res_data(y_res), .issue(y_issue), .starve(y_starve), .idle(y_idle), .tok_done(y_tdone),
        .tok_done_tag(y_tdone_tag)
    );
    assign y_release = y_tdone && y_tdone_tag[0];

    // output beat: lanes sign-extended to OUT_LANE_W; lanes past D in a padded last group are zero
    wire [P*OUT_LANE_W-1:0] ob_data;
    genvar gl;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_out_lane
            wire [OUT_LANE_W-1:0] o_lane;
            sign_extend #(.IN_W(ACC_W), .OUT_W(OUT_LANE_W)) u_xo (.din(y_res[gl * ACC_W +: ACC_W]), .dout(o_lane));
            if (gl >= PAD_FROM) begin : gen_pad
                assign ob_data[gl * OUT_LANE_W +: OUT_LANE_W] = (y_res_g == G_LAST) ? {OUT_LANE_W{1'b0}} : o_lane;
            end else begin : gen_full
                assign ob_data[gl * OUT_LANE_W +: OUT_LANE_W] = o_lane;
            end
        end
    endgenerate
    // No output register slice: the Y accumulators are the output register (res_valid holds, with the
    // data, while `en` = 0), so m_axis is driven by flip-flops and out_ready freezes the Y pipeline.
    assign ob_ready  = out_ready && !rst;
    assign out_data  = ob_data;
    assign out_last  = y_res_tend && y_res_tag[1];
    assign out_valid = y_res_valid && !rst;
    wire img_end = out_valid && out_ready && out_last;

    // ------------------------------------------------------------------ control
    wire [CA_W-1:0] act_sum;
    generate
        if (CA_W > CQ_W) begin : gen_act_wide
            assign act_sum = {1'b0, qka_q} + {1'b0, ya_q};
        end else begin : gen_act_same
            assign act_sum = qka_q + ya_q;
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) begin
            img_q  <= 1'b0;
            pt_q   <= {TW{1'b0}};
            pn_q   <= {NW{1'b0}};
            all_q  <= 1'b0;
            fill_q <= 1'b0;
            skip_q <= 1'b0;
            qkb_q  <= 1'b0;
            errp_q <= 1'b0;
            done_q <= 1'b0;
            loaded_prev_q <= 1'b0;
            tot_q  <= 32'd0;
            qka_q  <= {CQ_W{1'b0}};
            ya_q   <= {CQ_W{1'b0}};
            stat_act_q <= {CA_W{1'b0}};
        end else begin
            loaded_prev_q <= loaded;
            done_q <= img_end;
            if (loaded && !loaded_prev_q) errp_q <= 1'b0;
            // the QK timestep in flight ends when its A is latched
            if (a_latch) qkb_q <= 1'b0;
            if (skip_q && tk_valid && tk_last) skip_q <= 1'b0;
            if (pass) begin
                if (pn_q == {NW{1'b0}}) qkb_q <= 1'b1;
                if (!img_q) img_q <= 1'b1;
                if (tk_last && !fill_q && !img_last_tok) begin
                    errp_q <= 1'b1;   // early tlast: the rest of the image is silent
                    fill_q <= 1'b1;
                end
                if (img_last_tok) begin
                    all_q  <= 1'b1;
                    fill_q <= 1'b0;
                    if (!fill_q && !tk_last) begin
                        errp_q <= 1'b1;  // missing tlast: resynchronise at the next one
                        skip_q <= 1'b1;
                    end
                end
                if (pn_q == N_LAST) begin
                    pn_q <= {NW{1'b0}};
                    pt_q <= (pt_q == T_LAST) ? {TW{1'b0}} : pt_q + 1'b1;
                end else begin
                    pn_q <= pn_q + 1'b1;
                end
            end
            // cycle counters of the running image
            if (img_q) begin
                tot_q <= tot_q + 32'd1;
                if (qk_issue) qka_q <= qka_q + 1'b1;
                if (y_issue) ya_q <= ya_q + 1'b1;
            end
            if (img_start) begin
                tot_q <= 32'd1;
                qka_q <= {CQ_W{1'b0}};
                ya_q  <= {CQ_W{1'b0}};
            end
            if (img_end) begin
                img_q <= 1'b0;
                all_q <= 1'b0;
                stat_act_q <= act_sum;
            end
        end
    end

    assign load_active    = wl_busy || w_valid;
    assign busy           = img_q;
    assign img_done       = done_q;
    // the running counters are the per-image figures: they stop with the image's last beat (img_q falls,
    // and no issue cycle of it is left then), so they hold its values from img_done until the next image's
    // first token resets them (no second copy); CYCLES_ACTIVE's sum is registered for sasa_ctrl's adder
    assign cycles_total   = tot_q;
    generate
        if (32 > CQ_W) begin : gen_cq_ext
            assign cycles_qk = {{(32 - CQ_W){1'b0}}, qka_q};
            assign cycles_y  = {{(32 - CQ_W){1'b0}}, ya_q};
        end else begin : gen_cq_full
            assign cycles_qk = qka_q;
            assign cycles_y  = ya_q;
        end
        if (32 > CA_W) begin : gen_ca_ext
            assign cycles_active = {{(32 - CA_W){1'b0}}, stat_act_q};
        end else begin : gen_ca_full
            assign cycles_active = stat_act_q;
        end
    endgenerate
    assign stall_in       = img_q && !all_q && !fill_q && qk_starve && !tk_valid;
    assign stall_out      = y_res_valid && !ob_ready;
    assign weights_loaded = loaded;
    assign err_proto      = errp_q;

    // status and tags not needed here (kept on the units' ports for reuse)
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_status = qk_idle ^ y_idle ^ attn_empty ^ qk_tdone ^ (|qk_tdone_tag) ^ (|qk_res_g) ^ y_tdone_tag[1]
                         ^ (|y_res_g) ^ y_res_tag[0];
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
`default_nettype wire
