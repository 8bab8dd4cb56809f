// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// spike_finder: the next-active-spike finder of the spike-driven engines. Given the mask of spikes not
// yet processed, it returns the index of the lowest set bit, whether any bit is set, and the mask with
// that bit cleared, so the engine visits exactly one active spike per cycle and skips silent inputs for
// free. Purely combinational, and log-depth in W (a priority tree, as pulp-platform common_cells `lzc`):
// the mask, zero-padded to NP = 2^LEVELS bits, is the leaf row of a binary tree; each node keeps "some
// bit below me is set" and the index of its lowest set bit, preferring its lower child, so `idx` is
// LEVELS 2:1 multiplexers deep instead of a W-long priority chain. `rest` clears the bit that `idx`
// decodes to (a one-hot decode of idx: an L-bit compare per bit, not the W-bit borrow chain of
// mask & (mask - 1)).
// Port contract (unchanged from the linear version, proven equal to a plain priority encoder in
// hw/formal/spike_finder.sby at every width the configs use):
//   any  = |mask
//   idx  = index of the lowest set bit of mask (0 when mask == 0), zero-extended to IW bits
//   rest = mask with bit idx cleared (0 when mask == 0)
// W from 1 up; an IW too small to hold W-1 stops elaboration (module spike_finder_IW_too_small).
module spike_finder #(
    parameter integer W  = 32,  // mask width: input channels (spike word width D), >= 1
    parameter integer IW = 5    // index width: enough bits for W-1 (>= 1)
) (
    input  wire [W-1:0]  mask,  // spikes still to visit
    output wire          any,   // some spike left
    output wire [IW-1:0] idx,   // index of the lowest set bit (0 when none)
    output wire [W-1:0]  rest   // mask with that bit cleared
);
    // Dependent parameters: do not override.
    localparam integer LEVELS = $clog2(W);                // tree levels above the leaves
    localparam integer NP     = 1 << LEVELS;               // leaves: W padded to a power of two
    localparam integer L      = (LEVELS > 0) ? LEVELS : 1; // internal index width (holds NP-1)

    // An impossible parameter set stops elaboration: the module below does not exist, so Verilator,
    // Icarus and Yosys all fail on this instance and name it.
    generate
        if (W < 1 || IW < 1 || (W > 1 && IW < LEVELS)) begin : gen_param_check
            spike_finder_IW_too_small u_param_error ();
        end
    endgenerate

    // One vector pair per tree level (gen_lvl[lv]: 2^lv nodes), each read only by the level above, so
    // no signal feeds itself (a single node vector would be a false loop to Verilator's scheduler).
    genvar k, lv, j;
    generate
        for (lv = 0; lv <= LEVELS; lv = lv + 1) begin : gen_lvl
            localparam integer NL = 1 << lv;              // nodes on this level
            wire [NL-1:0]   v;  // node j: some bit of its subtree is set
            wire [NL*L-1:0] i;  // node j: index of the lowest set bit of its subtree, from its first leaf
            if (lv == LEVELS) begin : gen_leaves
                // the mask bits, zero-padded to NP
                for (k = 0; k < NP; k = k + 1) begin : gen_leaf
                    if (k < W) begin : gen_bit
                        assign v[k] = mask[k];
                    end else begin : gen_pad
                        assign v[k] = 1'b0;
                    end
                    assign i[k * L +: L] = {L{1'b0}};
                end
            end else begin : gen_inner
                // node j covers 2^(LEVELS-lv) leaves; its upper child's indices are offset by half of that,
                // bit (LEVELS - lv - 1) of the index; an empty subtree's index is 0 (idx = 0 when mask = 0)
                localparam integer HV = 1 << (LEVELS - lv - 1);
                localparam [L-1:0] HBIT = HV[L-1:0];
                for (j = 0; j < NL; j = j + 1) begin : gen_node
                    localparam integer CLO = 2 * j;      // lower child on the level below
                    localparam integer CHI = 2 * j + 1;  // upper child
                    wire          vlo = gen_lvl[lv + 1].v[CLO];
                    wire          vhi = gen_lvl[lv + 1].v[CHI];
                    wire [L-1:0]  ilo = gen_lvl[lv + 1].i[CLO * L +: L];
                    wire [L-1:0]  ihi = gen_lvl[lv + 1].i[CHI * L +: L];
                    assign v[j] = vlo | vhi;
                    assign i[j * L +: L] = vlo ? ilo : ({L{vhi}} & (ihi | HBIT));
                end
            end
        end
    endgenerate

    wire [L-1:0] low = gen_lvl[0].i[L-1:0];  // the root's index

    assign any = gen_lvl[0].v[0];

    generate
        if (IW > L) begin : gen_idx_ext
            assign idx = {{(IW - L){1'b0}}, low};
        end else begin : gen_idx_same
            assign idx = low[IW-1:0];
        end
    endgenerate
    // rest: clear the bit whose index is `low` (mask is 0 where nothing is set, so rest is 0 too). The
    // one-hot of `low` as one shift: the same decoder (an L-bit compare per bit) to a synthesis tool, and
    // a few word operations instead of W single-bit ones to a cycle-based simulator (Verilator)
    localparam [W-1:0] ONE = 1;
    wire [W-1:0] hot = ONE << low;
    assign rest = mask & ~hot;
endmodule
`default_nettype wire
