// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// axil_slave_props: the proof wrapper of hw/rtl/axil_slave.v (hw/formal/axil_slave.sby), after ZipCPU's
// faxil_slave: the master is free (anyseq, no assumption beyond a first-cycle reset, so the slave must cope
// with any master), and the slave must keep the AXI4-Lite rules: every response answers one request (AW and
// W for B, AR for R; counters of outstanding requests never underflow and stay bounded), a response stays
// valid and unchanged until taken, nothing is answered without a request, reads and writes are independent
// channels, ready and valid are low during reset. The register-bus side is checked too: one wr_en per
// write, with the accepted address, data and strobes; rd_en exactly at the AR handshake, with its address,
// and the rd_data taken then is the data returned on R. Every slave state bit shows on a port, so the
// wrapper needs no exposed register and k-induction closes on the ports alone.
module axil_slave_props #(
    parameter integer AW = 4  // address width (the .sby sets the unit's AW to the same value)
) (
    input wire clk
);
    (* anyseq *) reg          rst;
    (* anyseq *) reg [AW-1:0] awaddr, araddr;
    (* anyseq *) reg          awvalid, wvalid, bready, arvalid, rready;
    (* anyseq *) reg [31:0]   wdata, rd_data;
    (* anyseq *) reg [3:0]    wstrb;
    wire          awready, wready, bvalid, arready, rvalid, wr_en, rd_en;
    wire [1:0]    bresp, rresp;
    wire [31:0]   rdata, wr_data;
    wire [AW-1:0] wr_addr, rd_addr;
    wire [3:0]    wr_strb;

    axil_slave dut (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(awaddr), .s_axil_awvalid(awvalid), .s_axil_awready(awready),
        .s_axil_wdata(wdata), .s_axil_wstrb(wstrb), .s_axil_wvalid(wvalid), .s_axil_wready(wready),
        .s_axil_bresp(bresp), .s_axil_bvalid(bvalid), .s_axil_bready(bready),
        .s_axil_araddr(araddr), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
        .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(rready),
        .wr_en(wr_en), .wr_addr(wr_addr), .wr_data(wr_data), .wr_strb(wr_strb),
        .rd_en(rd_en), .rd_addr(rd_addr), .rd_data(rd_data)
    );

    reg f_past_valid;
    initial f_past_valid = 1'b0;
    always @(posedge clk) f_past_valid <= 1'b1;
    always @* if (!f_past_valid) assume (rst);

    wire aw_hs = awvalid && awready, w_hs = wvalid && wready, b_hs = bvalid && bready;
    wire ar_hs = arvalid && arready, r_hs = rvalid && rready;

    // outstanding requests (faxil_slave's f_axi_awr_outstanding, f_axi_wr_outstanding, f_axi_rd_outstanding)
    // and writes performed on the register bus but not yet answered
    reg [1:0]    f_awr, f_wr, f_rd, f_done;
    reg [AW-1:0] f_awaddr;  // the last accepted write address, data and strobes
    reg [31:0]   f_wdata, f_rdata;
    reg [3:0]    f_wstrb;
    always @(posedge clk) begin
        if (rst) begin
            f_awr <= 2'd0; f_wr <= 2'd0; f_rd <= 2'd0; f_done <= 2'd0;
        end else begin
            f_awr  <= f_awr + aw_hs - b_hs;
            f_wr   <= f_wr + w_hs - b_hs;
            f_rd   <= f_rd + ar_hs - r_hs;
            f_done <= f_done + wr_en - b_hs;
        end
        if (aw_hs) f_awaddr <= awaddr;
        if (w_hs) begin f_wdata <= wdata; f_wstrb <= wstrb; end
        if (rd_en) f_rdata <= rd_data;
    end

    always @* begin
        if (rst) begin
            // AXI A3.1.2: every ready and valid low during reset; nothing on the register bus
            assert (!awready && !wready && !bvalid && !arready && !rvalid);
            assert (!wr_en && !rd_en);
        end else begin
            // bounded: one request held per channel, one more may wait behind a pending response
            assert (f_awr <= 2'd2 && f_wr <= 2'd2 && f_rd <= 2'd1 && f_done <= 2'd1);
            // no response without a request (one response per request: the counters never underflow)
            if (bvalid) assert (f_awr != 2'd0 && f_wr != 2'd0 && f_done == 2'd1);
            if (rvalid) assert (f_rd == 2'd1);
            // a request accepted is answered in order: the slave's state as the counters say
            assert (f_awr == {1'b0, !awready} + {1'b0, bvalid});
            assert (f_wr == {1'b0, !wready} + {1'b0, bvalid});
            assert (f_rd == {1'b0, rvalid});
            assert (f_done == {1'b0, bvalid});
            // responses are OKAY
            assert (bresp == 2'b00 && rresp == 2'b00);
            // register bus: one wr_en per AW+W pair, with the accepted address, data and strobes
            if (wr_en) assert (!awready && !wready && !bvalid);
            if (!awready) assert (wr_addr == f_awaddr);
            if (!wready) assert (wr_data == f_wdata && wr_strb == f_wstrb);
            // reads: rd_en exactly at the AR handshake, with its address; R returns the data read then
            assert (rd_en == ar_hs);
            if (rd_en) assert (rd_addr == araddr);
            if (rvalid) assert (rdata == f_rdata);
            // reads and writes are independent: each channel's ready depends on its own state only
            assert (arready == !rvalid);
            assert (awready == (f_awr == {1'b0, bvalid}));
        end
    end

    // a response stays valid, unchanged, until taken
    always @(posedge clk) begin
        if (f_past_valid && !$past(rst) && !rst) begin
            if ($past(bvalid && !bready)) assert (bvalid && bresp == $past(bresp));
            if ($past(rvalid && !rready)) assert (rvalid && rdata == $past(rdata) && rresp == $past(rresp));
            if ($past(wr_en)) assert (bvalid);  // a write performed is answered next
        end
    end

    // reachability (cover task): a read completes while a write response is stalled, a write response and
    // the next write request in one cycle, a read answered while a write address waits for its data. (A read
    // response and the next AR in one cycle is unreachable: arready is !rvalid, reads run at half rate.)
    always @* if (!rst) cover (r_hs && bvalid && !bready);
    always @* if (!rst) cover (b_hs && aw_hs && w_hs);
    always @* if (!rst) cover (r_hs && !awready && wready);
endmodule
`default_nettype wire
