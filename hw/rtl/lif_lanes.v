`default_nettype none
// lif_lanes: P lanes of the LIF/SN neuron of docs/integer-semantics.md whose membranes live in a lane
// memory of DEPTH words per lane (one word per neuron group, e.g. (token n, group g) at n*G + g):
//   v <- v - (v >>> K) + I;  s = (v >= theta);  v <- s ? 0 : v
// Read-modify-write, pipelined in four cycles so no stage holds more than one carry chain:
//   0  in_valid: membrane read issued at in_addr (synchronous read), current and tag registered
//   1  leak:     vl = v - (v >>> K), v = 0 when the update is marked `in_clear` (first timestep)
//   2  add:      sum = vl + I
//   3  fire:     s = sum >= theta; the membrane word is written back (0 after a spike)
//   4  out_valid with the P spikes (lane l at bit l) and the update's tag
// Port contract: one update per cycle at most; two updates of the same address must be at least 4 cycles
// apart (the caller's pipeline drains between timesteps). MEM_W holds every pre-reset membrane value (the
// proven width), so two's-complement wrap-around inside cannot change a result; `>>>` acts on a signed
// operand. `theta` must be stable while updates are in flight. Only valid flags are reset.
module lif_lanes #(
    parameter integer P         = 8,   // lanes
    parameter integer MEM_W     = 20,  // membrane width (signed)
    parameter integer CUR_W     = 19,  // current width (signed), <= MEM_W
    parameter integer TH_W      = 12,  // threshold width (unsigned)
    parameter integer K         = 1,   // leak shift
    parameter integer DEPTH     = 64,  // membrane words per lane
    parameter integer TAG_W     = 1,   // bits carried from an update to its spikes
    parameter integer RAM_STYLE = 0    // membrane memory: 0 tool's choice, 1 block RAM, 2 LUT RAM
) (
    input  wire                                         clk,
    input  wire                                         rst,
    input  wire                                         in_valid,
    input  wire                                         in_clear,
    input  wire [((DEPTH > 1) ? $clog2(DEPTH) : 1)-1:0] in_addr,
    input  wire [P*CUR_W-1:0]                           in_cur,    // lane l at bits l*CUR_W +: CUR_W
    input  wire [TAG_W-1:0]                             in_tag,
    input  wire [TH_W-1:0]                              theta,
    output wire                                         out_valid,
    output wire [P-1:0]                                 out_spikes,
    output wire [TAG_W-1:0]                             out_tag
);
    localparam integer AW    = (DEPTH > 1) ? $clog2(DEPTH) : 1;      // membrane address bits
    localparam integer CMP_W = (MEM_W > TH_W + 1) ? MEM_W : TH_W + 1; // compare width (signed)

    generate
        if (P < 1 || CUR_W > MEM_W || K < 1 || K >= MEM_W || DEPTH < 1 || TAG_W < 1) begin : gen_param_error
            initial begin
                $display("ERROR: lif_lanes: inconsistent parameters P=%0d MEM_W=%0d CUR_W=%0d K=%0d DEPTH=%0d (%m)",
                         P, MEM_W, CUR_W, K, DEPTH);
                $finish;
            end
            PARAMETER_ERROR_lif_lanes_inconsistent u_param_error ();
        end
    endgenerate

    reg              v1_q, v2_q, v3_q, v4_q;
    reg              clr1_q;
    reg [AW-1:0]     addr1_q, addr2_q, addr3_q;
    reg [P*CUR_W-1:0] cur1_q, cur2_q;
    reg [TAG_W-1:0]  tag1_q, tag2_q, tag3_q, tag4_q;
    reg [P-1:0]      spk4_q;

    always @(posedge clk) begin
        clr1_q  <= in_clear;
        addr1_q <= in_addr;
        addr2_q <= addr1_q;
        addr3_q <= addr2_q;
        cur1_q  <= in_cur;
        cur2_q  <= cur1_q;
        tag1_q  <= in_tag;
        tag2_q  <= tag1_q;
        tag3_q  <= tag2_q;
        tag4_q  <= tag3_q;
        if (rst) begin
            v1_q <= 1'b0;
            v2_q <= 1'b0;
            v3_q <= 1'b0;
            v4_q <= 1'b0;
        end else begin
            v1_q <= in_valid;
            v2_q <= v1_q;
            v3_q <= v2_q;
            v4_q <= v3_q;
        end
    end

    wire [CMP_W-1:0] th_c;
    sign_extend #(.IN_W(TH_W + 1), .OUT_W(CMP_W)) u_tc (.din({1'b0, theta}), .dout(th_c));

    genvar gl;
    generate
        for (gl = 0; gl < P; gl = gl + 1) begin : gen_lane
            wire [MEM_W-1:0]        v_rd;
            wire [MEM_W-1:0]        cur_x;
            wire [CMP_W-1:0]        sum_c;
            reg  signed [MEM_W-1:0] vl_q, sum_q;
            wire signed [MEM_W-1:0] v_s = clr1_q ? {MEM_W{1'b0}} : v_rd;
            wire                    fire = $signed(sum_c) >= $signed(th_c);

            sdp_ram #(.W(MEM_W), .DEPTH(DEPTH), .STYLE(RAM_STYLE)) u_mem (
                .clk(clk), .we(v3_q), .waddr(addr3_q), .wdata(fire ? {MEM_W{1'b0}} : sum_q),
                .re(1'b1), .raddr(in_addr), .rdata(v_rd));
            sign_extend #(.IN_W(CUR_W), .OUT_W(MEM_W)) u_cur (.din(cur2_q[gl * CUR_W +: CUR_W]), .dout(cur_x));
            sign_extend #(.IN_W(MEM_W), .OUT_W(CMP_W)) u_vc (.din(sum_q), .dout(sum_c));

            always @(posedge clk) begin
                vl_q  <= v_s - (v_s >>> K);
                sum_q <= vl_q + $signed(cur_x);
                spk4_q[gl] <= fire;
            end
        end
    endgenerate

    assign out_valid  = v4_q;
    assign out_spikes = spk4_q;
    assign out_tag    = tag4_q;
endmodule
`default_nettype wire
