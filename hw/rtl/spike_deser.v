// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// spike_deser: assembles a token of D spike channels from WORDS = ceil(D / SW) stream words (word i
// carries channels i*SW .. i*SW+SW-1 at its bits 0.., bits past D are zero by the interface and unused),
// and marks tokens that end a frame. Framing (docs/interface.md): `s_last` on a word closes the token at
// once -- the token's remaining words are taken as zero -- and the token carries m_last = 1; the engine
// decides what a misplaced m_last means. With WORDS = 1 the module is a wire (no register, no cycle).
// Port contract: AXI-Stream handshakes on both sides; the last word of a token passes combinationally
// (m_valid follows s_valid, s_ready follows m_ready on that word), earlier words are held in a buffer.
module spike_deser #(
    parameter integer D  = 32,  // channels per token
    parameter integer SW = 32   // stream word width (bits)
) (
    input  wire          clk,
    input  wire          rst,     // synchronous, active high
    input  wire [SW-1:0] s_data,
    input  wire          s_last,
    input  wire          s_valid,
    output wire          s_ready,
    output wire [D-1:0]  m_data,
    output wire          m_last,
    output wire          m_valid,
    input  wire          m_ready
);
    localparam integer WORDS = (D + SW - 1) / SW;               // stream words per token
    localparam integer WCW   = (WORDS > 1) ? $clog2(WORDS) : 1;  // word counter bits
    localparam integer TB    = SW * WORDS;                       // bits of WORDS words

    generate
        if (D < 1 || SW < 1) begin : gen_param_error
            initial begin
                $display("ERROR: spike_deser: D=%0d and SW=%0d must be >= 1 (%m)", D, SW);
                $finish;
            end
            PARAMETER_ERROR_spike_deser_inconsistent u_param_error ();
        end
    endgenerate

    genvar gw;
    generate
        if (WORDS == 1) begin : gen_wire
            assign m_data  = s_data[D-1:0];
            assign m_last  = s_last;
            assign m_valid = s_valid;
            assign s_ready = m_ready;
            if (SW > D) begin : gen_unused
                // bits past D of the word are zero by the interface
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_hi = |s_data[SW-1:D];
                /* verilator lint_on UNUSEDSIGNAL */
            end
            // WORDS = 1 is a wire: the clock and reset are not used
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_clk = clk ^ rst;
            /* verilator lint_on UNUSEDSIGNAL */
        end else begin : gen_words
            localparam integer WM1 = WORDS - 1;
            localparam [WCW-1:0] W_LAST = WM1[WCW-1:0];
            reg  [WCW-1:0]      wc_q;                 // index of the word expected next
            reg  [TB-1:0]       buf_q;                // words 0 .. wc-1 of the token
            wire                closing = (wc_q == W_LAST) || s_last;
            wire [WORDS-1:0]    at_w, past_w;             // word i is the one expected now / already held
            for (gw = 0; gw < WORDS; gw = gw + 1) begin : gen_wflag
                localparam [WCW-1:0] GWI = gw;
                assign at_w[gw] = (wc_q == GWI);
                if (gw < WORDS - 1) begin : gen_past
                    localparam [WCW-1:0] GWN = gw + 1;
                    assign past_w[gw] = (wc_q >= GWN);
                end else begin : gen_last
                    assign past_w[gw] = 1'b0;  // the last word is never held (it closes the token)
                end
            end
            reg  [TB-1:0]       tok;
            integer i;
            always @* begin
                for (i = 0; i < WORDS; i = i + 1) begin
                    if (past_w[i]) tok[i * SW +: SW] = buf_q[i * SW +: SW];
                    else if (at_w[i]) tok[i * SW +: SW] = s_data;
                    else tok[i * SW +: SW] = {SW{1'b0}};
                end
            end
            assign m_data  = tok[D-1:0];
            assign m_last  = s_last;
            assign m_valid = s_valid && closing;
            assign s_ready = closing ? m_ready : 1'b1;
            if (TB > D) begin : gen_unused
                // bits past D of the token's last word are zero by the interface
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_hi = |tok[TB-1:D];
                /* verilator lint_on UNUSEDSIGNAL */
            end
            always @(posedge clk) begin
                for (i = 0; i < WORDS; i = i + 1) begin
                    if (s_valid && s_ready && !closing && at_w[i]) buf_q[i * SW +: SW] <= s_data;
                end
                if (rst) begin
                    wc_q <= {WCW{1'b0}};
                end else if (s_valid && s_ready) begin
                    wc_q <= closing ? {WCW{1'b0}} : wc_q + 1'b1;
                end
            end
        end
    endgenerate
endmodule
`default_nettype wire
