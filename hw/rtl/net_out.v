// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_out: the network's output formatter. Takes one image's NC logits (LW bits each, signed) and emits
// NC + 1 beats of 32 bits: beat k < NC is logit k sign-extended, beat NC is the class = argmax of the
// logits, ties to the lowest index (a later logit replaces the best only when strictly greater), with
// tlast on it. The argmax is computed while the logits leave, one compare per beat.
// Active cycles: NC + 1 per image (the beats taken).
module net_out #(
    parameter integer NC = 10,  // classes
    parameter integer LW = 16   // logit width (signed, proven), <= 32
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [NC*LW-1:0] s_data,
    input  wire             s_valid,
    output wire             s_ready,
    output wire [31:0]      m_data,
    output wire             m_last,
    output wire             m_valid,
    input  wire             m_ready,
    output wire             act,
    output wire             img_end
);
    function integer bw;
        input integer x;
        integer v;
        begin
            bw = 1;
            for (v = x; v > 1; v = v >> 1) bw = bw + 1;
        end
    endfunction
    localparam integer KW = bw(NC);
    localparam [KW-1:0] K_CLS = NC[KW-1:0];
    generate
        if (LW > 32 || KW > 32) begin : gen_bad_widths
            net_bad_parameter_set_out u_bad ();
        end
    endgenerate
    reg [NC*LW-1:0] lg_q;
    reg             full_q;
    reg [KW-1:0]    k_q;
    reg [LW-1:0]    best_q;
    reg [KW-1:0]    bi_q;
    wire [LW-1:0] cur = lg_q[LW-1:0];  // logit k_q (the register shifts down one logit per beat)
    wire [31:0]   cur_x;
    wire [31:0]   cls_x = {{(32 - KW){1'b0}}, bi_q};
    sign_extend #(.IN_W(LW), .OUT_W(32)) u_x (.din(cur), .dout(cur_x));
    wire is_cls = (k_q == K_CLS);
    wire take_out = full_q && m_ready;
    assign s_ready = !full_q;
    assign m_valid = full_q;
    assign m_data  = is_cls ? cls_x : cur_x;
    assign m_last  = is_cls;
    assign act     = take_out;
    assign img_end = take_out && is_cls;
    always @(posedge clk) begin
        if (s_valid && !full_q) lg_q <= s_data;
        else if (take_out && !is_cls) lg_q <= lg_q >> LW;
        if (take_out && !is_cls && (k_q == {KW{1'b0}} || $signed(cur) > $signed(best_q))) begin
            best_q <= cur;
            bi_q <= k_q;
        end
        if (rst) begin
            full_q <= 1'b0;
            k_q <= {KW{1'b0}};
        end else if (s_valid && !full_q) begin
            full_q <= 1'b1;
            k_q <= {KW{1'b0}};
        end else if (take_out) begin
            if (is_cls) full_q <= 1'b0;
            k_q <= is_cls ? {KW{1'b0}} : k_q + 1'b1;
        end
    end
endmodule
`default_nettype wire
