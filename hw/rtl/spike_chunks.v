// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// spike_chunks: the two-level next-spike finder of the spike-driven engines (no W-wide priority chain on the
// mask's loop), the combinational half of a finder whose state the caller registers: the mask of spikes still to
// visit (the one visited now included), cut into C chunks of K = 2^KW bits (the last zero-padded), and per
// chunk two flags registered beside it, nz (the chunk holds a spike) and g2 (it holds two or more). Each cycle:
//   - the lowest non-empty chunk is selected from nz alone (one-hot sel, no look at the mask bits);
//   - every chunk's lowest spike is found in parallel (a K-bit prefix OR), its bit in the chunk is `locs`;
//   - only the selected chunk loses that spike (rest); its nz becomes its g2, its g2 "three or more" (pop_sat3
//     of the chunk), so the flags of `rest` need no look at `rest`;
//   - `one` (at most one spike in mask) is a function of the flags: at most one chunk non-empty, none with two.
// The index of the spike, {chunk, bit in chunk} = enc(sel, locs), is a separate port pair (r_sel, r_loc -> r_idx:
// one-hot selects, no adder) so the caller can register sel and locs first and encode a stage later, off the
// mask's loop. in_nz / in_g2: the flags of a new mask `in` (registered with it). Chunk size rule (the caller
// computes KW by it, net_slin's): the smallest KW >= 1 with 2 * 4^KW >= W, but 4 (K = 16) from W = 128 up.
// Port contract (the values of spike_finder and pop_sat3 over the whole mask, when nz / g2 are mask's flags):
//   any = |mask; one = popcount(mask) <= 1; rest = mask with its lowest set bit cleared (0 when mask == 0);
//   nz_rest / g2_rest = the flags of rest; in_nz / in_g2 = the flags of `in`;
//   r_idx = c * K + locs[c] for the one-hot r_sel = (1 << c) (0 when r_sel == 0), truncated to IW bits.
module spike_chunks #(
    parameter integer W  = 32,  // mask width (>= 1)
    parameter integer KW = 2,   // chunk index bits (chunks of 2^KW bits), >= 1
    parameter integer IW = 5    // index width: holds W - 1
) (
    input  wire [W-1:0]                    mask,
    input  wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] nz,
    input  wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] g2,
    output wire                            any,
    output wire                            one,
    output wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] sel,
    output wire [((W + (1 << KW) - 1) / (1 << KW))*KW-1:0] locs,
    output wire [W-1:0]                    rest,
    output wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] nz_rest,
    output wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] g2_rest,
    input  wire [W-1:0]                    in,
    output wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] in_nz,
    output wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] in_g2,
    input  wire [(W + (1 << KW) - 1) / (1 << KW)-1:0] r_sel,
    input  wire [((W + (1 << KW) - 1) / (1 << KW))*KW-1:0] r_loc,
    output wire [IW-1:0]                   r_idx
);
    function integer sbw;  // bits of an index that holds x (>= 1)
        input [31:0] x;
        integer v;
        begin
            sbw = 1;
            for (v = x; v > 1; v = v >> 1) sbw = sbw + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer K   = 1 << KW;           // chunk bits
    localparam integer C   = (W + K - 1) / K;   // chunks
    localparam integer CW  = sbw(C - 1);        // chunk number bits
    localparam integer FIP = C * K;             // the mask padded to whole chunks
    generate
        if (W < 1 || KW < 1 || IW < 1 || (W > 1 && (1 << IW) < W)) begin : gen_param_check
            spike_chunks_bad_parameters u_param_error ();
        end
    endgenerate
    function [K-1:0] kbits;  // the bits of a chunk whose index has bit b set
        input [31:0] b;
        integer i;
        begin
            for (i = 0; i < K; i = i + 1) kbits[i] = ((i >> b) & 1) != 0;
        end
    endfunction
    function [C-1:0] cbits;  // the chunks whose number has bit b set
        input [31:0] b;
        integer i;
        begin
            for (i = 0; i < C; i = i + 1) cbits[i] = ((i >> b) & 1) != 0;
        end
    endfunction

    wire [FIP-1:0] mp, ip;      // mask and in, padded to FIP bits
    wire [FIP-1:0] rest_p;      // mask without its lowest spike
    wire [C-1:0]   g3;          // per chunk of mask: >= 3 spikes
    genvar gc, gi, gb, gg;
    generate
        for (gi = 0; gi < FIP; gi = gi + 1) begin : gen_pad
            if (gi < W) begin : gen_bit
                assign mp[gi] = mask[gi];
                assign ip[gi] = in[gi];
            end else begin : gen_zero
                assign mp[gi] = 1'b0;
                assign ip[gi] = 1'b0;
            end
        end
        for (gc = 0; gc < C; gc = gc + 1) begin : gen_chunk
            wire [K-1:0] m = mp[gc * K +: K];
            wire [K-1:0] below;  // below[i]: a lower bit of the chunk is set
            wire [K-1:0] lo  = m & ~below;  // the lowest spike, one-hot
            wire [K-1:0] clr = m & below;   // the chunk without it
            assign below[0] = 1'b0;
            for (gi = 1; gi < K; gi = gi + 1) begin : gen_below
                assign below[gi] = |m[gi-1:0];
            end
            for (gb = 0; gb < KW; gb = gb + 1) begin : gen_loc
                assign locs[gc * KW + gb +: 1] = |(lo & kbits(gb));
            end
            if (gc == 0) begin : gen_first
                assign sel[gc] = nz[gc];
            end else begin : gen_next
                assign sel[gc] = nz[gc] && !(|nz[gc-1:0]);
            end
            assign rest_p[gc * K +: K] = sel[gc] ? clr : m;
            assign nz_rest[gc] = sel[gc] ? g2[gc] : nz[gc];
            assign g2_rest[gc] = sel[gc] ? g3[gc] : g2[gc];
            // pop_sat3's unused outputs (only the flags this chunk needs are read)
            /* verilator lint_off UNUSEDSIGNAL */
            wire m1, m2, s3;
            /* verilator lint_on UNUSEDSIGNAL */
            if (K >= 32) begin : gen_g3_groups
                // a wide chunk's "three or more" from groups of 8 bits (each group's saturated count, then: a group
                // with three, or three groups with one, or a group with two and another with one): two shallow
                // stages, where one pop_sat3 over the chunk maps deeper (classic ABC: cifar10-384 fc2's longest path)
                wire [K/8-1:0] e1, e2, e3;
                for (gg = 0; gg < K / 8; gg = gg + 1) begin : gen_grp
                    pop_sat3 #(.W(8)) u_pg (.mask(m[gg * 8 +: 8]), .ge1(e1[gg]), .ge2(e2[gg]), .ge3(e3[gg]));
                end
                // the groups' "one or more" count's lowest flag is not needed
                /* verilator lint_off UNUSEDSIGNAL */
                wire p1;
                /* verilator lint_on UNUSEDSIGNAL */
                wire p2, p3;
                pop_sat3 #(.W(K / 8)) u_pe (.mask(e1), .ge1(p1), .ge2(p2), .ge3(p3));
                assign g3[gc] = (|e3) || p3 || ((|e2) && p2);
                assign m1 = 1'b0;
                assign m2 = 1'b0;
            end else begin : gen_g3_one
                pop_sat3 #(.W(K)) u_pm (.mask(m), .ge1(m1), .ge2(m2), .ge3(g3[gc]));
            end
            pop_sat3 #(.W(K)) u_pi (.mask(ip[gc * K +: K]), .ge1(in_nz[gc]), .ge2(in_g2[gc]), .ge3(s3));
        end
    endgenerate
    // the padding bits of the last chunk (always zero) and the chunk-count flags not read
    /* verilator lint_off UNUSEDSIGNAL */
    wire [FIP-1:0] rest_u = rest_p;  // the padding stays zero
    wire           nz_ge1, nz_ge3;
    /* verilator lint_on UNUSEDSIGNAL */
    assign rest = rest_u[W-1:0];
    wire           nz_ge2;
    pop_sat3 #(.W(C)) u_pnz (.mask(nz), .ge1(nz_ge1), .ge2(nz_ge2), .ge3(nz_ge3));
    assign any = |nz;
    assign one = !nz_ge2 && !(|g2);

    // the index of the chunk's spike: {chunk, bit}, one-hot selects (0 when r_sel is 0)
    wire [CW+KW-1:0] full;
    generate
        for (gb = 0; gb < CW; gb = gb + 1) begin : gen_cidx
            assign full[KW + gb] = |(r_sel & cbits(gb));
        end
        for (gb = 0; gb < KW; gb = gb + 1) begin : gen_lidx
            wire [C-1:0] lb;  // bit gb of every chunk's lowest spike
            for (gc = 0; gc < C; gc = gc + 1) begin : gen_lb
                assign lb[gc] = r_loc[gc * KW + gb +: 1];
            end
            assign full[gb] = |(r_sel & lb);
        end
        if (IW > CW + KW) begin : gen_idx_ext
            assign r_idx = {{(IW - CW - KW){1'b0}}, full};
        end else if (IW == CW + KW) begin : gen_idx_same
            assign r_idx = full;
        end else begin : gen_idx_cut
            // bits above W - 1 are zero
            /* verilator lint_off UNUSEDSIGNAL */
            wire [CW+KW-1:0] full_u = full;
            /* verilator lint_on UNUSEDSIGNAL */
            assign r_idx = full_u[IW-1:0];
        end
    endgenerate
endmodule
`default_nettype wire
