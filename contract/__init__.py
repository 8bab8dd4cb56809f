# SPDX-License-Identifier: Apache-2.0
"""The contract every level shares, numpy only (no torch, no cocotb): the config and the named configs
(`config`, `configs`), the external interface and register map (`interface`), the one weight-layout table
(`layout`), the cycle model of each hardware module (`cycles`), block-design names (`names`), output paths
(`paths`), atomic file output (`fsutil`) and the one error type (`errors`). It imports nothing else of the
project: every other subpackage imports from here, never the other way."""
