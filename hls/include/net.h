// SPDX-License-Identifier: Apache-2.0
// Hand-written, templated HLS library for the whole SAFormer network (docs/integer-semantics.md "The network",
// golden/reference.py:forward): one function template per module kind, each sized and typed by its own
// config struct (hls4ml style: `struct b0_mlp_fc1_config : net::spike_linear_config { static const unsigned
// n_in = ...; typedef ap_int<..> accum_t; }`), written by hls/net_generate.py into net_config.h from
// saformer.contract.config.derive(cfg) -- the proven widths, nothing typed here.
//
// Every module is a dataflow process: it loops over `count` images itself, so under `#pragma HLS DATAFLOW`
// (the generated net_top.cpp) the modules work on different tokens, timesteps and images at the same time,
// joined by hls::stream FIFOs. Token streams run t outer, n inner (n = row * grid + col), like the RTL.
//   spikes     ap_uint<n>                one token's spikes, channel c at bit c
//   values     net::array<T, n>          one token's currents / increments / U (hls4ml nnet::array)
// Projections of spikes are spike-driven: the accumulate loop visits the active input bits only (lowest set
// bit, clear it), so its trip count is popcount(word), 0..n_in (LOOP_TRIPCOUNT says so); no multiplication
// involves a spike. Every partial sum is the bias plus a subset of weight rows, so it stays inside the proven
// current range that sized accum_t (docs/integer-semantics.md "Bounds").
//
// Loop labels: every loop carries one, NET_LOOP(NAME), so Vitis reports and directives keep stable names
// across edits (hls4ml labels its loops too); tests/test_hls_net.py checks that every loop here has one.
// Under Vitis synthesis (__SYNTHESIS__) NET_LOOP(NAME) is the C label `NAME:`; in g++ C-simulation it is
// empty, because a label nothing jumps to is a -Wunused-label error under -Wall -Werror and the house
// suppresses no warning (tests/test_hls_csim.py). Labels carry no semantics, so C-sim and synthesis agree;
// -DNET_LOOP_LABELS turns them on for g++ too (tests/test_hls_net.py compiles that, -Wno-unused-label).
#ifndef NET_H
#define NET_H

#include "sasa.h"  // sasa::lowest_set: the priority encoder of the spike-driven loops
#include "sasa_types.h"

#if defined(__SYNTHESIS__) || defined(NET_LOOP_LABELS)
#define NET_LOOP(name) name:
#else
#define NET_LOOP(name)
#endif

namespace net {

// ------------------------------------------------------------------------ stream element of values
template <class T, int N>
struct array {
    typedef T value_type;
    static const int size = N;
    T data[N];
};

// ------------------------------------------------------------------------ base configs (documentation)
// The generated structs derive from these and override every member; the defaults are placeholders only.
struct tokenizer_config {
    static const int in_ch = 1, img = 8, stem = 16, T = 4, patch = 2, grid = 4, N = 16;
    static const int pixel_bits = 5, leak_shift = 1, mem_bits = 16, theta_bits = 12;
    // typedef pixel_t, weight_t, bias_t, accum_t (conv1 current), mem_t (conv1 membrane), theta_t, win_t
};
struct spike_linear_config {
    static const int n_in = 1, n_out = 1, n_tokens = 1;  // n_tokens: tokens per image (T*N)
    // typedef weight_t, bias_t, accum_t (the proven current range), out_t (the output stream's lane type)
};
struct lif_config {
    static const int n = 1, T = 1, N = 1, leak_shift = 1, mem_bits = 2, theta_bits = 1;
    // typedef in_t (current), mem_t (membrane), theta_t
};
struct sasa_config {
    static const int D = 1, T = 1, N = 1, heads = 1, head_dim = 1, leak_shift = 1, mem_bits = 2, theta_bits = 1;
    // typedef weight_t, bias_t, theta_t, accum_t (Q/K current), mem_t, out_t (increment), count_t (a, theta_a)
};
struct dwc_config {
    static const int D = 1, T = 1, grid = 1, N = 1;
    // typedef weight_t, bias_t, accum_t == out_t (the increment)
};
struct add_config {
    static const int D = 1, n_tokens = 1;
    // typedef u_t (U), inc_t (the increment)
};
struct head_config {
    static const int D = 1, n_classes = 1, n_tokens = 1;
    // typedef weight_t, bias_t, accum_t (logits)
};

// ------------------------------------------------------------------------ the neuron
// v <- v - (v >>> k) + I; s = v >= theta; v <- s ? 0 : v  (ap_int >> on a signed value is arithmetic).
// A shift of mem_bits-1 already gives the sign fill, the same as any larger shift.
template <class MEM_T, class IN_T, class THETA_T, int K, int MEM_BITS, int THETA_BITS>
bool lif_update(MEM_T &v, IN_T current, THETA_T theta) {
#pragma HLS INLINE
    const int sh = K < MEM_BITS ? K : MEM_BITS - 1;
    MEM_T nv = v - (v >> sh) + current;  // fits MEM_T by the proof (the assignment would wrap like the RTL)
    ap_int<THETA_BITS + 1> th = theta;   // signed compare: a negative membrane never fires
    bool s = nv >= th;
    v = s ? MEM_T(0) : nv;
    return s;
}

// ------------------------------------------------------------------------ spike-driven accumulation
// acc[o] = b[o] + sum over the active bits j of `word` of W[j][o]; one iteration per active bit.
template <int N_IN, int N_OUT, class W_T, class B_T, class ACC_T>
void accumulate_rows(ap_uint<N_IN> word, const W_T W[N_IN][N_OUT], const B_T b[N_OUT], ACC_T acc[N_OUT]) {
#pragma HLS INLINE
NET_LOOP(ACC_INIT)
    for (int o = 0; o < N_OUT; o++) {
#pragma HLS UNROLL
        acc[o] = b[o];
    }
    ap_uint<N_IN> mask = word;
NET_LOOP(ACTIVE_SPIKES)
    while (mask != 0) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = N_IN
#pragma HLS PIPELINE II = 1
        const int j = sasa::lowest_set<N_IN>(mask);
        mask &= ap_uint<N_IN>(mask - 1);  // clear the lowest set bit
    NET_LOOP(ROW_ADD)
        for (int o = 0; o < N_OUT; o++) {
#pragma HLS UNROLL
            acc[o] += W[j][o];
        }
    }
}

// ------------------------------------------------------------------------ tokenizer: conv1 + LIF + windows
// Reads in_ch*img pixel beats per image (pixel x in byte x, TLAST on the last beat; a misplaced TLAST sets
// `err`), computes conv1 (stride 1, zero padding 1, cross-correlation) once -- the static image gives the same
// current at every timestep -- runs its LIF over T, and writes per (t, n) the conv2 input window of token n:
// bit i*9 + dy*3 + dx = s1[t, i, patch*y + dy - 1, patch*x + dx - 1] (0 outside the image).
// conv1 multiplies pixels by weights (the only multiplications of the network: its input is not spikes).
template <class C, class PX_AXIS>
void tokenizer(hls::stream<PX_AXIS> &s_axis, hls::stream<typename C::win_t> &win, ap_uint<32> count,
               const typename C::weight_t w1[C::stem][C::in_ch * 9], const typename C::bias_t b1[C::stem],
               typename C::theta_t theta, ap_uint<32> &err) {
    typename C::pixel_t px[C::in_ch][C::img][C::img];
    typename C::accum_t cur[C::stem][C::img][C::img];
    typename C::mem_t v[C::stem][C::img][C::img];
    ap_uint<C::stem> s1[C::img][C::img];
    ap_uint<32> e = 0;
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(PIXEL_ROWS)
        for (int r = 0; r < C::in_ch * C::img; r++) {
#pragma HLS PIPELINE II = 1
            PX_AXIS x = s_axis.read();
            if ((x.last == 1) != (r == C::in_ch * C::img - 1)) e |= 1;
        NET_LOOP(PIXEL_COLS)
            for (int c = 0; c < C::img; c++) {
#pragma HLS UNROLL
                px[r / C::img][r % C::img][c] = x.data(8 * c + C::pixel_bits - 1, 8 * c);
            }
        }
    NET_LOOP(CONV1_OUT)
        for (int o = 0; o < C::stem; o++) {
        NET_LOOP(CONV1_Y)
            for (int y = 0; y < C::img; y++) {
            NET_LOOP(CONV1_X)
                for (int xx = 0; xx < C::img; xx++) {
#pragma HLS PIPELINE II = 1
                    typename C::accum_t acc = b1[o];
                NET_LOOP(CONV1_TAPS)
                    for (int k = 0; k < C::in_ch * 9; k++) {
#pragma HLS UNROLL
                        const int i = k / 9, yy = y + (k % 9) / 3 - 1, xs = xx + k % 3 - 1;
                        if (yy >= 0 && yy < C::img && xs >= 0 && xs < C::img) acc += w1[o][k] * px[i][yy][xs];
                    }
                    cur[o][y][xx] = acc;
                    v[o][y][xx] = 0;
                }
            }
        }
    NET_LOOP(TIMESTEP)
        for (int t = 0; t < C::T; t++) {
        NET_LOOP(LIF_Y)
            for (int y = 0; y < C::img; y++) {
            NET_LOOP(LIF_X)
                for (int xx = 0; xx < C::img; xx++) {
#pragma HLS PIPELINE II = 1
                NET_LOOP(LIF_CH)
                    for (int o = 0; o < C::stem; o++) {
#pragma HLS UNROLL
                        s1[y][xx][o] = lif_update<typename C::mem_t, typename C::accum_t, typename C::theta_t,
                                                  C::leak_shift, C::mem_bits, C::theta_bits>(v[o][y][xx],
                                                                                             cur[o][y][xx], theta);
                    }
                }
            }
        NET_LOOP(WINDOW_TOKEN)
            for (int n = 0; n < C::N; n++) {
#pragma HLS PIPELINE II = 1
                const int gy = n / C::grid, gx = n % C::grid;
                typename C::win_t w = 0;
            NET_LOOP(WINDOW_TAP)
                for (int k = 0; k < 9; k++) {
#pragma HLS UNROLL
                    const int yy = C::patch * gy + k / 3 - 1, xs = C::patch * gx + k % 3 - 1;
                    if (yy >= 0 && yy < C::img && xs >= 0 && xs < C::img) {
                    NET_LOOP(WINDOW_CH)
                        for (int i = 0; i < C::stem; i++) {
#pragma HLS UNROLL
                            w[i * 9 + k] = s1[yy][xs][i];
                        }
                    }
                }
                win.write(w);
            }
        }
    }
    err = e;
}

// ------------------------------------------------------------------------ spike_linear (conv2, fc1, fc2)
// One output token per input token: out = b + sum of the weight rows of the active input bits.
template <class C>
void spike_linear(hls::stream<ap_uint<C::n_in> > &in, hls::stream<array<typename C::out_t, C::n_out> > &out,
                  ap_uint<32> count, const typename C::weight_t W[C::n_in][C::n_out],
                  const typename C::bias_t b[C::n_out]) {
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(TOKEN)
        for (int k = 0; k < C::n_tokens; k++) {
            typename C::accum_t acc[C::n_out];
#pragma HLS ARRAY_PARTITION variable = acc complete
            accumulate_rows<C::n_in, C::n_out>(in.read(), W, b, acc);
            array<typename C::out_t, C::n_out> o;
        NET_LOOP(PACK)
            for (int c = 0; c < C::n_out; c++) {
#pragma HLS UNROLL
                o.data[c] = acc[c];
            }
            out.write(o);
        }
    }
}

// ------------------------------------------------------------------------ LIF layer (MLP hidden, head)
// Membranes of every (n, channel), state across the T timesteps of an image, reset per image.
template <class C>
void lif_layer(hls::stream<array<typename C::in_t, C::n> > &in, hls::stream<ap_uint<C::n> > &out,
               ap_uint<32> count, typename C::theta_t theta) {
    typename C::mem_t v[C::N][C::n];
#pragma HLS ARRAY_PARTITION variable = v dim = 2 complete
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(TIMESTEP)
        for (int t = 0; t < C::T; t++) {
        NET_LOOP(TOKEN)
            for (int n = 0; n < C::N; n++) {
#pragma HLS PIPELINE II = 1
                array<typename C::in_t, C::n> x = in.read();
                ap_uint<C::n> s = 0;
            NET_LOOP(NEURON)
                for (int c = 0; c < C::n; c++) {
#pragma HLS UNROLL
                    if (t == 0) v[n][c] = 0;
                    s[c] = lif_update<typename C::mem_t, typename C::in_t, typename C::theta_t, C::leak_shift,
                                      C::mem_bits, C::theta_bits>(v[n][c], x.data[c], theta);
                }
                out.write(s);
            }
        }
    }
}

// ------------------------------------------------------------------------ shortcut: S = LIF(U), U forwarded
// The module's own shortcut neuron (threshold u.theta) on U; U itself goes on to the residual adder through
// `u_fwd`, a FIFO deep enough for the module's latency (net_top.cpp: STREAM depth).
template <class C>
void shortcut(hls::stream<array<typename C::in_t, C::n> > &u_in, hls::stream<ap_uint<C::n> > &s_out,
              hls::stream<array<typename C::in_t, C::n> > &u_fwd, ap_uint<32> count, typename C::theta_t theta) {
    typename C::mem_t v[C::N][C::n];
#pragma HLS ARRAY_PARTITION variable = v dim = 2 complete
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(TIMESTEP)
        for (int t = 0; t < C::T; t++) {
        NET_LOOP(TOKEN)
            for (int n = 0; n < C::N; n++) {
#pragma HLS PIPELINE II = 1
                array<typename C::in_t, C::n> u = u_in.read();
                ap_uint<C::n> s = 0;
            NET_LOOP(NEURON)
                for (int c = 0; c < C::n; c++) {
#pragma HLS UNROLL
                    if (t == 0) v[n][c] = 0;
                    s[c] = lif_update<typename C::mem_t, typename C::in_t, typename C::theta_t, C::leak_shift,
                                      C::mem_bits, C::theta_bits>(v[n][c], u.data[c], theta);
                }
                s_out.write(s);
                u_fwd.write(u);
            }
        }
    }
}

// ------------------------------------------------------------------------ residual adder: U' = U + inc
template <class C>
void residual_add(hls::stream<array<typename C::u_t, C::D> > &u_fwd,
                  hls::stream<array<typename C::inc_t, C::D> > &inc, hls::stream<array<typename C::u_t, C::D> > &u_out,
                  ap_uint<32> count) {
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(TOKEN)
        for (int k = 0; k < C::n_tokens; k++) {
#pragma HLS PIPELINE II = 1
            array<typename C::u_t, C::D> u = u_fwd.read();
            array<typename C::inc_t, C::D> d = inc.read();
        NET_LOOP(CHANNEL)
            for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                u.data[c] += d.data[c];  // within the proven range of U
            }
            u_out.write(u);
        }
    }
}

// ------------------------------------------------------------------------ SASA
// Per timestep: Q, K currents spike-driven from S[t, n], LIF (membranes across t), a[c] = sum_n K; after all N
// tokens A = a >= theta_a[head(c)]; then per token Y = Q & A, increment = bo + rows of Wo selected by Y.
template <class C>
void sasa_attn(hls::stream<ap_uint<C::D> > &s_in, hls::stream<array<typename C::out_t, C::D> > &inc_out,
               ap_uint<32> count, const typename C::weight_t wq[C::D][C::D], const typename C::bias_t bq[C::D],
               typename C::theta_t theta_q, const typename C::weight_t wk[C::D][C::D],
               const typename C::bias_t bk[C::D], typename C::theta_t theta_k,
               const typename C::count_t theta_a[C::heads], const typename C::weight_t wo[C::D][C::D],
               const typename C::bias_t bo[C::D]) {
    typename C::mem_t vq[C::N][C::D];
    typename C::mem_t vk[C::N][C::D];
    ap_uint<C::D> qbuf[C::N];  // Q of the current timestep, waiting for A
#pragma HLS ARRAY_PARTITION variable = vq dim = 2 complete
#pragma HLS ARRAY_PARTITION variable = vk dim = 2 complete
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(TIMESTEP)
        for (int t = 0; t < C::T; t++) {
            typename C::count_t a[C::D];
#pragma HLS ARRAY_PARTITION variable = a complete
        NET_LOOP(CLEAR_A)
            for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                a[c] = 0;
            }
        NET_LOOP(TOKEN_IN)
            for (int n = 0; n < C::N; n++) {
                const ap_uint<C::D> s = s_in.read();
                typename C::accum_t iq[C::D], ik[C::D];
#pragma HLS ARRAY_PARTITION variable = iq complete
#pragma HLS ARRAY_PARTITION variable = ik complete
                accumulate_rows<C::D, C::D>(s, wq, bq, iq);
                accumulate_rows<C::D, C::D>(s, wk, bk, ik);
                ap_uint<C::D> q = 0;
            NET_LOOP(NEURON)
                for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                    if (t == 0) {
                        vq[n][c] = 0;
                        vk[n][c] = 0;
                    }
                    q[c] = lif_update<typename C::mem_t, typename C::accum_t, typename C::theta_t, C::leak_shift,
                                      C::mem_bits, C::theta_bits>(vq[n][c], iq[c], theta_q);
                    if (lif_update<typename C::mem_t, typename C::accum_t, typename C::theta_t, C::leak_shift,
                                   C::mem_bits, C::theta_bits>(vk[n][c], ik[c], theta_k))
                        a[c] += 1;  // a <= N fits count_t
                }
                qbuf[n] = q;
            }
            ap_uint<C::D> A = 0;
        NET_LOOP(ATTEND)
            for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                A[c] = a[c] >= theta_a[c / C::head_dim];
            }
        NET_LOOP(TOKEN_OUT)
            for (int n = 0; n < C::N; n++) {
                typename C::out_t inc[C::D];
#pragma HLS ARRAY_PARTITION variable = inc complete
                accumulate_rows<C::D, C::D>(qbuf[n] & A, wo, bo, inc);
                array<typename C::out_t, C::D> o;
            NET_LOOP(PACK)
                for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                    o.data[c] = inc[c];
                }
                inc_out.write(o);
            }
        }
    }
}

// ------------------------------------------------------------------------ DWC: depthwise 3x3 over the grid
// Line buffer: token n_out is emitted as soon as its last neighbour (n_out + grid + 1) has arrived. Per
// output token the loop visits only the taps whose neighbour is inside the grid and has a spike; each such
// tap adds w[tap][c] to every channel c that spiked there (channels in parallel).
template <class C>
void dwc(hls::stream<ap_uint<C::D> > &s_in, hls::stream<array<typename C::accum_t, C::D> > &inc_out,
         ap_uint<32> count, const typename C::weight_t w[9][C::D], const typename C::bias_t b[C::D]) {
    ap_uint<C::D> buf[C::N];
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
    NET_LOOP(TIMESTEP)
        for (int t = 0; t < C::T; t++) {
        NET_LOOP(SLIDE)
            for (int i = 0; i < C::N + C::grid + 1; i++) {
                if (i < C::N) buf[i] = s_in.read();
                const int o = i - C::grid - 1;
                if (o < 0) continue;
                const int y = o / C::grid, x = o % C::grid;
                ap_uint<9> taps = 0;
            NET_LOOP(TAP_MASK)
                for (int k = 0; k < 9; k++) {
#pragma HLS UNROLL
                    const int yy = y + k / 3 - 1, xx = x + k % 3 - 1;
                    if (yy >= 0 && yy < C::grid && xx >= 0 && xx < C::grid) taps[k] = buf[yy * C::grid + xx] != 0;
                }
                typename C::accum_t acc[C::D];
#pragma HLS ARRAY_PARTITION variable = acc complete
            NET_LOOP(ACC_INIT)
                for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                    acc[c] = b[c];
                }
            NET_LOOP(ACTIVE_TAPS)
                while (taps != 0) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = 9
#pragma HLS PIPELINE II = 1
                    const int k = sasa::lowest_set<9>(taps);
                    taps &= ap_uint<9>(taps - 1);
                    const ap_uint<C::D> word = buf[(y + k / 3 - 1) * C::grid + (x + k % 3 - 1)];
                NET_LOOP(TAP_CH)
                    for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                        if (word[c]) acc[c] += w[k][c];
                    }
                }
                array<typename C::accum_t, C::D> out;
            NET_LOOP(PACK)
                for (int c = 0; c < C::D; c++) {
#pragma HLS UNROLL
                    out.data[c] = acc[c];
                }
                inc_out.write(out);
            }
        }
    }
}

// ------------------------------------------------------------------------ head: counts x Whead, as they arrive
// logits = bhead + sum over every spike (t, n, c) of row c of Whead == counts @ Whead + bhead.
template <class C>
void head(hls::stream<ap_uint<C::D> > &s_in, hls::stream<array<typename C::accum_t, C::n_classes> > &out,
          ap_uint<32> count, const typename C::weight_t w[C::D][C::n_classes],
          const typename C::bias_t b[C::n_classes]) {
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
        typename C::accum_t acc[C::n_classes];
#pragma HLS ARRAY_PARTITION variable = acc complete
    NET_LOOP(INIT)
        for (int k = 0; k < C::n_classes; k++) {
#pragma HLS UNROLL
            acc[k] = b[k];
        }
    NET_LOOP(TOKEN)
        for (int tn = 0; tn < C::n_tokens; tn++) {
            ap_uint<C::D> mask = s_in.read();
        NET_LOOP(ACTIVE_SPIKES)
            while (mask != 0) {
#pragma HLS LOOP_TRIPCOUNT min = 0 max = C::D
#pragma HLS PIPELINE II = 1
                const int j = sasa::lowest_set<C::D>(mask);
                mask &= ap_uint<C::D>(mask - 1);
            NET_LOOP(ROW_ADD)
                for (int k = 0; k < C::n_classes; k++) {
#pragma HLS UNROLL
                    acc[k] += w[j][k];
                }
            }
        }
        array<typename C::accum_t, C::n_classes> o;
    NET_LOOP(PACK)
        for (int k = 0; k < C::n_classes; k++) {
#pragma HLS UNROLL
            o.data[k] = acc[k];
        }
        out.write(o);
    }
}

// ------------------------------------------------------------------------ result stream: logits, class
// n_classes beats of sign-extended logits, then the class (argmax, ties to the lowest index) with TLAST.
template <class C, class OUT_AXIS>
void result_out(hls::stream<array<typename C::accum_t, C::n_classes> > &in, hls::stream<OUT_AXIS> &m_axis,
                ap_uint<32> count) {
NET_LOOP(IMAGE)
    for (ap_uint<32> im = 0; im < count; im++) {
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 1
        array<typename C::accum_t, C::n_classes> lg = in.read();
        typename C::accum_t best = lg.data[0];
        ap_uint<32> cls = 0;
    NET_LOOP(BEAT)
        for (int k = 0; k <= C::n_classes; k++) {
#pragma HLS PIPELINE II = 1
            OUT_AXIS o;
            if (k < C::n_classes) {
                o.data = ap_int<32>(lg.data[k]);  // sign-extended
                if (lg.data[k] > best) {  // strictly greater: ties keep the lowest index
                    best = lg.data[k];
                    cls = k;
                }
            } else {
                o.data = cls;
            }
            o.keep = -1;
            o.strb = -1;
            o.last = k == C::n_classes;
            m_axis.write(o);
        }
    }
}

// ------------------------------------------------------------------------ the network weight stream
// Header (magic, version, config hash32, payload count), then every segment of
// saformer.contract.layout.network_segments, one sign-extended 32-bit word per element, row-major, TLAST on the
// last word. The generated loader (net_top.cpp) calls one load_* per segment in the table's order.
template <class W_AXIS>
struct wreader {
    hls::stream<W_AXIS> &s;
    long left;   // payload words still announced
    bool ended;  // TLAST seen
    bool early;  // TLAST before the final payload word
    wreader(hls::stream<W_AXIS> &s_, long n) : s(s_), left(n), ended(false), early(false) {}
    ap_int<32> next() {
#pragma HLS INLINE
        if (ended) {
            early = true;
            return 0;
        }
        W_AXIS x = s.read();
        left--;
        ended = x.last == 1;
        if (ended && left != 0) early = true;
        return ap_int<32>(x.data);
    }
};

template <int N, class RD>
void read_header(RD &r, ap_uint<32> hdr[N]) {
NET_LOOP(HEADER)
    for (int i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
        hdr[i] = ap_uint<32>(r.next());
    }
}

template <class W_AXIS>
void drain(hls::stream<W_AXIS> &s) {
NET_LOOP(DRAIN)
    for (;;) {
#pragma HLS PIPELINE II = 1
        W_AXIS x = s.read();
        if (x.last) break;
    }
}

// stream order (R, C) row-major into dst[R][C]
template <int R, int CC, class T, class RD>
void load_2d(RD &r, T dst[R][CC]) {
NET_LOOP(LOAD_2D)
    for (int i = 0; i < R * CC; i++) {
#pragma HLS PIPELINE II = 1
        dst[i / CC][i % CC] = r.next();
    }
}

// stream order (R, C) row-major into dst[C][R] (a conv weight (out, in*9) stored as rows of the active input)
template <int R, int CC, class T, class RD>
void load_2d_t(RD &r, T dst[CC][R]) {
NET_LOOP(LOAD_2D_T)
    for (int i = 0; i < R * CC; i++) {
#pragma HLS PIPELINE II = 1
        dst[i % CC][i / CC] = r.next();
    }
}

template <int N, class T, class RD>
void load_1d(RD &r, T dst[N]) {
NET_LOOP(LOAD_1D)
    for (int i = 0; i < N; i++) {
#pragma HLS PIPELINE II = 1
        dst[i] = r.next();
    }
}

template <class T, class RD>
void load_scalar(RD &r, T &dst) {
    dst = r.next();
}

}  // namespace net


#endif
