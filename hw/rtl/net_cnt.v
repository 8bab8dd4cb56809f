// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_cnt: one module's cycle counters for the network (docs/architecture.md, "Cycle model"): `act` marks
// the module's active cycles, `img_end` its last active cycle of an image. img_cycles holds the active
// cycles of the module's last finished image (exactly contract/cycles.py's formula), `done` pulses one
// cycle after it is updated (the inputs are registered first, so everything is one cycle later); total_active / total_stall count every active cycle / every cycle the module
// had work in hand (`busy`) but could not progress, since reset.
module net_cnt (
    input  wire        clk,
    input  wire        rst,
    input  wire        act,
    input  wire        busy,
    input  wire        img_end,
    output wire [31:0] img_cycles,
    output wire        done,
    output wire [31:0] total_active,
    output wire [31:0] total_stall
);
    reg [31:0] run_q, img_q, tot_q, st_q;
    reg        done_q;
    reg        act_q, busy_q, end_q;  // the inputs, registered: the 32-bit counters start at a flop
    assign img_cycles   = img_q;
    assign done         = done_q;
    assign total_active = tot_q;
    assign total_stall  = st_q;
    always @(posedge clk) begin
        if (rst) begin
            act_q <= 1'b0; busy_q <= 1'b0; end_q <= 1'b0;
            run_q <= 32'd0; img_q <= 32'd0; tot_q <= 32'd0; st_q <= 32'd0; done_q <= 1'b0;
        end else begin
            act_q <= act; busy_q <= busy; end_q <= img_end;
            done_q <= end_q;
            if (act_q) tot_q <= tot_q + 32'd1;
            if (busy_q && !act_q) st_q <= st_q + 32'd1;
            if (end_q) begin
                img_q <= run_q + {31'd0, act_q};
                run_q <= 32'd0;
            end else if (act_q) begin
                run_q <= run_q + 32'd1;
            end
        end
    end
endmodule
`default_nettype wire
