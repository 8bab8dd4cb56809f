// SPDX-License-Identifier: Apache-2.0
// Hand-written, templated HLS library for the SASA block (docs/integer-semantics.md, golden/reference.py:sasa).
//
// Every size and width comes from a config struct C that hls/generate.py writes into sasa_config.h from
// golden/config.py (nothing here is a number of the model). C provides:
//   T, N, D, HEADS, HEAD_DIM, LANES, GROUPS, LANE_BITS, LEAK_SHIFT, WEIGHT_WORDS, WEIGHT_MAGIC,
//   WEIGHT_VERSION, CONFIG_HASH32, STATUS_* bits, and the types
//   spike_t  ap_uint<D>            one token's spikes, channel c at bit c
//   weight_t ap_int<w_bits>        bias_t ap_int<bias_bits>       theta_t ap_uint<theta_bits>
//   acc_t    ap_int<sasa_acc_bits> (Q/K currents)                  mem_t   ap_int<sasa_mem_bits>
//   out_t    ap_int<sasa_out_bits> (increments)                    count_t ap_uint<count_bits>
// Widths are the proven minimum ones, so nothing here can overflow for any in-range weights (the proof is in
// docs/integer-semantics.md; the register assignment would wrap exactly like the RTL if it could).
//
// Dataflow per image (t outer, n inner, as on the stream):
//   for t: for n: read spike word; Q, K currents = bias + sum of the weight rows of the active spikes
//          (spike-driven: no multiplications); LIF on both; keep Q[t, n]; a[c] += K[t, n, c]
//          A[c] = a[c] >= theta_a[head(c)]      (needs K of all N tokens of timestep t)
//          for n: Y = Q[t, n] & A; increment = bo + sum of the rows of Wo selected by Y; G beats of P lanes.
#ifndef SASA_H
#define SASA_H

#include "sasa_steps.h"
#include "sasa_types.h"

// Loops carry no C labels (g++ -Wall warns on a label nothing jumps to, and the issue allows no warning flag
// beyond -Wno-unknown-pragmas). Vitis HLS names an unlabelled loop itself (VITIS_LOOP_<line>_<n>, by source
// line); the comment on each loop gives its role. No directive or Tcl refers to a loop by name.

namespace sasa {

// ------------------------------------------------------------------------ priority encoder
// ceil(log2(n)), n >= 1 (a compile-time constant).
constexpr int clog2(int n) { return n <= 1 ? 0 : 1 + clog2((n + 1) / 2); }

// Index of the lowest set bit of m (m != 0): count trailing zeros as a fixed-depth binary search over
// clog2(W) levels on a copy padded to a power of two. At each level, if the low half of the window is all
// zero the index gains the half width and the window moves up by it. Fully unrolled: a small combinational
// priority encoder (clog2(W) zero-tests and muxes), no loop left after synthesis.
template <int W>
int lowest_set(ap_uint<W> m) {
#pragma HLS INLINE
    const int LEVELS = clog2(W);
    ap_uint<(1 << LEVELS)> x = m;
    int idx = 0;
    for (int l = LEVELS - 1; l >= 0; l--) {  // levels
#pragma HLS UNROLL
        const int half = 1 << l;
        if (x(half - 1, 0) == 0) {
            idx += half;
            x >>= half;
        }
    }
    return idx;
}

// ------------------------------------------------------------------------ spike-driven projection
// acc[c] = b[c] + sum over active j of W[j][c]. The loop visits only the active spikes: each iteration takes
// the lowest set bit j of the remaining mask (lowest_set), adds row j of W to all D outputs in parallel
// (W must be partitioned on its second dimension) and clears that bit (mask &= mask - 1). Trip count =
// popcount(s), 0..D: work falls with sparsity, an all-zero word costs no accumulate step. Partial sums stay
// inside the proven current range because every partial sum is itself a sum of a subset of rows plus the
// bias. KIND (sasa_steps.h) only tags the optional C-sim step counter.
template <int KIND, class C, class ACC_T>
void project(typename C::spike_t s, const typename C::weight_t W[C::D][C::D], const typename C::bias_t b[C::D],
             ACC_T acc[C::D]) {
#pragma HLS INLINE
    const int D = C::D;
    for (int c = 0; c < D; c++) {  // init
#pragma HLS UNROLL
        acc[c] = b[c];
    }
    typename C::spike_t mask = s;
    while (mask != 0) {  // one accumulate step per active spike
#pragma HLS LOOP_TRIPCOUNT min = 0 max = D
#pragma HLS PIPELINE II = 1
        const int j = lowest_set<C::D>(mask);
        mask &= mask - 1;  // clear the lowest set bit
        for (int c = 0; c < D; c++) {  // all D outputs
#pragma HLS UNROLL
            acc[c] += W[j][c];
        }
        SASA_STEPS_ADD(KIND);
    }
}

// ------------------------------------------------------------------------ LIF neuron
// v <- v - (v >>> k) + I; s = v >= theta; v <- s ? 0 : v. ap_int >> on a signed value is arithmetic (floor).
// A shift of MEM_BITS-1 already gives the sign fill (-1 or 0), same as any larger shift.
template <class C>
bool lif_step(typename C::mem_t &v, typename C::acc_t current, typename C::theta_t theta) {
#pragma HLS INLINE
    const int sh = C::LEAK_SHIFT < C::MEM_BITS ? C::LEAK_SHIFT : C::MEM_BITS - 1;
    typename C::mem_t nv = v - (v >> sh) + current;  // fits mem_t by the proof; the assignment would wrap
    ap_int<C::THETA_BITS + 1> th = theta;             // signed compare: a negative membrane never fires
    bool s = nv >= th;
    v = s ? typename C::mem_t(0) : nv;
    return s;
}

// ------------------------------------------------------------------------ run-time weight load
// Weight stream (golden/interface.py): magic, version, config hash32, payload count, then WEIGHT_WORDS
// sign-extended 32-bit words in WEIGHT_ORDER; TLAST on the last word. Returns 0 on a valid load, else
// STATUS_HEADER (magic/version/hash/count differ), STATUS_LENGTH (TLAST early or missing) and/or
// STATUS_VALUE (a payload word with bits set above its declared width: not sign-extended from W_BITS /
// BIAS_BITS, or a threshold above THETA_BITS / COUNT_BITS -- refused exactly like the RTL's sasa_wload);
// on any error the rest of the load is drained up to TLAST so the next load starts on a header.
template <class C>
struct word_reader {
    bool ended;  // TLAST seen
    bool early;  // TLAST before the final word
    bool bad;    // a payload word did not fit its declared width
    word_reader() : ended(false), early(false), bad(false) {}
    // a word read after TLAST is 0 and fits any width
    void check_signed(ap_int<32> w, int bits) {
#pragma HLS INLINE
        const ap_int<32> hi = w >> (bits - 1);  // arithmetic: 0 or -1 when w is sign-extended from `bits`
        if (hi != 0 && hi != -1) bad = true;
    }
    void check_unsigned(ap_int<32> w, int bits) {
#pragma HLS INLINE
        if ((ap_uint<32>(w) >> bits) != 0) bad = true;
    }
    ap_int<32> sgn(ap_int<32> w, int bits) {
#pragma HLS INLINE
        check_signed(w, bits);
        return w;
    }
    ap_int<32> uns(ap_int<32> w, int bits) {
#pragma HLS INLINE
        check_unsigned(w, bits);
        return w;
    }
    template <class W_AXIS>
    ap_int<32> next(hls::stream<W_AXIS> &s, bool final) {
#pragma HLS INLINE
        if (ended) {
            early = true;
            return 0;
        }
        W_AXIS x = s.read();
        ended = x.last == 1;
        if (ended && !final) early = true;
        return ap_int<32>(x.data);
    }
};

template <class C, class W_AXIS>
void drain(hls::stream<W_AXIS> &s) {
    for (;;) {  // drain
#pragma HLS PIPELINE II = 1
        W_AXIS x = s.read();
        if (x.last) break;
    }
}

template <class C, class W_AXIS>
ap_uint<32> load_weights(hls::stream<W_AXIS> &s, typename C::weight_t wq[C::D][C::D], typename C::bias_t bq[C::D],
                         typename C::theta_t &theta_q, typename C::weight_t wk[C::D][C::D],
                         typename C::bias_t bk[C::D], typename C::theta_t &theta_k,
                         typename C::count_t theta_a[C::HEADS], typename C::weight_t wo[C::D][C::D],
                         typename C::bias_t bo[C::D]) {
    word_reader<C> r;
    ap_uint<32> hdr[4];
    for (int i = 0; i < 4; i++) {  // header
#pragma HLS PIPELINE II = 1
        hdr[i] = ap_uint<32>(r.next(s, false));
    }
    if (r.ended) return C::STATUS_LENGTH;
    if (hdr[0] != C::WEIGHT_MAGIC || hdr[1] != C::WEIGHT_VERSION || hdr[2] != C::CONFIG_HASH32 ||
        hdr[3] != C::WEIGHT_WORDS) {
        drain<C>(s);
        return C::STATUS_HEADER;
    }
    const int DD = C::D * C::D;
    for (int i = 0; i < DD; i++) {  // load_wq
#pragma HLS PIPELINE II = 1
        wq[i / C::D][i % C::D] = r.sgn(r.next(s, false), C::W_BITS);
    }
    for (int c = 0; c < C::D; c++) {  // load_bq
#pragma HLS PIPELINE II = 1
        bq[c] = r.sgn(r.next(s, false), C::BIAS_BITS);
    }
    theta_q = r.uns(r.next(s, false), C::THETA_BITS);
    for (int i = 0; i < DD; i++) {  // load_wk
#pragma HLS PIPELINE II = 1
        wk[i / C::D][i % C::D] = r.sgn(r.next(s, false), C::W_BITS);
    }
    for (int c = 0; c < C::D; c++) {  // load_bk
#pragma HLS PIPELINE II = 1
        bk[c] = r.sgn(r.next(s, false), C::BIAS_BITS);
    }
    theta_k = r.uns(r.next(s, false), C::THETA_BITS);
    for (int h = 0; h < C::HEADS; h++) {  // load_theta_a
#pragma HLS PIPELINE II = 1
        theta_a[h] = r.uns(r.next(s, false), C::COUNT_BITS);
    }
    for (int i = 0; i < DD; i++) {  // load_wo
#pragma HLS PIPELINE II = 1
        wo[i / C::D][i % C::D] = r.sgn(r.next(s, false), C::W_BITS);
    }
    for (int c = 0; c < C::D; c++) {  // load_bo
#pragma HLS PIPELINE II = 1
        bo[c] = r.sgn(r.next(s, c == C::D - 1), C::BIAS_BITS);
    }
    const ap_uint<32> val = r.bad ? ap_uint<32>(C::STATUS_VALUE) : ap_uint<32>(0);
    if (r.early) return C::STATUS_LENGTH | val;
    if (!r.ended) {  // over-long: more words before TLAST
        drain<C>(s);
        return C::STATUS_LENGTH | val;
    }
    return val;
}

// ------------------------------------------------------------------------ one image
// Reads T*N spike words, writes T*N*GROUPS output beats. Returns STATUS_PROTOCOL if an input TLAST is
// misplaced (the image is still processed word for word: the count, not TLAST, delimits it).
template <class C, class IN_AXIS, class OUT_AXIS>
ap_uint<32> image(hls::stream<IN_AXIS> &s_axis, hls::stream<OUT_AXIS> &m_axis,
                  const typename C::weight_t wq[C::D][C::D], const typename C::bias_t bq[C::D],
                  typename C::theta_t theta_q, const typename C::weight_t wk[C::D][C::D],
                  const typename C::bias_t bk[C::D], typename C::theta_t theta_k,
                  const typename C::count_t theta_a[C::HEADS], const typename C::weight_t wo[C::D][C::D],
                  const typename C::bias_t bo[C::D]) {
    typename C::mem_t vq[C::N][C::D];  // membranes, carried across timesteps
    typename C::mem_t vk[C::N][C::D];
    typename C::spike_t qbuf[C::N];    // Q of the current timestep, waiting for A
#pragma HLS ARRAY_PARTITION variable = vq dim = 2 complete
#pragma HLS ARRAY_PARTITION variable = vk dim = 2 complete
    ap_uint<32> status = 0;
    SASA_STEPS_IMAGE();
    for (int n = 0; n < C::N; n++) {  // reset_n
        for (int c = 0; c < C::D; c++) {  // reset_c
#pragma HLS UNROLL
            vq[n][c] = 0;
            vk[n][c] = 0;
        }
    }
    for (int t = 0; t < C::T; t++) {  // timestep
        typename C::count_t a[C::D];
#pragma HLS ARRAY_PARTITION variable = a complete
        for (int c = 0; c < C::D; c++) {  // clear_a
#pragma HLS UNROLL
            a[c] = 0;
        }
        for (int n = 0; n < C::N; n++) {  // token_in
            IN_AXIS x = s_axis.read();
            bool want_last = (t == C::T - 1) && (n == C::N - 1);
            if ((x.last == 1) != want_last) status |= C::STATUS_PROTOCOL;
            typename C::spike_t s = x.data(C::D - 1, 0);
            typename C::acc_t iq[C::D], ik[C::D];
#pragma HLS ARRAY_PARTITION variable = iq complete
#pragma HLS ARRAY_PARTITION variable = ik complete
            project<STEP_Q, C>(s, wq, bq, iq);
            project<STEP_K, C>(s, wk, bk, ik);
            typename C::spike_t q = 0;
            for (int c = 0; c < C::D; c++) {  // neuron
#pragma HLS UNROLL
                q[c] = lif_step<C>(vq[n][c], iq[c], theta_q);
                if (lif_step<C>(vk[n][c], ik[c], theta_k)) a[c] += 1;  // a <= N fits count_t
            }
            qbuf[n] = q;
        }
        typename C::spike_t A = 0;
        for (int c = 0; c < C::D; c++) {  // attend
#pragma HLS UNROLL
            A[c] = a[c] >= theta_a[c / C::HEAD_DIM];
        }
        for (int n = 0; n < C::N; n++) {  // token_out
            typename C::spike_t y = qbuf[n] & A;
            typename C::out_t inc[C::D];
#pragma HLS ARRAY_PARTITION variable = inc complete
            project<STEP_O, C>(y, wo, bo, inc);
            for (int g = 0; g < C::GROUPS; g++) {  // group
#pragma HLS PIPELINE II = 1
                OUT_AXIS o;
                o.data = 0;
                for (int i = 0; i < C::LANES; i++) {  // lane
#pragma HLS UNROLL
                    const int ch = g * C::LANES + i;
                    ap_int<C::LANE_BITS> v = 0;
                    if (ch < C::D) v = inc[ch];  // sign-extended to the 16-bit lane
                    o.data(C::LANE_BITS * i + C::LANE_BITS - 1, C::LANE_BITS * i) = v;
                }
                o.keep = -1;
                o.strb = -1;
                o.last = (t == C::T - 1) && (n == C::N - 1) && (g == C::GROUPS - 1);
                m_axis.write(o);
            }
        }
    }
    return status;
}

}  // namespace sasa

#endif
