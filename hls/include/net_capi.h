// SPDX-License-Identifier: Apache-2.0
// C interface of the network kernel's C-simulation, for Python's ctypes (hand-written; the generated
// net_capi.cpp instantiates it for one configuration). hls4ml's `compile()` / `predict()` idea: the same
// kernel source that Vitis synthesises, built by g++ as a shared library and called in-process.
//
// net_capi::call pushes the network weight stream (if any words are given, TLAST on the last) and the pixel
// beats of `n_img` images (pixels uint8 (n_img, in_ch, img, img), packed as the AXI stream carries them: one
// beat per (c, y), pixel x in byte x, TLAST on each image's last beat), calls the top once with IMAGES =
// `images_reg`, and pops every result beat. The kernel keeps its weights between calls (static arrays, as on
// the board), so a caller loads once and then classifies batch after batch.
#ifndef NET_CAPI_H
#define NET_CAPI_H

#include <stdint.h>

#include "net_trace.h"

namespace net_capi {

template <class C, class PX_AXIS, class OUT_AXIS, class W_AXIS, class TOP>
long call(TOP top, const uint32_t *w, long nw, const uint8_t *px, long n_img, uint32_t images_reg, uint32_t *out,
          uint8_t *out_last, long out_cap, uint32_t *status, long *left) {
    hls::stream<PX_AXIS> s_axis("s_axis");
    hls::stream<OUT_AXIS> m_axis("m_axis");
    hls::stream<W_AXIS> s_axis_w("s_axis_w");
    for (long i = 0; i < nw; i++) {
        W_AXIS x;
        x.data = w[i];
        x.keep = -1;
        x.strb = -1;
        x.last = i == nw - 1;
        s_axis_w.write(x);
    }
    const long rows = (long)C::IN_CH * C::IMG;
    for (long im = 0; im < n_img; im++) {
        for (long r = 0; r < rows; r++) {
            PX_AXIS x;
            x.data = 0;
            const uint8_t *row = px + (im * rows + r) * C::IMG;
            for (int c = 0; c < C::IMG; c++) x.data(8 * c + 7, 8 * c) = row[c];
            x.keep = -1;
            x.strb = -1;
            x.last = r == rows - 1;
            s_axis.write(x);
        }
    }
    ap_uint<32> st = 0;
    top(s_axis, m_axis, s_axis_w, ap_uint<32>(images_reg), st);
    long n = 0;
    while (!m_axis.empty()) {
        OUT_AXIS o = m_axis.read();
        if (n < out_cap) {
            out[n] = (uint32_t)o.data;
            out_last[n] = (uint8_t)o.last;
        }
        n++;
    }
    long lp = 0, lw = 0;
    while (!s_axis.empty()) { s_axis.read(); lp++; }
    while (!s_axis_w.empty()) { s_axis_w.read(); lw++; }
    *status = (uint32_t)st;
    left[0] = lp;
    left[1] = lw;
    return n;
}

}  // namespace net_capi

#endif
