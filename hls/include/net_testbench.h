// SPDX-License-Identifier: Apache-2.0
// Hand-written C-simulation testbench of the network kernel (used by the generated net_tb.cpp; the main of
// Vitis csim_design and cosim_design).
//
// Usage: net_csim <vector-dir> [<actual-output-file>]. The folder (hls/net_generate.py: export_net_vectors):
//   meta.txt      "images <B>" and "expect_status <hex>"
//   weights.txt   one network weight-stream word per line: "<hex32> <tlast>"
//   pixels.txt    one pixel beat per line: "<hex> <tlast>" (B images, in_ch*img beats each, order (c, y))
//   expected.txt  "beats <n>" then one result beat per line: "<hex32> <tlast>" (golden.reference: n_classes
//                 logits then the class, per image)
// The testbench pushes both input streams, calls the kernel once with IMAGES = B and compares every result
// beat, STATUS and the words left unread. It prints one RESULT line and, on the first mismatch, its
// coordinates (image, beat: logit k or the class). A missing, empty or short expected file or a non-hex word
// is an error naming the file (sasa_testbench.h's readers), never a pass. Exit: 0 pass, 1 mismatch, 2 bad files.
#ifndef NET_TESTBENCH_H
#define NET_TESTBENCH_H

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "sasa_testbench.h"

namespace net_tb {

template <class C, class PX_AXIS, class OUT_AXIS, class W_AXIS, class TOP>
int run_one(const std::string &dir, const std::string &actual, TOP top) {
    using sasa_tb::line_word;
    long images = 0;
    unsigned long expect_status = 0;
    std::vector<line_word> wwords, pwords, ewords;
    if (!sasa_tb::read_meta(dir + "/meta.txt", images, expect_status)) return 2;
    if (!sasa_tb::read_words(dir + "/weights.txt", wwords, -1, 8)) return 2;
    if (!sasa_tb::read_words(dir + "/pixels.txt", pwords, -1, (C::PIXEL_BEAT_BITS + 3) / 4)) return 2;
    if (!sasa_tb::read_words(dir + "/expected.txt", ewords, 0, 8)) return 2;

    hls::stream<PX_AXIS> s_axis("s_axis");
    hls::stream<OUT_AXIS> m_axis("m_axis");
    hls::stream<W_AXIS> s_axis_w("s_axis_w");
    for (size_t i = 0; i < wwords.size(); i++) {
        W_AXIS w;
        w.data = sasa_tb::from_hex<32>(wwords[i].hex);
        w.keep = -1;
        w.strb = -1;
        w.last = wwords[i].last;
        s_axis_w.write(w);
    }
    for (size_t i = 0; i < pwords.size(); i++) {
        PX_AXIS p;
        p.data = sasa_tb::from_hex<C::PIXEL_BEAT_BITS>(pwords[i].hex);
        p.keep = -1;
        p.strb = -1;
        p.last = pwords[i].last;
        s_axis.write(p);
    }
    ap_uint<32> status = 0;
    top(s_axis, m_axis, s_axis_w, ap_uint<32>(images), status);

    std::vector<OUT_AXIS> got;
    while (!m_axis.empty()) got.push_back(m_axis.read());
    long left_px = 0, left_w = 0;
    while (!s_axis.empty()) { s_axis.read(); left_px++; }
    while (!s_axis_w.empty()) { s_axis_w.read(); left_w++; }

    const long per = (long)C::N_CLASSES + 1;
    long mismatches = 0;
    bool first = true;
    std::ofstream act;
    if (!actual.empty()) {
        act.open(actual.c_str());
        act << "beats " << got.size() << "\n";
    }
    const size_t nb = got.size() > ewords.size() ? got.size() : ewords.size();
    for (size_t b = 0; b < nb; b++) {
        const long im = (long)b / per, k = (long)b % per;
        if (b < got.size() && act.is_open())
            act << sasa_tb::to_hex<32>(got[b].data) << " " << (int)got[b].last << "\n";
        if (b >= got.size() || b >= ewords.size()) {
            mismatches++;
            if (first) std::printf("FIRST MISMATCH image=%ld beat=%ld: %s\n", im, k,
                                   b >= got.size() ? "missing output" : "unexpected extra output");
            first = false;
            continue;
        }
        const ap_uint<32> exp = sasa_tb::from_hex<32>(ewords[b].hex);
        if (got[b].data == exp && (int)got[b].last == ewords[b].last) continue;
        mismatches++;
        if (first)
            std::printf("FIRST MISMATCH image=%ld beat=%ld (%s): got %d tlast %d, expected %d tlast %d\n", im, k,
                        k < C::N_CLASSES ? "logit" : "class", (int)ap_int<32>(got[b].data), (int)got[b].last,
                        (int)ap_int<32>(exp), ewords[b].last);
        first = false;
    }
    const bool status_ok = (unsigned long)status == expect_status;
    if (!status_ok) std::printf("STATUS MISMATCH: got 0x%lx expected 0x%lx\n", (unsigned long)status, expect_status);
    // every weight word is consumed (a load reads or drains its packet); every pixel beat when the weights
    // are valid, none when they are not (the kernel then takes no pixels)
    const long px_unread_ok = (expect_status & C::STATUS_NOT_LOADED) ? (long)pwords.size() : 0;
    const bool streams_ok = left_w == 0 && left_px == px_unread_ok;
    if (!streams_ok)
        std::printf("STREAM MISMATCH: %ld pixel beats left unread (expected %ld), %ld weight words left unread\n",
                    left_px, px_unread_ok, left_w);
    std::printf("RESULT images=%ld beats=%zu expected_beats=%zu mismatches=%ld status=0x%lx leftover_pixels=%ld "
                "leftover_weights=%ld\n", images, got.size(), ewords.size(), mismatches, (unsigned long)status,
                left_px, left_w);
    return (mismatches == 0 && status_ok && streams_ok) ? 0 : 1;
}

template <class C, class PX_AXIS, class OUT_AXIS, class W_AXIS, class TOP>
int run(int argc, char **argv, TOP top) {
    if (argc != 2 && argc != 3) {
        std::printf("usage: %s <vector-dir> [<actual-output-file>]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    return run_one<C, PX_AXIS, OUT_AXIS, W_AXIS>(dir, argc == 3 ? std::string(argv[2]) : std::string(), top);
}

}  // namespace net_tb

#endif
