// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axis_skid_props: the proof wrapper of hw/rtl/axis_skid.v (hw/formal/axis_skid.sby). It drives every
// input freely (anyseq: any producer, any consumer, resets at any time), checks the shared AXI-Stream
// properties (faxis_track: no beat lost, duplicated or reordered; valid held and data stable while stalled;
// valid/ready low in reset) and ties the tracker to the skid buffer's registers, which the .sby script
// turns into ports with Yosys `expose` (skid_q, skidv_q, outv_q), so that k-induction closes.
module axis_skid_props #(
    parameter integer W = 3  // payload width (the .sby sets the unit's W to the same value)
) (
    input wire clk
);
    (* anyseq *) reg         rst;
    (* anyseq *) reg [W-1:0] s_data;
    (* anyseq *) reg         s_valid;
    (* anyseq *) reg         m_ready;
    wire         s_ready, m_valid;
    wire [W-1:0] m_data;
    wire [W-1:0] skid_q;
    wire         skidv_q, outv_q;

    axis_skid dut (
        .clk(clk), .rst(rst),
        .s_data(s_data), .s_valid(s_valid), .s_ready(s_ready),
        .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready),
        .skid_q(skid_q), .skidv_q(skidv_q), .outv_q(outv_q)  // exposed registers
    );

    wire [3:0]   f_occ, f_pos;
    wire         f_inside;
    wire [W-1:0] f_val;
    faxis_track #(.W(W), .CW(4), .CAP(2)) trk (
        .clk(clk), .rst(rst),
        .s_data(s_data), .s_valid(s_valid), .s_ready(s_ready),
        .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready),
        .f_occ(f_occ), .f_pos(f_pos), .f_inside(f_inside), .f_val(f_val)
    );

    always @* begin
        if (!rst) begin
            // the skid's state is its occupancy: output register first, the skid entry only behind it
            assert (f_occ == {3'd0, outv_q} + {3'd0, skidv_q});
            assert (!skidv_q || outv_q);
            if (f_inside && f_pos == 4'd0) assert (m_data == f_val);
            if (f_inside && f_pos == 4'd1) assert (skid_q == f_val);
        end
    end

    // reachability (cover task): a stall that fills the skid entry, then both beats leave
    reg [1:0] f_seen;
    initial f_seen = 2'd0;
    always @(posedge clk) begin
        if (rst) f_seen <= 2'd0;
        else if (skidv_q && f_seen == 2'd0) f_seen <= 2'd1;
        else if (f_seen == 2'd1 && f_occ == 4'd0) f_seen <= 2'd2;
    end
    always @* if (!rst) cover (f_seen == 2'd2);
    always @* if (!rst) cover (s_valid && s_ready && m_valid && m_ready && f_occ == 4'd1);  // full throughput
endmodule
`default_nettype wire
