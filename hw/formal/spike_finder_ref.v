// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// spike_finder_ref: the REFERENCE for the formal equivalence of hw/rtl/spike_finder.v (a plain linear
// priority encoder: the engine's finder before the log-depth tree). Given the mask of spikes not yet processed, it returns the index of the lowest set bit, whether any bit is set, and the mask with
// that bit cleared (mask & (mask - 1)), so the engine visits exactly one active spike per cycle and
// skips silent inputs for free. Purely combinational.
module spike_finder_ref #(
    parameter integer W  = 32,  // mask width: input channels (spike word width D)
    parameter integer IW = 5    // index width: enough bits for W-1 (>= 1)
) (
    input  wire [W-1:0]  mask,  // spikes still to visit
    output wire          any,   // some spike left
    output reg  [IW-1:0] idx,   // index of the lowest set bit (0 when none)
    output wire [W-1:0]  rest   // mask with that bit cleared
);
    integer b;

    // the constant 1 at W bits (Verilog-2001 has no zero-width replication: W = 1 is its own branch)
    wire [W-1:0] one;
    generate
        if (W > 1) begin : gen_one_ext
            assign one = {{(W - 1){1'b0}}, 1'b1};
        end else begin : gen_one_bit
            assign one = 1'b1;
        end
    endgenerate

    assign any  = |mask;
    assign rest = mask & (mask - one);

    // Scan from the top so the lowest set bit is written last and wins.
    always @* begin
        idx = {IW{1'b0}};
        for (b = W - 1; b >= 0; b = b - 1) begin
            if (mask[b]) idx = b[IW-1:0];
        end
    end
endmodule
`default_nettype wire
