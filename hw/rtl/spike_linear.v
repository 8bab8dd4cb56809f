// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// spike_linear: the spike-driven linear layer of the SAFormer engines. For one token (FAN_IN input
// spikes) it computes, for each output group g of P lanes (G = ceil(FAN_OUT / P) groups), the M
// currents  b[m][gP+l] + sum over active spikes j of W[m][j][gP+l]  (M matrices share the input
// spikes, e.g. Wq and Wk). Only active spikes cost cycles: a group with k active spikes takes max(1, k)
// issue cycles, so a token takes G * max(1, nnz) cycles; the next token is taken in the last issue
// cycle of the previous one, so consecutive tokens do not lose a cycle. There is no prefetch slot: the
// producer holds its token (AXI-Stream style) until it is taken; it is registered as it stands (no finder
// looks at tok_data, only a per-chunk spike count saturated at two).
//
// Pipeline (every stage advances only while `en` = 1; en = 0 freezes all of them, RAM reads included):
//   I  issue: the group's lowest spike not yet issued (spike_chunks, the two-level finder net_slin uses: the
//      mask of the group's remaining spikes and its per-chunk flags are registered, the spike's chunk is a
//      one-hot select of the flags alone, "last of the group" a function of the flags); its chunk and every
//      chunk's lowest bit are registered for R
//   R  read:  the index j is encoded (one-hot selects) and the weight address g * FAN_IN + j formed (the
//             group base is a counter; only the bits above FAN_IN's low zero bits are added, none for a power
//             of two); a synchronous read (sdp_ram) is issued, or, for a small weight memory (LUT RAM:
//             RAM_STYLE = 2, or tool's choice and G * FAN_IN <= ASYNC_MAX words), the address is registered
//             for A instead. (Encoding j in I and registering it instead: -66 FF, +78 LUT at cifar10-pynq.)
//   A  add:   acc = (first of group ? bias[g] : acc) + (bubble ? 0 : w)  -- w: the read data (or the
//             asynchronous LUT-RAM read at the registered address); bias[g]: the small bias table
//             (G words, LUT RAM) read asynchronously here
//   O  the group's result sits in the accumulators, `res_valid` = 1, for exactly one `en` cycle
// Latency from a group's last issue cycle to its result: 3 `en` cycles.
//
// Port contract:
//   - token in: `tok_data`/`tok_tag` are taken when tok_valid && tok_ready (tok_ready depends on en and on
//     the issue state, not on tok_valid); the producer holds them stable until then.
//   - weight/bias write: word (j, c) of matrix m lives in lane c mod P at address (c div P)*FAN_IN + j,
//     bias c in lane c mod P at address c div P; `wr_lane` is one-hot. Writes only while idle.
//   - results: res_valid with res_g (group), res_tok_end (token's last group), res_tag (the token's tag);
//     res_data holds matrix m lane l at bits ((m*P + l)*ACC_W) +: ACC_W, ACC_W-bit two's complement. The
//     consumer takes a result in a cycle with res_valid && en.
//   - `issue` is 1 in each issue cycle (the stall-invariant active cycles), `starve` when the issue
//     stage has no token, `idle` when nothing is in flight. `tok_done` pulses (with tok_done_tag) in a
//     token's last issue cycle.
// Widths: wrap-around in ACC_W is harmless when ACC_W holds the final result (proven by the config).
module spike_linear #(
    parameter integer FAN_IN    = 32,  // input channels: bits of a token
    parameter integer FAN_OUT   = 32,  // output channels
    parameter integer P         = 8,   // lanes: output channels per group
    parameter integer M         = 1,   // matrices that share the input spikes
    parameter integer W_W       = 4,   // weight width (signed)
    parameter integer B_W       = 12,  // bias width (signed)
    parameter integer ACC_W     = 19,  // accumulator / current width (signed), >= W_W and >= B_W
    parameter integer TAG_W     = 1,   // bits of the tag carried from a token to its results
    parameter integer RAM_STYLE = 0    // weight memories: 0 tool's choice, 1 block RAM, 2 LUT RAM, 3 UltraRAM
) (
    input  wire                     clk,
    input  wire                     rst,        // synchronous, active high
    input  wire                     en,         // pipeline advance
    // token in
    input  wire [FAN_IN-1:0]        tok_data,
    input  wire [TAG_W-1:0]         tok_tag,
    input  wire                     tok_valid,
    output wire                     tok_ready,
    // weight / bias write port (the loader's addresses)
    input  wire [M-1:0]             w_we,
    input  wire [M-1:0]             b_we,
    input  wire [P-1:0]             wr_lane,
    input  wire [(((FAN_OUT + P - 1) / P) * FAN_IN > 1 ? $clog2(((FAN_OUT + P - 1) / P) * FAN_IN) : 1)-1:0] w_waddr,
    input  wire [((FAN_OUT + P - 1) / P > 1 ? $clog2((FAN_OUT + P - 1) / P) : 1)-1:0] b_waddr,
    input  wire [W_W-1:0]           w_wdata,
    input  wire [B_W-1:0]           b_wdata,
    // results: one per (token, group)
    output wire                     res_valid,
    output wire [((FAN_OUT + P - 1) / P > 1 ? $clog2((FAN_OUT + P - 1) / P) : 1)-1:0] res_g,
    output wire                     res_tok_end,
    output wire [TAG_W-1:0]         res_tag,
    output wire [M*P*ACC_W-1:0]     res_data,
    // activity
    output wire                     issue,
    output wire                     starve,
    output wire                     idle,
    output wire                     tok_done,
    output wire [TAG_W-1:0]         tok_done_tag
);
    function integer ksel;  // spike_chunks' chunk index bits: the least k >= 1 with 2 * 4^k >= x
        input [31:0] x;
        integer v;
        begin
            ksel = 1;
            for (v = 8; v < x; v = v << 2) ksel = ksel + 1;
        end
    endfunction
    function integer tz;  // trailing zero bits of x (>= 1)
        input [31:0] x;
        integer v;
        begin
            tz = 0;
            for (v = x; v % 2 == 0; v = v / 2) tz = tz + 1;
        end
    endfunction
    // ------------------------------------------------------------------ derived figures
    localparam integer G    = (FAN_OUT + P - 1) / P;                      // output groups
    localparam integer GW   = (G > 1) ? $clog2(G) : 1;                    // group index bits
    localparam integer CW   = (FAN_IN > 1) ? $clog2(FAN_IN) : 1;          // input index bits
    localparam integer WD   = G * FAN_IN;                                 // weight words per lane
    localparam integer WA   = (WD > 1) ? $clog2(WD) : 1;                  // weight address bits
    localparam integer GM1  = G - 1;
    localparam [GW-1:0] G_LAST = GM1[GW-1:0];
    localparam integer FZ   = tz(FAN_IN);                                 // FAN_IN's low zero bits
    localparam integer HB   = (WA > FZ) ? WA - FZ : 1;                    // group base bits above them
    localparam integer FH   = FAN_IN >> FZ;
    localparam [HB-1:0] STEP_H = FH[HB-1:0];                              // group base step (upper bits)
    localparam integer ASYNC_MAX = 128;  // RAM64M pairs + a 2:1 mux: the read stays two LUT levels
    localparam integer W_ASYNC = (RAM_STYLE == 2 || (RAM_STYLE == 0 && WD <= ASYNC_MAX)) ? 1 : 0;

    generate
        if (FAN_IN < 1 || FAN_OUT < 1 || P < 1 || P > FAN_OUT || M < 1 || ACC_W < W_W || ACC_W < B_W
            || TAG_W < 1) begin : gen_param_error
            initial begin
                $display("ERROR: spike_linear: bad parameters FAN_IN=%0d FAN_OUT=%0d (%m)", FAN_IN, FAN_OUT);
                $display("  P=%0d M=%0d", P, M);
                $display("  W_W=%0d B_W=%0d ACC_W=%0d", W_W, B_W, ACC_W);
                $finish;
            end
            PARAMETER_ERROR_spike_linear_inconsistent u_param_error ();
        end
    endgenerate

    // ------------------------------------------------------------------ issue stage: the two-level finder
    // spike_chunks (net_slin's finder): the group's spikes not yet issued (the one issued now included) in
    // m_q, with per-chunk flags nz_q / g2_q registered beside it; the spike issued now is m_q's lowest (its
    // chunk one-hot, every chunk's lowest bit: registered for R, which encodes the index), and "it is the
    // group's last" is a function of the flags alone. A token is taken as it stands (its chunk flags from a
    // shallow pop_sat3 per chunk, no finder on tok_data), and every group restarts from the token's copy.
    localparam integer KW = (FAN_IN >= 128 && ksel(FAN_IN) < 4) ? 4 : ksel(FAN_IN);  // chunk index bits
    localparam integer C  = (FAN_IN + (1 << KW) - 1) / (1 << KW);                    // chunks
    reg              have_q;                 // a token is being issued
    reg [TAG_W-1:0]  t_tag_q;
    reg [FAN_IN-1:0] t_tok_q;                // the token's spikes (each group restarts from them)
    reg [C-1:0]      t_nz_q, t_g2_q;         // ... and their chunk flags
    reg [FAN_IN-1:0] m_q;                    // the group's spikes not yet issued, the one issued now included
    reg [C-1:0]      nz_q, g2_q;             // per chunk of m_q: some spike / at least two
    reg              s_first_q;              // this issue is the group's first
    reg [GW-1:0]     g_q;
    reg [HB-1:0]     gbh_q;                  // g * FAN_IN >> FZ: the group's weight base above its zero bits
    reg [C-1:0]      r_sel_q;                // R: the spike's chunk (one-hot) and every chunk's lowest bit
    reg [C*KW-1:0]   r_loc_q;
    wire             s_any, grp_last;
    wire [C-1:0]     sel, nz_rest, g2_rest, in_nz, in_g2;
    wire [C*KW-1:0]  locs;
    wire [FAN_IN-1:0] m_rest;
    wire [CW-1:0]    r_idx;                  // R: the issued spike's index (0 for a bubble)
    spike_chunks #(.W(FAN_IN), .KW(KW), .IW(CW)) u_find (
        .mask(m_q), .nz(nz_q), .g2(g2_q), .any(s_any), .one(grp_last), .sel(sel), .locs(locs), .rest(m_rest),
        .nz_rest(nz_rest), .g2_rest(g2_rest), .in(tok_data), .in_nz(in_nz), .in_g2(in_g2),
        .r_sel(r_sel_q), .r_loc(r_loc_q), .r_idx(r_idx));

    wire issue_w  = have_q && en;
    wire tok_last = grp_last && (g_q == G_LAST);
    assign tok_ready = en && (!have_q || tok_last);
    wire xfer     = tok_valid && tok_ready;                   // token in -> issue stage

    // ------------------------------------------------------------------ R and A stage controls
    reg              r_v_q, r_first_q, r_last_q, r_bub_q, r_tend_q;
    reg [GW-1:0]     r_g_q;
    reg [HB-1:0]     r_gbh_q;                // the group's weight base (its upper bits)
    reg [TAG_W-1:0]  r_tag_q;
    reg              a_v_q, a_first_q, a_last_q, a_bub_q, a_tend_q;
    reg [GW-1:0]     a_g_q;
    reg [TAG_W-1:0]  a_tag_q;
    reg              o_v_q, o_tend_q;
    reg [GW-1:0]     o_g_q;
    reg [TAG_W-1:0]  o_tag_q;

    always @(posedge clk) begin
        if (en) begin
            if (xfer) begin
                t_tag_q   <= tok_tag;
                t_tok_q   <= tok_data;
                t_nz_q    <= in_nz;
                t_g2_q    <= in_g2;
                m_q       <= tok_data;
                nz_q      <= in_nz;
                g2_q      <= in_g2;
                s_first_q <= 1'b1;
                g_q       <= {GW{1'b0}};
                gbh_q     <= {HB{1'b0}};
            end else if (issue_w) begin
                if (!grp_last) begin
                    m_q       <= m_rest;
                    nz_q      <= nz_rest;
                    g2_q      <= g2_rest;
                    s_first_q <= 1'b0;
                end else if (!tok_last) begin
                    m_q       <= t_tok_q;
                    nz_q      <= t_nz_q;
                    g2_q      <= t_g2_q;
                    s_first_q <= 1'b1;
                    g_q       <= g_q + 1'b1;
                    gbh_q     <= gbh_q + STEP_H;
                end
            end
            r_first_q <= s_first_q;
            r_last_q  <= grp_last;
            r_bub_q   <= !s_any;
            r_tend_q  <= tok_last;
            r_g_q     <= g_q;
            r_gbh_q   <= gbh_q;
            r_sel_q   <= sel;
            r_loc_q   <= locs;
            r_tag_q   <= t_tag_q;
            a_first_q <= r_first_q;
            a_last_q  <= r_last_q;
            a_bub_q   <= r_bub_q;
            a_tend_q  <= r_tend_q;
            a_g_q     <= r_g_q;
            a_tag_q   <= r_tag_q;
            o_tend_q  <= a_tend_q;
            o_g_q     <= a_g_q;
            o_tag_q   <= a_tag_q;
        end
        if (rst) begin
            have_q  <= 1'b0;
            r_v_q   <= 1'b0;
            a_v_q   <= 1'b0;
            o_v_q   <= 1'b0;
        end else begin
            if (en) begin
                if (xfer) have_q <= 1'b1;
                else if (issue_w && tok_last) have_q <= 1'b0;
                r_v_q <= issue_w;
                a_v_q <= r_v_q;
                o_v_q <= a_v_q && a_last_q;
            end
        end
    end

    // ------------------------------------------------------------------ weight read address (R)
    // g * FAN_IN + j: FAN_IN's FZ low zero bits make the group base's low bits zero, so only the bits above FZ
    // are added (j's bits above FZ into the base's), the low ones are j's: a concatenation when FAN_IN is a
    // power of two (G = 1: j alone)
    wire [WA-1:0] w_raddr;
    generate
        if (G == 1) begin : gen_ra_one
            assign w_raddr = r_idx[WA-1:0];
            // one group: the group base is always 0 and unread
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_gbh = |r_gbh_q;
            /* verilator lint_on UNUSEDSIGNAL */
        end else if (CW <= FZ) begin : gen_ra_cat
            assign w_raddr = {r_gbh_q, r_idx};
        end else if (FZ > 0) begin : gen_ra_add
            wire [HB-1:0] jh = {{(HB - CW + FZ){1'b0}}, r_idx[CW-1:FZ]};
            assign w_raddr = {r_gbh_q + jh, r_idx[FZ-1:0]};
        end else begin : gen_ra_odd
            wire [HB-1:0] jh;
            if (HB > CW) begin : gen_jh_ext
                assign jh = {{(HB - CW){1'b0}}, r_idx};
            end else begin : gen_jh_same
                assign jh = r_idx[HB-1:0];
            end
            assign w_raddr = r_gbh_q + jh;
        end
    endgenerate
    wire [WA-1:0] a_waddr;  // the A stage's weight address (asynchronous-read branch)
    generate
        if (W_ASYNC != 0) begin : gen_wa
            reg [WA-1:0] a_wa_q;
            always @(posedge clk) begin
                if (en) a_wa_q <= w_raddr;
            end
            assign a_waddr = a_wa_q;
        end else begin : gen_wa_none
            assign a_waddr = {WA{1'b0}};
            // the synchronous read takes w_raddr in R: the A-stage address is not used
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_waddr = |a_waddr;
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate

    // ------------------------------------------------------------------ lanes: memories + accumulators
    genvar gm, gl;
    generate
        for (gm = 0; gm < M; gm = gm + 1) begin : gen_mat
            for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
                wire [W_W-1:0]   w_rd;
                wire [B_W-1:0]   b_rd;
                wire [ACC_W-1:0] w_x, b_x;
                reg  [ACC_W-1:0] acc_q;
                if (W_ASYNC != 0) begin : gen_w_async
                    (* ram_style = "distributed" *) reg [W_W-1:0] w_mem [0:WD-1];
                    always @(posedge clk) begin
                        if (w_we[gm] && wr_lane[gl]) w_mem[w_waddr] <= w_wdata;
                    end
                    assign w_rd = w_mem[a_waddr];
                end else begin : gen_w_sync
                    sdp_ram #(.W(W_W), .DEPTH(WD), .STYLE(RAM_STYLE)) u_w (
                        .clk(clk), .we(w_we[gm] && wr_lane[gl]), .waddr(w_waddr), .wdata(w_wdata),
                        .re(en), .raddr(w_raddr), .rdata(w_rd));
                end
                // the bias table (G words) is small: LUT RAM read asynchronously in stage A at a_g_q (no
                // output register: it would only mirror a_g_q, and the A stage has the levels to spare)
                (* ram_style = "distributed" *) reg [B_W-1:0] b_mem [0:G-1];
                always @(posedge clk) begin
                    if (b_we[gm] && wr_lane[gl]) b_mem[b_waddr] <= b_wdata;
                end
                assign b_rd = b_mem[a_g_q];
                sign_extend #(.IN_W(W_W), .OUT_W(ACC_W)) u_xw (.din(w_rd), .dout(w_x));
                sign_extend #(.IN_W(B_W), .OUT_W(ACC_W)) u_xb (.din(b_rd), .dout(b_x));
                always @(posedge clk) begin
                    if (en && a_v_q) acc_q <= (a_first_q ? b_x : acc_q) + (a_bub_q ? {ACC_W{1'b0}} : w_x);
                end
                assign res_data[(gm * P + gl) * ACC_W +: ACC_W] = acc_q;
            end
        end
    endgenerate

    assign res_valid    = o_v_q;
    assign res_g        = o_g_q;
    assign res_tok_end  = o_tend_q;
    assign res_tag      = o_tag_q;
    assign issue        = issue_w;
    assign starve       = !have_q;
    assign idle         = !have_q && !r_v_q && !a_v_q && !o_v_q;
    assign tok_done     = issue_w && tok_last;
    assign tok_done_tag = t_tag_q;
endmodule
`default_nettype wire
