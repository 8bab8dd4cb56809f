// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_attn: the SASA-specific part of the engine, this project's reading of spike-driven self-attention
// (golden/reference.py: sasa): per timestep t the Q words of all N tokens are buffered, the K spikes are
// counted per channel, a[c] = sum_n K[t, n, c], the attention mask is A[t, c] = a[c] >= theta_a[head(c)],
// and the Y engine is fed the tokens Y[t, n] = Q[t, n] & A[t]. Swappable: a different attention reading
// replaces this module only.
//
// Double-buffered (two banks): the QK side writes timestep t into bank t mod 2 while the Y side reads
// timestep t-1 from the other bank, so QK(t+1) overlaps Y(t).
//   - QK side: one `qk_valid` per (token, group) with the group's P lanes of Q and K spikes (n = qk_n,
//     group qk_g = 0..G-1 in order; qk_first on n = 0, qk_last on n = N-1; lane l is channel qk_g*P + l,
//     lanes past D are ignored). 1 + A_DELAY cycles after the last group of qk_last, A[t] is complete in
//     the bank's mask and the bank becomes readable (`a_latch` pulses). `wr_free`: the bank the next timestep writes
//     is free; the QK side starts a timestep only then.
//   - Y side: a token stream (y_tok, y_last = n is N-1, y_valid/y_ready; synchronous read of the Q
//     buffer, one token per cycle, also across banks). `y_release` (pulse) frees the oldest readable
//     bank when the Y side no longer needs it (its last token has been issued).
// Counters a[c] (ceil(log2(N+1)) bits) are P lane memories of G words (LUT RAM, read-modify-write at qk_g:
// the group's P counters are incremented together, no adder tree over N); at qk_last each group's P mask
// bits a >= theta_a are written into that group's slice of the bank's A mask (2 words of P bits per group,
// LUT RAM, bank = address; read into a register with each token, beside the Q word). The Q buffer is G
// lane-group memories written per group and read together, a LUT RAM read asynchronously at the registered address of the token on y_tok when small (RAM_STYLE = 2, or
// tool's choice and 2N <= QB_ASYNC_MAX words); otherwise the groups are gathered into a D-bit word (shift
// register) written at the token's last group into an sdp_ram (synchronous read into its output
// register). Either way y_tok holds while y_valid && !y_ready (a bank is rewritten only after its release).
module sasa_attn #(
    parameter integer D         = 32,  // channels
    parameter integer N         = 16,  // tokens per timestep
    parameter integer H         = 2,   // heads (D / H channels each)
    parameter integer P         = 8,   // lanes: channels per group (G = ceil(D / P) groups per token)
    parameter integer A_DELAY   = 0,   // extra cycles (0 or 1) from the last group of qk_last to a_latch
    parameter integer RAM_STYLE = 0    // Q buffer memory: 0 tool's choice, 1 block RAM, 2 LUT RAM, 3 UltraRAM
) (
    input  wire                                     clk,
    input  wire                                     rst,
    // theta_a write (weight loader)
    input  wire                                     tha_we,
    input  wire [((H > 1) ? $clog2(H) : 1)-1:0]     tha_addr,
    input  wire [$clog2(N + 1)-1:0]                 tha_data,
    // QK side
    input  wire                                     qk_valid,
    input  wire [((N > 1) ? $clog2(N) : 1)-1:0]     qk_n,
    input  wire [(((D + P - 1) / P > 1) ? $clog2((D + P - 1) / P) : 1)-1:0] qk_g,
    input  wire                                     qk_first,
    input  wire                                     qk_last,
    input  wire [P-1:0]                             q_grp,
    input  wire [P-1:0]                             k_grp,
    output wire                                     wr_free,
    output wire                                     a_latch,
    // Y side
    output wire [D-1:0]                             y_tok,
    output wire                                     y_last,
    output wire                                     y_valid,
    input  wire                                     y_ready,
    input  wire                                     y_release,
    output wire                                     empty     // no bank holds a timestep
);
    localparam integer CNT_W = $clog2(N + 1);                 // holds 0..N
    localparam integer NW    = (N > 1) ? $clog2(N) : 1;       // token index bits
    localparam integer HW    = (H > 1) ? $clog2(H) : 1;       // head index bits
    localparam integer HD    = D / H;                         // channels per head
    localparam integer G     = (D + P - 1) / P;               // channel groups
    localparam integer GW    = (G > 1) ? $clog2(G) : 1;       // group index bits
    localparam integer GP    = G * P;
    localparam integer NM1   = N - 1, GM1 = G - 1;
    localparam [NW-1:0] N_LAST = NM1[NW-1:0];
    localparam [GW-1:0] G_LAST = GM1[GW-1:0];
    localparam integer QDEPTH = 2 << NW;                      // Q buffer words: 2 banks
    localparam integer QB_ASYNC_MAX = 64;                     // RAM64M: the read is one LUT level
    localparam integer QB_ASYNC = (RAM_STYLE == 2 || (RAM_STYLE == 0 && QDEPTH <= QB_ASYNC_MAX)) ? 1 : 0;

    generate
        if (D < 1 || N < 1 || H < 1 || D % H != 0 || P < 1 || P > D
            || A_DELAY < 0 || A_DELAY > 1) begin : gen_param_error
            initial begin
                $display("ERROR: sasa_attn: D=%0d, N=%0d, H=%0d, P=%0d: need D, N, H >= 1, H | D, 1 <= P <= D (%m)",
                         D, N, H, P);
                $finish;
            end
            PARAMETER_ERROR_sasa_attn_inconsistent u_param_error ();
        end
    endgenerate

    // ------------------------------------------------------------------ banks
    reg [1:0]   full_q;     // bank holds a timestep not yet released
    reg [1:0]   rdy_q;      // bank holds a timestep not yet read out
    reg         wb_q;       // bank the QK side writes
    reg         rb_q;       // bank the token reader reads
    reg         lb_q;       // bank the next release frees
    reg         pend_q;     // qk_last seen: latch A next cycle
    wire        grp_last = (qk_g == G_LAST);
    wire        tok_end  = qk_valid && grp_last;    // the token's last group
    wire [GP-1:0] amask;    // A[t] of the output token's bank (group slices of the mask memories)
    wire [P-1:0]  a_grp;    // the group's mask bits a >= theta_a after this token's counts
    reg  [NW-1:0] rn_q;       // next token to read
    reg           ov_q;       // the RAM output register holds a token
    reg           olast_q;    // ... the last of its bank
    // obank_q is read by the asynchronous Q buffer only (QB_ASYNC)
    /* verilator lint_off UNUSEDSIGNAL */
    reg           obank_q;    // ... of this bank
    /* verilator lint_on UNUSEDSIGNAL */
    wire          rd_go = rdy_q[rb_q] && (!ov_q || y_ready);  // the next token is read

    // qk_last's last group -> (A_DELAY cycles) -> pend_q = a_latch: the caller's schedule sets A_DELAY
    wire pend_any;  // pend_q or its earlier stage
    wire pend_in = tok_end && qk_last;
    wire pend_d;    // pend_q's input
    generate
        if (A_DELAY != 0) begin : gen_adly
            reg pend0_q;
            always @(posedge clk) begin
                if (rst) pend0_q <= 1'b0;
                else pend0_q <= pend_in;
            end
            assign pend_d   = pend0_q;
            assign pend_any = pend_q || pend0_q;
        end else begin : gen_anow
            assign pend_d   = pend_in;
            assign pend_any = pend_q;
        end
    endgenerate
    assign wr_free = !full_q[wb_q] && !pend_any;
    assign a_latch = pend_q;
    assign empty   = (full_q == 2'b00) && !pend_any;

    // ------------------------------------------------------------------ token counts and A
    wire [H*CNT_W-1:0] tha_all;
    genvar gh, gl, gg;
    generate
        for (gh = 0; gh < H; gh = gh + 1) begin : gen_head
            reg [CNT_W-1:0] tha_q;
            always @(posedge clk) begin
                if (tha_we && tha_addr == gh[HW-1:0]) tha_q <= tha_data;
            end
            assign tha_all[gh * CNT_W +: CNT_W] = tha_q;
        end
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            // the theta_a of lane gl's channel in each group (the head of a channel is a constant; lanes
            // past D: never used, 0), selected at qk_g
            wire [CNT_W-1:0] th_g [0:G-1];
            for (gg = 0; gg < G; gg = gg + 1) begin : gen_th
                localparam integer CH = gg * P + gl;  // the channel of lane gl in group gg
                if (CH < D) begin : gen_ch
                    assign th_g[gg] = tha_all[(CH / HD) * CNT_W +: CNT_W];
                end else begin : gen_pad
                    assign th_g[gg] = {CNT_W{1'b0}};
                end
            end
            wire [CNT_W-1:0] th_l = th_g[qk_g];
            // a[c] of lane gl's channels, one word per group: read-modify-write at qk_g
            (* ram_style = "distributed" *) reg [CNT_W-1:0] cnt_mem [0:G-1];
            wire [CNT_W-1:0] k_x;  // this lane's K spike at CNT_W bits (CNT_W = 1 when N = 1: own branch)
            if (CNT_W > 1) begin : gen_k_ext
                assign k_x = {{(CNT_W - 1){1'b0}}, k_grp[gl]};
            end else begin : gen_k_bit
                assign k_x = k_grp[gl];
            end
            wire [CNT_W-1:0] cnt_nx = (qk_first ? {CNT_W{1'b0}} : cnt_mem[qk_g]) + k_x;
            always @(posedge clk) begin
                if (qk_valid) cnt_mem[qk_g] <= cnt_nx;
            end
            assign a_grp[gl] = (cnt_nx >= th_l);
        end
        // A[t] of each group, per bank (2 words of P bits): written with the timestep's last token
        for (gg = 0; gg < G; gg = gg + 1) begin : gen_amask
            (* ram_style = "distributed" *) reg [P-1:0] amask_mem [0:1];
            always @(posedge clk) begin
                if (qk_valid && qk_last && qk_g == gg[GW-1:0]) amask_mem[wb_q] <= a_grp;
            end
            // read into a register with the token (rd_go, its bank rb_q), beside the Q buffer's output
            // register: the bank's mask is complete before the bank is readable and is not rewritten before
            // its release, so this equals the mask read at obank_q whenever y_valid is high, and y_tok
            // leaves flip-flops (no LUT-RAM read in front of the Y engine's spike finder)
            reg [P-1:0] am_q;
            always @(posedge clk) begin
                if (rd_go) am_q <= amask_mem[rb_q];
            end
            assign amask[gg * P +: P] = am_q;
        end
    endgenerate

    // ------------------------------------------------------------------ Q buffer (2 banks x N words)
    wire [D-1:0]  q_rd;

    generate
        if (QB_ASYNC != 0) begin : gen_qb_async
            // one memory per group, written with its group, read together at the output token's address
            reg  [NW-1:0] on_q;  // the output token's index (its bank is obank_q)
            wire [GP-1:0] q_all;
            always @(posedge clk) begin
                if (rd_go) on_q <= rn_q;
            end
            for (gg = 0; gg < G; gg = gg + 1) begin : gen_qb
                (* ram_style = "distributed" *) reg [P-1:0] qb_mem [0:QDEPTH-1];
                always @(posedge clk) begin
                    if (qk_valid && qk_g == gg[GW-1:0]) qb_mem[{wb_q, qk_n}] <= q_grp;
                end
                assign q_all[gg * P +: P] = qb_mem[{obank_q, on_q}];
            end
            assign q_rd = q_all[D-1:0];
            if (GP > D) begin : gen_qpad
                // lanes past D of the last group: stored, never read
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_qpad = |q_all[GP-1:D];
                /* verilator lint_on UNUSEDSIGNAL */
            end
        end else begin : gen_qb_sync
            // the token's groups gathered into one D-bit word, written with its last group
            wire [GP-1:0] q_tok;
            if (G > 1) begin : gen_shift
                reg [GP-P-1:0] qacc_q;
                assign q_tok = {q_grp, qacc_q};
                always @(posedge clk) begin
                    if (qk_valid) qacc_q <= q_tok[GP-1:P];
                end
            end else begin : gen_noshift
                assign q_tok = q_grp;
            end
            if (GP > D) begin : gen_qpad
                // lanes past D of the last group: gathered, never stored
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_qpad = |q_tok[GP-1:D];
                /* verilator lint_on UNUSEDSIGNAL */
            end
            sdp_ram #(.W(D), .DEPTH(QDEPTH), .STYLE(RAM_STYLE)) u_qbuf (
                .clk(clk), .we(tok_end), .waddr({wb_q, qk_n}), .wdata(q_tok[D-1:0]),
                .re(rd_go), .raddr({rb_q, rn_q}), .rdata(q_rd));
        end
        if (GP > D) begin : gen_apad
            // mask bits of lanes past D: written, never read
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_apad = |amask[GP-1:D];
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate

    assign y_tok   = q_rd & amask[D-1:0];
    integer bk;
    assign y_last  = olast_q;
    assign y_valid = ov_q;

    always @(posedge clk) begin
        if (rd_go) begin
            olast_q <= (rn_q == N_LAST);
            obank_q <= rb_q;
        end
        if (rst) begin
            full_q <= 2'b00;
            rdy_q  <= 2'b00;
            wb_q   <= 1'b0;
            rb_q   <= 1'b0;
            lb_q   <= 1'b0;
            pend_q <= 1'b0;
            rn_q   <= {NW{1'b0}};
            ov_q   <= 1'b0;
        end else begin
            pend_q <= pend_d;
            // the bank flags per bank (a constant index: no dynamic bit-select on the left, which Yosys
            // builds with 32-bit index arithmetic); a clear after a set of the same bank wins, as before
            for (bk = 0; bk < 2; bk = bk + 1) begin
                if (pend_q && wb_q == bk[0]) begin
                    full_q[bk] <= 1'b1;
                    rdy_q[bk]  <= 1'b1;
                end
                if (y_release && lb_q == bk[0]) full_q[bk] <= 1'b0;
                if (rd_go && rn_q == N_LAST && rb_q == bk[0]) rdy_q[bk] <= 1'b0;
            end
            if (pend_q) wb_q <= !wb_q;
            if (y_release) lb_q <= !lb_q;
            if (rd_go) begin
                ov_q <= 1'b1;
                if (rn_q == N_LAST) begin
                    rn_q        <= {NW{1'b0}};
                    rb_q        <= !rb_q;
                end else begin
                    rn_q <= rn_q + 1'b1;
                end
            end else if (y_ready) begin
                ov_q <= 1'b0;
            end
        end
    end
endmodule
`default_nettype wire
