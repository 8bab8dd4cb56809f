// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axis_fifo: a synchronous AXI-Stream FIFO for the module boundaries of the whole-network pipeline. It
// holds up to DEPTH beats: a memory of DEPTH entries (written on an accepted beat, read in order) feeds a
// registered output, and an empty FIFO passes a beat straight into the output register (one cycle of
// latency). Every output comes from a flop: m_data/m_valid from the output register, s_ready from a
// registered "not full" flag, `count` from the occupancy counter; no combinational path runs from s_* to
// m_* or back. Full throughput (a beat in and a beat out every cycle) at any fill level. While `rst`
// (synchronous, active high) is high, s_ready and m_valid are held low combinationally (AXI A3.1.2).
// Only the control registers are reset; the memory and the output data register are datapath.
// Port contract (proven in hw/formal/axis_fifo.sby): every accepted beat leaves exactly once, in order;
// m_valid stays high and m_data stable until m_ready; s_ready low exactly when DEPTH beats are held.
module axis_fifo #(
    parameter integer W     = 32,  // payload width (bits): tdata plus any sideband (tlast) packed by the user
    parameter integer DEPTH = 16   // beats held (>= 2; any value, a power of two maps memories best)
) (
    input  wire                         clk,
    input  wire                         rst,      // synchronous, active high
    input  wire [W-1:0]                 s_data,
    input  wire                         s_valid,
    output wire                         s_ready,
    output wire [W-1:0]                 m_data,
    output wire                         m_valid,
    input  wire                         m_ready,
    output wire [$clog2(DEPTH + 1)-1:0] count     // beats held (0 .. DEPTH); leave open if unused
);
    // Dependent parameters: do not override.
    localparam integer CW = $clog2(DEPTH + 1);             // count width (holds DEPTH)
    localparam integer PW = (DEPTH > 2) ? $clog2(DEPTH) : 1; // memory pointer width (holds DEPTH-1)
    localparam integer DM1 = DEPTH - 1;
    localparam [PW-1:0] P_LAST = DM1[PW-1:0];
    localparam [CW-1:0] C_FULL = DEPTH[CW-1:0];

    // An impossible parameter set stops elaboration (the module below does not exist).
    generate
        if (DEPTH < 2 || W < 1) begin : gen_param_check
            axis_fifo_DEPTH_below_2 u_param_error ();
        end
    endgenerate

    reg [W-1:0]  mem [0:DEPTH-1];
    reg [PW-1:0] wp_q, wp_d;       // next memory entry to write
    reg [PW-1:0] rp_q, rp_d;       // oldest memory entry
    reg [CW-1:0] mcnt_q, mcnt_d;   // beats in the memory
    reg [CW-1:0] cnt_q, cnt_d;     // beats held in all (memory + output register)
    reg          rdy_q, rdy_d;     // not full
    reg [W-1:0]  out_q, out_d;     // output register
    reg          outv_q, outv_d;
    reg          push;             // write s_data to mem[wp_q]

    wire [W-1:0] head = mem[rp_q];  // the memory's read port (the oldest beat in the memory)
    wire take_in  = s_valid && s_ready;
    wire take_out = m_valid && m_ready;

    assign s_ready = rdy_q && !rst;
    assign m_valid = outv_q && !rst;
    assign m_data  = out_q;
    assign count   = cnt_q;

    always @* begin
        wp_d   = wp_q;
        rp_d   = rp_q;
        mcnt_d = mcnt_q;
        out_d  = out_q;
        outv_d = outv_q;
        push   = 1'b0;
        if (!outv_q || m_ready) begin
            // the output register is free after this cycle: refill it from the memory, else from the input
            if (mcnt_q != {CW{1'b0}}) begin
                out_d  = head;
                outv_d = 1'b1;
                rp_d   = (rp_q == P_LAST) ? {PW{1'b0}} : rp_q + 1'b1;
                mcnt_d = mcnt_q - 1'b1;
                push   = take_in;
            end else begin
                out_d  = s_data;
                outv_d = take_in;
            end
        end else begin
            push = take_in;
        end
        if (push) begin
            wp_d   = (wp_q == P_LAST) ? {PW{1'b0}} : wp_q + 1'b1;
            mcnt_d = mcnt_d + 1'b1;
        end
        cnt_d = cnt_q;
        if (take_in && !take_out) cnt_d = cnt_q + 1'b1;
        if (take_out && !take_in) cnt_d = cnt_q - 1'b1;
        rdy_d = (cnt_d != C_FULL);
    end

    always @(posedge clk) begin
        if (push) mem[wp_q] <= s_data;
        out_q <= out_d;
        if (rst) begin
            wp_q   <= {PW{1'b0}};
            rp_q   <= {PW{1'b0}};
            mcnt_q <= {CW{1'b0}};
            cnt_q  <= {CW{1'b0}};
            rdy_q  <= 1'b1;
            outv_q <= 1'b0;
        end else begin
            wp_q   <= wp_d;
            rp_q   <= rp_d;
            mcnt_q <= mcnt_d;
            cnt_q  <= cnt_d;
            rdy_q  <= rdy_d;
            outv_q <= outv_d;
        end
    end
endmodule
`default_nettype wire
