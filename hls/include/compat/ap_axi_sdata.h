// SPDX-License-Identifier: Apache-2.0
// Minimal stand-in for Xilinx's ap_axi_sdata.h, for g++ C-simulation only.
//
// The hls4ml wheel ships ap_int.h and hls_stream.h but not ap_axi_sdata.h. hls/csim.py puts this folder on
// the include path only when the real header is absent; Vitis HLS always uses its own. Only what the SASA
// kernel uses is modelled: ap_axiu<D, 0, 0, 0> with data, keep, strb and last (no user/id/dest sideband).
#ifndef SASA_COMPAT_AP_AXI_SDATA_H
#define SASA_COMPAT_AP_AXI_SDATA_H

#include <ap_int.h>

template <int D, int U, int TI, int TD>
struct ap_axiu {
    static_assert(U == 0 && TI == 0 && TD == 0, "the C-sim shim models no TUSER/TID/TDEST sideband");
    ap_uint<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<1> last;
};

#endif
