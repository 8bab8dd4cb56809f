// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_wdec: one segment's element decoder for the network weight stream. Counts the payload words of
// segment SEG (contract/layout.py: network_segments, row-major) into a (row, col) coordinate without any
// division: COL_OUTER = 0 for a linear weight (in j = row, out c = col; col inner), 1 for a conv weight
// (out o = col outer, (in, kh, kw) = row inner). A vector segment is ROWS = 1; a scalar ROWS = COLS = 1.
module net_wdec #(
    parameter integer SEG_W     = 1,  // bits of a segment id
    parameter integer SEG       = 0,  // the segment this decoder owns
    parameter integer ROWS      = 1,  // rows of the segment
    parameter integer COLS      = 1,  // columns of the segment
    parameter integer COL_OUTER = 0,  // 0: col is the inner index of the stream order, 1: row is
    parameter integer RW        = 1,  // bits of a row index (holds ROWS-1)
    parameter integer CLW       = 1   // bits of a column index (holds COLS-1)
) (
    input  wire             clk,
    input  wire             start,  // a load begins: counters to (0, 0)
    input  wire             take,   // a payload word is taken
    input  wire [SEG_W-1:0] seg,    // its segment id
    output wire             we,     // the word belongs to this segment
    output wire [RW-1:0]    row,
    output wire [CLW-1:0]   col
);
    localparam integer RM1 = ROWS - 1, CM1 = COLS - 1;
    localparam [RW-1:0]  R_LAST = RM1[RW-1:0];
    localparam [CLW-1:0] C_LAST = CM1[CLW-1:0];
    generate
        if ((1 << RW) < ROWS || (1 << CLW) < COLS) begin : gen_bad_widths
            net_bad_parameter_set_wdec_widths u_bad ();
        end
    endgenerate
    reg [RW-1:0]  r_q, r_d;
    reg [CLW-1:0] c_q, c_d;
    assign we  = take && (seg == SEG[SEG_W-1:0]);
    assign row = r_q;
    assign col = c_q;
    always @* begin
        r_d = r_q;
        c_d = c_q;
        if (start) begin
            r_d = {RW{1'b0}};
            c_d = {CLW{1'b0}};
        end else if (we) begin
            if (COL_OUTER == 0) begin
                if (c_q == C_LAST) begin
                    c_d = {CLW{1'b0}};
                    r_d = r_q + 1'b1;
                end else begin
                    c_d = c_q + 1'b1;
                end
            end else begin
                if (r_q == R_LAST) begin
                    r_d = {RW{1'b0}};
                    c_d = c_q + 1'b1;
                end else begin
                    r_d = r_q + 1'b1;
                end
            end
        end
    end
    always @(posedge clk) begin
        r_q <= r_d;
        c_q <= c_d;
    end
endmodule
`default_nettype wire
