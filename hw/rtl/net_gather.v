// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_gather: simulation-side gatherer of a monitored stream that travels in beats (config stream_beat):
// it keeps a token's first NB - 1 beats (beat b = bits b*W .. b*W+W-1 of the token) and presents the
// whole token on m_data with m_fire in the cycle its last beat is transferred, so the module-boundary
// scoreboards keep one record per token. net_engine instantiates it only when SYNTHESIS is not defined
// (Yosys defines it; Verilator does not), so synthesis does not pay for it.
module net_gather #(
    parameter integer W  = 32,  // beat width (bits)
    parameter integer NB = 2    // beats per token (>= 2)
) (
    input  wire            clk,
    input  wire            rst,     // synchronous, active high
    input  wire            fire,    // a beat is transferred (valid && ready)
    input  wire [W-1:0]    data,
    output wire            m_fire,  // ... and it is its token's last
    output wire [NB*W-1:0] m_data
);
    function integer gbw;
        input integer x;
        integer v;
        begin
            gbw = 1;
            for (v = x; v > 1; v = v >> 1) gbw = gbw + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer BW = gbw(NB - 1);
    localparam integer NBM1 = NB - 1;
    localparam [BW-1:0] B_LAST = NBM1[BW-1:0];
    generate
        if (NB < 2 || W < 1) begin : gen_bad_params
            net_gather_bad_parameter_set u_bad ();
        end
    endgenerate
    reg [(NB-1)*W-1:0] col_q;  // beats 0 .. b-1 of the token, the oldest lowest once complete
    reg [BW-1:0]       b_q;
    wire b_last = (b_q == B_LAST);
    assign m_fire = fire && b_last;
    assign m_data = {data, col_q};
    generate
        if (NB > 2) begin : gen_shift
            always @(posedge clk) if (fire) col_q <= {data, col_q[(NB-1)*W-1:W]};
        end else begin : gen_one
            always @(posedge clk) if (fire) col_q <= data;
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) b_q <= {BW{1'b0}};
        else if (fire) b_q <= b_last ? {BW{1'b0}} : b_q + 1'b1;
    end
endmodule
`default_nettype wire
