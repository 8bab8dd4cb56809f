// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_shortcut: a module's membrane shortcut on the residual stream U (docs/integer-semantics.md): each U
// token is (a) turned into the module's input spikes S = LIF(U) by a net_lif stage (m_s) and (b) kept in
// a FIFO of FD tokens until the module's increment for the same token arrives (s_inc, in token order);
// then U + inc leaves on m_u (same beat format as the U input). FD is derived from the module's
// schedule: SASA's first increment of timestep t needs all N tokens of t (A[t]): FD >= N; the DWC's
// increment of token e needs tokens up to e + GRID + 1: FD >= GRID + 2; a per-token module (MLP) FD >= 1
// (contract/interface.py shortcut_fifo_tokens; docs/architecture.md, "U buffered per timestep").
// The FIFO is an sdp_ram (registered read: block RAM when large) whose read register is the FIFO's head:
// a word is read when the head is empty or leaving, so FD words wait in the memory and one in the head.
// Stream beats (SB < D, config stream_beat): U, the increments and U + inc travel as D / SB beats of SB
// consecutive channels (beat b: channels b*SB .. b*SB+SB-1; lanes P divide SB); the FIFO then holds
// FD * D / SB beats (the same FD tokens), the adder is SB channels wide, the LIF takes the beats (net_lif
// IB = SB) and last is on the image's last beat. SB = D: one beat per token.
module net_shortcut #(
    parameter integer D      = 32,  // channels
    parameter integer UW     = 15,  // width of U (signed, proven)
    parameter integer IW     = 13,  // width of the increment (signed), <= UW
    parameter integer MEM_W  = 16,  // shortcut membrane width (proven)
    parameter integer TH_W   = 12,  // threshold width
    parameter integer K      = 1,   // leak shift
    parameter integer N      = 16,  // tokens per timestep
    parameter integer T      = 4,   // timesteps
    parameter integer FD     = 16,  // U FIFO depth in tokens
    parameter integer P      = 8,   // LIF neurons per cycle (net_lif lanes)
    parameter integer RAM_STYLE = 0, // the LIF's membrane memory: net_lif RAM_STYLE
    parameter integer FIRED = 0,    // the LIF's net_lif FIRED (the generator's rule, hw/net_generate.py lif_fired)
    parameter integer FIFO_STYLE = 0, // the U FIFO's sdp_ram STYLE (0: tool's choice, 2: LUT RAM; the generator's rule)
    parameter integer SEG_W  = 5,   // bits of a weight-stream segment id
    parameter integer SEG_TH = 0,   // segment of the threshold (u.theta)
    parameter integer SB     = D    // channels per beat of U and inc (divides D; SB < D: P divides SB)
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [SB*UW-1:0]  s_u_data,
    input  wire              s_u_last,
    input  wire              s_u_valid,
    output wire              s_u_ready,
    output wire [D-1:0]      m_s_data,
    output wire              m_s_last,
    output wire              m_s_valid,
    input  wire              m_s_ready,
    input  wire [SB*IW-1:0]  s_inc_data,
    input  wire              s_inc_valid,
    output wire              s_inc_ready,
    output wire [SB*UW-1:0]  m_u_data,
    output wire              m_u_last,
    output wire              m_u_valid,
    input  wire              m_u_ready,
    input  wire              wl_take,
    input  wire [SEG_W-1:0]  wl_seg,
    input  wire [31:0]       wl_data,
    output wire              act,
    output wire              img_end,
    output wire              err_proto
);
    function integer bw;
        input integer x;
        integer v;
        begin
            bw = 1;
            for (v = x; v > 1; v = v >> 1) bw = bw + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer FW  = FD * (D / SB);  // FIFO depth in beats
    localparam integer FAW = bw(FW - 1);  // FIFO address bits
    localparam integer FCW = bw(FW);      // FIFO count bits
    localparam integer FDM1 = FW - 1;
    localparam [FAW-1:0] F_LAST = FDM1[FAW-1:0];
    localparam [FCW-1:0] F_FULL = FW[FCW-1:0];
    generate
        if (IW > UW || FD < 2 || SB < 1 || SB > D || D % SB != 0) begin : gen_bad_params
            net_bad_parameter_set_shortcut u_bad ();
        end
    endgenerate

    reg [FAW-1:0] wp_q, rp_q;
    reg [FCW-1:0] cnt_q;          // words in the memory (not counting the head)
    reg           hv_q;           // the head (the memory's read register) holds a word
    reg [SB*UW-1:0] mu_q;
    reg mul_q, muv_q;

    wire lif_ready;
    wire full = (cnt_q == F_FULL);
    wire push = s_u_valid && lif_ready && !full;
    wire [SB*UW:0] head;           // {last, U}
    wire pop  = s_inc_valid && hv_q && (!muv_q || m_u_ready);
    wire rd   = (cnt_q != {FCW{1'b0}}) && (!hv_q || pop);
    assign s_u_ready   = lif_ready && !full;
    assign s_inc_ready = pop;
    assign m_u_data    = mu_q;
    assign m_u_last    = mul_q;
    assign m_u_valid   = muv_q;
    sdp_ram #(.W(SB * UW + 1), .DEPTH(FW), .STYLE(FIFO_STYLE)) u_fifo (
        .clk(clk), .we(push), .waddr(wp_q), .wdata({s_u_last, s_u_data}), .re(rd), .raddr(rp_q), .rdata(head));

    net_lif #(.FO(D), .IN_W(UW), .MEM_W(MEM_W), .TH_W(TH_W), .K(K), .N(N), .T(T), .P(P), .RAM_STYLE(RAM_STYLE),
              .FIRED(FIRED), .SEG_W(SEG_W), .SEG_TH(SEG_TH), .IB(SB)) u_lif (
        .clk(clk), .rst(rst), .s_data(s_u_data), .s_last(s_u_last), .s_valid(s_u_valid && !full),
        .s_ready(lif_ready), .m_data(m_s_data), .m_last(m_s_last), .m_valid(m_s_valid), .m_ready(m_s_ready),
        .wl_take(wl_take), .wl_seg(wl_seg), .wl_data(wl_data), .act(act), .img_end(img_end),
        .err_proto(err_proto));

    wire [SB*UW-1:0] sum;
    genvar gc;
    generate
        for (gc = 0; gc < SB; gc = gc + 1) begin : gen_add
            wire [UW-1:0] inc_x;
            sign_extend #(.IN_W(IW), .OUT_W(UW)) u_x (.din(s_inc_data[gc * IW +: IW]), .dout(inc_x));
            assign sum[gc * UW +: UW] = head[gc * UW +: UW] + inc_x;
        end
    endgenerate

    always @(posedge clk) begin
        if (pop) begin
            mu_q  <= sum;
            mul_q <= head[SB*UW];
        end
        if (rst) begin
            wp_q <= {FAW{1'b0}};
            rp_q <= {FAW{1'b0}};
            cnt_q <= {FCW{1'b0}};
            hv_q <= 1'b0;
            muv_q <= 1'b0;
        end else begin
            if (push) wp_q <= (wp_q == F_LAST) ? {FAW{1'b0}} : wp_q + 1'b1;
            if (rd) rp_q <= (rp_q == F_LAST) ? {FAW{1'b0}} : rp_q + 1'b1;
            cnt_q <= cnt_q + {{(FCW-1){1'b0}}, push} - {{(FCW-1){1'b0}}, rd};
            if (rd) hv_q <= 1'b1;
            else if (pop) hv_q <= 1'b0;
            if (pop) muv_q <= 1'b1;
            else if (m_u_ready) muv_q <= 1'b0;
        end
    end
endmodule
`default_nettype wire
