// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_sasa: the SASA module of the network pipeline: the house's SASA engine (sasa_core, unchanged) with
// (a) its weight load fed from the network weight stream -- when the block's first SASA segment arrives,
// the four header words the engine's own loader expects (MAGIC, VERSION, HASH, COUNT) are inserted (the
// payload port is held meanwhile), then its COUNT payload words are forwarded with tlast on the last; a
// network load that ends early (`wl_abort`) closes the engine's load with one dummy word carrying tlast,
// so it never stays half loaded -- and (b) a collector that turns the engine's G output beats of P
// 16-bit lanes per token into one token of D increments of IW bits (lane i of beat g = channel g*P + i).
// Output beats (OB < D, config stream_beat): the collector emits a beat of OB increments (channels
// b*OB .. b*OB+OB-1) every OB / P engine beats, D / OB beats per token, m_last on the image's last.
module net_sasa #(
    parameter integer D     = 32,  // channels
    parameter integer N     = 16,  // tokens per timestep
    parameter integer T     = 4,   // timesteps per image
    parameter integer P     = 8,   // lanes of the engine
    parameter integer H     = 2,   // heads
    parameter integer W_W   = 4,   // weight width
    parameter integer B_W   = 12,  // bias width
    parameter integer TH_W  = 12,  // threshold width
    parameter integer ACC_W = 13,  // engine accumulator / increment width (proven)
    parameter integer MEM_W = 14,  // engine Q/K membrane width
    parameter integer K     = 1,   // leak shift
    parameter integer IW    = 13,  // increment width on the output token, >= ACC_W
    parameter [31:0] HASH   = 32'd0,  // the engine's header word 2 (config hash32)
    parameter [31:0] COUNT  = 32'd0,  // the engine's payload words (its segments' total size)
    parameter integer RAM_STYLE = 0, // the engine's sdp_ram memories: sasa_core RAM_STYLE (0 tool's choice, 3 UltraRAM)
    parameter integer SEG_W = 5,   // bits of a network segment id
    parameter integer SEG_FIRST = 6, // network segment id of this block's first SASA segment
    parameter integer OB    = D    // increments per output beat (divides D; OB < D: P divides OB)
) (
    input  wire            clk,
    input  wire            rst,
    input  wire [D-1:0]    s_data,
    input  wire            s_last,
    input  wire            s_valid,
    output wire            s_ready,
    output wire [OB*IW-1:0] m_data,
    output wire            m_last,
    output wire            m_valid,
    input  wire            m_ready,
    input  wire            wl_valid,   // network payload word
    input  wire [SEG_W-1:0] wl_seg,
    input  wire [31:0]     wl_data,
    input  wire            wl_abort,
    output wire            wl_ready,   // low while this module inserts words or its engine is not ready
    output wire            loaded,
    output wire            busy,
    output wire            img_done,
    output wire [31:0]     cycles_active,
    output wire            err_proto
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
    localparam integer G    = (OB < D) ? OB / P : (D + P - 1) / P;  // engine beats per output beat
    localparam integer GP   = G * P;
    localparam integer LB   = 16;  // engine output lane width (docs/interface.md)
    localparam integer GW   = bw(G - 1);
    localparam integer GM1  = G - 1;
    localparam [GW-1:0] G_LAST = GM1[GW-1:0];
    // the forwarded-word counter holds 0 .. COUNT - 1: as wide as COUNT - 1 needs (a 32-bit increment's
    // carry chain was this module's longest path), not 32 bits
    localparam [31:0] CM1 = COUNT - 32'd1;
    localparam integer FC_W = bw(CM1);
    localparam [FC_W-1:0] FC_LAST = CM1[FC_W-1:0];
    generate
        if (IW < ACC_W || ACC_W > LB) begin : gen_bad_widths
            net_bad_parameter_set_sasa_widths u_bad ();
        end
        if (OB < 1 || OB > D || (OB < D && (D % OB != 0 || OB % P != 0))) begin : gen_bad_beat
            net_bad_parameter_set_sasa_beat u_bad ();
        end
    endgenerate

    // ------------------------------------------------------------------ weight-load adapter
    localparam [1:0] A_IDLE = 2'd0, A_HDR = 2'd1, A_FWD = 2'd2, A_CLOSE = 2'd3;
    reg [1:0]  a_q, a_d;
    reg [1:0]  hk_q, hk_d;
    reg [FC_W-1:0] fc_q, fc_d;
    reg        ew_valid, ew_last;
    reg [31:0] ew_data;
    wire       ew_ready;
    reg        my_ready;
    always @* begin
        a_d = a_q; hk_d = hk_q; fc_d = fc_q;
        ew_valid = 1'b0; ew_last = 1'b0; ew_data = wl_data; my_ready = 1'b1;
        case (a_q)
            A_IDLE: begin
                // not ready on this block's first segment id whether or not a word is offered: wl_ready
                // does not depend on wl_valid (the network loader's take is not a path through here)
                if (wl_seg == SEG_FIRST[SEG_W-1:0]) my_ready = 1'b0;
                if (wl_valid && wl_seg == SEG_FIRST[SEG_W-1:0]) begin
                    a_d = A_HDR;
                    hk_d = 2'd0;
                end
            end
            A_HDR: begin
                my_ready = 1'b0;
                ew_valid = 1'b1;
                case (hk_q)
                    2'd0: ew_data = 32'h53415341;
                    2'd1: ew_data = 32'd1;
                    2'd2: ew_data = HASH;
                    default: ew_data = COUNT;
                endcase
                if (ew_ready) begin
                    hk_d = hk_q + 2'd1;
                    if (hk_q == 2'd3) begin
                        a_d = A_FWD;
                        fc_d = {FC_W{1'b0}};
                    end
                end
                if (wl_abort) a_d = A_CLOSE;
            end
            A_FWD: begin
                ew_valid = wl_valid;
                ew_last = (fc_q == FC_LAST);
                my_ready = ew_ready;
                if (wl_valid && ew_ready) begin
                    fc_d = fc_q + 1'b1;
                    if (fc_q == FC_LAST) a_d = A_IDLE;
                end
                if (wl_abort) a_d = A_CLOSE;
            end
            default: begin  // A_CLOSE
                ew_valid = 1'b1;
                ew_last = 1'b1;
                ew_data = 32'd0;
                if (ew_ready) a_d = A_IDLE;
            end
        endcase
    end
    always @(posedge clk) begin
        hk_q <= hk_d;
        fc_q <= fc_d;
        if (rst) a_q <= A_IDLE;
        else a_q <= a_d;
    end
    assign wl_ready = my_ready;

    // ------------------------------------------------------------------ the engine
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    wire [P*LB-1:0] e_data;
    /* verilator lint_on UNUSEDSIGNAL */
    wire            e_last, e_valid, e_ready;
    /* verilator lint_off UNUSEDSIGNAL */
    wire e_img_start, e_load_active, e_err_hdr, e_err_len, e_err_val, e_stall_in, e_stall_out;
    wire [31:0] e_cycles_total, e_cycles_qk, e_cycles_y;
    /* verilator lint_on UNUSEDSIGNAL */
    // One spike word of D bits per token (SW = D: the engine's deserialiser is a wire).
    sasa_core #(
        .D(D), .N(N), .T(T), .P(P), .H(H), .W_W(W_W), .B_W(B_W), .TH_W(TH_W), .ACC_W(ACC_W), .MEM_W(MEM_W),
        .K(K), .OUT_LANE_W(LB), .SW(D), .WW(32), .MAGIC(32'h53415341), .VERSION(32'd1), .HASH(HASH),
        .COUNT(COUNT), .RAM_STYLE(RAM_STYLE)
    ) u_core (
        .clk(clk), .rst(rst), .start_en(1'b1), .load_en(1'b1), .img_start(e_img_start),
        .load_active(e_load_active),
        .in_data(s_data), .in_last(s_last), .in_valid(s_valid), .in_ready(s_ready),
        .w_data(ew_data), .w_valid(ew_valid), .w_last(ew_last), .w_ready(ew_ready),
        .out_data(e_data), .out_last(e_last), .out_valid(e_valid), .out_ready(e_ready),
        .busy(busy), .img_done(img_done), .cycles_active(cycles_active), .cycles_total(e_cycles_total),
        .cycles_qk(e_cycles_qk), .cycles_y(e_cycles_y), .stall_in(e_stall_in), .stall_out(e_stall_out),
        .weights_loaded(loaded), .err_hdr(e_err_hdr), .err_len(e_err_len), .err_val(e_err_val),
        .err_proto(err_proto)
    );

    // ------------------------------------------------------------------ collector: G engine beats -> one output beat
    reg [GW-1:0]    g_q;
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    reg [GP*IW-1:0] col_q;
    /* verilator lint_on UNUSEDSIGNAL */
    reg [OB*IW-1:0] m_q;
    reg             mv_q, ml_q;
    wire [P*IW-1:0] beat;  // this beat's lanes at IW bits
    genvar gl;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            sign_extend #(.IN_W(ACC_W), .OUT_W(IW)) u_x (.din(e_data[gl * LB +: ACC_W]), .dout(beat[gl * IW +: IW]));
        end
    endgenerate
    wire [GP*IW-1:0] col_nx;
    generate
        if (G > 1) begin : gen_shift
            assign col_nx = {beat, col_q[GP*IW-1:P*IW]};
        end else begin : gen_one
            assign col_nx = beat;
        end
    endgenerate
    wire last_beat = (g_q == G_LAST);
    assign e_ready = !last_beat || !mv_q || m_ready;
    wire e_take = e_valid && e_ready;
    assign m_data  = m_q;
    assign m_valid = mv_q;
    assign m_last  = ml_q;
    always @(posedge clk) begin
        if (e_take) col_q <= col_nx;
        if (e_take && last_beat) begin
            m_q  <= col_nx[OB*IW-1:0];
            ml_q <= e_last;
        end
        if (rst) begin
            g_q <= {GW{1'b0}};
            mv_q <= 1'b0;
        end else begin
            if (e_take) g_q <= last_beat ? {GW{1'b0}} : g_q + 1'b1;
            if (e_take && last_beat) mv_q <= 1'b1;
            else if (m_ready) mv_q <= 1'b0;
        end
    end
endmodule
`default_nettype wire
