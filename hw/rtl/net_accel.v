// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_accel: the whole-network accelerator as a board-usable block -- net_engine (hw/net_generate.py) with an
// AXI4-Lite control slave (s_axil) in the Vitis ap_ctrl_hs layout and `interrupt`. Pixels in (s_axis),
// logits + class out (m_axis), network weights in (s_axis_w), formats of docs/interface.md. Hand-written
// top: its configuration is the generated header net_accel_cfg.vh (hw/net_accel.py, one localparam per
// figure, included first in the body below the non-ANSI port list, so the port widths use them; no
// parameters: one top per configuration; the build passes its folder as an include directory), its register
// block the generated
// net_accel_regs (hw/reggen.py from contract/regmap.py: net_block).
// Runs (sasa_ctrl, the SASA engine's run logic, reused as is): ap_start is taken only with the weights loaded
// and no weight word waiting; a run takes the pixels of IMAGES images (0 counts as 1; the pixel stream is
// held off outside a run and after the run's last image), and ends -- ap_done, ap_ready, ISR, interrupt --
// when the run's last result beat (tlast) has left m_axis. Weight words are taken only outside a run, through
// a register slice (axis_skid) in front of the engine.
// Counters (64 bits, registered carry into the high word, exact one cycle after the last count):
//   CYCLES_TOTAL   cycles from ap_start to ap_done (sasa_ctrl);
//   <MOD>_ACTIVE   per module: its per-image active cycles (mon_cyc at mon_done) summed over the run;
//   <MOD>_STALL    per module: net_engine's since-reset stall count (mon_stall, 32 bits), extended to 64 bits
//                  by counting its wraps; IMAGES_DONE: result frames out in the run.
// Reset: aresetn is registered once here into rst_q; rst = rst_q | !aresetn (as sasa_engine).
module net_accel (
    aclk, aresetn, s_axis_tdata, s_axis_tvalid, s_axis_tready, s_axis_tlast, s_axis_w_tdata, s_axis_w_tvalid,
    s_axis_w_tready, s_axis_w_tlast, m_axis_tdata, m_axis_tvalid, m_axis_tready, m_axis_tlast, s_axil_awaddr,
    s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb, s_axil_wvalid, s_axil_wready, s_axil_bresp,
    s_axil_bvalid, s_axil_bready, s_axil_araddr, s_axil_arvalid, s_axil_arready, s_axil_rdata, s_axil_rresp,
    s_axil_rvalid, s_axil_rready, weights_loaded, interrupt
);
    // the configuration: one localparam per figure (generated per configuration by hw/net_accel.py), used by the
    // port widths below; this top takes no parameters
    `include "net_accel_cfg.vh"
    input  wire               aclk;
    input  wire               aresetn;
    input  wire [PXW-1:0]     s_axis_tdata;
    input  wire               s_axis_tvalid;
    output wire               s_axis_tready;
    input  wire               s_axis_tlast;
    input  wire [31:0]        s_axis_w_tdata;
    input  wire               s_axis_w_tvalid;
    output wire               s_axis_w_tready;
    input  wire               s_axis_w_tlast;
    output wire [31:0]        m_axis_tdata;
    output wire               m_axis_tvalid;
    input  wire               m_axis_tready;
    output wire               m_axis_tlast;
    input  wire [AXIL_AW-1:0] s_axil_awaddr;
    input  wire               s_axil_awvalid;
    output wire               s_axil_awready;
    input  wire [31:0]        s_axil_wdata;
    input  wire [3:0]         s_axil_wstrb;
    input  wire               s_axil_wvalid;
    output wire               s_axil_wready;
    output wire [1:0]         s_axil_bresp;
    output wire               s_axil_bvalid;
    input  wire               s_axil_bready;
    input  wire [AXIL_AW-1:0] s_axil_araddr;
    input  wire               s_axil_arvalid;
    output wire               s_axil_arready;
    output wire [31:0]        s_axil_rdata;
    output wire [1:0]         s_axil_rresp;
    output wire               s_axil_rvalid;
    input  wire               s_axil_rready;
    output wire               weights_loaded;
    // `interrupt` is the Vitis name of the kernel's interrupt (a C++ word to Verilator, which renames it)
    /* verilator lint_off SYMRSVDWORD */
    output wire               interrupt;
    /* verilator lint_on SYMRSVDWORD */

    generate
        if (NM < 1 || PXW < 8) begin : gen_param_error
            initial begin
                $display("ERROR: net_accel: bad parameters NM=%0d PXW=%0d (%m)", NM, PXW);
                $finish;
            end
            PARAMETER_ERROR_net_accel_inconsistent u_param_error ();
        end
    endgenerate

    reg  rst_q;                  // aresetn, registered
    wire rst = rst_q | !aresetn;  // the internal reset, derived here
    always @(posedge aclk) rst_q <= !aresetn;

    // ------------------------------------------------------------------ AXI4-Lite control
    wire               wr_en, rd_en;
    wire [AXIL_AW-1:0] wr_addr, rd_addr;
    wire [31:0]        wr_data, rd_data;
    wire [3:0]         wr_strb;
    axil_slave #(.AW(AXIL_AW)) u_axil (
        .clk(aclk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_data(rd_data)
    );

    // ------------------------------------------------------------------ the engine, its streams gated by the run
    wire            px_tready, w_tready;
    wire            err_hdr, err_len, err_proto;
    wire [NM-1:0]   mon_done;
    wire [32*NM-1:0] mon_cyc, mon_stall;
    wire            start_en, load_en;
    assign s_axis_tready   = px_tready && start_en;
    // the weight stream enters the engine through a register slice: the engine's s_axis_w_tvalid (its
    // tokenizer enable and weight loader) starts at a flip-flop, not at sasa_ctrl's load_en gate (the
    // composed logic levels); one cycle of latency, full throughput. A word held in the slice counts as
    // waiting (load_active), so a run never begins with a weight word in flight.
    wire [31:0]     w_data;
    wire            w_last, w_valid, wsk_ready;
    // The slice resets from rst_q (a flip-flop: its m_valid gate is one LUT from registers, not from the
    // aresetn pin); the input handshake is held off by the combinational rst as well, so nothing is taken
    // while aresetn is low.
    wire            w_in_en = load_en && !rst;
    assign s_axis_w_tready = wsk_ready && w_in_en;
    axis_skid #(.W(33)) u_skid_w (
        .clk(aclk), .rst(rst_q),
        .s_data({s_axis_w_tlast, s_axis_w_tdata}), .s_valid(s_axis_w_tvalid && w_in_en), .s_ready(wsk_ready),
        .m_data({w_last, w_data}), .m_valid(w_valid), .m_ready(w_tready)
    );
    // the boundary monitors (mon_fire, mon_<k>_data, ...) are the testbench's, not the accelerator's
    /* verilator lint_off PINMISSING */
    net_engine u_engine (
        .aclk(aclk), .aresetn(aresetn),
        .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && start_en), .s_axis_tready(px_tready),
        .s_axis_tlast(s_axis_tlast),
        .s_axis_w_tdata(w_data), .s_axis_w_tvalid(w_valid), .s_axis_w_tready(w_tready),
        .s_axis_w_tlast(w_last),
        .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
        .m_axis_tlast(m_axis_tlast),
        .weights_loaded(weights_loaded), .err_hdr(err_hdr), .err_len(err_len), .err_proto(err_proto),
        .mon_done(mon_done), .mon_cyc(mon_cyc), .mon_stall(mon_stall)
    );
    /* verilator lint_on PINMISSING */

    // ------------------------------------------------------------------ run logic and registers
    wire        ap_start_req, auto_restart, run, finish, started;
    wire [31:0] images, tot_lo, tot_hi;
    wire        img_in  = s_axis_tvalid && s_axis_tready && s_axis_tlast;   // an image's last pixel beat taken
    wire        img_out = m_axis_tvalid && m_axis_tready && m_axis_tlast;   // an image's result has left
    // the SASA engine's per-image active-cycle sum is not used here (every module has its own counter)
    /* verilator lint_off PINCONNECTEMPTY */
    sasa_ctrl u_ctrl (
        .clk(aclk), .rst(rst),
        .ap_start_req(ap_start_req), .auto_restart(auto_restart), .images(images), .run(run), .finish(finish),
        .started(started),
        .weights_loaded(weights_loaded), .load_active(s_axis_w_tvalid || w_valid),
        .img_start(img_in), .img_done(img_out),
        .img_cycles_active(32'd0), .start_en(start_en), .load_en(load_en),
        .cycles_active_lo(), .cycles_active_hi(), .cycles_total_lo(tot_lo), .cycles_total_hi(tot_hi)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    reg [31:0] done_q, done_d;  // IMAGES_DONE
    always @* begin
        done_d = done_q;
        if (img_out) done_d = done_q + 32'd1;
        if (started) done_d = 32'd0;
    end
    always @(posedge aclk) begin
        if (rst) done_q <= 32'd0;
        else     done_q <= done_d;
    end

    wire [64*NM-1:0] mod_active, mod_stall;
    genvar j;
    generate
        for (j = 0; j < NM; j = j + 1) begin : gen_mod
            reg [31:0] alo_q, alo_d;  // active cycles of the run, low word
            reg [31:0] ahi_q, ahi_d;  // ... high word
            reg        ac_q, ac_d;    // carry out of the low word, added into the high word next cycle
            reg [31:0] shi_q, shi_d;  // stall count, high word (wraps of mon_stall)
            reg        smsb_q;        // mon_stall bit 31, last cycle
            wire [31:0] st = mon_stall[32 * j +: 32];
            always @* begin
                alo_d = alo_q;
                ahi_d = ahi_q + {31'd0, ac_q};
                ac_d  = 1'b0;
                shi_d = shi_q;
                if (mon_done[j]) {ac_d, alo_d} = {1'b0, alo_q} + {1'b0, mon_cyc[32 * j +: 32]};
                if (started) begin
                    alo_d = 32'd0;
                    ahi_d = 32'd0;
                    ac_d  = 1'b0;
                end
                if (smsb_q && !st[31]) shi_d = shi_q + 32'd1;
            end
            always @(posedge aclk) begin
                if (rst) begin
                    alo_q  <= 32'd0;
                    ahi_q  <= 32'd0;
                    ac_q   <= 1'b0;
                    shi_q  <= 32'd0;
                    smsb_q <= 1'b0;
                end else begin
                    alo_q  <= alo_d;
                    ahi_q  <= ahi_d;
                    ac_q   <= ac_d;
                    shi_q  <= shi_d;
                    smsb_q <= st[31];
                end
            end
            assign mod_active[64 * j +: 64] = {ahi_q, alo_q};
            assign mod_stall[64 * j +: 64]  = {shi_q, st};
        end
    endgenerate

    net_accel_regs #(.AW(AXIL_AW)) u_regs (
        .clk(aclk), .rst(rst),
        .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_data(rd_data),
        .ap_start_req(ap_start_req), .auto_restart(auto_restart), .run(run), .done(finish),
        .images(images),
        .status_not_loaded_i(!weights_loaded), .status_header_i(err_hdr), .status_length_i(err_len),
        .status_protocol_i(err_proto),
        .images_done_i(done_q), .cycles_total_i(tot_lo), .cycles_total_hi_i(tot_hi),
        .mod_active_i(mod_active), .mod_stall_i(mod_stall),
        .interrupt(interrupt)
    );
endmodule
`default_nettype wire
