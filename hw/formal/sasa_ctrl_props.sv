// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_ctrl_props: the proof wrapper of hw/rtl/sasa_ctrl.v (hw/formal/sasa_ctrl.sby), on its named ports
// only (the unit is being extended: properties name ports, never internal registers). The register bus and
// the engine's status inputs are free (anyseq). The Vitis ap_ctrl_hs rules, read off CTRL/ISR:
//   - ap_start is refused without a valid weight load (or while a load is active): ap_start rises only
//     if weights_loaded and !load_active held when it was written;
//   - ap_done rises only with the run's last image done (img_done number max(1, IMAGES) of the run);
//   - ap_idle == !ap_start; ap_done and ap_ready rise together; ISR bits rise only with ap_done and their
//     IER bit (or a write to ISR); interrupt == GIE && ISR != 0;
//   - clear on read: ap_done and ap_ready stay until CTRL is read and are 0 after the read (unless the
//     read's cycle finished another run).
// Bounded: the run counters are 32 bits wide and unobservable on the ports, so induction cannot close on
// ports alone; the .sby states the bmc depth.
module sasa_ctrl_props #(
    parameter integer AW = 8
) (
    input wire clk
);
    localparam [AW-1:0] A_CTRL = 8'h00, A_GIE = 8'h04, A_IER = 8'h08, A_ISR = 8'h0c, A_IMAGES = 8'h10;
    (* anyseq *) reg          rst, wr_en, rd_en, weights_loaded, load_active, img_start, img_done;
    (* anyseq *) reg [AW-1:0] wr_addr, rd_addr;
    (* anyseq *) reg [31:0]   wr_data, img_cycles_active;
    (* anyseq *) reg [3:0]    wr_strb;
    (* anyseq *) reg          err_hdr, err_len, err_proto;
    wire        start_en, load_en, interrupt;
    wire [31:0] ctrl_word, gie_word, ier_word, isr_word, images_word, status_word, cyc_a, cyc_t;

    sasa_ctrl #(.AW(AW)) dut (
        .clk(clk), .rst(rst), .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb),
        .rd_en(rd_en), .rd_addr(rd_addr), .weights_loaded(weights_loaded), .load_active(load_active),
        .img_start(img_start), .img_done(img_done), .img_cycles_active(img_cycles_active),
        .err_hdr(err_hdr), .err_len(err_len), .err_proto(err_proto), .start_en(start_en), .load_en(load_en),
        .ctrl_word(ctrl_word), .gie_word(gie_word), .ier_word(ier_word), .isr_word(isr_word),
        .images_word(images_word), .status_word(status_word), .cycles_active_word(cyc_a),
        .cycles_total_word(cyc_t), .interrupt(interrupt)
    );

    wire ap_start = ctrl_word[0], ap_done = ctrl_word[1], ap_idle = ctrl_word[2], ap_ready = ctrl_word[3];
    wire wr_ctrl  = wr_en && wr_addr == A_CTRL && wr_strb[0];
    wire rd_ctrl  = rd_en && rd_addr == A_CTRL;
    wire wr_isr   = wr_en && wr_addr == A_ISR && wr_strb[0];

    reg f_past_valid;
    initial f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @* if (!f_past_valid) assume (rst);

    // the run as the ports tell it: its image count, taken from IMAGES when ap_start rose, and the
    // img_done pulses seen since
    reg [31:0] f_want, f_seen;
    always @(posedge clk) begin
        if (rst) begin
            f_want <= 32'd0; f_seen <= 32'd0;
        end else if (!ap_start || (img_done && f_seen + 1 == f_want)) begin
            f_want <= (images_word == 32'd0) ? 32'd1 : images_word;
            f_seen <= 32'd0;
        end else if (img_done) begin
            f_seen <= f_seen + 32'd1;
        end
    end

    wire f_finish = ap_start && img_done && f_seen + 32'd1 == f_want;  // the run's last image is done

    always @* begin
        if (!rst) begin
            assert (ap_idle == !ap_start);
            assert (load_en == !ap_start);
            assert (interrupt == (gie_word[0] && isr_word[1:0] != 2'd0));
            assert (status_word[0] == !weights_loaded);
            assert (ap_done == ap_ready);
            if (start_en) assert (ap_start);
        end
    end

    always @(posedge clk) begin
        if (f_past_valid && !$past(rst) && !rst) begin
            // ap_start refused without valid weights (or during a load)
            if (ap_start && !$past(ap_start)) assert ($past(weights_loaded && !load_active));
            // ap_done only with the run's last image, and always then
            if (ap_done && !$past(ap_done)) assert ($past(f_finish));
            if ($past(f_finish)) assert (ap_done && ap_ready);
            // a run ends only with its last image (and then ap_done is up)
            if ($past(ap_start) && !ap_start) assert ($past(f_finish));
            // clear on read; held until read
            if ($past(rd_ctrl) && ap_done) assert ($past(ap_start && img_done));
            if ($past(ap_done) && !$past(rd_ctrl)) assert (ap_done);
            // ISR bits rise only with ap_done (and their IER bit), or by a write to ISR
            if (isr_word[0] && !$past(isr_word[0])) assert ($past(wr_isr) || $past(f_finish && ier_word[0]));
            if (isr_word[1] && !$past(isr_word[1])) assert ($past(wr_isr) || $past(f_finish && ier_word[1]));
            // and stay until written (toggle on write 1)
            if ($past(isr_word[0]) && !isr_word[0]) assert ($past(wr_isr && wr_data[0]));
        end
    end

    // reachability (cover task): a run of two images that ends in ap_done and an interrupt
    always @* if (!rst) cover (ap_done && interrupt && f_want == 32'd2);
endmodule
`default_nettype wire
