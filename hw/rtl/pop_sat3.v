// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// pop_sat3: how many bits of a mask are set, saturated at three, as a log-depth tree (like spike_finder's
// priority tree: no W-long chain). Each node combines its children's flags (at least 1, 2, 3 set) with
// one 6-input function per flag. Used by net_slin to know, one cycle ahead, that a token's mask holds at
// most one (ge2 low) or two (ge3 low) spikes.
// Port contract: ge1 = popcount(mask) >= 1, ge2 = popcount(mask) >= 2, ge3 = popcount(mask) >= 3.
module pop_sat3 #(
    parameter integer W = 32  // mask width, >= 1
) (
    input  wire [W-1:0] mask,
    output wire         ge1,
    output wire         ge2,
    output wire         ge3
);
    // Dependent parameters: do not override.
    localparam integer LEVELS = $clog2(W);
    localparam integer NP     = 1 << LEVELS;
    generate
        if (W < 1) begin : gen_param_check
            pop_sat3_bad_width u_param_error ();
        end
    endgenerate
    genvar lv, j;
    generate
        for (lv = 0; lv <= LEVELS; lv = lv + 1) begin : gen_lvl
            localparam integer NL = 1 << lv;
            wire [NL-1:0] a1, a2, a3;
            if (lv == LEVELS) begin : gen_leaves
                for (j = 0; j < NP; j = j + 1) begin : gen_leaf
                    if (j < W) begin : gen_bit
                        assign a1[j] = mask[j];
                    end else begin : gen_pad
                        assign a1[j] = 1'b0;
                    end
                end
                assign a2 = {NL{1'b0}};
                assign a3 = {NL{1'b0}};
            end else begin : gen_inner
                for (j = 0; j < NL; j = j + 1) begin : gen_node
                    wire l1 = gen_lvl[lv + 1].a1[j + j];  // children 2j, 2j + 1 (no '*': a genvar sum)
                    wire r1 = gen_lvl[lv + 1].a1[j + j + 1];
                    wire l2 = gen_lvl[lv + 1].a2[j + j];
                    wire r2 = gen_lvl[lv + 1].a2[j + j + 1];
                    wire l3 = gen_lvl[lv + 1].a3[j + j];
                    wire r3 = gen_lvl[lv + 1].a3[j + j + 1];
                    assign a1[j] = l1 | r1;
                    assign a2[j] = l2 | r2 | (l1 & r1);
                    assign a3[j] = l3 | r3 | (l2 & r1) | (l1 & r2);
                end
            end
        end
    endgenerate
    assign ge1 = gen_lvl[0].a1[0];
    assign ge2 = gen_lvl[0].a2[0];
    assign ge3 = gen_lvl[0].a3[0];
endmodule
`default_nettype wire
