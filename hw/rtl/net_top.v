// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_top: net_accel under the port names Vitis HLS gives the network kernel `net_top` (hls/net_generate.py):
// ap_clk, ap_rst_n, the hls::stream arguments s_axis / m_axis / s_axis_w as <arg>_TDATA, _TVALID, _TREADY,
// _TLAST, _TKEEP, _TSTRB (ap_axiu<W,0,0,0>), the s_axilite bundle `control` as s_axi_control_*, interrupt.
// Renaming only: no logic but constant TKEEP/TSTRB (every byte valid) on the output. Its configuration is
// net_accel's generated header (net_accel_cfg.vh, hw/net_accel.py), included by both (one top per
// configuration: neither takes parameters). `make hls-rtl-sim` runs the network accelerator's regression on
// this module (or on a Vitis export of the HLS kernel) by these names.
module net_top (
    ap_clk, ap_rst_n, s_axis_TDATA, s_axis_TVALID, s_axis_TREADY, s_axis_TLAST, s_axis_TKEEP, s_axis_TSTRB,
    m_axis_TDATA, m_axis_TVALID, m_axis_TREADY, m_axis_TLAST, m_axis_TKEEP, m_axis_TSTRB, s_axis_w_TDATA,
    s_axis_w_TVALID, s_axis_w_TREADY, s_axis_w_TLAST, s_axis_w_TKEEP, s_axis_w_TSTRB, s_axi_control_AWADDR,
    s_axi_control_AWVALID, s_axi_control_AWREADY, s_axi_control_WDATA, s_axi_control_WSTRB, s_axi_control_WVALID,
    s_axi_control_WREADY, s_axi_control_BRESP, s_axi_control_BVALID, s_axi_control_BREADY, s_axi_control_ARADDR,
    s_axi_control_ARVALID, s_axi_control_ARREADY, s_axi_control_RDATA, s_axi_control_RRESP, s_axi_control_RVALID,
    s_axi_control_RREADY, interrupt
);
    // the configuration: the header generated per configuration (hw/net_accel.py), one localparam per figure,
    // used by the port widths below; this top takes no parameters. The wrapper reads only the widths of
    // the shared header (the engine it wraps includes it too and uses every figure)
    /* verilator lint_off UNUSEDPARAM */
    `include "net_accel_cfg.vh"
    /* verilator lint_on UNUSEDPARAM */
    input  wire                ap_clk;
    input  wire                ap_rst_n;
    input  wire [PXW-1:0]      s_axis_TDATA;
    input  wire                s_axis_TVALID;
    output wire                s_axis_TREADY;
    input  wire                s_axis_TLAST;
    input  wire [PXW/8-1:0]    s_axis_TKEEP;
    input  wire [PXW/8-1:0]    s_axis_TSTRB;
    output wire [31:0]         m_axis_TDATA;
    output wire                m_axis_TVALID;
    input  wire                m_axis_TREADY;
    output wire                m_axis_TLAST;
    output wire [3:0]          m_axis_TKEEP;
    output wire [3:0]          m_axis_TSTRB;
    input  wire [31:0]         s_axis_w_TDATA;
    input  wire                s_axis_w_TVALID;
    output wire                s_axis_w_TREADY;
    input  wire                s_axis_w_TLAST;
    input  wire [3:0]          s_axis_w_TKEEP;
    input  wire [3:0]          s_axis_w_TSTRB;
    input  wire [AXIL_AW-1:0]  s_axi_control_AWADDR;
    input  wire                s_axi_control_AWVALID;
    output wire                s_axi_control_AWREADY;
    input  wire [31:0]         s_axi_control_WDATA;
    input  wire [3:0]          s_axi_control_WSTRB;
    input  wire                s_axi_control_WVALID;
    output wire                s_axi_control_WREADY;
    output wire [1:0]          s_axi_control_BRESP;
    output wire                s_axi_control_BVALID;
    input  wire                s_axi_control_BREADY;
    input  wire [AXIL_AW-1:0]  s_axi_control_ARADDR;
    input  wire                s_axi_control_ARVALID;
    output wire                s_axi_control_ARREADY;
    output wire [31:0]         s_axi_control_RDATA;
    output wire [1:0]          s_axi_control_RRESP;
    output wire                s_axi_control_RVALID;
    input  wire                s_axi_control_RREADY;
    /* verilator lint_off SYMRSVDWORD */
    output wire                interrupt;  // the Vitis name (a C++ word to Verilator, which renames it)
    /* verilator lint_on SYMRSVDWORD */
    // Every input byte is taken as valid (the interface has no partial words); the keep/strobe inputs are
    // accepted for port compatibility only.
    /* verilator lint_off UNUSEDSIGNAL */

    wire unused_keep = |{s_axis_TKEEP, s_axis_TSTRB, s_axis_w_TKEEP, s_axis_w_TSTRB};
    /* verilator lint_on UNUSEDSIGNAL */
    assign m_axis_TKEEP = 4'hf;
    assign m_axis_TSTRB = 4'hf;

    // net_accel includes the same header: the same configuration, nothing to pass on
    net_accel u_accel (
        .aclk(ap_clk), .aresetn(ap_rst_n),
        .s_axis_tdata(s_axis_TDATA), .s_axis_tvalid(s_axis_TVALID), .s_axis_tready(s_axis_TREADY),
        .s_axis_tlast(s_axis_TLAST),
        .s_axis_w_tdata(s_axis_w_TDATA), .s_axis_w_tvalid(s_axis_w_TVALID), .s_axis_w_tready(s_axis_w_TREADY),
        .s_axis_w_tlast(s_axis_w_TLAST),
        .m_axis_tdata(m_axis_TDATA), .m_axis_tvalid(m_axis_TVALID), .m_axis_tready(m_axis_TREADY),
        .m_axis_tlast(m_axis_TLAST),
        .s_axil_awaddr(s_axi_control_AWADDR), .s_axil_awvalid(s_axi_control_AWVALID),
        .s_axil_awready(s_axi_control_AWREADY), .s_axil_wdata(s_axi_control_WDATA),
        .s_axil_wstrb(s_axi_control_WSTRB), .s_axil_wvalid(s_axi_control_WVALID),
        .s_axil_wready(s_axi_control_WREADY), .s_axil_bresp(s_axi_control_BRESP),
        .s_axil_bvalid(s_axi_control_BVALID), .s_axil_bready(s_axi_control_BREADY),
        .s_axil_araddr(s_axi_control_ARADDR), .s_axil_arvalid(s_axi_control_ARVALID),
        .s_axil_arready(s_axi_control_ARREADY), .s_axil_rdata(s_axi_control_RDATA),
        .s_axil_rresp(s_axi_control_RRESP), .s_axil_rvalid(s_axi_control_RVALID),
        .s_axil_rready(s_axi_control_RREADY),
        .interrupt(interrupt),
        // weights_loaded is the house top's status wire, not part of the Vitis kernel's interface
        /* verilator lint_off PINCONNECTEMPTY */
        .weights_loaded()
        /* verilator lint_on PINCONNECTEMPTY */
    );
endmodule
`default_nettype wire
