// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_bulk_mon: simulation-only recorder of one monitored stream of net_engine (a mon_<ID>_data /
// mon_fire[ID] boundary) for the bulk runs (sim/net_bulk.py). It folds every beat the DUT transfers into
// a 64-bit signature (FNV-1a over the beat's 64-bit chunks, lowest first: h = (h ^ chunk) * 0x100000001b3,
// h starting at 0xcbf29ce484222325 for every image) and writes one line per image to OUTDIR/mon_<ID>.log:
//   G <signature hex>   the image's BEATS beats have passed;   B <beat hex>   every beat (plusarg FULL=1)
//   X <beats>           a partial image dropped by a reset;    R              the DUT enters reset
// Simulation-only: the clocked blocks use blocking temporaries (random draws, the signature fold) on purpose.
/* verilator lint_off BLKSEQ */
module net_bulk_mon #(
    parameter integer W     = 1,  // beat width (bits)
    parameter integer BEATS = 1,  // beats per image on this boundary
    parameter integer ID    = 0   // boundary index (hw/net_generate.py: boundaries order)
) (
    input wire         clk,
    input wire         en,      // the DUT is out of reset (its transfers count)
    input wire         rst_ev,  // the last cycle before the DUT's reset
    input wire         fin,     // flush the log
    input wire         fire,
    input wire [W-1:0] data
);
    localparam integer NCH = (W + 63) / 64;
    localparam [63:0] FNV_INIT = 64'hcbf29ce484222325;
    localparam [63:0] FNV_PRIME = 64'h00000100000001b3;

    integer fd;
    reg full;
    reg [8*1024-1:0] outdir;
    reg [8*1100-1:0] fname;
    initial begin
        if (!$value$plusargs("OUTDIR=%s", outdir)) $fatal(1, "net_bulk_mon: +OUTDIR=<folder> missing");
        full = $test$plusargs("FULL");
        $sformat(fname, "%0s/mon_%0d.log", outdir, ID);
        fd = $fopen(fname, "w");
        if (fd == 0) $fatal(1, "net_bulk_mon: cannot write %0s", fname);
    end

    reg [63:0] sig_q;
    reg [31:0] cnt_q;
    reg        fin_q;
    initial begin
        sig_q = FNV_INIT;
        cnt_q = 32'd0;
        fin_q = 1'b0;
    end

    reg [NCH*64-1:0] pad;
    reg [63:0] h;
    reg [31:0] c;
    integer i;
    // (the fold runs only in a cycle with a beat or a reset: a cycle-based simulator skips it otherwise)
    always @(posedge clk) begin
        if ((en && fire) || rst_ev) begin
            h = sig_q;
            c = cnt_q;
            if (en && fire) begin
                pad = {(NCH * 64){1'b0}};
                pad[W-1:0] = data;
                for (i = 0; i < NCH; i = i + 1) h = (h ^ pad[64 * i +: 64]) * FNV_PRIME;
                if (full) $fwrite(fd, "B %h\n", data);
                c = c + 32'd1;
                if (c == BEATS) begin
                    $fwrite(fd, "G %h\n", h);
                    h = FNV_INIT;
                    c = 32'd0;
                end
            end
            if (rst_ev) begin
                if (c != 0) $fwrite(fd, "X %0d\n", c);
                $fwrite(fd, "R\n");
                h = FNV_INIT;
                c = 32'd0;
            end
            sig_q <= h;
            cnt_q <= c;
        end
        if (fin && !fin_q) begin  // (fin stays high once the program has ended)
            fin_q <= 1'b1;
            $fflush(fd);
        end
    end
endmodule
/* verilator lint_on BLKSEQ */
`default_nettype wire
