`default_nettype none
// sasa_core: the spike-driven SASA engine (docs/architecture.md). Per timestep t:
//   QK phase, per token n (one spike word from the input): for each channel group g of P lanes, one cycle
//     per active input spike j adds row (j, g) of Wq and of Wk into P+P lane accumulators (spike_finder
//     visits only set bits), then one LIF cycle adds the biases, updates the Q and K membranes of (n, g)
//     (kept in lane memories across timesteps) and shifts the P Q- and K-spikes into token registers. At
//     the token's last group the Q word is buffered (qbuf[n]) and the K spikes are added to the per-channel
//     counters a[c]. One accept cycle per token takes the word.
//   A phase (1 cycle): A[c] = a[c] >= theta_a[head(c)]; Y[0] = Q[0] & A is loaded.
//   Y phase, per token n and group g: one cycle per active spike of Y[n] adds row (j, g) of Wo, then one
//     emit cycle adds bo and hands the P-lane beat (t, n, g) to the output.
// Active cycles per image = T*(N*(1 + 2G) + 1) + G*(nnz(S) + nnz(Y)); cycles waiting on the input
// (accept) or the output (emit) are stalls and are not counted. Multiplier-free: addresses and group
// bases are counters, products exist only as elaboration-time constants.
module sasa_core #(
    parameter integer D     = 32,  // channels (spike word width)
    parameter integer N     = 16,  // tokens per timestep
    parameter integer T     = 4,   // timesteps per image
    parameter integer P     = 8,   // lanes: output channels per cycle
    parameter integer G     = 4,   // channel groups, ceil(D / P)
    parameter integer H     = 2,   // heads
    parameter integer HD    = 16,  // channels per head, D / H
    parameter integer W_W   = 4,   // weight width (signed)
    parameter integer B_W   = 12,  // bias width (signed)
    parameter integer TH_W  = 12,  // LIF threshold width (unsigned)
    parameter integer ACC_W = 19,  // accumulator = current = increment width (signed, proven)
    parameter integer MEM_W = 20,  // membrane width (signed, proven minimum or wider)
    parameter integer CNT_W = 5,   // token-count width: holds N (a[c] and theta_a)
    parameter integer K     = 1,   // LIF leak shift
    parameter integer OUT_LANE_W = 16, // output lane width (interface), >= ACC_W
    parameter integer CW    = 5,   // bits of a channel index (holds D-1)
    parameter integer LW    = 3,   // bits of a lane index (holds P-1)
    parameter integer GW    = 2,   // bits of a group index (holds G-1)
    parameter integer WA_W  = 7,   // bits of a weight-row address (holds G*D-1)
    parameter integer HW    = 1,   // bits of a head index (holds H-1)
    parameter integer NW    = 4,   // bits of a token index (holds N-1)
    parameter integer NGW   = 6,   // bits of a membrane address (holds N*G-1)
    parameter integer TW    = 2,   // bits of a timestep index (holds T-1)
    parameter integer WW    = 32,  // weight-stream word width (golden/interface.py WEIGHT_WORD_BITS)
    parameter [WW-1:0] MAGIC   = 32'h53415341,  // weight header word 0
    parameter [WW-1:0] VERSION = 32'd1,         // weight header word 1
    parameter [WW-1:0] HASH    = 32'd0,         // weight header word 2: config hash32
    parameter [WW-1:0] COUNT   = 32'd0          // weight header word 3: payload words
) (
    input  wire                    clk,
    input  wire                    rst,        // synchronous, active high
    // control (sasa_ctrl): between images, a new image begins only with start_en and weights load only
    // with load_en
    input  wire                    start_en,
    input  wire                    load_en,
    output wire                    img_start,      // one-cycle pulse: the first word of an image is taken
    output wire                    load_active,    // a weight load is in progress or a weight word waits
    // spikes in: one token word per beat
    input  wire [D-1:0]            in_data,
    input  wire                    in_last,
    input  wire                    in_valid,
    output wire                    in_ready,
    // weight-load stream
    input  wire [WW-1:0]           w_data,
    input  wire                    w_valid,
    input  wire                    w_last,
    output wire                    w_ready,
    // increments out: one beat per (t, n, g)
    output wire [P*OUT_LANE_W-1:0] out_data,
    output wire                    out_last,
    output wire                    out_valid,
    input  wire                    out_ready,
    // status (issue 5 maps these into AXI-Lite registers)
    output wire                    busy,           // inside an image
    output wire                    img_done,       // one-cycle pulse after an image's last beat
    output wire [31:0]             cycles_active,  // active cycles of the last image
    output wire [31:0]             cycles_total,   // first accept .. last emit of the last image
    output wire                    weights_loaded,
    output wire                    err_hdr,
    output wire                    err_len,
    output wire                    err_proto      // a spike-stream tlast was misplaced (sticky until a
                                                   // valid weight load or reset)
);
    localparam GP = G * P;
    localparam integer PAD_FROM = D - (G - 1) * P;  // lanes >= this are past D in the last group
    localparam [1:0] S_IN = 2'd0, S_QK = 2'd1, S_A = 2'd2, S_Y = 2'd3;
    localparam integer    GM1 = G - 1, NM1 = N - 1, TM1 = T - 1, DI = D;
    localparam [GW-1:0]   G_LAST = GM1[GW-1:0];
    localparam [NW-1:0]   N_LAST = NM1[NW-1:0];
    localparam [TW-1:0]   T_LAST = TM1[TW-1:0];
    localparam [WA_W-1:0] D_STEP = DI[WA_W-1:0];

    // ------------------------------------------------------------------ control registers
    reg [1:0]      state_q, state_d;
    reg [TW-1:0]   t_q, t_d;
    reg [NW-1:0]   n_q, n_d;
    reg [GW-1:0]   g_q, g_d;
    reg [WA_W-1:0] gb_q, gb_d;        // g * D, the weight-row base of group g
    reg [NGW-1:0]  ng_q, ng_d;        // membrane address of (n, g)
    reg [31:0]     act_q, act_d;      // active cycles of the running image
    reg [31:0]     tot_q, tot_d;      // all cycles of the running image
    reg [31:0]     stat_act_q, stat_act_d;
    reg [31:0]     stat_tot_q, stat_tot_d;
    reg            done_q, done_d;
    reg            errp_q, errp_d;
    reg            loaded_prev_q;  // weights_loaded one cycle ago: its rise is a valid load's end
    // ------------------------------------------------------------------ datapath registers (no reset)
    reg [D-1:0]    mask_q, mask_d;    // spikes of the current (token, group) not yet visited
    reg [D-1:0]    tok_q, tok_d;      // the current token's spike word (S in QK, Y in the Y phase)
    reg [GP-1:0]   qtok_q, qtok_d;    // Q spikes of the current token, shifted in P per group
    reg [GP-1:0]   ktok_q, ktok_d;    // K spikes of the current token
    reg [D-1:0]    amask_q, amask_d;  // A[t]
    reg [TH_W-1:0] thq_q, thk_q;      // theta_q, theta_k (loaded)

    // ------------------------------------------------------------------ weight loader
    wire idle = (state_q == S_IN) && (t_q == {TW{1'b0}}) && (n_q == {NW{1'b0}});
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

    sasa_wload #(
        .D(D), .P(P), .H(H), .CW(CW), .LW(LW), .GW(GW), .WA_W(WA_W), .HW(HW), .WW(WW),
        .MAGIC(MAGIC), .VERSION(VERSION), .HASH(HASH), .COUNT(COUNT)
    ) u_wload (
        .clk(clk), .rst(rst), .en(idle && load_en),
        .s_data(w_data), .s_valid(w_valid), .s_last(w_last), .s_ready(w_ready), .busy(wl_busy),
        .we_wq(we_wq), .we_wk(we_wk), .we_wo(we_wo), .we_bq(we_bq), .we_bk(we_bk), .we_bo(we_bo),
        .we_thq(we_thq), .we_thk(we_thk), .we_tha(we_tha),
        .lane_oh(wl_lane), .waddr(wl_waddr), .baddr(wl_baddr), .haddr(wl_haddr), .wdata(wl_data),
        .loaded(loaded), .err_hdr(err_hdr), .err_len(err_len)
    );

    always @(posedge clk) begin
        if (we_thq) thq_q <= wl_data[TH_W-1:0];
        if (we_thk) thk_q <= wl_data[TH_W-1:0];
    end

    // ------------------------------------------------------------------ next active spike
    wire          sp_any;
    wire [CW-1:0] sp_idx;
    wire [D-1:0]  sp_rest;
    spike_finder #(.W(D), .IW(CW)) u_find (.mask(mask_q), .any(sp_any), .idx(sp_idx), .rest(sp_rest));
    // the spike index zero-extended to a row address (WA_W == CW when G = 1: its own branch, since
    // Verilog-2001 has no zero-width replication)
    wire [WA_W-1:0] sp_idx_x;
    generate
        if (WA_W > CW) begin : gen_idx_ext
            assign sp_idx_x = {{(WA_W - CW){1'b0}}, sp_idx};
        end else begin : gen_idx_same
            assign sp_idx_x = sp_idx;
        end
    endgenerate
    wire [WA_W-1:0] w_raddr = gb_q + sp_idx_x;

    // ------------------------------------------------------------------ Q-spike buffer of timestep t
    wire [D-1:0]  qbuf_rd;
    wire [NW-1:0] qbuf_raddr = (state_q == S_Y && n_q != N_LAST) ? n_q + 1'b1 : {NW{1'b0}};
    reg           tok_end;   // LIF cycle of a token's last group
    reg           lif_fire;  // LIF cycle
    reg           acc_add;   // accumulate cycle
    reg           acc_clr;   // accumulators back to 0
    wire [P-1:0]  qs, ks;    // this cycle's Q and K spikes of group g, lane l at bit l
    wire [GP-1:0] qtok_nx, ktok_nx;

    lane_ram #(.W(D), .DEPTH(N), .AW(NW)) u_qbuf (
        .clk(clk), .we(tok_end), .waddr(n_q), .wdata(qtok_nx[D-1:0]), .raddr(qbuf_raddr), .rdata(qbuf_rd)
    );

    generate
        if (G > 1) begin : gen_shift
            assign qtok_nx = {qs, qtok_q[GP-1:P]};
            assign ktok_nx = {ks, ktok_q[GP-1:P]};
        end else begin : gen_noshift
            assign qtok_nx = qs;
            assign ktok_nx = ks;
        end
    endgenerate

    // ------------------------------------------------------------------ token counts a[c] and A
    wire [D-1:0]       a_cmp;    // a[c] >= theta_a[head(c)]
    wire [H*CNT_W-1:0] tha_all;  // theta_a of every head, head h at bits h*CNT_W
    genvar gc, gh, gl;
    generate
        for (gh = 0; gh < H; gh = gh + 1) begin : gen_head
            reg [CNT_W-1:0] tha_q;  // theta_a of head gh
            always @(posedge clk) begin
                if (we_tha && wl_haddr == gh[HW-1:0]) tha_q <= wl_data[CNT_W-1:0];
            end
            assign tha_all[gh * CNT_W +: CNT_W] = tha_q;
        end
        for (gc = 0; gc < D; gc = gc + 1) begin : gen_chan
            reg [CNT_W-1:0] cnt_q, cnt_d;
            wire [CNT_W-1:0] k_x;  // this channel's K spike at CNT_W bits (CNT_W = 1 when N = 1: own branch)
            if (CNT_W > 1) begin : gen_k_ext
                assign k_x = {{(CNT_W - 1){1'b0}}, ktok_nx[gc]};
            end else begin : gen_k_bit
                assign k_x = ktok_nx[gc];
            end
            always @* begin
                cnt_d = cnt_q;
                if (tok_end) cnt_d = ((n_q == {NW{1'b0}}) ? {CNT_W{1'b0}} : cnt_q) + k_x;
            end
            always @(posedge clk) cnt_q <= cnt_d;
            assign a_cmp[gc] = (cnt_q >= tha_all[(gc / HD) * CNT_W +: CNT_W]);
        end
    endgenerate

    // ------------------------------------------------------------------ lanes
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            wire [W_W-1:0]   wq_rd, wk_rd, wo_rd;
            wire [B_W-1:0]   bq_rd, bk_rd, bo_rd;
            wire [MEM_W-1:0] vq_rd, vk_rd, vq_nx, vk_nx;
            wire [ACC_W-1:0] wsel_x, wk_x, bq_x, bk_x, bo_x;
            wire [ACC_W-1:0] q_cur, k_cur, o_val;
            wire [OUT_LANE_W-1:0] o_lane;
            reg  [ACC_W-1:0] accq_q, accq_d, acck_q, acck_d;

            lane_ram #(.W(W_W), .DEPTH(G * D), .AW(WA_W)) u_wq (.clk(clk), .we(we_wq && wl_lane[gl]),
                .waddr(wl_waddr), .wdata(wl_data[W_W-1:0]), .raddr(w_raddr), .rdata(wq_rd));
            lane_ram #(.W(W_W), .DEPTH(G * D), .AW(WA_W)) u_wk (.clk(clk), .we(we_wk && wl_lane[gl]),
                .waddr(wl_waddr), .wdata(wl_data[W_W-1:0]), .raddr(w_raddr), .rdata(wk_rd));
            lane_ram #(.W(W_W), .DEPTH(G * D), .AW(WA_W)) u_wo (.clk(clk), .we(we_wo && wl_lane[gl]),
                .waddr(wl_waddr), .wdata(wl_data[W_W-1:0]), .raddr(w_raddr), .rdata(wo_rd));
            lane_ram #(.W(B_W), .DEPTH(G), .AW(GW)) u_bq (.clk(clk), .we(we_bq && wl_lane[gl]),
                .waddr(wl_baddr), .wdata(wl_data[B_W-1:0]), .raddr(g_q), .rdata(bq_rd));
            lane_ram #(.W(B_W), .DEPTH(G), .AW(GW)) u_bk (.clk(clk), .we(we_bk && wl_lane[gl]),
                .waddr(wl_baddr), .wdata(wl_data[B_W-1:0]), .raddr(g_q), .rdata(bk_rd));
            lane_ram #(.W(B_W), .DEPTH(G), .AW(GW)) u_bo (.clk(clk), .we(we_bo && wl_lane[gl]),
                .waddr(wl_baddr), .wdata(wl_data[B_W-1:0]), .raddr(g_q), .rdata(bo_rd));
            lane_ram #(.W(MEM_W), .DEPTH(N * G), .AW(NGW)) u_vq (.clk(clk), .we(lif_fire),
                .waddr(ng_q), .wdata(vq_nx), .raddr(ng_q), .rdata(vq_rd));
            lane_ram #(.W(MEM_W), .DEPTH(N * G), .AW(NGW)) u_vk (.clk(clk), .we(lif_fire),
                .waddr(ng_q), .wdata(vk_nx), .raddr(ng_q), .rdata(vk_rd));

            sign_extend #(.IN_W(W_W), .OUT_W(ACC_W)) u_xw (.din((state_q == S_Y) ? wo_rd : wq_rd), .dout(wsel_x));
            sign_extend #(.IN_W(W_W), .OUT_W(ACC_W)) u_xk (.din(wk_rd), .dout(wk_x));
            sign_extend #(.IN_W(B_W), .OUT_W(ACC_W)) u_xbq (.din(bq_rd), .dout(bq_x));
            sign_extend #(.IN_W(B_W), .OUT_W(ACC_W)) u_xbk (.din(bk_rd), .dout(bk_x));
            sign_extend #(.IN_W(B_W), .OUT_W(ACC_W)) u_xbo (.din(bo_rd), .dout(bo_x));

            always @* begin
                accq_d = accq_q;
                acck_d = acck_q;
                if (acc_clr) begin
                    accq_d = {ACC_W{1'b0}};
                    acck_d = {ACC_W{1'b0}};
                end else if (acc_add) begin
                    accq_d = accq_q + wsel_x;
                    acck_d = acck_q + wk_x;
                end
            end
            always @(posedge clk) begin
                accq_q <= accq_d;
                acck_q <= acck_d;
            end

            assign q_cur = accq_q + bq_x;
            assign k_cur = acck_q + bk_x;
            lif_unit #(.MEM_W(MEM_W), .CUR_W(ACC_W), .TH_W(TH_W), .K(K)) u_lifq (
                .v_old(vq_rd), .clear(t_q == {TW{1'b0}}), .cur(q_cur), .theta(thq_q),
                .v_new(vq_nx), .spike(qs[gl]));
            lif_unit #(.MEM_W(MEM_W), .CUR_W(ACC_W), .TH_W(TH_W), .K(K)) u_lifk (
                .v_old(vk_rd), .clear(t_q == {TW{1'b0}}), .cur(k_cur), .theta(thk_q),
                .v_new(vk_nx), .spike(ks[gl]));

            assign o_val = accq_q + bo_x;
            sign_extend #(.IN_W(ACC_W), .OUT_W(OUT_LANE_W)) u_xo (.din(o_val), .dout(o_lane));
            if (gl >= PAD_FROM) begin : gen_pad
                // lane past D in the last group: zero on the wire (interface), don't-care inside
                assign out_data[gl * OUT_LANE_W +: OUT_LANE_W] = (g_q == G_LAST) ? {OUT_LANE_W{1'b0}} : o_lane;
            end else begin : gen_full
                assign out_data[gl * OUT_LANE_W +: OUT_LANE_W] = o_lane;
            end
        end
    endgenerate

    // ------------------------------------------------------------------ FSM
    wire last_tok = (t_q == T_LAST) && (n_q == N_LAST);
    wire accept   = (state_q == S_IN) && in_valid && in_ready;
    wire active   = accept || (state_q == S_QK) || (state_q == S_A) || (state_q == S_Y && (sp_any || out_ready));

    assign in_ready = (state_q == S_IN) && (!idle || (start_en && loaded && !(w_valid && load_en) && !wl_busy));
    assign img_start   = accept && idle;
    assign load_active = wl_busy || w_valid;
    assign out_valid = (state_q == S_Y) && !sp_any;
    assign out_last  = last_tok && (g_q == G_LAST);

    always @* begin
        state_d    = state_q;
        t_d        = t_q;
        n_d        = n_q;
        g_d        = g_q;
        gb_d       = gb_q;
        ng_d       = ng_q;
        act_d      = act_q;
        tot_d      = tot_q;
        stat_act_d = stat_act_q;
        stat_tot_d = stat_tot_q;
        done_d     = 1'b0;
        errp_d     = errp_q && !(loaded && !loaded_prev_q);
        mask_d     = mask_q;
        tok_d      = tok_q;
        qtok_d     = qtok_q;
        ktok_d     = ktok_q;
        amask_d    = amask_q;
        tok_end    = 1'b0;
        lif_fire   = 1'b0;
        acc_add    = 1'b0;
        acc_clr    = 1'b0;

        if (!idle) begin
            tot_d = tot_q + 32'd1;
            if (active) act_d = act_q + 32'd1;
        end

        case (state_q)
            S_IN: begin
                if (accept) begin
                    if (idle) begin
                        act_d = 32'd1;
                        tot_d = 32'd1;
                    end
                    if (in_last != last_tok) errp_d = 1'b1;
                    tok_d   = in_data;
                    mask_d  = in_data;
                    g_d     = {GW{1'b0}};
                    gb_d    = {WA_W{1'b0}};
                    acc_clr = 1'b1;
                    state_d = S_QK;
                end
            end
            S_QK: begin
                if (sp_any) begin
                    acc_add = 1'b1;
                    mask_d  = sp_rest;
                end else begin
                    lif_fire = 1'b1;
                    acc_clr  = 1'b1;
                    qtok_d   = qtok_nx;
                    ktok_d   = ktok_nx;
                    ng_d     = ng_q + 1'b1;
                    mask_d   = tok_q;
                    if (g_q == G_LAST) begin
                        tok_end = 1'b1;
                        g_d     = {GW{1'b0}};
                        gb_d    = {WA_W{1'b0}};
                        if (n_q == N_LAST) begin
                            n_d     = {NW{1'b0}};
                            state_d = S_A;
                        end else begin
                            n_d     = n_q + 1'b1;
                            state_d = S_IN;
                        end
                    end else begin
                        g_d  = g_q + 1'b1;
                        gb_d = gb_q + D_STEP;
                    end
                end
            end
            S_A: begin
                amask_d = a_cmp;
                tok_d   = qbuf_rd & a_cmp;   // Y[t, 0]
                mask_d  = qbuf_rd & a_cmp;
                ng_d    = {NGW{1'b0}};
                acc_clr = 1'b1;
                state_d = S_Y;
            end
            default: begin  // S_Y
                if (sp_any) begin
                    acc_add = 1'b1;
                    mask_d  = sp_rest;
                end else if (out_ready) begin
                    acc_clr = 1'b1;
                    mask_d  = tok_q;
                    if (g_q == G_LAST) begin
                        g_d    = {GW{1'b0}};
                        gb_d   = {WA_W{1'b0}};
                        tok_d  = qbuf_rd & amask_q;  // Y[t, n+1]
                        mask_d = qbuf_rd & amask_q;
                        if (n_q == N_LAST) begin
                            n_d     = {NW{1'b0}};
                            state_d = S_IN;
                            if (t_q == T_LAST) begin
                                t_d        = {TW{1'b0}};
                                stat_act_d = act_q + 32'd1;
                                stat_tot_d = tot_q + 32'd1;
                                done_d     = 1'b1;
                            end else begin
                                t_d = t_q + 1'b1;
                            end
                        end else begin
                            n_d = n_q + 1'b1;
                        end
                    end else begin
                        g_d  = g_q + 1'b1;
                        gb_d = gb_q + D_STEP;
                    end
                end
            end
        endcase
    end

    always @(posedge clk) begin
        mask_q  <= mask_d;
        tok_q   <= tok_d;
        qtok_q  <= qtok_d;
        ktok_q  <= ktok_d;
        amask_q <= amask_d;
        if (rst) begin
            state_q    <= S_IN;
            t_q        <= {TW{1'b0}};
            n_q        <= {NW{1'b0}};
            g_q        <= {GW{1'b0}};
            gb_q       <= {WA_W{1'b0}};
            ng_q       <= {NGW{1'b0}};
            act_q      <= 32'd0;
            tot_q      <= 32'd0;
            stat_act_q <= 32'd0;
            stat_tot_q <= 32'd0;
            done_q     <= 1'b0;
            errp_q     <= 1'b0;
            loaded_prev_q <= 1'b0;
        end else begin
            state_q    <= state_d;
            t_q        <= t_d;
            n_q        <= n_d;
            g_q        <= g_d;
            gb_q       <= gb_d;
            ng_q       <= ng_d;
            act_q      <= act_d;
            tot_q      <= tot_d;
            stat_act_q <= stat_act_d;
            stat_tot_q <= stat_tot_d;
            done_q     <= done_d;
            errp_q     <= errp_d;
            loaded_prev_q <= loaded;
        end
    end

    assign busy           = !idle;
    assign img_done       = done_q;
    assign cycles_active  = stat_act_q;
    assign cycles_total   = stat_tot_q;
    assign weights_loaded = loaded;
    assign err_proto      = errp_q;
endmodule
`default_nettype wire
