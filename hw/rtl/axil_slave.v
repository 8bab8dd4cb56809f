// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axil_slave: a reusable AXI4-Lite slave front end. It takes one write (address and data may arrive in
// either order or together) and one read at a time and turns them into a simple register bus: a one-cycle
// `wr_en` with address, data and byte strobes, and a one-cycle `rd_en` with the address whose `rd_data`
// (combinational, from the user's read mux) is captured in the same cycle and returned on R. Responses are
// always OKAY; an unmapped address reads 0 and ignores writes (the user's decode decides). `rd_en` is the
// read strobe for clear-on-read bits. Reset (`rst`, synchronous, active high) clears only the handshake
// state; the held address/data registers are datapath and are not reset. While `rst` is high every ready
// and valid output is held low combinationally (AXI A3.1.2, issue 14), so nothing is taken during reset.
// Proven (hw/formal/axil_slave.sby): ZipCPU faxil_slave's handshake rules on this slave.
module axil_slave #(
    parameter integer AW = 8  // address width (bytes): enough bits for the highest register offset
) (
    input  wire          clk,
    input  wire          rst,
    input  wire [AW-1:0] s_axil_awaddr,
    input  wire          s_axil_awvalid,
    output wire          s_axil_awready,
    input  wire [31:0]   s_axil_wdata,
    input  wire [3:0]    s_axil_wstrb,
    input  wire          s_axil_wvalid,
    output wire          s_axil_wready,
    output wire [1:0]    s_axil_bresp,
    output wire          s_axil_bvalid,
    input  wire          s_axil_bready,
    input  wire [AW-1:0] s_axil_araddr,
    input  wire          s_axil_arvalid,
    output wire          s_axil_arready,
    output wire [31:0]   s_axil_rdata,
    output wire [1:0]    s_axil_rresp,
    output wire          s_axil_rvalid,
    input  wire          s_axil_rready,
    // register bus
    output wire          wr_en,    // one cycle: write wr_data (bytes enabled by wr_strb) to wr_addr
    output wire [AW-1:0] wr_addr,
    output wire [31:0]   wr_data,
    output wire [3:0]    wr_strb,
    output wire          rd_en,    // one cycle: rd_data of rd_addr is taken this cycle
    output wire [AW-1:0] rd_addr,
    input  wire [31:0]   rd_data
);
    reg          aw_q, aw_d;      // a write address is held
    reg          w_q, w_d;        // write data is held
    reg          b_q, b_d;        // write response pending
    reg          r_q, r_d;        // read response pending
    reg [AW-1:0] awaddr_q, awaddr_d;
    reg [31:0]   wdata_q, wdata_d;
    reg [3:0]    wstrb_q, wstrb_d;
    reg [31:0]   rdata_q, rdata_d;

    wire aw_take = s_axil_awvalid && !aw_q && !rst;
    wire w_take  = s_axil_wvalid && !w_q && !rst;
    wire do_wr   = aw_q && w_q && !b_q && !rst;
    wire ar_take = s_axil_arvalid && !r_q && !rst;

    assign s_axil_awready = !aw_q && !rst;
    assign s_axil_wready  = !w_q && !rst;
    assign s_axil_bresp   = 2'b00;
    assign s_axil_bvalid  = b_q && !rst;
    assign s_axil_arready = !r_q && !rst;
    assign s_axil_rdata   = rdata_q;
    assign s_axil_rresp   = 2'b00;
    assign s_axil_rvalid  = r_q && !rst;
    assign wr_en   = do_wr;
    assign wr_addr = awaddr_q;
    assign wr_data = wdata_q;
    assign wr_strb = wstrb_q;
    assign rd_en   = ar_take;
    assign rd_addr = s_axil_araddr;

    always @* begin
        aw_d     = aw_q;
        w_d      = w_q;
        b_d      = b_q;
        r_d      = r_q;
        awaddr_d = awaddr_q;
        wdata_d  = wdata_q;
        wstrb_d  = wstrb_q;
        rdata_d  = rdata_q;
        if (aw_take) begin
            aw_d     = 1'b1;
            awaddr_d = s_axil_awaddr;
        end
        if (w_take) begin
            w_d     = 1'b1;
            wdata_d = s_axil_wdata;
            wstrb_d = s_axil_wstrb;
        end
        if (do_wr) begin
            aw_d = 1'b0;
            w_d  = 1'b0;
            b_d  = 1'b1;
        end
        if (b_q && s_axil_bready) b_d = 1'b0;
        if (ar_take) begin
            r_d     = 1'b1;
            rdata_d = rd_data;
        end
        if (r_q && s_axil_rready) r_d = 1'b0;
    end

    always @(posedge clk) begin
        awaddr_q <= awaddr_d;
        wdata_q  <= wdata_d;
        wstrb_q  <= wstrb_d;
        rdata_q  <= rdata_d;
        if (rst) begin
            aw_q <= 1'b0;
            w_q  <= 1'b0;
            b_q  <= 1'b0;
            r_q  <= 1'b0;
        end else begin
            aw_q <= aw_d;
            w_q  <= w_d;
            b_q  <= b_d;
            r_q  <= r_d;
        end
    end
endmodule
`default_nettype wire
