// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axis_split: a one-entry register slice that turns a whole token of NB*W bits into NB beats of W bits
// (beat b: bits b*W .. b*W+W-1, so lanes stay in channel order), m_last on the last beat of a token that
// came with s_last. Used on conv2 -> U0 with stream beats (config stream_beat): conv2's weight layout is
// column-outer, so it emits whole tokens, and this slice (which replaces the one-entry axis_half there)
// serialises them. Like axis_half, s_ready = the entry is empty: a token is taken only after its
// predecessor's last beat left, so with NB = 1 it is cycle-for-cycle axis_half. Only the valid flag and
// the beat counter are reset; while `rst` is high, s_ready and m_valid are held low. With NB > 8 the entry
// shifts down a beat as each beat leaves (m_data is its low W bits): m_data is the same on every beat
// handshake; in the one cycle after a token's last beat, with m_valid low, it shows the shifted entry.
module axis_split #(
    parameter integer W  = 32,  // beat payload width (bits)
    parameter integer NB = 2    // beats per token (>= 1)
) (
    input  wire            clk,
    input  wire            rst,      // synchronous, active high
    input  wire [NB*W-1:0] s_data,
    input  wire            s_last,
    input  wire            s_valid,
    output wire            s_ready,
    output wire [W-1:0]    m_data,
    output wire            m_last,
    output wire            m_valid,
    input  wire            m_ready
);
    function integer sbw;
        input integer x;
        integer v;
        begin
            sbw = 1;
            for (v = x; v > 1; v = v >> 1) sbw = sbw + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer BW = sbw(NB - 1);
    localparam integer NBM1 = NB - 1;
    localparam [BW-1:0] B_LAST = NBM1[BW-1:0];
    generate
        if (NB < 1 || W < 1) begin : gen_bad_params
            axis_split_bad_parameter_set u_bad ();
        end
    endgenerate
    reg [NB*W-1:0] d_q;
    reg            l_q, v_q;
    reg [BW-1:0]   b_q;
    wire b_last = (b_q == B_LAST);
    assign s_ready = !v_q && !rst;
    // NB > SHIFT_MIN: the entry shifts down by one beat as each beat leaves, so the beat out is always its
    // low W bits (no NB:1 multiplexer at b_q, whose depth grows with NB: a 2:1 choice per bit, load or
    // shift; the same beat b as d_q[b * W +: W] of the token taken); else the multiplexer (fewer LUTs)
    localparam integer SHIFT_MIN = 8;
    generate
        if (NB > SHIFT_MIN) begin : gen_mdata_shift
            assign m_data = d_q[W-1:0];
        end else begin : gen_mdata_mux
            assign m_data = d_q[b_q * W +: W];
        end
    endgenerate
    assign m_last  = l_q && b_last;
    assign m_valid = v_q && !rst;
    always @(posedge clk) begin
        if (!v_q) begin
            d_q <= s_data;
            l_q <= s_last;
        end else if (NB > SHIFT_MIN && m_ready && !rst) begin
            d_q <= d_q >> W;
        end
        if (rst) begin
            v_q <= 1'b0;
            b_q <= {BW{1'b0}};
        end else if (!v_q) begin
            v_q <= s_valid;
        end else if (m_ready) begin
            b_q <= b_last ? {BW{1'b0}} : b_q + 1'b1;
            if (b_last) v_q <= 1'b0;
        end
    end
endmodule
`default_nettype wire
