// SPDX-License-Identifier: Apache-2.0
`default_nettype none
// net_lif: a stream stage of FO LIF neurons per token (docs/integer-semantics.md, "The neuron"): each
// input beat is the current I[t, n, :] of token n at timestep t (timestep outer, FO lanes of IN_W bits);
// the stage updates the membranes of token n -- carried across the T timesteps and read as 0 at t = 0 --
// and emits the FO spikes as one beat. Used as every shortcut LIF of the residual stream U, the MLP hidden
// neuron and the head's LIF.
// Input beats: IB = FO takes a token's currents as one beat; IB < FO (the MLP fold, fc1's output beats)
// takes them as FO / IB beats of IB consecutive neurons (beat b: neurons b*IB .. b*IB+IB-1; P divides IB),
// each worked in IB / P groups and taken (s_ready) at its last group; the spikes still leave as one
// FO-bit beat after the token's last input beat, s_last is on the image's last input beat.
// P lanes per cycle: a token is worked in G = ceil(FO / P) groups of P neurons, one group per cycle, so
// only P LIF datapaths exist; the membranes live in one lane memory (sdp_ram, registered read, word
// n*G + g holds the P membranes of group g of token n). A group goes through three stages: S0 reads its
// membranes and takes its currents, S1 computes a = v - (v >>> K) and I - theta, S2 finishes
// v' = a + I, spike = (a + I - theta >= 0) (exact: the membrane width is proven, so this equals
// lif_unit's v' >= theta), writes the membrane back and collects the spike; the token's beat is taken
// (s_ready) at its last group. The same membrane word is read again only N*G groups later, so the
// read-modify-write has no hazard (N*G >= 3 is checked). A full output register with a token's last
// group in S2 stalls every stage.
// FIRED = 1 (the generator's rule, hw/fit.py `lif_fired_bit`: where the wider word takes no more block RAM):
// each lane's memory word holds a + I and a fired bit instead of (fired ? 0 : a + I); S1 reads the membrane
// as 0 where the bit is set (as at t = 0), so the values are the same and S2 needs no write-back multiplexer.
// The threshold is a register loaded from segment SEG_TH of the network weight stream. A beat whose
// s_last differs from the token counters' image end sets err_proto (sticky until reset).
// Active cycles: one per group issued (S0), T*N*G per image.
module net_lif #(
    parameter integer FO    = 32,  // neurons per token
    parameter integer IN_W  = 15,  // current width (signed), <= MEM_W
    parameter integer MEM_W = 16,  // membrane width (signed, proven)
    parameter integer TH_W  = 12,  // threshold width (unsigned)
    parameter integer K     = 1,   // leak shift
    parameter integer N     = 16,  // tokens per timestep
    parameter integer T     = 4,   // timesteps per image
    parameter integer P     = 8,   // neurons per cycle (lanes)
    parameter integer RAM_STYLE = 0, // membrane memory: sdp_ram STYLE (0 tool's choice, 3 UltraRAM: hw/fit.py)
    parameter integer SEG_W = 5,   // bits of a weight-stream segment id
    parameter integer SEG_TH = 0,  // segment of the threshold
    parameter integer IB    = FO,  // input lanes per beat (IB < FO: P divides IB, IB divides FO)
    parameter integer FIRED = 0    // 1: a fired bit per lane beside the membrane (header)
) (
    input  wire               clk,
    input  wire               rst,
    input  wire [IB*IN_W-1:0] s_data,
    input  wire               s_last,
    input  wire               s_valid,
    output wire               s_ready,
    output wire [FO-1:0]      m_data,
    output wire               m_last,
    output wire               m_valid,
    input  wire               m_ready,
    input  wire               wl_take,
    input  wire [SEG_W-1:0]   wl_seg,
    /* verilator lint_off UNUSEDSIGNAL */  // a word's upper bits / padding are not used here
    input  wire [31:0]        wl_data,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire               act,
    output wire               img_end,
    output wire               err_proto
);
    function integer lbw;
        input integer x;
        integer v;
        begin
            lbw = 1;
            for (v = x; v > 1; v = v >> 1) lbw = lbw + 1;
        end
    endfunction
    // Dependent parameters: do not override.
    localparam integer G     = (FO + P - 1) / P;         // groups per token
    localparam integer GP    = G * P;                     // padded lanes
    localparam integer DEPTH = N * G;                     // membrane words
    localparam integer AW    = (DEPTH > 1) ? $clog2(DEPTH) : 1;
    localparam integer NW    = lbw(N - 1);
    localparam integer TW    = lbw(T - 1);
    localparam integer GW    = lbw(G - 1);
    localparam integer CMP_W = ((MEM_W > TH_W + 1) ? MEM_W : TH_W + 1) + 2;  // holds a + I - theta exactly
    localparam integer NM1 = N - 1, TM1 = T - 1, GM1 = G - 1, DM1 = DEPTH - 1;
    localparam [NW-1:0] N_LAST = NM1[NW-1:0];
    localparam [TW-1:0] T_LAST = TM1[TW-1:0];
    localparam [GW-1:0] G_LAST = GM1[GW-1:0];
    localparam [AW-1:0] A_LAST = DM1[AW-1:0];
    localparam integer CTOP = GP - P;  // the newest group's position in the spike collector
    localparam integer LW   = MEM_W + ((FIRED != 0) ? 1 : 0);  // a lane's memory word
    generate
        if (IN_W > MEM_W || IN_W < 2 || P < 1 || N * G < 3) begin : gen_bad_widths
            net_bad_parameter_set_lif_widths u_bad ();
        end
        if (FIRED != 0 && FIRED != 1) begin : gen_bad_fired
            net_bad_parameter_set_lif_fired u_bad ();
        end
        if (IB < 1 || IB > FO || (IB < FO && (IB % P != 0 || FO % IB != 0))) begin : gen_bad_beat
            net_bad_parameter_set_lif_beat u_bad ();
        end
    endgenerate

    reg [TH_W-1:0] th_q;
    always @(posedge clk) begin
        if (wl_take && wl_seg == SEG_TH[SEG_W-1:0]) th_q <= wl_data[TH_W-1:0];
    end

    // ------------------------------------------------------------------ S0: issue one group
    reg [NW-1:0] n_q;
    reg [TW-1:0] t_q;
    reg [GW-1:0] g_q;
    reg [AW-1:0] a_q;
    reg          err_q;
    reg          v1_q, v2_q;           // S1 / S2 hold a group
    reg          gl1_q, gl2_q;         // ... the token's last group
    reg          ie1_q, ie2_q;         // ... of the image's last token
    reg          clr1_q;               // S1: t = 0 (membranes read as 0)
    reg [AW-1:0] a1_q, a2_q;
    reg [P*IN_W-1:0] cur1_q;
    reg [FO-1:0] s_q;
    reg          mv_q, ml_q;
    wire stall   = v2_q && gl2_q && mv_q && !m_ready;
    wire adv     = !stall;
    wire g_last  = (g_q == G_LAST);
    wire at_end  = (n_q == N_LAST) && (t_q == T_LAST);
    wire b_last;                       // this group is its input beat's last
    wire issue   = s_valid && adv;
    wire take    = issue && g_last;
    assign s_ready   = adv && b_last;
    assign m_data    = s_q;
    assign m_last    = ml_q;
    assign m_valid   = mv_q;
    assign act       = issue;
    assign img_end   = take && at_end;
    assign err_proto = err_q;

    // this group's currents: lanes g*P .. g*P+P-1 of the token's beat (zero beyond FO); with IB < FO,
    // lanes bg*P .. bg*P+P-1 of the beat, bg the group within the beat
    wire [P*IN_W-1:0] cur0;
    generate
        if (IB == FO) begin : gen_whole
            wire [GP*IN_W-1:0] s_pad;
            if (GP > FO) begin : gen_pad
                assign s_pad = {{((GP - FO) * IN_W){1'b0}}, s_data};
            end else begin : gen_nopad
                assign s_pad = s_data;
            end
            assign cur0   = s_pad[g_q * (P * IN_W) +: P * IN_W];
            assign b_last = g_last;
        end else begin : gen_beats
            localparam integer BG  = IB / P;  // groups per beat
            localparam integer BGW = lbw(BG - 1);
            localparam integer BM1 = BG - 1;
            localparam [BGW-1:0] BG_LAST = BM1[BGW-1:0];
            reg [BGW-1:0] bg_q;
            assign cur0   = s_data[bg_q * (P * IN_W) +: P * IN_W];
            assign b_last = (bg_q == BG_LAST);
            always @(posedge clk) begin
                if (rst) bg_q <= {BGW{1'b0}};
                else if (issue) bg_q <= b_last ? {BGW{1'b0}} : bg_q + 1'b1;
            end
        end
    endgenerate

    // ------------------------------------------------------------------ S1 -> S2, S2
    // The lane arithmetic is functions called inside the clocked blocks under the stage's valid (S1:
    // v1_q, S2: v2_q), not wires: a cycle-based simulator (Verilator) then evaluates the P lanes only in
    // the cycles that use them (as net_slin's lane sum); the logic is the same adders and sign extensions
    // (Verilog-2001 has no zero-width replication, so each extension keeps one copy of the sign bit). A
    // stage's registers load only when it holds a group, and the next stage reads them only then, so the
    // cycles and values at every port are those of a wire-and-`adv` description.
    reg [P*MEM_W-1:0] a2_v;       // a = v - (v >>> K)
    reg [P*MEM_W-1:0] c2_q;       // I, sign-extended
    reg [P*CMP_W-1:0] d2_q;       // I - theta
    wire [CMP_W-1:0] th_x = {{(CMP_W - TH_W){1'b0}}, th_q};
    function [MEM_W-1:0] s1_a;  // a = v - (v >>> K) of one lane, v read as 0 when `clr`
        input [MEM_W-1:0] v;
        input             clr;
        reg signed [MEM_W-1:0] vs;
        begin
            vs = clr ? {MEM_W{1'b0}} : v;
            s1_a = vs - (vs >>> K);
        end
    endfunction
    function [MEM_W-1:0] ext_m;  // a current, sign-extended to the membrane width
        input [IN_W-1:0] v;
        ext_m = {{(MEM_W - IN_W + 1){v[IN_W-1]}}, v[IN_W-2:0]};
    endfunction
    function [CMP_W-1:0] ext_c;  // a current, sign-extended to the compare width
        input [IN_W-1:0] v;
        ext_c = {{(CMP_W - IN_W + 1){v[IN_W-1]}}, v[IN_W-2:0]};
    endfunction
    function [CMP_W-1:0] ext_ac;  // a membrane value, sign-extended to the compare width
        input [MEM_W-1:0] v;
        ext_ac = {{(CMP_W - MEM_W + 1){v[MEM_W-1]}}, v[MEM_W-2:0]};
    endfunction
    function [P-1:0] s2_spk;  // the P spikes: a + I - theta >= 0
        input [P*MEM_W-1:0] av;
        input [P*CMP_W-1:0] dv;
        reg [CMP_W-1:0] dif;
        integer l;
        begin
            for (l = 0; l < P; l = l + 1) begin
                dif = ext_ac(av[l * MEM_W +: MEM_W]) + dv[l * CMP_W +: CMP_W];
                s2_spk[l] = !dif[CMP_W-1];
            end
        end
    endfunction
    // spike collector: groups arrive in order, shifted in from the top
    function [GP-1:0] col_next;
        input [P-1:0]  spk;
        input [GP-1:0] col;
        reg [GP-1:0] sx;
        begin
            sx = {GP{1'b0}};
            sx[P-1:0] = spk;
            col_next = (col >> P) | (sx << CTOP);
        end
    endfunction
    function [FO-1:0] col_tok;  // the token's FO spikes: the collector after its last group
        input [P-1:0]  spk;
        input [GP-1:0] col;
        // the padded lanes are not returned
        /* verilator lint_off UNUSEDSIGNAL */
        reg [GP-1:0] c;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            c = col_next(spk, col);
            col_tok = c[FO-1:0];
        end
    endfunction

    // ------------------------------------------------------------------ membrane memory
    wire [P*LW-1:0] v_rd;        // S1: the group's stored membranes (and fired bits)
    wire [P*LW-1:0] v_wr;        // S2: the group's new membranes (and fired bits)
    sdp_ram #(.W(P * LW), .DEPTH(DEPTH), .STYLE(RAM_STYLE)) u_vmem (
        .clk(clk), .we(v2_q && adv), .waddr(a2_q), .wdata(v_wr), .re(adv), .raddr(a_q), .rdata(v_rd));

    genvar gl;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            wire lane_fired;  // S1: the stored word's fired bit (FIRED = 1; 0 otherwise)
            always @(posedge clk) begin
                if (adv && v1_q) begin
                    a2_v[gl * MEM_W +: MEM_W] <= s1_a(v_rd[gl * LW +: MEM_W], clr1_q || lane_fired);
                    c2_q[gl * MEM_W +: MEM_W] <= ext_m(cur1_q[gl * IN_W +: IN_W]);
                    d2_q[gl * CMP_W +: CMP_W] <= ext_c(cur1_q[gl * IN_W +: IN_W]) - th_x;
                end
            end
            // S2's write-back: wires whose only reader is the memory's write (under its enable in a
            // cycle-based simulator); the spike is recomputed by s2_spk for the collector (the same adder)
            // (the extension written as ext_ac's, not a sign_extend instance: a hierarchical synthesis then
            // sees s2_spk's adders and these as the same cells and keeps one copy)
            wire [MEM_W-1:0] a2 = a2_v[gl * MEM_W +: MEM_W];
            wire [CMP_W-1:0] a2x = {{(CMP_W - MEM_W + 1){a2[MEM_W-1]}}, a2[MEM_W-2:0]};
            wire [MEM_W-1:0] sum = a2 + c2_q[gl * MEM_W +: MEM_W];
            wire [CMP_W-1:0] dif = a2x + d2_q[gl * CMP_W +: CMP_W];
            if (FIRED != 0) begin : gen_fired
                assign lane_fired = v_rd[gl * LW + MEM_W];
                assign v_wr[gl * LW +: LW] = {!dif[CMP_W-1], sum};  // the bit set where it fired
            end else begin : gen_zero
                assign lane_fired = 1'b0;
                assign v_wr[gl * LW +: LW] = dif[CMP_W-1] ? sum : {MEM_W{1'b0}};  // 0 where it fired
            end
        end
    endgenerate

    /* verilator lint_off UNUSEDSIGNAL */  // padded lanes
    reg  [GP-1:0] col_q;
    /* verilator lint_on UNUSEDSIGNAL */

    always @(posedge clk) begin
        // each stage's registers before the ones it reads: every read precedes the write of the same
        // register in this block, so Verilator needs no shadow copies
        if (adv && v2_q && gl2_q) begin
            s_q  <= col_tok(s2_spk(a2_v, d2_q), col_q);
            ml_q <= ie2_q;
        end
        if (adv) begin
            if (v2_q) col_q <= col_next(s2_spk(a2_v, d2_q), col_q);
            a2_q <= a1_q;
            gl2_q <= gl1_q;
            ie2_q <= ie1_q;
            clr1_q <= (t_q == {TW{1'b0}});
            a1_q <= a_q;
            gl1_q <= g_last;
            ie1_q <= at_end;
        end
        if (issue) cur1_q <= cur0;
        if (rst) begin
            n_q <= {NW{1'b0}};
            t_q <= {TW{1'b0}};
            g_q <= {GW{1'b0}};
            a_q <= {AW{1'b0}};
            v1_q <= 1'b0;
            v2_q <= 1'b0;
            mv_q <= 1'b0;
            err_q <= 1'b0;
        end else begin
            if (adv) begin
                v2_q <= v1_q;
                v1_q <= issue;
            end
            if (adv && v2_q && gl2_q) mv_q <= 1'b1;
            else if (m_ready) mv_q <= 1'b0;
            if (issue) begin
                a_q <= (a_q == A_LAST) ? {AW{1'b0}} : a_q + 1'b1;
                g_q <= g_last ? {GW{1'b0}} : g_q + 1'b1;
            end
            if (issue && b_last && s_last != (g_last && at_end)) err_q <= 1'b1;
            if (take) begin
                if (n_q == N_LAST) begin
                    n_q <= {NW{1'b0}};
                    t_q <= (t_q == T_LAST) ? {TW{1'b0}} : t_q + 1'b1;
                end else begin
                    n_q <= n_q + 1'b1;
                end
            end
        end
    end
endmodule
`default_nettype wire
