// SPDX-License-Identifier: Apache-2.0
// Hand-written C-simulation testbench for the SASA kernel (used by the generated sasa_tb.cpp).
//
// Usage: csim <vector-dir> [<actual-output-file>], or csim --sequence <vector-dir>... (one kernel call per
// folder in one process: state carries over). The folder (written by hls/generate.py:export_vectors) holds
//   meta.txt      "images <V>" and "expect_status <hex>"
//   weights.txt   one weight-stream word per line: "<hex32> <tlast>"
//   spikes.txt    one spike word per line: "<hex> <tlast>"  (V images, t outer, n inner)
//   expected.txt  "beats <B>" then one output beat per line: "<hex> <tlast>" (computed by golden.reference)
// The testbench pushes the weight and spike streams, calls the kernel once with IMAGES = V, and compares
// every output beat and the STATUS register against expected.txt (no beats are expected when the weights
// are refused: then only STATUS is compared). It prints one RESULT line and, on the
// first mismatch, its coordinates (vector, t, n, channel). A missing, empty or short expected file, or a word
// that is not hex, is an error naming the file (and line), never a pass (hls4ml issues #459/#893). Spike or
// weight words the kernel left unread fail the run. Exit status: 0 pass, 1 mismatch, 2 bad input files.
// It also writes the beats it got (same format as expected.txt) to <vector-dir>/actual.txt or the given file.
// Built with -DSASA_COUNT_STEPS it also prints, per image, the projections' accumulate steps (sasa_steps.h).
#ifndef SASA_TESTBENCH_H
#define SASA_TESTBENCH_H

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sasa_steps.h"
#include "sasa_types.h"

namespace sasa_tb {

struct line_word {
    std::string hex;
    int last;
};

inline bool is_hex_word(const std::string &h, size_t max_digits) {
    if (h.empty() || h.size() > max_digits) return false;
    for (size_t i = 0; i < h.size(); i++) {
        const char c = h[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
}

// Reads "<hex> <tlast>" lines; `max_digits` hex digits at most (the word width). A non-hex or too-long word,
// a tlast other than 0/1 or trailing text is an error naming the file and line.
inline bool read_words(const std::string &path, std::vector<line_word> &out, long header_count,
                       size_t max_digits) {
    std::ifstream f(path.c_str());
    if (!f) {
        std::printf("ERROR: cannot open %s\n", path.c_str());
        return false;
    }
    std::string line;
    long want = -1, lineno = 0;
    if (header_count >= 0) {
        std::string key;
        while (std::getline(f, line) && (++lineno, line.empty() || line[0] == '#')) {
        }
        if (!f || !(std::istringstream(line) >> key >> want) || key != "beats" || want < 0) {
            std::printf("ERROR: %s: first line must be 'beats <count>' (file empty or edited?)\n", path.c_str());
            return false;
        }
    }
    while (std::getline(f, line)) {
        lineno++;
        if (line.empty() || line[0] == '#') continue;
        line_word w;
        std::string rest;
        std::istringstream is(line);
        if (!(is >> w.hex >> w.last) || (w.last != 0 && w.last != 1) || (is >> rest)) {
            std::printf("ERROR: %s:%ld: malformed line '%s' (want '<hex> <0|1>')\n", path.c_str(), lineno,
                        line.c_str());
            return false;
        }
        if (!is_hex_word(w.hex, max_digits)) {
            std::printf("ERROR: %s:%ld: '%s' is not a hex word of at most %zu digits\n", path.c_str(), lineno,
                        w.hex.c_str(), max_digits);
            return false;
        }
        out.push_back(w);
    }
    if (want >= 0 && (long)out.size() != want) {
        std::printf("ERROR: %s: header says %ld beats, file has %zu (truncated or edited?)\n", path.c_str(), want,
                    out.size());
        return false;
    }
    return true;
}

template <int W>
ap_uint<W> from_hex(const std::string &h) {
    ap_uint<W> v = 0;
    for (size_t i = 0; i < h.size(); i++) {
        char ch = h[i];
        int d = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
                : ch - 'A' + 10;  // read_words admitted hex digits only
        v = (v << 4) | ap_uint<W>(d);
    }
    return v;
}

template <int W>
std::string to_hex(const ap_uint<W> &v) {
    static const char *dig = "0123456789abcdef";
    const int nib = (W + 3) / 4;
    std::string s(nib, '0');
    for (int i = 0; i < nib; i++) {
        const int lo = 4 * i, hi = (4 * i + 3 < W) ? 4 * i + 3 : W - 1;
        s[nib - 1 - i] = dig[(unsigned)v(hi, lo)];
    }
    return s;
}

inline bool read_meta(const std::string &path, long &images, unsigned long &expect_status) {
    std::ifstream f(path.c_str());
    if (!f) {
        std::printf("ERROR: cannot open %s\n", path.c_str());
        return false;
    }
    std::string line, key;
    bool hi = false, hs = false;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream is(line);
        if (!(is >> key)) continue;
        if (key == "images") hi = static_cast<bool>(is >> images);
        else if (key == "expect_status") hs = static_cast<bool>(is >> std::hex >> expect_status);
    }
    if (!hi || !hs) std::printf("ERROR: %s needs 'images' and 'expect_status'\n", path.c_str());
    return hi && hs;
}

// One kernel call on one vector folder: push its weight and spike streams, call the kernel with IMAGES = V,
// compare every output beat and STATUS; writes the beats it got to `actual` (unless empty). Returns 0 pass,
// 1 mismatch, 2 bad input files.
template <class C, class IN_AXIS, class OUT_AXIS, class W_AXIS, class TOP>
int run_one(const std::string &dir, const std::string &actual, TOP top) {
    long images = 0;
    unsigned long expect_status = 0;
    std::vector<line_word> wwords, swords, ewords;
    if (!read_meta(dir + "/meta.txt", images, expect_status)) return 2;
    if (!read_words(dir + "/weights.txt", wwords, -1, (C::WEIGHT_WORD_BITS + 3) / 4)) return 2;
    if (!read_words(dir + "/spikes.txt", swords, -1, (C::STREAM_BITS + 3) / 4)) return 2;
    if (!read_words(dir + "/expected.txt", ewords, 0, (C::OUT_WORD_BITS + 3) / 4)) return 2;

    hls::stream<IN_AXIS> s_axis("s_axis");
    hls::stream<OUT_AXIS> m_axis("m_axis");
    hls::stream<W_AXIS> s_axis_w("s_axis_w");
    for (size_t i = 0; i < wwords.size(); i++) {
        W_AXIS w;
        w.data = from_hex<C::WEIGHT_WORD_BITS>(wwords[i].hex);
        w.keep = -1;
        w.strb = -1;
        w.last = wwords[i].last;
        s_axis_w.write(w);
    }
    for (size_t i = 0; i < swords.size(); i++) {
        IN_AXIS s;
        s.data = from_hex<C::STREAM_BITS>(swords[i].hex);
        s.keep = -1;
        s.strb = -1;
        s.last = swords[i].last;
        s_axis.write(s);
    }
    ap_uint<32> status = 0;
#ifdef SASA_COUNT_STEPS
    ::sasa::steps().clear();
#endif
    top(s_axis, m_axis, s_axis_w, ap_uint<32>(images), status);
#ifdef SASA_COUNT_STEPS
    for (size_t v = 0; v < ::sasa::steps().per_image[0].size(); v++)
        std::printf("STEPS image=%zu q=%ld k=%ld o=%ld\n", v, ::sasa::steps().per_image[::sasa::STEP_Q][v],
                    ::sasa::steps().per_image[::sasa::STEP_K][v], ::sasa::steps().per_image[::sasa::STEP_O][v]);
#endif

    std::vector<OUT_AXIS> got;
    while (!m_axis.empty()) got.push_back(m_axis.read());
    long leftover_spikes = 0, leftover_weights = 0;
    while (!s_axis.empty()) { s_axis.read(); leftover_spikes++; }
    while (!s_axis_w.empty()) { s_axis_w.read(); leftover_weights++; }

    const long per_image = (long)C::T * C::N * C::GROUPS;
    long mismatches = 0;
    bool first = true;
    const size_t nb = got.size() > ewords.size() ? got.size() : ewords.size();
    std::ofstream act;
    if (!actual.empty()) {
        act.open(actual.c_str());
        act << "beats " << got.size() << "\n";
    }
    for (size_t b = 0; b < nb; b++) {
        const long v = (long)b / per_image, r = (long)b % per_image;
        const long t = r / ((long)C::N * C::GROUPS), n = (r / C::GROUPS) % C::N, g = r % C::GROUPS;
        if (b < got.size() && act.is_open())
            act << to_hex<C::OUT_WORD_BITS>(got[b].data) << " " << (int)got[b].last << "\n";
        if (b >= got.size() || b >= ewords.size()) {
            mismatches++;
            if (first) {
                std::printf("FIRST MISMATCH vector=%ld t=%ld n=%ld channel=%ld: %s beat %zu\n", v, t, n,
                            g * C::LANES, b >= got.size() ? "missing output" : "unexpected extra output", b);
                first = false;
            }
            continue;
        }
        ap_uint<C::OUT_WORD_BITS> exp = from_hex<C::OUT_WORD_BITS>(ewords[b].hex);
        const bool data_ok = got[b].data == exp, last_ok = (int)got[b].last == ewords[b].last;
        if (data_ok && last_ok) continue;
        mismatches++;
        if (!first) continue;
        first = false;
        if (!data_ok) {
            for (int i = 0; i < C::LANES; i++) {
                ap_int<C::LANE_BITS> gl = got[b].data(C::LANE_BITS * i + C::LANE_BITS - 1, C::LANE_BITS * i);
                ap_int<C::LANE_BITS> el = exp(C::LANE_BITS * i + C::LANE_BITS - 1, C::LANE_BITS * i);
                if (gl != el) {
                    std::printf("FIRST MISMATCH vector=%ld t=%ld n=%ld channel=%ld: got %d expected %d (beat %zu "
                                "lane %d)\n", v, t, n, g * C::LANES + i, (int)gl, (int)el, b, i);
                    break;
                }
            }
        } else {
            std::printf("FIRST MISMATCH vector=%ld t=%ld n=%ld channel=%ld: tlast got %d expected %d (beat %zu)\n",
                        v, t, n, g * C::LANES, (int)got[b].last, ewords[b].last, b);
        }
    }
    const bool status_ok = (unsigned long)status == expect_status;
    if (!status_ok)
        std::printf("STATUS MISMATCH: got 0x%lx expected 0x%lx\n", (unsigned long)status, expect_status);
    // Every word pushed must be consumed: all weight words (a load reads or drains its packet), all spike
    // words when the weights are valid, none when they are not (the kernel then reads nothing).
    const long spikes_unread_ok = (expect_status & C::STATUS_NOT_LOADED) ? (long)swords.size() : 0;
    const bool streams_ok = leftover_weights == 0 && leftover_spikes == spikes_unread_ok;
    if (!streams_ok)
        std::printf("STREAM MISMATCH: %ld spike words left unread (expected %ld), %ld weight words left unread "
                    "(expected 0)\n", leftover_spikes, spikes_unread_ok, leftover_weights);
    std::printf("RESULT vectors=%ld beats=%zu expected_beats=%zu mismatches=%ld status=0x%lx "
                "leftover_spikes=%ld leftover_weights=%ld\n",
                images, got.size(), ewords.size(), mismatches, (unsigned long)status,
                leftover_spikes, leftover_weights);
    return (mismatches == 0 && status_ok && streams_ok) ? 0 : 1;
}

// TOP: callable(s_axis, m_axis, s_axis_w, images, status&) wrapping the kernel's register arguments.
// csim <vector-dir> [<actual-output-file>]: one call. csim --sequence <dir>...: one call per folder, in order,
// in one process, so the kernel's state (loaded weights, STATUS flags) carries from call to call; one RESULT
// line per call; the exit status is the worst of them.
template <class C, class IN_AXIS, class OUT_AXIS, class W_AXIS, class TOP>
int run(int argc, char **argv, TOP top) {
    if (argc >= 3 && std::string(argv[1]) == "--sequence") {
        int rc = 0;
        for (int i = 2; i < argc; i++) {
            const int r = run_one<C, IN_AXIS, OUT_AXIS, W_AXIS>(argv[i], "", top);
            if (r == 2) return 2;
            if (r > rc) rc = r;
        }
        return rc;
    }
    if (argc != 2 && argc != 3) {
        std::printf("usage: %s <vector-dir> [<actual-output-file>] | --sequence <vector-dir>...\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const std::string actual = argc == 3 ? std::string(argv[2]) : dir + "/actual.txt";
    return run_one<C, IN_AXIS, OUT_AXIS, W_AXIS>(dir, actual, top);
}

}  // namespace sasa_tb

#endif
