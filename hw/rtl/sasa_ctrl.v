// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_ctrl: the run logic of the SASA engine's Vitis ap_ctrl_hs control, beside the generated register block
// (build/.../sasa_engine_regs.v, hw/reggen.py from contract/regmap.py), which holds CTRL, GIE, IER, ISR and
// IMAGES and decodes the register bus. A run is IMAGES images (0 counts as 1):
//   - ap_start (`ap_start_req`: CTRL bit0 written 1) is taken only when a valid weight load is in place, no
//     weight word is pending or in progress and no run is active; otherwise it is refused (CTRL bit0 stays 0;
//     STATUS bit0 tells why when the weights are not loaded).
//   - `start_en` lets the engine begin an image while fewer than IMAGES images of the run have begun, so a
//     word of the next run's first image is never taken early; `load_en` holds weight loads off during a run.
//   - `finish` pulses when the run's last image has left the engine (the register block then sets ap_done,
//     ap_ready and the ISR bits enabled in IER); `run` is 1 during a run (CTRL ap_start, !ap_idle). With
//     `auto_restart` a finished run begins the next at once (if the weights still allow it).
//   - CYCLES_ACTIVE sums the engine's active cycles of the run's images; CYCLES_TOTAL counts every cycle
//     from ap_start to ap_done. Both hold their value after the run. Both are 64 bits (read as two 32-bit
//     registers, *_lo low and *_hi high), so they do not wrap within a run: each is a 32-bit low
//     half whose carry-out is registered and added into the 32-bit high half one cycle later (one carry
//     chain of 32 bits per cycle, logic_levels <= 10). The pair is exact one cycle after the last count,
//     i.e. whenever ap_done reads 1 (read the halves after ap_done; during a run they may tear).
// Reset (`rst`, synchronous, active high) clears every register here.
module sasa_ctrl (
    input  wire          clk,
    input  wire          rst,
    // register block (sasa_engine_regs)
    input  wire          ap_start_req,      // one cycle: CTRL written with ap_start = 1
    input  wire          auto_restart,
    input  wire [31:0]   images,            // IMAGES
    output wire          run,               // a run is active
    output wire          finish,            // pulse: the run's last image is done
    output wire          started,           // pulse: a run begins (ap_start taken, or an auto-restart)
    // engine
    input  wire          weights_loaded,
    input  wire          load_active,       // a weight load is in progress or a weight word is waiting
    input  wire          img_start,         // the engine took the first word of an image
    input  wire          img_done,          // the engine emitted the last beat of an image
    input  wire [31:0]   img_cycles_active, // active cycles of that image (valid with img_done)
    output wire          start_en,          // the engine may begin an image
    output wire          load_en,           // the engine may take weight words
    output wire [31:0]   cycles_active_lo,
    output wire [31:0]   cycles_active_hi,
    output wire [31:0]   cycles_total_lo,
    output wire [31:0]   cycles_total_hi
);
    reg        run_q, run_d;        // a run is active (ap_start high, ap_idle low)
    reg [31:0] starts_q, starts_d;  // images of the run not yet begun
    reg [31:0] dones_q, dones_d;    // images of the run not yet finished
    reg [31:0] act_q, act_d;        // CYCLES_ACTIVE, low half
    reg [31:0] act_hi_q, act_hi_d;  // ... high half
    reg        act_c_q, act_c_d;    // ... carry out of the low half, added into the high half next cycle
    reg [31:0] tot_q, tot_d;        // CYCLES_TOTAL, low half
    reg [31:0] tot_hi_q, tot_hi_d;
    reg        tot_c_q, tot_c_d;

    wire fin       = run_q && img_done && (dones_q == 32'd1);
    wire startable = weights_loaded && !load_active;
    wire [31:0] count = (images == 32'd0) ? 32'd1 : images;
    wire begin_run = startable && ((ap_start_req && !run_q) || (fin && auto_restart));

    assign run      = run_q;
    assign finish   = fin;
    assign started  = begin_run;
    assign start_en = run_q && (starts_q != 32'd0);
    assign load_en  = !run_q;
    assign cycles_active_lo = act_q;
    assign cycles_active_hi = act_hi_q;
    assign cycles_total_lo  = tot_q;
    assign cycles_total_hi  = tot_hi_q;

    always @* begin
        run_d    = run_q;
        starts_d = starts_q;
        dones_d  = dones_q;
        act_d    = act_q;
        tot_d    = tot_q;
        act_hi_d = act_hi_q + {31'd0, act_c_q};
        tot_hi_d = tot_hi_q + {31'd0, tot_c_q};
        act_c_d  = 1'b0;
        tot_c_d  = 1'b0;
        if (run_q) {tot_c_d, tot_d} = {1'b0, tot_q} + 33'd1;
        if (img_start && starts_q != 32'd0) starts_d = starts_q - 32'd1;
        if (run_q && img_done) begin
            dones_d = dones_q - 32'd1;
            {act_c_d, act_d} = {1'b0, act_q} + {1'b0, img_cycles_active};
        end
        if (fin) run_d = 1'b0;
        if (begin_run) begin
            run_d    = 1'b1;
            starts_d = count;
            dones_d  = count;
            act_d    = 32'd0;
            tot_d    = 32'd1;
            act_hi_d = 32'd0;
            tot_hi_d = 32'd0;
            act_c_d  = 1'b0;
            tot_c_d  = 1'b0;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            run_q    <= 1'b0;
            starts_q <= 32'd0;
            dones_q  <= 32'd0;
            act_q    <= 32'd0;
            tot_q    <= 32'd0;
            act_hi_q <= 32'd0;
            tot_hi_q <= 32'd0;
            act_c_q  <= 1'b0;
            tot_c_q  <= 1'b0;
        end else begin
            run_q    <= run_d;
            starts_q <= starts_d;
            dones_q  <= dones_d;
            act_q    <= act_d;
            tot_q    <= tot_d;
            act_hi_q <= act_hi_d;
            tot_hi_q <= tot_hi_d;
            act_c_q  <= act_c_d;
            tot_c_q  <= tot_c_d;
        end
    end
endmodule
`default_nettype wire
