// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// spike_finder_props: the proof wrapper of hw/rtl/spike_finder.v (hw/formal/spike_finder.sby). The mask is a
// free input; the log-depth finder must equal a plain reference priority encoder -- idx the lowest set bit
// (0 when none), rest = mask & (mask - 1), any = |mask -- for every input. The unit is combinational, so
// one step covers every input: the proof is complete at each width W (the .sby has one task per width the
// named configs use, D = 16 and 32 today, and the widths coming: 64, 128, 256, 384, 512).
module spike_finder_props #(
    parameter integer W = 16  // mask width
) (
    input wire [W-1:0] mask
);
    localparam integer IW = (W > 1) ? $clog2(W) : 1;
    wire          any;
    wire [IW-1:0] idx;
    wire [W-1:0]  rest;

    spike_finder #(.W(W), .IW(IW)) dut (.mask(mask), .any(any), .idx(idx), .rest(rest));

    // The reference, by definition rather than by structure (a linear scan would be a W-deep mux chain that
    // the SMT export cannot recurse through at W = 512): idx is the lowest set bit when the bit at idx is
    // set and every bit below it is clear; idx is 0 when nothing is set; rest is mask with bit idx cleared,
    // which for the lowest set bit is mask & (mask - 1) (checked in that arithmetic form too up to W = 64;
    // above, the W-bit borrow chain makes the solver slow for nothing new).
    always @* begin
        assert (any == (mask != {W{1'b0}}));
        if (mask == {W{1'b0}}) assert (idx == {IW{1'b0}});
        else assert (mask[idx]);
    end
    genvar k;
    generate
        for (k = 0; k < W; k = k + 1) begin : gen_bit
            always @* begin
                if (k < idx) assert (!mask[k]);              // nothing set below idx
                assert (rest[k] == (mask[k] && k != idx));   // rest: mask without bit idx
            end
        end
        if (W <= 64) begin : gen_arith
            always @* assert (rest == (mask & (mask - 1'b1)));
        end
    endgenerate
endmodule
`default_nettype wire
