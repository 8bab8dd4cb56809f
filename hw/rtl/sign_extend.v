// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sign_extend: widens a two's-complement value from IN_W to OUT_W bits by replicating its sign bit.
// A separate unit because Verilog-2001 forbids a zero-width replication, so the IN_W == OUT_W case
// needs its own generate branch; every width change on the SASA datapath goes through this module
// (no implicit extension, so `verilator -Wall` stays quiet and signedness is explicit).
module sign_extend #(
    parameter integer IN_W  = 8,   // input width (bits), >= 1
    parameter integer OUT_W = 16   // output width (bits), >= IN_W
) (
    input  wire [IN_W-1:0]  din,   // two's-complement input
    output wire [OUT_W-1:0] dout   // the same value, OUT_W bits
);
    generate
        if (OUT_W > IN_W) begin : gen_extend
            assign dout = {{(OUT_W - IN_W){din[IN_W-1]}}, din};
        end else begin : gen_same
            assign dout = din;
        end
    endgenerate
endmodule
`default_nettype wire
