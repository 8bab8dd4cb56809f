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
//   - QK side: one `qk_valid` per token with its Q and K words (n = qk_n; qk_first on n = 0, qk_last on
//     n = N-1). The cycle after qk_last, A[t] is latched from the counts into the bank's mask and the bank
//     becomes readable (`a_latch` pulses). `wr_free`: the bank the next timestep writes is free; the QK
//     side starts a timestep only then.
//   - Y side: a token stream (y_tok, y_last = n is N-1, y_valid/y_ready; synchronous read of the Q
//     buffer, one token per cycle, also across banks). `y_release` (pulse) frees the oldest readable
//     bank when the Y side no longer needs it (its last token has been issued).
// Counters a[c] are D registers of ceil(log2(N+1)) bits, incremented per token (no adder tree over N).
// The two A masks are a 2-word LUT RAM (bank = address). The Q buffer is an sdp_ram (synchronous read into
// its output register), or, when small (LUT RAM: RAM_STYLE = 2, or tool's choice and 2N <= QB_ASYNC_MAX
// words), a LUT RAM read asynchronously at the registered address of the token on y_tok; either way y_tok
// holds while y_valid && !y_ready (a bank is rewritten only after its release).
module sasa_attn #(
    parameter integer D         = 32,  // channels
    parameter integer N         = 16,  // tokens per timestep
    parameter integer H         = 2,   // heads (D / H channels each)
    parameter integer RAM_STYLE = 0    // Q buffer memory: 0 tool's choice, 1 block RAM, 2 LUT RAM
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
    input  wire                                     qk_first,
    input  wire                                     qk_last,
    input  wire [D-1:0]                             q_word,
    input  wire [D-1:0]                             k_word,
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
    localparam integer NM1   = N - 1;
    localparam [NW-1:0] N_LAST = NM1[NW-1:0];
    localparam integer QDEPTH = 2 << NW;                      // Q buffer words: 2 banks
    localparam integer QB_ASYNC_MAX = 64;                     // RAM64M: the read is one LUT level
    localparam integer QB_ASYNC = (RAM_STYLE == 2 || (RAM_STYLE == 0 && QDEPTH <= QB_ASYNC_MAX)) ? 1 : 0;

    generate
        if (D < 1 || N < 1 || H < 1 || D % H != 0) begin : gen_param_error
            initial begin
                $display("ERROR: sasa_attn: D=%0d, N=%0d, H=%0d: need D, N, H >= 1 and H dividing D (%m)", D, N, H);
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
    // A[t] of each bank (written when A is latched, read at the output token's bank)
    (* ram_style = "distributed" *) reg [D-1:0] amask_mem [0:1];

    assign wr_free = !full_q[wb_q] && !pend_q;
    assign a_latch = pend_q;
    assign empty   = (full_q == 2'b00) && !pend_q;

    // ------------------------------------------------------------------ token counts and A
    wire [D-1:0]       a_cmp;
    wire [H*CNT_W-1:0] tha_all;
    genvar gh, gc;
    generate
        for (gh = 0; gh < H; gh = gh + 1) begin : gen_head
            reg [CNT_W-1:0] tha_q;
            always @(posedge clk) begin
                if (tha_we && tha_addr == gh[HW-1:0]) tha_q <= tha_data;
            end
            assign tha_all[gh * CNT_W +: CNT_W] = tha_q;
        end
        for (gc = 0; gc < D; gc = gc + 1) begin : gen_chan
            reg  [CNT_W-1:0] cnt_q;
            wire [CNT_W-1:0] k_x;  // this channel's K spike at CNT_W bits (CNT_W = 1 when N = 1: own branch)
            if (CNT_W > 1) begin : gen_k_ext
                assign k_x = {{(CNT_W - 1){1'b0}}, k_word[gc]};
            end else begin : gen_k_bit
                assign k_x = k_word[gc];
            end
            always @(posedge clk) begin
                if (qk_valid) cnt_q <= (qk_first ? {CNT_W{1'b0}} : cnt_q) + k_x;
            end
            assign a_cmp[gc] = (cnt_q >= tha_all[(gc / HD) * CNT_W +: CNT_W]);
        end
    endgenerate

    // ------------------------------------------------------------------ Q buffer (2 banks x N words)
    reg  [NW-1:0] rn_q;       // next token to read
    reg           ov_q;       // the RAM output register holds a token
    reg           olast_q;    // ... the last of its bank
    reg           obank_q;    // ... of this bank
    wire [D-1:0]  q_rd;
    wire          rd_go = rdy_q[rb_q] && (!ov_q || y_ready);

    generate
        if (QB_ASYNC != 0) begin : gen_qb_async
            reg [NW-1:0] on_q;  // the output token's index (its bank is obank_q)
            (* ram_style = "distributed" *) reg [D-1:0] qb_mem [0:QDEPTH-1];
            always @(posedge clk) begin
                if (qk_valid) qb_mem[{wb_q, qk_n}] <= q_word;
                if (rd_go) on_q <= rn_q;
            end
            assign q_rd = qb_mem[{obank_q, on_q}];
        end else begin : gen_qb_sync
            sdp_ram #(.W(D), .DEPTH(QDEPTH), .STYLE(RAM_STYLE)) u_qbuf (
                .clk(clk), .we(qk_valid), .waddr({wb_q, qk_n}), .wdata(q_word),
                .re(rd_go), .raddr({rb_q, rn_q}), .rdata(q_rd));
        end
    endgenerate

    assign y_tok   = q_rd & amask_mem[obank_q];
    assign y_last  = olast_q;
    assign y_valid = ov_q;

    always @(posedge clk) begin
        if (pend_q) amask_mem[wb_q] <= a_cmp;
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
            pend_q <= qk_valid && qk_last;
            if (pend_q) begin
                full_q[wb_q] <= 1'b1;
                rdy_q[wb_q]  <= 1'b1;
                wb_q         <= !wb_q;
            end
            if (y_release) begin
                full_q[lb_q] <= 1'b0;
                lb_q         <= !lb_q;
            end
            if (rd_go) begin
                ov_q <= 1'b1;
                if (rn_q == N_LAST) begin
                    rn_q        <= {NW{1'b0}};
                    rdy_q[rb_q] <= 1'b0;
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
