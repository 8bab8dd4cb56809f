// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_wload_props: the proof wrapper of hw/rtl/sasa_wload.v (hw/formal/sasa_wload.sby), on its named ports
// only (the unit is being extended: properties name ports, never internal registers). The stream and `en`
// are free (anyseq). A reference on the ports judges every load (words from one tlast to the next): the
// header is wrong when the load has its 4 header words and one differs from MAGIC, VERSION, HASH, COUNT;
// the count is wrong when the header is right but the load is not 4 + COUNT words long. After a load's
// tlast: err_hdr == header wrong, err_len == count wrong, loaded == neither (the load was complete and
// valid); between loads the flags hold; `loaded` is low while a load is in progress. A tiny configuration
// (D = 1, P = 1, H = 1: COUNT = 9, a valid load of 13 words) keeps a whole load inside the bmc depth.
module sasa_wload_props #(
    parameter integer WW = 8
) (
    input wire clk
);
    localparam [WW-1:0] MAGIC = 8'ha5, VERSION = 8'h01, HASH = 8'h3c, COUNT = 8'd9;  // 3 D^2 + 3 D + 2 + H
    (* anyseq *) reg          rst, en, s_valid, s_last;
    (* anyseq *) reg [WW-1:0] s_data;
    wire          s_ready, busy, loaded, err_hdr, err_len, err_val;
    wire          we_wq, we_wk, we_wo, we_bq, we_bk, we_bo, we_thq, we_thk, we_tha;
    wire [0:0]    lane_oh, waddr, baddr, haddr;
    wire [WW-1:0] wdata;

    sasa_wload #(.D(1), .P(1), .H(1), .CW(1), .LW(1), .GW(1), .WA_W(1), .HW(1), .WW(WW),
                 // declared widths = the word width: every word fits, so the value check (err_val, tested in
                 // cocotb: tests/test_rtl_sim.py) stays out of this proof of the header and length rules
                 .W_W(WW), .B_W(WW), .TH_W(WW), .CNT_W(WW),
                 .MAGIC(MAGIC), .VERSION(VERSION), .HASH(HASH), .COUNT(COUNT)) dut (
        .clk(clk), .rst(rst), .en(en), .s_data(s_data), .s_valid(s_valid), .s_last(s_last), .s_ready(s_ready),
        .busy(busy), .we_wq(we_wq), .we_wk(we_wk), .we_wo(we_wo), .we_bq(we_bq), .we_bk(we_bk), .we_bo(we_bo),
        .we_thq(we_thq), .we_thk(we_thk), .we_tha(we_tha), .lane_oh(lane_oh), .waddr(waddr), .baddr(baddr),
        .haddr(haddr), .wdata(wdata), .loaded(loaded), .err_hdr(err_hdr), .err_len(err_len),
        .err_val(err_val)
    );

    reg f_past_valid;
    initial f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @* if (!f_past_valid) assume (rst);

    wire take = s_valid && s_ready;
    reg  [5:0] f_n;    // words of the current load so far (saturates)
    reg        f_bad;  // a header word differed
    reg  [WW-1:0] f_want;
    always @* begin
        case (f_n)
            6'd0: f_want = MAGIC;
            6'd1: f_want = VERSION;
            6'd2: f_want = HASH;
            default: f_want = COUNT;
        endcase
    end
    wire       f_bad_now = f_bad || (f_n < 6'd4 && s_data != f_want);
    wire [5:0] f_len     = f_n + 6'd1;  // the load's length if this word is its last
    wire       f_hdr_ng  = f_len >= 6'd4 && f_bad_now;
    wire       f_len_ng  = !f_hdr_ng && f_len != 6'd4 + COUNT[5:0];
    reg        f_exp_hdr, f_exp_len, f_exp_ok;
    always @(posedge clk) begin
        if (rst) begin
            f_n <= 6'd0; f_bad <= 1'b0;
            f_exp_hdr <= 1'b0; f_exp_len <= 1'b0; f_exp_ok <= 1'b0;
        end else if (take) begin
            if (s_last) begin
                f_n <= 6'd0; f_bad <= 1'b0;
                f_exp_hdr <= f_hdr_ng; f_exp_len <= f_len_ng; f_exp_ok <= !f_hdr_ng && !f_len_ng;
            end else begin
                f_n   <= (f_n == 6'd63) ? f_n : f_n + 6'd1;
                f_bad <= f_bad_now;
            end
        end
    end

    always @* begin
        if (!rst) begin
            assert (!err_val);  // no word can exceed its declared width here
            assert (s_ready == en);
            assert (busy == (f_n != 6'd0));
            if (f_n != 6'd0) assert (!loaded);              // loaded falls when a load begins
            if (f_n == 6'd0) begin                           // between loads: the last load's verdict
                assert (err_hdr == f_exp_hdr);
                assert (err_len == f_exp_len);
                assert (loaded == f_exp_ok);
            end
        end
    end
    always @(posedge clk) begin
        // weights_loaded rises only at the tlast of a complete, valid load
        if (f_past_valid && !$past(rst) && !rst && loaded && !$past(loaded))
            assert ($past(take && s_last) && f_exp_ok);
    end

    // reachability (cover task): a complete valid load, and one refused for its header
    always @* if (!rst) cover (loaded);
    always @* if (!rst) cover (err_hdr && f_n == 6'd0);
endmodule
`default_nettype wire
