// SPDX-License-Identifier: Apache-2.0
// C-simulation trace of the network kernel's inner streams (hand-written; hls4ml's `save_layer_output` idea).
//
// The generated dataflow function (net_top.cpp) calls NET_TRACE_STREAM(id, stream) after the process that
// fills `stream`. In C-simulation the processes of a dataflow region run one after another, so at that point
// the stream holds every token of every image of the call: the hook reads them all, appends each element's
// lanes (a spike word: one lane per bit; a net::array: one lane per value) to trace `id`, and writes them back
// in order. Only when compiled with -DNET_TRACE and not under __SYNTHESIS__; otherwise the macro is empty and
// the source Vitis synthesises is unchanged. The ctypes library (net_capi.h) turns it on per call and hands
// the values to Python, which compares every module boundary with golden.reference (hls/net_csim.py).
#ifndef NET_TRACE_H
#define NET_TRACE_H

#if defined(NET_TRACE) && !defined(__SYNTHESIS__)
#include <vector>

#include "net.h"

namespace net_trace {

const int MAX_TRACES = 64;

struct traces {
    bool on;
    std::vector<long long> values[MAX_TRACES];
    traces() : on(false) {}
};

// One instance shared by every translation unit of the library (inline function, static local).
inline traces &all() {
    static traces t;
    return t;
}

template <int W>
void lanes(const ap_uint<W> &x, std::vector<long long> &out) {
    for (int i = 0; i < W; i++) out.push_back((long long)(x[i] ? 1 : 0));
}

template <class T, int N>
void lanes(const net::array<T, N> &x, std::vector<long long> &out) {
    for (int i = 0; i < N; i++) out.push_back((long long)x.data[i].to_int64());
}

template <class E>
void record(int id, hls::stream<E> &s) {
    if (!all().on || id < 0 || id >= MAX_TRACES) return;
    std::vector<E> tmp;
    while (!s.empty()) tmp.push_back(s.read());
    for (size_t i = 0; i < tmp.size(); i++) {
        lanes(tmp[i], all().values[id]);
        s.write(tmp[i]);
    }
}

}  // namespace net_trace

#define NET_TRACE_STREAM(id, s) ::net_trace::record((id), (s))
#else
#define NET_TRACE_STREAM(id, s) ((void)0)
#endif

#endif
