// SPDX-License-Identifier: Apache-2.0
// Optional C-simulation counter of the projections' accumulate steps (hand-written; never on by default).
//
// Compiled with -DSASA_COUNT_STEPS (a define, not a warning flag), every iteration of a projection's
// accumulate loop (hls/include/sasa.h: project) adds one to the current image's count of its kind; the
// testbench (sasa_testbench.h) prints one "STEPS image=<v> q=<..> k=<..> o=<..>" line per image. This is the
// evidence that the kernel is spike-driven in C terms: q and k equal the number of active input spikes of the
// image, o the number of active Y bits (tests/test_hls_csim.py). Without the define the macros expand to
// nothing and the kernel source Vitis sees is unchanged.
#ifndef SASA_STEPS_H
#define SASA_STEPS_H

namespace sasa {
enum step_kind { STEP_Q = 0, STEP_K = 1, STEP_O = 2, STEP_KINDS = 3 };
}

#ifdef SASA_COUNT_STEPS
#include <vector>

namespace sasa {
struct step_counts {
    std::vector<long> per_image[STEP_KINDS];  // one entry per image() call, in call order
    void clear() {
        for (int k = 0; k < STEP_KINDS; k++) per_image[k].clear();
    }
};
// One instance shared by the kernel's and the testbench's translation units (inline function, static local).
inline step_counts &steps() {
    static step_counts c;
    return c;
}
}  // namespace sasa

#define SASA_STEPS_IMAGE()                                                    \
    do {                                                                      \
        for (int k_ = 0; k_ < ::sasa::STEP_KINDS; k_++)                       \
            ::sasa::steps().per_image[k_].push_back(0);                       \
    } while (0)
#define SASA_STEPS_ADD(kind) (::sasa::steps().per_image[kind].back()++)
#else
#define SASA_STEPS_IMAGE() ((void)0)
#define SASA_STEPS_ADD(kind) ((void)0)
#endif

#endif
