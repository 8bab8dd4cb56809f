// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axis_fifo_props: the proof wrapper of hw/rtl/axis_fifo.v (hw/formal/axis_fifo.sby). Every input is free
// (anyseq: any producer, any consumer, resets at any time). It checks the shared AXI-Stream properties
// (faxis_track: no beat lost, duplicated or reordered; valid held and data stable while stalled; valid and
// ready low in reset), that s_ready is low exactly when DEPTH beats are held and `count` tells the beats
// held, and ties the tracker to the FIFO's registers, which the .sby script turns into ports with Yosys
// `expose` (the memory words flattened into f_mem, entry i at bits [i*W +: W]), so that k-induction closes.
module axis_fifo_props #(
    parameter integer W     = 3,  // payload width (the .sby sets the unit's W and DEPTH to the same values)
    parameter integer DEPTH = 4   // beats held
) (
    input wire clk
);
    localparam integer CW = $clog2(DEPTH + 1);
    localparam integer PW = (DEPTH > 2) ? $clog2(DEPTH) : 1;
    localparam integer TW = 5;  // tracker counter width: 2^TW > DEPTH

    (* anyseq *) reg         rst;
    (* anyseq *) reg [W-1:0] s_data;
    (* anyseq *) reg         s_valid;
    (* anyseq *) reg         m_ready;
    wire               s_ready, m_valid;
    wire [W-1:0]       m_data;
    wire [CW-1:0]      count;
    wire [DEPTH*W-1:0] f_mem;
    wire [PW-1:0]      wp_q, rp_q;
    wire [CW-1:0]      mcnt_q, cnt_q;
    wire               outv_q, rdy_q;

    axis_fifo dut (
        .clk(clk), .rst(rst),
        .s_data(s_data), .s_valid(s_valid), .s_ready(s_ready),
        .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready), .count(count),
        // exposed registers
        .f_mem(f_mem), .wp_q(wp_q), .rp_q(rp_q), .mcnt_q(mcnt_q), .cnt_q(cnt_q), .outv_q(outv_q), .rdy_q(rdy_q)
    );

    wire [TW-1:0] f_occ, f_pos;
    wire          f_inside;
    wire [W-1:0]  f_val;
    faxis_track #(.W(W), .CW(TW), .CAP(DEPTH)) trk (
        .clk(clk), .rst(rst),
        .s_data(s_data), .s_valid(s_valid), .s_ready(s_ready),
        .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready),
        .f_occ(f_occ), .f_pos(f_pos), .f_inside(f_inside), .f_val(f_val)
    );

    // the memory entry holding the tracked beat: (rp + pos - 1) mod DEPTH, the output register being pos 0
    // (both sums stay below 2 DEPTH where they are used, so one conditional subtraction is the modulo;
    // a `%` would cost the solver minutes)
    wire [TW+PW:0] f_lin  = rp_q + f_pos - 1'b1;
    wire [TW+PW:0] f_slot = (f_lin >= DEPTH) ? f_lin - DEPTH : f_lin;
    wire [TW+PW:0] f_wsum = rp_q + mcnt_q;
    wire [TW+PW:0] f_wp   = (f_wsum >= DEPTH) ? f_wsum - DEPTH : f_wsum;

    always @* begin
        if (!rst) begin
            // the interface
            assert (count == f_occ);
            assert (s_ready == (f_occ != DEPTH));   // full exactly at DEPTH: no needless stall, no overflow
            // the FIFO's registers against the tracker
            assert (cnt_q == f_occ);
            assert (cnt_q == mcnt_q + outv_q);
            assert (outv_q || mcnt_q == 0);          // the output register is filled first
            assert (rdy_q == (cnt_q != DEPTH));
            assert (rp_q < DEPTH && wp_q < DEPTH);
            assert (wp_q == f_wp);
            if (f_inside && f_pos == 0) assert (m_data == f_val);
        end
    end
    // the tracked beat's memory entry holds its value (constant part-selects: one check per entry)
    genvar gi;
    generate
        for (gi = 0; gi < DEPTH; gi = gi + 1) begin : gen_entry
            always @* if (!rst && f_inside && f_pos != 0 && f_slot == gi) assert (f_mem[gi * W +: W] == f_val);
        end
    endgenerate

    // reachability (cover task): the FIFO fills up, and a beat goes in and out in one cycle when full
    always @* if (!rst) cover (f_occ == DEPTH);
    always @* if (!rst) cover (f_occ == DEPTH && m_valid && m_ready && !s_ready);
    always @* if (!rst) cover (s_valid && s_ready && m_valid && m_ready && f_occ == DEPTH - 1);
endmodule
`default_nettype wire
