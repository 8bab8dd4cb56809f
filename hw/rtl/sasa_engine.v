// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// sasa_engine: the SASA engine as a system block -- AXI-Stream spikes in (s_axis), weight load in
// (s_axis_w), 16-bit-lane increments out (m_axis), AXI4-Lite control (s_axil) in the Vitis ap_ctrl_hs layout
// of docs/interface.md, `interrupt`. Hand-written top: its configuration is the generated header
// sasa_engine_cfg.vh (hw/generate.py from contract/config.py, one per configuration: one localparam per
// figure, included first in the body below the non-ANSI port list, so the port widths use them; the top takes
// no parameters; the build passes its folder as an include directory), its register block the generated
// sasa_engine_regs (hw/reggen.py from contract/regmap.py: read and write decode of every register). Around
// them: the reset, axil_slave, the run logic sasa_ctrl and the datapath sasa_core.
// Ports: the table hw/generate.py ENGINE_PORTS (the Vivado packager reads it; a test checks this list is it).
// Reset: the AXI active-low aresetn is registered once here into rst_q; the single synchronous active-high
// reset of everything inside is rst = rst_q | !aresetn, so it acts from the first clock edge with aresetn
// low and every ready and valid output is low (combinationally) for as long as aresetn is low (AXI A3.1.2),
// and for one cycle after. A reset drops the weights (a valid load is needed again).
module sasa_engine (
    aclk, aresetn, s_axis_tdata, s_axis_tvalid, s_axis_tready, s_axis_tlast, s_axis_w_tdata, s_axis_w_tvalid,
    s_axis_w_tready, s_axis_w_tlast, m_axis_tdata, m_axis_tvalid, m_axis_tready, m_axis_tlast, s_axil_awaddr,
    s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb, s_axil_wvalid, s_axil_wready, s_axil_bresp,
    s_axil_bvalid, s_axil_bready, s_axil_araddr, s_axil_arvalid, s_axil_arready, s_axil_rdata, s_axil_rresp,
    s_axil_rvalid, s_axil_rready, interrupt, busy, img_done, cycles_active, cycles_total, cycles_qk, cycles_y,
    stall_in, stall_out, weights_loaded, err_hdr, err_len, err_val, err_proto
);
    // the configuration: one localparam per figure (generated per configuration by hw/generate.py), used by the
    // port widths below; this top takes no parameters
    `include "sasa_engine_cfg.vh"
    input  wire                   aclk;
    input  wire                   aresetn;
    input  wire [SW-1:0]          s_axis_tdata;
    input  wire                   s_axis_tvalid;
    output wire                   s_axis_tready;
    input  wire                   s_axis_tlast;
    input  wire [WW-1:0]          s_axis_w_tdata;
    input  wire                   s_axis_w_tvalid;
    output wire                   s_axis_w_tready;
    input  wire                   s_axis_w_tlast;
    output wire [P*OUT_LANE_W-1:0] m_axis_tdata;
    output wire                   m_axis_tvalid;
    input  wire                   m_axis_tready;
    output wire                   m_axis_tlast;
    input  wire [AXIL_AW-1:0]     s_axil_awaddr;
    input  wire                   s_axil_awvalid;
    output wire                   s_axil_awready;
    input  wire [31:0]            s_axil_wdata;
    input  wire [3:0]             s_axil_wstrb;
    input  wire                   s_axil_wvalid;
    output wire                   s_axil_wready;
    output wire [1:0]             s_axil_bresp;
    output wire                   s_axil_bvalid;
    input  wire                   s_axil_bready;
    input  wire [AXIL_AW-1:0]     s_axil_araddr;
    input  wire                   s_axil_arvalid;
    output wire                   s_axil_arready;
    output wire [31:0]            s_axil_rdata;
    output wire [1:0]             s_axil_rresp;
    output wire                   s_axil_rvalid;
    input  wire                   s_axil_rready;
    // `interrupt` is the Vitis name of the kernel's interrupt (a C++ word to Verilator, which renames it)
    /* verilator lint_off SYMRSVDWORD */
    output wire                   interrupt;
    /* verilator lint_on SYMRSVDWORD */
    output wire                   busy;
    output wire                   img_done;
    output wire [31:0]            cycles_active;
    output wire [31:0]            cycles_total;
    output wire [31:0]            cycles_qk;
    output wire [31:0]            cycles_y;
    output wire                   stall_in;
    output wire                   stall_out;
    output wire                   weights_loaded;
    output wire                   err_hdr;
    output wire                   err_len;
    output wire                   err_val;
    output wire                   err_proto;

    reg  rst_q;                  // aresetn, registered
    wire rst = rst_q | !aresetn;  // the internal reset, derived here: low-active port or its registered copy
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

    wire        ap_start_req, auto_restart, run, finish;
    wire [31:0] images;
    wire [31:0] act_lo, act_hi, tot_lo, tot_hi;
    sasa_engine_regs #(.AW(AXIL_AW)) u_regs (
        .clk(aclk), .rst(rst),
        .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_data(rd_data),
        .ap_start_req(ap_start_req), .auto_restart(auto_restart), .run(run), .done(finish),
        .images(images),
        .status_not_loaded_i(!weights_loaded), .status_header_i(err_hdr), .status_length_i(err_len),
        .status_protocol_i(err_proto), .status_value_i(err_val),
        .cycles_active_i(act_lo), .cycles_total_i(tot_lo), .cycles_active_hi_i(act_hi),
        .cycles_total_hi_i(tot_hi),
        .interrupt(interrupt)
    );

    wire start_en, load_en, img_start, load_active;
    // `started` (a run begins) is for tops that clear their own counters then (net_accel); not used here
    /* verilator lint_off PINCONNECTEMPTY */
    sasa_ctrl u_ctrl (
        .clk(aclk), .rst(rst),
        .ap_start_req(ap_start_req), .auto_restart(auto_restart), .images(images), .run(run), .finish(finish),
        .started(),
        .weights_loaded(weights_loaded), .load_active(load_active), .img_start(img_start), .img_done(img_done),
        .img_cycles_active(cycles_active), .start_en(start_en), .load_en(load_en),
        .cycles_active_lo(act_lo), .cycles_active_hi(act_hi), .cycles_total_lo(tot_lo), .cycles_total_hi(tot_hi)
    );
    /* verilator lint_on PINCONNECTEMPTY */

    sasa_core #(
        .D(D), .N(N), .T(T), .P(P), .H(H), .W_W(W_W), .B_W(B_W), .TH_W(TH_W), .ACC_W(ACC_W), .MEM_W(MEM_W),
        .K(K), .OUT_LANE_W(OUT_LANE_W), .SW(SW), .WW(WW), .RAM_STYLE(RAM_STYLE), .MAGIC(MAGIC),
        .VERSION(VERSION), .HASH(HASH), .COUNT(COUNT)
    ) u_core (
        .clk(aclk), .rst(rst),
        .start_en(start_en), .load_en(load_en), .img_start(img_start), .load_active(load_active),
        .in_data(s_axis_tdata), .in_last(s_axis_tlast), .in_valid(s_axis_tvalid), .in_ready(s_axis_tready),
        .w_data(s_axis_w_tdata), .w_valid(s_axis_w_tvalid), .w_last(s_axis_w_tlast), .w_ready(s_axis_w_tready),
        .out_data(m_axis_tdata), .out_last(m_axis_tlast), .out_valid(m_axis_tvalid), .out_ready(m_axis_tready),
        .busy(busy), .img_done(img_done), .cycles_active(cycles_active), .cycles_total(cycles_total),
        .cycles_qk(cycles_qk), .cycles_y(cycles_y), .stall_in(stall_in), .stall_out(stall_out),
        .weights_loaded(weights_loaded), .err_hdr(err_hdr), .err_len(err_len), .err_val(err_val),
        .err_proto(err_proto)
    );
endmodule
`default_nettype wire
