`default_nettype none
// lane_ram: one lane's memory, DEPTH words of W bits, one synchronous write port and one asynchronous read
// port (distributed/LUT RAM on 7-series; small enough for every SASA store: weight rows, biases,
// membranes, the Q-spike buffer). Contents are not reset: every word is written before it is read
// (weights by the load stream, membranes at t = 0 under lif_unit's `clear`).
module lane_ram #(
    parameter integer W     = 8,   // word width (bits)
    parameter integer DEPTH = 16,  // words
    parameter integer AW    = 4    // address width: enough bits for DEPTH-1 (>= 1)
) (
    input  wire          clk,
    input  wire          we,      // write enable
    input  wire [AW-1:0] waddr,
    input  wire [W-1:0]  wdata,
    input  wire [AW-1:0] raddr,
    output wire [W-1:0]  rdata
);
    reg [W-1:0] mem [0:DEPTH-1];

    always @(posedge clk) begin
        if (we) mem[waddr] <= wdata;
    end

    assign rdata = mem[raddr];
endmodule
`default_nettype wire
