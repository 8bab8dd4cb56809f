// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axis_skid: a two-entry AXI-Stream skid buffer (register slice). Both directions are registered:
// s_ready comes from a flop (the skid entry is empty) and m_valid/m_data come from flops, so it breaks
// every combinational path between producer and consumer at full throughput. Used on the spike input and
// the increment output of the SASA engine, and meant for every stream boundary of the whole network.
// Only the valid flags are reset; the data registers need none and load only a beat (s_valid: no W-bit
// copy of an idle input in a cycle-based simulator). While `rst` is high, s_ready and m_valid are held low
// combinationally (AXI A3.1.2, issue 14), not only from the clock edge after reset.
// Proven (hw/formal/axis_skid.sby): no beat lost, duplicated or reordered; m_valid held and m_data stable
// until m_ready; s_ready and m_valid low during reset.
module axis_skid #(
    parameter integer W = 32  // payload width (bits): tdata plus any sideband (tlast) packed by the user
) (
    input  wire         clk,
    input  wire         rst,      // synchronous, active high
    input  wire [W-1:0] s_data,
    input  wire         s_valid,
    output wire         s_ready,
    output wire [W-1:0] m_data,
    output wire         m_valid,
    input  wire         m_ready
);
    reg [W-1:0] out_q;    // output register
    reg         outv_q;
    reg [W-1:0] skid_q;   // overflow entry, filled when the consumer stalls
    reg         skidv_q;

    assign s_ready = !skidv_q && !rst;
    assign m_data  = out_q;
    assign m_valid = outv_q && !rst;

    // The data registers are written only when they take a word (no next-state copies of W bits each
    // cycle in a cycle-based simulator); the valid flags as before.
    wire out_free = !outv_q || m_ready;  // output register free (or being emptied)
    always @(posedge clk) begin
        if (out_free) begin
            // take the skid entry first, else the input
            if (skidv_q) out_q <= skid_q;
            else if (s_valid) out_q <= s_data;
        end else if (s_valid && !skidv_q) begin
            // output held by a stalled consumer: park the accepted word in the skid entry
            skid_q <= s_data;
        end
        if (rst) begin
            outv_q  <= 1'b0;
            skidv_q <= 1'b0;
        end else if (out_free) begin
            outv_q  <= skidv_q || s_valid;
            skidv_q <= 1'b0;
        end else if (s_valid && !skidv_q) begin
            skidv_q <= 1'b1;
        end
    end
endmodule
`default_nettype wire
