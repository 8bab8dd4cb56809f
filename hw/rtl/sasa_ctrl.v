// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_ctrl: the Vitis ap_ctrl_hs control block of the SASA engine, behind axil_slave's register bus. It
// holds CTRL (ap_start, ap_done, ap_idle, ap_ready, auto_restart), GIE, IER, ISR and IMAGES at the offsets
// given as parameters (the generator takes them from golden/interface.py: registers), counts a run's
// cycles, and forms STATUS and `interrupt`. A run is IMAGES images (0 counts as 1):
//   - ap_start (CTRL bit0 written 1) is taken only when a valid weight load is in place, no weight word is
//     pending or in progress and no run is active; otherwise it is refused (CTRL bit0 stays 0; STATUS bit0
//     tells why when the weights are not loaded).
//   - `start_en` lets the engine begin an image while fewer than IMAGES images of the run have begun, so a
//     word of the next run's first image is never taken early; `load_en` holds weight loads off during a run.
//   - ap_done and ap_ready rise (clear on read of CTRL) and ISR bits are set (if enabled in IER) when the
//     run's last image has left the engine; ap_idle is 1 outside a run; ap_start reads 1 during a run.
//   - CYCLES_ACTIVE sums the engine's active cycles of the run's images; CYCLES_TOTAL counts every cycle
//     from ap_start to ap_done. Both hold their value after the run. Both are 64 bits (read as two 32-bit
//     registers, *_word low and *_hi_word high), so they do not wrap within a run: each is a 32-bit low
//     half whose carry-out is registered and added into the 32-bit high half one cycle later (one carry
//     chain of 32 bits per cycle, logic_levels <= 10). The pair is exact one cycle after the last count,
//     i.e. whenever ap_done reads 1 (read the halves after ap_done; during a run they may tear).
// Reset (`rst`, synchronous, active high) clears every register here.
module sasa_ctrl #(
    parameter integer  AW          = 8,     // register address width (bytes)
    parameter [AW-1:0] ADDR_CTRL   = 8'h00, // CTRL offset
    parameter [AW-1:0] ADDR_GIE    = 8'h04, // GIE offset
    parameter [AW-1:0] ADDR_IER    = 8'h08, // IER offset
    parameter [AW-1:0] ADDR_ISR    = 8'h0c, // ISR offset
    parameter [AW-1:0] ADDR_IMAGES = 8'h10, // IMAGES offset
    // register bit positions (the generator takes them from golden/interface.py: CTRL_BITS, STATUS_BITS;
    // every CTRL bit lies in byte 0, written under wr_strb[0])
    parameter integer  CTRL_AP_START_BIT     = 0, // CTRL ap_start
    parameter integer  CTRL_AP_DONE_BIT      = 1, // CTRL ap_done
    parameter integer  CTRL_AP_IDLE_BIT      = 2, // CTRL ap_idle
    parameter integer  CTRL_AP_READY_BIT     = 3, // CTRL ap_ready
    parameter integer  CTRL_AUTO_RESTART_BIT = 7, // CTRL auto_restart
    parameter integer  STATUS_NOT_LOADED_BIT = 0, // STATUS weights not loaded
    parameter integer  STATUS_HEADER_BIT     = 1, // STATUS weight header mismatch
    parameter integer  STATUS_LENGTH_BIT     = 2, // STATUS weight load truncated or over-long
    parameter integer  STATUS_PROTOCOL_BIT   = 3, // STATUS spike stream protocol error
    parameter integer  STATUS_VALUE_BIT      = 4  // STATUS weight word with bits above its declared width
) (
    input  wire          clk,
    input  wire          rst,
    // register bus (axil_slave)
    input  wire          wr_en,
    input  wire [AW-1:0] wr_addr,
    input  wire [31:0]   wr_data,
    input  wire [3:0]    wr_strb,
    input  wire          rd_en,
    input  wire [AW-1:0] rd_addr,
    // engine
    input  wire          weights_loaded,
    input  wire          load_active,       // a weight load is in progress or a weight word is waiting
    input  wire          img_start,         // the engine took the first word of an image
    input  wire          img_done,          // the engine emitted the last beat of an image
    input  wire [31:0]   img_cycles_active, // active cycles of that image (valid with img_done)
    input  wire          err_hdr,
    input  wire          err_len,
    input  wire          err_val,
    input  wire          err_proto,
    output wire          start_en,          // the engine may begin an image
    output wire          load_en,           // the engine may take weight words
    // register values for the read mux
    output wire [31:0]   ctrl_word,
    output wire [31:0]   gie_word,
    output wire [31:0]   ier_word,
    output wire [31:0]   isr_word,
    output wire [31:0]   images_word,
    output wire [31:0]   status_word,
    output wire [31:0]   cycles_active_word,
    output wire [31:0]   cycles_total_word,
    output wire [31:0]   cycles_active_hi_word,
    output wire [31:0]   cycles_total_hi_word,
    // `interrupt` is the Vitis name (a C++ word to Verilator, which renames it)
    /* verilator lint_off SYMRSVDWORD */
    output wire          interrupt
    /* verilator lint_on SYMRSVDWORD */
);
    reg        run_q, run_d;        // a run is active (ap_start high, ap_idle low)
    reg        done_q, done_d;      // ap_done (clear on read)
    reg        ready_q, ready_d;    // ap_ready (clear on read)
    reg        auto_q, auto_d;      // auto_restart
    reg        gie_q, gie_d;
    reg [1:0]  ier_q, ier_d;
    reg [1:0]  isr_q, isr_d;
    reg [31:0] images_q, images_d;
    reg [31:0] starts_q, starts_d;  // images of the run not yet begun
    reg [31:0] dones_q, dones_d;    // images of the run not yet finished
    reg [31:0] act_q, act_d;        // CYCLES_ACTIVE, low half
    reg [31:0] act_hi_q, act_hi_d;  // ... high half
    reg        act_c_q, act_c_d;    // ... carry out of the low half, added into the high half next cycle
    reg [31:0] tot_q, tot_d;        // CYCLES_TOTAL, low half
    reg [31:0] tot_hi_q, tot_hi_d;
    reg        tot_c_q, tot_c_d;

    wire wr_ctrl   = wr_en && (wr_addr == ADDR_CTRL) && wr_strb[0];
    wire rd_ctrl   = rd_en && (rd_addr == ADDR_CTRL);
    wire finish    = run_q && img_done && (dones_q == 32'd1);
    wire startable = weights_loaded && !load_active;
    wire [31:0] count = (images_q == 32'd0) ? 32'd1 : images_q;
    wire begin_run = startable && ((wr_ctrl && wr_data[CTRL_AP_START_BIT] && !run_q) || (finish && auto_q));

    assign start_en = run_q && (starts_q != 32'd0);
    assign load_en  = !run_q;
    reg [31:0] ctrl_w, status_w;  // CTRL and STATUS, each bit at its golden/interface.py position
    always @* begin
        ctrl_w = 32'd0;
        ctrl_w[CTRL_AP_START_BIT]     = run_q;
        ctrl_w[CTRL_AP_DONE_BIT]      = done_q;
        ctrl_w[CTRL_AP_IDLE_BIT]      = !run_q;
        ctrl_w[CTRL_AP_READY_BIT]     = ready_q;
        ctrl_w[CTRL_AUTO_RESTART_BIT] = auto_q;
        status_w = 32'd0;
        status_w[STATUS_NOT_LOADED_BIT] = !weights_loaded;
        status_w[STATUS_HEADER_BIT]     = err_hdr;
        status_w[STATUS_LENGTH_BIT]     = err_len;
        status_w[STATUS_PROTOCOL_BIT]   = err_proto;
        status_w[STATUS_VALUE_BIT]      = err_val;
    end
    assign ctrl_word   = ctrl_w;
    assign gie_word    = {31'd0, gie_q};
    assign ier_word    = {30'd0, ier_q};
    assign isr_word    = {30'd0, isr_q};
    assign images_word = images_q;
    assign status_word = status_w;
    assign cycles_active_word = act_q;
    assign cycles_total_word  = tot_q;
    assign cycles_active_hi_word = act_hi_q;
    assign cycles_total_hi_word  = tot_hi_q;
    assign interrupt = gie_q && (isr_q != 2'd0);

    integer i;
    always @* begin
        run_d    = run_q;
        done_d   = done_q && !rd_ctrl;
        ready_d  = ready_q && !rd_ctrl;
        auto_d   = auto_q;
        gie_d    = gie_q;
        ier_d    = ier_q;
        isr_d    = isr_q;
        images_d = images_q;
        starts_d = starts_q;
        dones_d  = dones_q;
        act_d    = act_q;
        tot_d    = tot_q;
        act_hi_d = act_hi_q + {31'd0, act_c_q};
        tot_hi_d = tot_hi_q + {31'd0, tot_c_q};
        act_c_d  = 1'b0;
        tot_c_d  = 1'b0;
        if (wr_en) begin
            if (wr_ctrl) auto_d = wr_data[CTRL_AUTO_RESTART_BIT];
            if (wr_addr == ADDR_GIE && wr_strb[0]) gie_d = wr_data[0];
            if (wr_addr == ADDR_IER && wr_strb[0]) ier_d = wr_data[1:0];
            if (wr_addr == ADDR_ISR && wr_strb[0]) isr_d = isr_q ^ wr_data[1:0];  // toggle on write 1
            if (wr_addr == ADDR_IMAGES) begin
                for (i = 0; i < 4; i = i + 1) begin
                    if (wr_strb[i]) images_d[8 * i +: 8] = wr_data[8 * i +: 8];
                end
            end
        end
        if (run_q) {tot_c_d, tot_d} = {1'b0, tot_q} + 33'd1;
        if (img_start && starts_q != 32'd0) starts_d = starts_q - 32'd1;
        if (run_q && img_done) begin
            dones_d = dones_q - 32'd1;
            {act_c_d, act_d} = {1'b0, act_q} + {1'b0, img_cycles_active};
        end
        if (finish) begin
            run_d   = 1'b0;
            done_d  = 1'b1;
            ready_d = 1'b1;
            isr_d   = isr_d | ier_q;  // bit0 ap_done, bit1 ap_ready
        end
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
            done_q   <= 1'b0;
            ready_q  <= 1'b0;
            auto_q   <= 1'b0;
            gie_q    <= 1'b0;
            ier_q    <= 2'd0;
            isr_q    <= 2'd0;
            images_q <= 32'd0;
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
            done_q   <= done_d;
            ready_q  <= ready_d;
            auto_q   <= auto_d;
            gie_q    <= gie_d;
            ier_q    <= ier_d;
            isr_q    <= isr_d;
            images_q <= images_d;
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
