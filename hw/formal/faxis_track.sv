// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// faxis_track: the AXI-Stream property set shared by every stream unit's proof (hw/formal/*_props.sv).
// It watches one input and one output stream of a unit and proves, with a counting and a tracked-beat
// argument (ZipCPU's FIFO proofs): every beat that leaves was accepted, in order, with its data; the output
// holds valid and data while stalled; valid and ready are low during reset. A beat number f_idx and its
// value f_val are free constants (anyconst): the beat accepted as number f_idx carries f_val (assumed), and
// the beat that leaves as number f_idx must carry f_val (asserted). The unit's wrapper ties f_occ (beats
// inside) and f_pos (the tracked beat's distance from the head) to the unit's own registers so that
// k-induction closes. Counters wrap modulo 2^CW, which is exact while CW holds the unit's capacity.
module faxis_track #(
    parameter integer W   = 4,  // payload width
    parameter integer CW  = 4,  // beat-counter width: 2^CW > capacity
    parameter integer CAP = 2   // beats the unit holds at most
) (
    input  wire          clk,
    input  wire          rst,
    input  wire [W-1:0]  s_data,
    input  wire          s_valid,
    input  wire          s_ready,
    input  wire [W-1:0]  m_data,
    input  wire          m_valid,
    input  wire          m_ready,
    output wire [CW-1:0] f_occ,     // beats accepted and not yet left
    output wire [CW-1:0] f_pos,     // the tracked beat's position from the head
    output wire          f_inside,  // the tracked beat is inside the unit
    output wire [W-1:0]  f_val      // the tracked beat's value
);
    (* anyconst *) reg [CW-1:0] f_idx;
    (* anyconst *) reg [W-1:0]  f_v;
    reg [CW-1:0] f_in, f_out;
    reg          f_past_valid;
    initial f_past_valid = 1'b0;

    wire take_in  = s_valid && s_ready;
    wire take_out = m_valid && m_ready;

    assign f_occ    = f_in - f_out;
    assign f_pos    = f_idx - f_out;
    assign f_inside = (f_pos < f_occ);
    assign f_val    = f_v;

    always @(posedge clk) begin
        f_past_valid <= 1'b1;
        if (rst) begin
            f_in  <= {CW{1'b0}};
            f_out <= {CW{1'b0}};
        end else begin
            if (take_in)  f_in  <= f_in + 1'b1;
            if (take_out) f_out <= f_out + 1'b1;
        end
    end

    // the first cycle is a reset
    always @* if (!f_past_valid) assume (rst);
    // the tracked beat enters with the tracked value
    always @* if (!rst && take_in && f_in == f_idx) assume (s_data == f_v);

    always @* begin
        // AXI A3.1.2: valid and ready low while reset is asserted
        if (rst) assert (!s_ready && !m_valid);
        if (!rst) begin
            assert (f_occ <= CAP);                 // bounded: never more inside than it can hold
            assert (!m_valid || f_occ != 0);       // nothing leaves that did not enter (no duplicate)
            assert (f_occ == 0 || m_valid);        // the oldest beat inside is offered (none lost or parked)
            if (take_out && f_out == f_idx) assert (m_data == f_v);  // in order, with its data
        end
    end
    // AXI-Stream: once offered, a beat stays offered, unchanged, until taken
    always @(posedge clk) begin
        if (f_past_valid && !$past(rst) && !rst && $past(m_valid && !m_ready)) begin
            assert (m_valid);
            assert (m_data == $past(m_data));
        end
    end
endmodule
`default_nettype wire
