// SPDX-License-Identifier: Apache-2.0
// Xilinx arbitrary-precision and stream headers, included once for the SASA library.
//
// The open ap_types headers trip GCC's flow-based -Wuninitialized / -Wmaybe-uninitialized when their
// constructors are inlined into user code (-isystem does not hide warnings raised after inlining), so the
// two warnings are switched off around the includes only; everything else stays under -Wall -Wextra -Werror.
#ifndef SASA_TYPES_H
#define SASA_TYPES_H

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <ap_int.h>
#include <hls_stream.h>
#include <ap_axi_sdata.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#endif
