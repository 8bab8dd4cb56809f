// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_wload: the weight-load sequencer of the whole network (docs/architecture.md, "The whole network").
// It consumes the network weight stream of docs/interface.md: WW-bit words, header (magic, format version,
// config hash32, payload word count), then every parameter of contract/layout.py: network_segments as one
// sign-extended word per element, segment after segment. It checks the header against its parameters and
// hands each payload word to the modules as (segment id, element index, data) on a valid/ready payload
// port (a consumer that inserts words of its own, the SASA engine's header, holds p_ready low). A header
// mismatch sets err_hdr and drops the rest of the load; a tlast before or after the announced count sets
// err_len; `loaded` rises after a complete, correct load and falls when the next load begins. `abort` pulses
// when a load ends early, so a consumer in the middle of its segments can close its own load.
module net_wload #(
    parameter integer WW      = 32,            // weight-stream word width
    parameter [WW-1:0] MAGIC   = 32'h5341464e, // header word 0
    parameter [WW-1:0] VERSION = 32'd1,        // header word 1: network weight format version
    parameter [WW-1:0] HASH    = 32'd0,        // header word 2: low 32 bits of the config hash
    parameter [WW-1:0] COUNT   = 32'd1,        // header word 3: payload words (sum of every segment's size)
    parameter integer NSEG    = 1,             // segments in the payload
    parameter integer SEG_W   = 1,             // bits of a segment id (holds NSEG)
    parameter integer EL_W    = 1,             // bits of an element index (holds the largest segment size)
    parameter [NSEG*EL_W-1:0] SEG_LAST = 0     // per segment k: its size - 1, at bits k*EL_W
) (
    input  wire             clk,
    input  wire             rst,      // synchronous, active high
    input  wire             en,       // no image in flight: a load may proceed
    input  wire [WW-1:0]    s_data,
    input  wire             s_valid,
    input  wire             s_last,
    output wire             s_ready,
    output wire             p_valid,  // payload word for the modules
    input  wire             p_ready,
    output wire [SEG_W-1:0] p_seg,    // its segment id (network_segments order)
    output wire [EL_W-1:0]  p_elem,   // its element index inside the segment (row-major)
    output wire [WW-1:0]    p_data,
    output wire             start,    // pulse: the first header word of a load was taken
    output wire             abort,    // pulse: a load ended before its last payload word
    output wire             busy,     // a load has started and not yet ended
    output wire             loaded,
    output wire             err_hdr,
    output wire             err_len
);
    localparam [1:0] S_HDR = 2'd0, S_PAY = 2'd1, S_DROP = 2'd2;
    localparam integer NSM1 = NSEG - 1;
    localparam [SEG_W-1:0] SEG_END = NSM1[SEG_W-1:0];
    // the payload word counter holds 0 .. COUNT - 1: as wide as COUNT - 1 needs (its increment's carry
    // chain is this loader's longest path), not 32 bits
    function integer cbw;
        input [WW-1:0] x;
        reg   [WW-1:0] v;
        begin
            cbw = 1;
            for (v = x; v > 1; v = v >> 1) cbw = cbw + 1;
        end
    endfunction
    localparam integer CNT_W = cbw(COUNT - 1);
    localparam [WW-1:0] CM1 = COUNT - 1;
    localparam [CNT_W-1:0] CNT_LAST = CM1[CNT_W-1:0];
    generate
        if (NSEG < 1 || (1 << SEG_W) <= NSEG) begin : gen_bad_seg_w
            net_bad_parameter_set_seg_w u_bad ();
        end
    endgenerate

    reg [1:0]       state_q, state_d;
    reg [1:0]       h_q, h_d;        // header word index
    reg             hbad_q, hbad_d;  // a header word differed
    reg [SEG_W-1:0] seg_q, seg_d;
    reg [EL_W-1:0]  el_q, el_d;
    reg [CNT_W-1:0] cnt_q, cnt_d;    // payload words taken
    reg             loaded_q, loaded_d, eh_q, eh_d, el_err_q, el_err_d, busy_q, busy_d;
    reg             start_d, abort_d;

    // the current segment's size - 1 is a register (last_q), loaded with the next segment's when the segment
    // advances: a constant table indexed by seg_q (an AND-OR of one compare per segment, each selecting a
    // constant slice: no index multiply, which Yosys may map to a DSP, and no priority chain) is then a
    // register-to-register path, and the element compare el_q == last_q starts at flip-flops
    function [EL_W-1:0] next_last_of;  // the size - 1 of segment sg + 1 (0 past the last segment)
        input [SEG_W-1:0] sg;
        integer k;
        begin
            next_last_of = {EL_W{1'b0}};
            for (k = 0; k + 1 < NSEG; k = k + 1) begin
                next_last_of = next_last_of | ({EL_W{sg == k[SEG_W-1:0]}} & SEG_LAST[(k + 1) * EL_W +: EL_W]);
            end
        end
    endfunction
    localparam [EL_W-1:0] LAST0 = SEG_LAST[EL_W-1:0];
    reg  [EL_W-1:0] last_q, last_d;
    wire [EL_W-1:0] seg_last = last_q;
    wire hdr_take = (state_q == S_HDR) && s_valid && en;
    wire pay_take = (state_q == S_PAY) && s_valid && p_ready;
    reg  [WW-1:0] hexp;
    always @* begin
        case (h_q)
            2'd0: hexp = MAGIC;
            2'd1: hexp = VERSION;
            2'd2: hexp = HASH;
            default: hexp = COUNT;
        endcase
    end

    assign s_ready = (state_q == S_HDR) ? en : (state_q == S_PAY) ? p_ready : 1'b1;
    assign p_valid = (state_q == S_PAY) && s_valid;
    assign p_seg   = seg_q;
    assign p_elem  = el_q;
    assign p_data  = s_data;
    assign start   = start_d;
    assign abort   = abort_d;
    assign busy    = busy_q;
    assign loaded  = loaded_q;
    assign err_hdr = eh_q;
    assign err_len = el_err_q;

    always @* begin
        state_d = state_q; h_d = h_q; hbad_d = hbad_q; seg_d = seg_q; el_d = el_q; cnt_d = cnt_q; last_d = last_q;
        loaded_d = loaded_q; eh_d = eh_q; el_err_d = el_err_q; busy_d = busy_q;
        start_d = 1'b0; abort_d = 1'b0;
        case (state_q)
            S_HDR: if (hdr_take) begin
                if (h_q == 2'd0) begin
                    start_d = 1'b1; loaded_d = 1'b0; eh_d = 1'b0; el_err_d = 1'b0; busy_d = 1'b1;
                end
                hbad_d = ((h_q == 2'd0) ? 1'b0 : hbad_q) || (s_data != hexp);
                h_d = h_q + 2'd1;
                if (s_last) begin  // a load that ends inside its header
                    el_err_d = 1'b1; eh_d = ((h_q == 2'd0) ? 1'b0 : hbad_q) || (s_data != hexp);
                    h_d = 2'd0; busy_d = 1'b0;
                end else if (h_q == 2'd3) begin
                    h_d = 2'd0;
                    if (hbad_d) begin
                        eh_d = 1'b1; state_d = S_DROP;
                    end else begin
                        state_d = S_PAY; seg_d = {SEG_W{1'b0}}; el_d = {EL_W{1'b0}}; cnt_d = {CNT_W{1'b0}};
                        last_d = LAST0;
                    end
                end
            end
            S_PAY: if (pay_take) begin
                cnt_d = cnt_q + 1'b1;
                if (el_q == seg_last) begin
                    el_d = {EL_W{1'b0}};
                    seg_d = seg_q + 1'b1;
                    last_d = next_last_of(seg_q);
                end else begin
                    el_d = el_q + 1'b1;
                end
                if (cnt_q == CNT_LAST) begin
                    if (s_last) begin
                        loaded_d = 1'b1; busy_d = 1'b0; state_d = S_HDR;
                    end else begin
                        el_err_d = 1'b1; state_d = S_DROP;  // over-long: drop until tlast
                    end
                    seg_d = SEG_END;
                end else if (s_last) begin
                    el_err_d = 1'b1; abort_d = 1'b1; busy_d = 1'b0; state_d = S_HDR;
                end
            end
            default: if (s_valid && s_last) begin  // S_DROP
                busy_d = 1'b0; state_d = S_HDR;
            end
        endcase
    end

    always @(posedge clk) begin
        if (rst) begin
            state_q <= S_HDR; h_q <= 2'd0; hbad_q <= 1'b0; seg_q <= {SEG_W{1'b0}}; el_q <= {EL_W{1'b0}};
            last_q <= LAST0;
            cnt_q <= {CNT_W{1'b0}}; loaded_q <= 1'b0; eh_q <= 1'b0; el_err_q <= 1'b0; busy_q <= 1'b0;
        end else begin
            state_q <= state_d; h_q <= h_d; hbad_q <= hbad_d; seg_q <= seg_d; el_q <= el_d; last_q <= last_d;
            cnt_q <= cnt_d; loaded_q <= loaded_d; eh_q <= eh_d; el_err_q <= el_err_d; busy_q <= busy_d;
        end
    end
endmodule
`default_nettype wire
