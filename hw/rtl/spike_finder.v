`default_nettype none
// spike_finder: the next-active-spike finder of the spike-driven engines. Given the mask of spikes not
// yet processed, it returns the index of the lowest set bit, whether any bit is set, and the mask with
// that bit cleared, so the engine visits exactly one active spike per cycle and skips silent inputs for
// free. Purely combinational, and log-depth in W (a priority tree, as pulp-platform common_cells `lzc`):
// the mask, zero-padded to NP = 2^LEVELS bits, is the leaf row of a binary tree; each node keeps "some
// bit below me is set" and the index of its lowest set bit, preferring its lower child, so `idx` is
// LEVELS 2:1 multiplexers deep instead of a W-long priority chain. `rest` clears the bit that `idx`
// decodes to (an L-bit compare per bit, not the W-bit borrow chain of mask & (mask - 1)).
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
    // ceil(log2(v)) for v >= 1, as a constant function ($clog2 is not Verilog-2001)
    function integer clog2_f;
        input [31:0] v;  // (not `input integer`: pyverilog does not parse it)
        integer r;
        begin
            r = 0;
            while ((1 << r) < v) r = r + 1;
            clog2_f = r;
        end
    endfunction

    // Dependent parameters: do not override.
    localparam integer LEVELS = clog2_f(W);                // tree levels above the leaves
    localparam integer NP     = 1 << LEVELS;               // leaves: W padded to a power of two
    localparam integer L      = (LEVELS > 0) ? LEVELS : 1; // internal index width (holds NP-1)
    localparam integer NN     = 2 * NP - 1;                // tree nodes, heap order (children 2n+1, 2n+2)

    // An impossible parameter set stops elaboration: the module below does not exist, so Verilator,
    // Icarus and Yosys all fail on this instance and name it.
    generate
        if (W < 1 || IW < 1 || (W > 1 && IW < LEVELS)) begin : gen_param_check
            spike_finder_IW_too_small u_param_error ();
        end
    endgenerate

    wire [NN-1:0]   v_n;  // node n: some bit of its subtree is set
    wire [NN*L-1:0] i_n;  // node n: index of the lowest set bit of its subtree (relative to its first leaf)

    genvar k, n;
    generate
        // leaves (heap nodes NP-1 .. 2 NP-2): the mask bits, zero-padded
        for (k = 0; k < NP; k = k + 1) begin : gen_leaf
            if (k < W) begin : gen_bit
                assign v_n[NP - 1 + k] = mask[k];
            end else begin : gen_pad
                assign v_n[NP - 1 + k] = 1'b0;
            end
            assign i_n[(NP - 1 + k) * L +: L] = {L{1'b0}};
        end
        // inner nodes: node n at tree level lv (root 0) covers 2^(LEVELS-lv) leaves; its upper child's
        // indices are offset by half of that, i.e. bit (LEVELS - lv - 1) of the index
        for (n = 0; n < NP - 1; n = n + 1) begin : gen_node
            localparam integer LV  = clog2_f(n + 2) - 1;       // level of node n
            localparam integer HB  = LEVELS - LV - 1;          // index bit that marks the upper child
            localparam integer CLO = 2 * n + 1;                // lower child
            localparam integer CHI = 2 * n + 2;                // upper child
            localparam integer HV  = 1 << HB;
            localparam [L-1:0] HBIT = HV[L-1:0];               // the upper child's index offset
            assign v_n[n] = v_n[CLO] | v_n[CHI];
            assign i_n[n * L +: L] = v_n[CLO] ? i_n[CLO * L +: L] : (i_n[CHI * L +: L] | HBIT);
        end
    endgenerate

    wire [L-1:0] low = i_n[L-1:0];  // the root's index

    assign any = v_n[0];

    generate
        if (IW > L) begin : gen_idx_ext
            assign idx = {{(IW - L){1'b0}}, low};
        end else begin : gen_idx_same
            assign idx = low[IW-1:0];
        end
        // rest: clear the bit whose index is `low` (mask is 0 where nothing is set, so rest is 0 too)
        for (k = 0; k < W; k = k + 1) begin : gen_rest
            localparam [L-1:0] KL = k;
            assign rest[k] = mask[k] & (low != KL);
        end
    endgenerate
endmodule
`default_nettype wire
