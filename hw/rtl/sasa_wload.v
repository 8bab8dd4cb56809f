// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_wload: the weight-load sequencer of the SASA engine. It consumes the s_axis_w stream of
// docs/interface.md (WW-bit words: magic, format version, config hash32, payload count, then wq, bq,
// theta_q, wk, bk, theta_k, theta_a, wo, bo in golden/interface.py WEIGHT_ORDER, row-major (in j, out c))
// and turns each payload word into a write strobe for the lane memories: matrix word (j, c) goes to lane
// c mod P at row address (c div P) * D + j, bias word c to lane c mod P at address c div P. The
// division and product are never computed: counters step lane, group and group base (+D) as c advances.
// A header that differs from this build's constants sets err_hdr and the rest of the load is dropped; a
// tlast before or after the announced count sets err_len. `loaded` rises only after a complete, correct
// load and falls when the next load begins. A payload word with bits set above its declared width (a
// signed value not sign-extended from W_W / B_W bits, an unsigned threshold above TH_W / CNT_W bits) sets
// err_val and the load does not become `loaded` (the memories are not trusted until a valid reload).
// Issue 5 maps these flags into the AXI-Lite STATUS register.
module sasa_wload #(
    parameter integer D       = 32,           // channels
    parameter integer P       = 8,            // lanes
    parameter integer H       = 2,            // heads
    parameter integer CW      = 5,            // bits of a channel index (holds D-1)
    parameter integer LW      = 3,            // bits of a lane index (holds P-1)
    parameter integer GW      = 2,            // bits of a group index (holds G-1)
    parameter integer WA_W    = 7,            // bits of a weight-row address (holds G*D-1)
    parameter integer HW      = 1,            // bits of a head index (holds H-1)
    parameter integer WW      = 32,           // weight-stream word width (golden/interface.py WEIGHT_WORD_BITS)
    parameter [WW-1:0] MAGIC   = 32'h53415341, // header word 0
    parameter [WW-1:0] VERSION = 32'd1,        // header word 1: weight format version
    parameter [WW-1:0] HASH    = 32'd0,        // header word 2: low 32 bits of the config hash
    parameter [WW-1:0] COUNT   = 32'd0,        // header word 3: payload words (3 D^2 + 3 D + 2 + H)
    parameter integer W_W     = 4,            // declared weight width (signed)
    parameter integer B_W     = 12,           // declared bias width (signed)
    parameter integer TH_W    = 12,           // declared LIF threshold width (unsigned)
    parameter integer CNT_W   = 5             // declared theta_a width (unsigned, holds N)
) (
    input  wire            clk,
    input  wire            rst,       // synchronous, active high
    input  wire            en,        // the engine is between images: a load may proceed
    input  wire [WW-1:0]   s_data,
    input  wire            s_valid,
    input  wire            s_last,
    output wire            s_ready,
    output wire            busy,      // a load has started and not yet seen tlast
    output wire            we_wq, we_wk, we_wo, we_bq, we_bk, we_bo, we_thq, we_thk, we_tha,
    output wire [P-1:0]    lane_oh,   // one-hot lane of the word being written
    output wire [WA_W-1:0] waddr,     // weight-row address (group base + input channel j)
    output wire [GW-1:0]   baddr,     // bias address (group)
    output wire [HW-1:0]   haddr,     // head of a theta_a word
    output wire [WW-1:0]   wdata,
    output wire            loaded,    // a complete, valid load is in place
    output wire            err_hdr,   // last load had a wrong magic, version, config hash or count
    output wire            err_len,   // last load was truncated or over-long
    output wire            err_val    // last load had a payload word with bits set above its declared width
);
    localparam [3:0] SEG_MAGIC = 4'd0, SEG_VER = 4'd1, SEG_HASH = 4'd2, SEG_COUNT = 4'd3,
                     SEG_WQ = 4'd4, SEG_BQ = 4'd5, SEG_THQ = 4'd6, SEG_WK = 4'd7, SEG_BK = 4'd8,
                     SEG_THK = 4'd9, SEG_THA = 4'd10, SEG_WO = 4'd11, SEG_BO = 4'd12, SEG_OVER = 4'd13,
                     SEG_SKIP = 4'd14;
    localparam integer    DM1 = D - 1, PM1 = P - 1, HM1 = H - 1, DI = D;
    localparam [CW-1:0]   C_LAST = DM1[CW-1:0];
    localparam [LW-1:0]   L_LAST = PM1[LW-1:0];
    localparam [HW-1:0]   H_LAST = HM1[HW-1:0];
    localparam [WA_W-1:0] D_STEP = DI[WA_W-1:0];

    reg [3:0]      seg_q, seg_d;
    reg [CW-1:0]   c_q, c_d;        // output channel of the word
    reg [CW-1:0]   j_q, j_d;        // input channel (matrix row)
    reg [LW-1:0]   l_q, l_d;        // lane = c mod P
    reg [GW-1:0]   g_q, g_d;        // group = c div P
    reg [WA_W-1:0] gb_q, gb_d;      // group base = g * D
    reg [HW-1:0]   h_q, h_d;
    reg            hdr_ok_q, hdr_ok_d;
    reg            busy_q, busy_d;
    reg            loaded_q, loaded_d;
    reg            err_hdr_q, err_hdr_d;
    reg            err_len_q, err_len_d;
    reg            err_val_q, err_val_d;

    // the payload word fits its segment's declared width
    // (shifts, not replications: no zero-width replication when a width equals WW)
    wire sx_w  = ((s_data >> (W_W - 1)) == {WW{1'b0}}) || ((~s_data >> (W_W - 1)) == {WW{1'b0}});
    wire sx_b  = ((s_data >> (B_W - 1)) == {WW{1'b0}}) || ((~s_data >> (B_W - 1)) == {WW{1'b0}});
    wire ux_th = ((s_data >> TH_W) == {WW{1'b0}});
    wire ux_a  = ((s_data >> CNT_W) == {WW{1'b0}});
    reg  fits;
    always @* begin
        case (seg_q)
            SEG_WQ, SEG_WK, SEG_WO:  fits = sx_w;
            SEG_BQ, SEG_BK, SEG_BO:  fits = sx_b;
            SEG_THQ, SEG_THK:        fits = ux_th;
            SEG_THA:                 fits = ux_a;
            default:                 fits = 1'b1;
        endcase
    end

    // j zero-extended to a row address (WA_W == CW when G = 1: no zero-width replication, its own branch)
    wire [WA_W-1:0] j_x;
    generate
        if (WA_W > CW) begin : gen_j_ext
            assign j_x = {{(WA_W - CW){1'b0}}, j_q};
        end else begin : gen_j_same
            assign j_x = j_q;
        end
    endgenerate

    wire take = s_valid && en && !rst;  // nothing is taken (and s_ready is low) while reset is high
    wire row_end = (c_q == C_LAST);
    // a load's tlast leaves it `loaded` only on the last bias word of bo, with no length or value error
    // before it and this word fitting B_W bits: written out, so the value check (sx_b) reaches `loaded`
    // directly rather than through `fits` and err_val_d (a shorter path; the same function)
    wire fin_ok = (seg_q == SEG_BO) && row_end && !err_len_q && !err_val_q && sx_b;

    assign s_ready = en && !rst;
    assign busy    = busy_q;
    assign wdata   = s_data;
    assign waddr   = gb_q + j_x;
    assign baddr   = g_q;
    assign haddr   = h_q;
    assign loaded  = loaded_q;
    assign err_hdr = err_hdr_q;
    assign err_len = err_len_q;
    assign err_val = err_val_q;
    assign we_wq   = take && seg_q == SEG_WQ;
    assign we_wk   = take && seg_q == SEG_WK;
    assign we_wo   = take && seg_q == SEG_WO;
    assign we_bq   = take && seg_q == SEG_BQ;
    assign we_bk   = take && seg_q == SEG_BK;
    assign we_bo   = take && seg_q == SEG_BO;
    assign we_thq  = take && seg_q == SEG_THQ;
    assign we_thk  = take && seg_q == SEG_THK;
    assign we_tha  = take && seg_q == SEG_THA;

    genvar gl;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane_oh
            assign lane_oh[gl] = (l_q == gl[LW-1:0]);
        end
    endgenerate

    // the next output channel: (c, lane, group, base) step by one; all wrap to 0 at a row end
    reg [CW-1:0]   c_nx;
    reg [LW-1:0]   l_nx;
    reg [GW-1:0]   g_nx;
    reg [WA_W-1:0] gb_nx;
    always @* begin
        c_nx  = {CW{1'b0}};
        l_nx  = {LW{1'b0}};
        g_nx  = {GW{1'b0}};
        gb_nx = {WA_W{1'b0}};
        if (!row_end) begin
            c_nx  = c_q + 1'b1;
            l_nx  = l_q + 1'b1;
            g_nx  = g_q;
            gb_nx = gb_q;
            if (l_q == L_LAST) begin
                l_nx  = {LW{1'b0}};
                g_nx  = g_q + 1'b1;
                gb_nx = gb_q + D_STEP;
            end
        end
    end

    always @* begin
        seg_d     = seg_q;
        c_d       = c_q;
        j_d       = j_q;
        l_d       = l_q;
        g_d       = g_q;
        gb_d      = gb_q;
        h_d       = h_q;
        hdr_ok_d  = hdr_ok_q;
        busy_d    = busy_q;
        loaded_d  = loaded_q;
        err_hdr_d = err_hdr_q;
        err_len_d = err_len_q;
        err_val_d = err_val_q;
        if (take) begin
            busy_d = !s_last;
            if (!fits) err_val_d = 1'b1;
            case (seg_q)
                SEG_MAGIC: begin
                    loaded_d  = 1'b0;
                    err_hdr_d = 1'b0;
                    err_len_d = 1'b0;
                    err_val_d = 1'b0;
                    hdr_ok_d  = (s_data == MAGIC);
                    c_d = {CW{1'b0}}; j_d = {CW{1'b0}}; l_d = {LW{1'b0}}; g_d = {GW{1'b0}};
                    gb_d = {WA_W{1'b0}}; h_d = {HW{1'b0}};
                    seg_d = SEG_VER;
                end
                SEG_VER:  begin hdr_ok_d = hdr_ok_q && (s_data == VERSION); seg_d = SEG_HASH; end
                SEG_HASH: begin hdr_ok_d = hdr_ok_q && (s_data == HASH); seg_d = SEG_COUNT; end
                SEG_COUNT: begin
                    if (hdr_ok_q && (s_data == COUNT)) begin
                        seg_d = SEG_WQ;
                    end else begin
                        err_hdr_d = 1'b1;
                        seg_d = SEG_SKIP;
                    end
                end
                SEG_WQ, SEG_WK, SEG_WO: begin
                    c_d = c_nx; l_d = l_nx; g_d = g_nx; gb_d = gb_nx;
                    if (row_end) begin
                        if (j_q == C_LAST) begin
                            j_d   = {CW{1'b0}};
                            seg_d = seg_q + 4'd1;
                        end else begin
                            j_d = j_q + 1'b1;
                        end
                    end
                end
                SEG_BQ, SEG_BK, SEG_BO: begin
                    c_d = c_nx; l_d = l_nx; g_d = g_nx; gb_d = gb_nx;
                    if (row_end) seg_d = (seg_q == SEG_BO) ? SEG_OVER : seg_q + 4'd1;
                end
                SEG_THQ, SEG_THK: seg_d = seg_q + 4'd1;
                SEG_THA: begin
                    if (h_q == H_LAST) seg_d = SEG_WO;
                    else h_d = h_q + 1'b1;
                end
                SEG_OVER: err_len_d = 1'b1;  // a word past the announced count
                default: ;                   // SEG_SKIP: drop the rest of a bad load
            endcase
            if (s_last) begin
                seg_d = SEG_MAGIC;
                loaded_d = fin_ok;
                // truncated (or over-long: SEG_OVER); not after a bad header (err_hdr), nor on a complete
                // load (loaded unless a word did not fit its width: err_val)
                if (!(seg_q == SEG_SKIP || (seg_q == SEG_COUNT && !(hdr_ok_q && s_data == COUNT)))
                    && !(seg_q == SEG_BO && row_end && !err_len_q)) err_len_d = 1'b1;
            end
        end
    end

    always @(posedge clk) begin
        c_q      <= c_d;
        j_q      <= j_d;
        l_q      <= l_d;
        g_q      <= g_d;
        gb_q     <= gb_d;
        h_q      <= h_d;
        hdr_ok_q <= hdr_ok_d;
        if (rst) begin
            seg_q     <= SEG_MAGIC;
            busy_q    <= 1'b0;
            loaded_q  <= 1'b0;
            err_hdr_q <= 1'b0;
            err_len_q <= 1'b0;
            err_val_q <= 1'b0;
        end else begin
            seg_q     <= seg_d;
            busy_q    <= busy_d;
            loaded_q  <= loaded_d;
            err_hdr_q <= err_hdr_d;
            err_len_q <= err_len_d;
            err_val_q <= err_val_d;
        end
    end

endmodule
`default_nettype wire
