// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_ctrl_props: the proof wrapper of hw/rtl/sasa_ctrl.v (hw/formal/sasa_ctrl.sby), on its named ports
// only (properties name ports, never internal registers). The register block's side (ap_start_req,
// auto_restart, IMAGES) and the engine's status inputs are free (anyseq). The run rules of ap_ctrl_hs
// (the CTRL/ISR bits themselves live in the generated register block, hw/reggen.py):
//   - ap_start is refused without a valid weight load (or while a load is active): `run` rises only if
//     weights_loaded and !load_active held when it was requested;
//   - `finish` pulses only with the run's last image done (img_done number max(1, IMAGES) of the run),
//     and a run ends only with it; load_en == !run; start_en only during a run.
// Bounded: the run counters are 32 bits wide and unobservable on the ports, so induction cannot close on
// ports alone; the .sby states the bmc depth.
module sasa_ctrl_props (
    input wire clk
);
    (* anyseq *) reg        rst, ap_start_req, auto_restart, weights_loaded, load_active, img_start, img_done;
    (* anyseq *) reg [31:0] images, img_cycles_active;
    wire        run, finish, started, start_en, load_en;
    wire [31:0] act_lo, act_hi, tot_lo, tot_hi;

    sasa_ctrl dut (
        .clk(clk), .rst(rst), .ap_start_req(ap_start_req), .auto_restart(auto_restart), .images(images),
        .run(run), .finish(finish), .started(started), .weights_loaded(weights_loaded), .load_active(load_active),
        .img_start(img_start), .img_done(img_done), .img_cycles_active(img_cycles_active),
        .start_en(start_en), .load_en(load_en), .cycles_active_lo(act_lo), .cycles_active_hi(act_hi),
        .cycles_total_lo(tot_lo), .cycles_total_hi(tot_hi)
    );

    reg f_past_valid;
    initial f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @* if (!f_past_valid) assume (rst);

    // the run as the ports tell it: its image count, taken from IMAGES when the run began, and the
    // img_done pulses seen since
    reg [31:0] f_want, f_seen;
    always @(posedge clk) begin
        if (rst) begin
            f_want <= 32'd0; f_seen <= 32'd0;
        end else if (!run || (img_done && f_seen + 1 == f_want)) begin
            f_want <= (images == 32'd0) ? 32'd1 : images;
            f_seen <= 32'd0;
        end else if (img_done) begin
            f_seen <= f_seen + 32'd1;
        end
    end

    wire f_finish = run && img_done && f_seen + 32'd1 == f_want;  // the run's last image is done

    always @* begin
        if (!rst) begin
            assert (load_en == !run);
            assert (finish == f_finish);
            if (start_en) assert (run);
            if (started) assert (weights_loaded && !load_active);
        end
    end

    always @(posedge clk) begin
        if (f_past_valid && !$past(rst) && !rst) begin
            // ap_start refused without valid weights (or during a load)
            if (run && !$past(run)) assert ($past(weights_loaded && !load_active && ap_start_req));
            // a run ends only with its last image
            if ($past(run) && !run) assert ($past(f_finish));
        end
    end

    // reachability (cover task): a run of two images that finishes
    always @* if (!rst) cover (finish && f_want == 32'd2);
endmodule
`default_nettype wire
