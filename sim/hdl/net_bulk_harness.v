// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_bulk_harness: the simulation-only stream player and recorder of the bulk network runs
// (sim/net_bulk.py builds and reads it; the generated net_bulk_top wires it to net_engine). The clock comes
// from the C++ main (sim/hdl/net_bulk_main.cpp) so no Python runs per cycle; the program starts at the first
// edge. A program of 64-bit words (prog.mem, op in bits
// 63:56) drives it: RESET (aresetn low for `arg` cycles), WEIGHTS (stream weight words off..off+len of
// w.mem, then wait for weights_loaded), IMAGES (start the pixel player on slots first..first+count of
// px.mem, without waiting), WAITPX, DRAIN (every slot sent since the last reset answered and busy low, or
// a timeout), DELAY, END (raise `done`). Pixel and weight words are presented with LFSR-drawn idle bursts,
// the result stream's tready with LFSR-drawn backpressure bursts (plusargs SEED, IN_P, IN_BURST, W_P,
// W_BURST, OUT_P, OUT_BURST; P in 1/65536 per beat or cycle). Every event goes, in order, to OUTDIR/out.log:
//   R <cyc>             the DUT enters reset (an epoch ends; later lines belong to the next epoch)
//   W <set> <cyc>       a weight load begins;  L <cyc> <loaded> <err_hdr> <err_len>  it ended
//   I <slot> <cyc>      the last pixel beat of a slot was taken;  A <slot>  a slot cut by a reset
//   o <last> <hex>      a result beat taken;  C <module> <cycles>  a module's per-image cycle counter
//   D <cyc> <frames> <slots> <timeout>   a DRAIN ended;  F <text>  a fault (timeout);  E <cyc>  the end
// `mon_en` is high when the DUT's registered reset (net_engine: rst_q <= !aresetn) is low, so a transfer
// is recorded exactly when the DUT makes it; `rst_ev` pulses on the last cycle before the DUT's reset.
// Simulation-only: the clocked blocks use blocking temporaries (random draws, the signature fold) on purpose.
/* verilator lint_off BLKSEQ */
module net_bulk_harness #(
    parameter integer PXW      = 64,       // pixel beat width
    parameter integer BPI      = 8,        // pixel beats per image (slot)
    parameter integer NM       = 1,        // modules with a per-image cycle counter (mon_done bits)
    parameter integer PX_DEPTH = 1 << 20,  // pixel memory words (slots * BPI)
    parameter integer W_DEPTH  = 1 << 18,  // weight memory words (every weight set)
    parameter integer P_DEPTH  = 1 << 16   // program words
) (
    output reg             done,         // the program ended (END op or a fault); logs are flushed
    output wire [63:0]     cycles,       // clock cycles since time 0
    output wire            fin,          // the program has ended: the recorders flush their logs
    input  wire            clk,          // from the C++ main (net_bulk_main.cpp), one edge per cycle
    output reg             aresetn,
    output wire            mon_en,
    output wire            rst_ev,
    output wire [PXW-1:0]  px_tdata,
    output wire            px_tvalid,
    input  wire            px_tready,
    output wire            px_tlast,
    output wire [31:0]     w_tdata,
    output wire            w_tvalid,
    input  wire            w_tready,
    output wire            w_tlast,
    input  wire [31:0]     o_tdata,
    input  wire            o_tvalid,
    output wire            o_tready,
    input  wire            o_tlast,
    input  wire            weights_loaded,
    input  wire            err_hdr,
    input  wire            err_len,
    input  wire            busy,
    input  wire [NM-1:0]   mon_done,
    input  wire [32*NM-1:0] mon_cyc
);
    localparam [7:0] OP_END = 8'd0, OP_WEIGHTS = 8'd1, OP_IMAGES = 8'd2, OP_WAITPX = 8'd3, OP_DRAIN = 8'd4,
                     OP_DELAY = 8'd5, OP_RESET = 8'd6;
    localparam [2:0] S_IDLE = 3'd0, S_FETCH = 3'd1, S_WAIT_W = 3'd2, S_WAIT_PX = 3'd3, S_DRAIN = 3'd4,
                     S_DELAY = 3'd5, S_RESET = 3'd6, S_DONE = 3'd7;

    reg [PXW:0] px_mem [0:PX_DEPTH-1];  // {tlast, beat}
    reg [32:0]  w_mem  [0:W_DEPTH-1];   // {tlast, word}
    reg [63:0]  prog   [0:P_DEPTH-1];

    // ------------------------------------------------------------------ plusargs, files
    integer fd;
    reg [8*1024-1:0] outdir;
    reg [8*1100-1:0] fname;
    reg [31:0] seed, in_p, in_burst, w_p, w_burst, out_p, out_burst, timeout;
    reg [63:0] max_cycles;
    initial begin
        done = 1'b0;
        aresetn = 1'b1;  // the program's first op resets the DUT
        if (!$value$plusargs("OUTDIR=%s", outdir)) $fatal(1, "net_bulk_harness: +OUTDIR=<folder> missing");
        $sformat(fname, "%0s/px.mem", outdir);
        $readmemh(fname, px_mem);
        $sformat(fname, "%0s/w.mem", outdir);
        $readmemh(fname, w_mem);
        $sformat(fname, "%0s/prog.mem", outdir);
        $readmemh(fname, prog);
        $sformat(fname, "%0s/out.log", outdir);
        fd = $fopen(fname, "w");
        if (fd == 0) $fatal(1, "net_bulk_harness: cannot write %0s", fname);
        if (!$value$plusargs("SEED=%d", seed)) seed = 32'd1;
        if (!$value$plusargs("IN_P=%d", in_p)) in_p = 32'd0;
        if (!$value$plusargs("IN_BURST=%d", in_burst)) in_burst = 32'd1;
        if (!$value$plusargs("W_P=%d", w_p)) w_p = 32'd0;
        if (!$value$plusargs("W_BURST=%d", w_burst)) w_burst = 32'd1;
        if (!$value$plusargs("OUT_P=%d", out_p)) out_p = 32'd0;
        if (!$value$plusargs("OUT_BURST=%d", out_burst)) out_burst = 32'd1;
        if (!$value$plusargs("TIMEOUT=%d", timeout)) timeout = 32'd1000000;
        if (!$value$plusargs("MAX_CYCLES=%d", max_cycles)) max_cycles = 64'd4000000000;
        if (in_burst == 0 || w_burst == 0 || out_burst == 0) $fatal(1, "net_bulk_harness: a BURST plusarg is 0");
    end
    // xorshift32 step (Marsaglia); never 0 from a nonzero state
    function [31:0] xs32(input [31:0] x);
        reg [31:0] y;
        begin
            y = x ^ (x << 13);
            y = y ^ (y >> 17);
            xs32 = y ^ (y << 5);
        end
    endfunction

    // ------------------------------------------------------------------ state
    reg [63:0] cyc_q;
    reg        rst_d;          // == net_engine's rst_q
    reg [2:0]  state;
    reg [31:0] pc;
    reg [63:0] cnt;            // DELAY / RESET / timeout counter
    reg [55:0] arg;            // the current op's argument
    reg        run;
    // pixel player
    reg [31:0] px_ptr, px_end, px_idle, px_rng;
    reg        px_v, px_started;
    reg [PXW:0] px_beat;
    // weight player
    reg [31:0] w_ptr, w_end, w_idle, w_rng;
    reg        w_v;
    reg [32:0] w_word;
    // result sink
    reg [31:0] o_idle, o_rng;
    reg        o_rdy;
    // epoch counters
    reg [31:0] slots_ep, frames_ep;

    assign cycles = cyc_q;
    assign fin = (state == S_DONE);
    assign mon_en = !rst_d;
    assign rst_ev = !aresetn && !rst_d;
    assign px_tdata = px_beat[PXW-1:0];
    assign px_tlast = px_beat[PXW];
    assign px_tvalid = px_v;
    assign w_tdata = w_word[31:0];
    assign w_tlast = w_word[32];
    assign w_tvalid = w_v;
    assign o_tready = o_rdy;

    wire px_take = px_v && px_tready;
    wire w_take = w_v && w_tready;
    wire o_take = o_tvalid && o_rdy && mon_en;
    wire [63:0] op_word = prog[pc[$clog2(P_DEPTH)-1:0]];
    wire [7:0] op = op_word[63:56];
    wire px_idle_now = (px_ptr == px_end) && !px_v;

    initial begin
        cyc_q = 64'd0;
        rst_d = 1'b0;
        state = S_IDLE;
        pc = 32'd0;
        cnt = 64'd0;
        arg = 56'd0;
        run = 1'b0;
        px_ptr = 32'd0;
        px_end = 32'd0;
        px_idle = 32'd0;
        px_v = 1'b0;
        px_started = 1'b0;
        px_beat = {(PXW + 1){1'b0}};
        w_ptr = 32'd0;
        w_end = 32'd0;
        w_idle = 32'd0;
        w_v = 1'b0;
        w_word = 33'd0;
        o_idle = 32'd0;
        o_rdy = 1'b0;
        slots_ep = 32'd0;
        frames_ep = 32'd0;
        px_rng = 32'h9e3779b9;
        w_rng = 32'h7f4a7c15;
        o_rng = 32'h85ebca6b;
    end

    integer j;
    reg [31:0] r;
    always @(posedge clk) begin
        cyc_q <= cyc_q + 64'd1;
        rst_d <= !aresetn;
        if (!run && state == S_IDLE) begin
            run <= 1'b1;
            state <= S_FETCH;
            px_rng <= xs32(seed ^ 32'h9e3779b9) | 32'd1;
            w_rng <= xs32(seed ^ 32'h7f4a7c15) | 32'd1;
            o_rng <= xs32(seed ^ 32'h85ebca6b) | 32'd1;
        end
        // ---------------------------------------------------------- recorder (the DUT's transfers of this edge)
        if (o_take) begin
            $fwrite(fd, "o %0d %h\n", o_tlast, o_tdata);
            if (o_tlast) frames_ep <= frames_ep + 32'd1;
        end
        if (mon_en && mon_done != {NM{1'b0}}) begin  // (tested as a whole first: the loop runs per image)
            for (j = 0; j < NM; j = j + 1) begin
                if (mon_done[j]) $fwrite(fd, "C %0d %0d\n", j, mon_cyc[32 * j +: 32]);
            end
        end
        if (px_take && px_beat[PXW]) begin
            $fwrite(fd, "I %0d %0d\n", (px_ptr - 32'd1) / BPI, cyc_q);
            slots_ep <= slots_ep + 32'd1;
        end
        if (rst_ev) $fwrite(fd, "R %0d\n", cyc_q);
        // ---------------------------------------------------------- pixel player
        if (px_take) px_started <= !px_beat[PXW];
        if (!px_v || px_take) begin
            px_v <= 1'b0;
            if (px_idle != 0) begin
                px_idle <= px_idle - 32'd1;
            end else if (px_ptr != px_end && run && state != S_RESET) begin
                if (in_p != 0) begin  // (no draw at P = 0: the stream never idles, the state is unused)
                    r = xs32(px_rng);
                    px_rng <= r;
                end else r = 32'hffffffff;  // r[15:0] < 0 never holds
                if ({16'd0, r[15:0]} < in_p) begin
                    px_idle <= {16'd0, r[31:16]} % in_burst;
                end else begin
                    px_v <= 1'b1;
                    px_beat <= px_mem[px_ptr[$clog2(PX_DEPTH)-1:0]];
                    px_ptr <= px_ptr + 32'd1;
                end
            end
        end
        // ---------------------------------------------------------- weight player
        if (!w_v || w_take) begin
            w_v <= 1'b0;
            if (w_idle != 0) begin
                w_idle <= w_idle - 32'd1;
            end else if (w_ptr != w_end && run && state != S_RESET) begin
                if (w_p != 0) begin  // (no draw at P = 0: the stream never idles, the state is unused)
                    r = xs32(w_rng);
                    w_rng <= r;
                end else r = 32'hffffffff;  // r[15:0] < 0 never holds
                if ({16'd0, r[15:0]} < w_p) begin
                    w_idle <= {16'd0, r[31:16]} % w_burst;
                end else begin
                    w_v <= 1'b1;
                    w_word <= w_mem[w_ptr[$clog2(W_DEPTH)-1:0]];
                    w_ptr <= w_ptr + 32'd1;
                end
            end
        end
        // ---------------------------------------------------------- result backpressure
        if (o_idle != 0) begin
            o_idle <= o_idle - 32'd1;
            o_rdy <= 1'b0;
        end else begin
            if (out_p != 0) begin  // (no draw at P = 0: the stream never idles, the state is unused)
                r = xs32(o_rng);
                o_rng <= r;
            end else r = 32'hffffffff;  // r[15:0] < 0 never holds
            if ({16'd0, r[15:0]} < out_p) begin
                o_idle <= {16'd0, r[31:16]} % out_burst;
                o_rdy <= 1'b0;
            end else begin
                o_rdy <= 1'b1;
            end
        end
        // ---------------------------------------------------------- program sequencer
        if (run && state != S_DONE && cyc_q >= max_cycles) begin
            $fwrite(fd, "F max_cycles %0d\n", cyc_q);
            state <= S_DONE;
        end else begin
            case (state)
                S_IDLE: ;  // left at the first edge (above)
                S_FETCH: begin
                    pc <= pc + 32'd1;
                    cnt <= 64'd0;
                    arg <= op_word[55:0];
                    case (op)
                        OP_END: begin
                            $fwrite(fd, "E %0d\n", cyc_q);
                            state <= S_DONE;
                        end
                        OP_WEIGHTS: begin
                            $fwrite(fd, "W %0d %0d\n", op_word[55:48], cyc_q);
                            w_ptr <= {8'd0, op_word[47:24]};
                            w_end <= {8'd0, op_word[47:24]} + {8'd0, op_word[23:0]};
                            state <= S_WAIT_W;
                        end
                        OP_IMAGES: begin
                            px_ptr <= {4'd0, op_word[55:28]} * BPI;
                            px_end <= ({4'd0, op_word[55:28]} + {4'd0, op_word[27:0]}) * BPI;
                            state <= S_FETCH;
                        end
                        OP_WAITPX: state <= S_WAIT_PX;
                        OP_DRAIN: state <= S_DRAIN;
                        OP_DELAY: state <= S_DELAY;
                        OP_RESET: begin
                            aresetn <= 1'b0;
                            // stop both players now: nothing more is offered to the DUT before its reset
                            if (px_take ? !px_beat[PXW] : px_started)
                                $fwrite(fd, "A %0d\n", (px_ptr - 32'd1) / BPI);
                            px_v <= 1'b0;
                            px_started <= 1'b0;
                            px_idle <= 32'd0;
                            px_end <= px_ptr;
                            w_v <= 1'b0;
                            w_end <= w_ptr;
                            w_idle <= 32'd0;
                            state <= S_RESET;
                        end
                        default: begin
                            $fwrite(fd, "F bad_op %0d at %0d\n", op, pc);
                            state <= S_DONE;
                        end
                    endcase
                end
                S_WAIT_W: begin
                    cnt <= cnt + 64'd1;
                    if (w_ptr == w_end && !w_v && (weights_loaded || err_hdr || err_len)) begin
                        $fwrite(fd, "L %0d %0d %0d %0d\n", cyc_q, weights_loaded, err_hdr, err_len);
                        state <= S_FETCH;
                    end else if (cnt >= {32'd0, timeout}) begin
                        $fwrite(fd, "F weights_timeout %0d\n", cyc_q);
                        state <= S_DONE;
                    end
                end
                S_WAIT_PX: begin
                    cnt <= cnt + 64'd1;
                    if (px_idle_now) state <= S_FETCH;
                    else if (cnt >= {32'd0, timeout}) begin
                        $fwrite(fd, "F pixels_timeout %0d\n", cyc_q);
                        state <= S_DONE;
                    end
                end
                S_DRAIN: begin
                    cnt <= cnt + 64'd1;
                    if (px_idle_now && frames_ep == slots_ep && !busy && !o_tvalid) begin
                        $fwrite(fd, "D %0d %0d %0d 0\n", cyc_q, frames_ep, slots_ep);
                        state <= S_FETCH;
                    end else if (cnt >= {32'd0, arg[31:0]}) begin
                        $fwrite(fd, "D %0d %0d %0d 1\n", cyc_q, frames_ep, slots_ep);
                        state <= S_FETCH;
                    end
                end
                S_DELAY: begin
                    cnt <= cnt + 64'd1;
                    if (cnt + 64'd1 >= {8'd0, arg}) state <= S_FETCH;
                end
                S_RESET: begin
                    cnt <= cnt + 64'd1;
                    slots_ep <= 32'd0;
                    frames_ep <= 32'd0;
                    if (cnt + 64'd1 >= {8'd0, arg}) begin
                        aresetn <= 1'b1;
                        state <= S_FETCH;
                    end
                end
                S_DONE: begin
                    if (!done) begin
                        $fflush(fd);
                        done <= 1'b1;  // the C++ main stops after this edge
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule
/* verilator lint_on BLKSEQ */
`default_nettype wire
