// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axis_half: a one-entry AXI-Stream register slice. Like axis_skid it breaks every combinational path
// between producer and consumer (s_ready, m_valid and m_data all come from flops), but with one entry
// instead of two: s_ready = the entry is empty, so a beat is taken at most every second cycle. It costs
// W flops and no multiplexer (axis_skid: 2W flops and W multiplexers), so the whole network uses it on
// its wide token streams (U, increments, hidden currents), whose consumers take at most one token per
// ceil(D/P) >= 2 cycles (net_lif works P lanes per cycle) or are not the pipeline's bottleneck.
// Only the valid flag is reset; the data register loads only a beat (s_valid), so an idle input costs no
// W-bit copy in a cycle-based simulator (the bulk runs). While `rst` is high, s_ready and m_valid are held
// low.
module axis_half #(
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
    reg [W-1:0] d_q;
    reg         v_q;
    assign s_ready = !v_q && !rst;
    assign m_data  = d_q;
    assign m_valid = v_q && !rst;
    always @(posedge clk) begin
        if (!v_q && s_valid) d_q <= s_data;  // (loaded on a beat only: a cycle simulator copies W bits less)
        if (rst) v_q <= 1'b0;
        else if (!v_q) v_q <= s_valid;
        else if (m_ready) v_q <= 1'b0;
    end
endmodule
`default_nettype wire
