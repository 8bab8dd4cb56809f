# SPDX-License-Identifier: Apache-2.0
"""Names shared by the block design (hw/vivado.py writes them into the Tcl) and the PYNQ backend (looks the
IP blocks up by them in the overlay): one place for both."""

ENGINE = "sasa_0"  # the packaged engine IP instance (its s_axil is the control register file)
DMA_SPIKES = "dma_spikes"  # AXI DMA: MM2S -> engine s_axis (spike words), S2MM <- engine m_axis (increments)
DMA_WEIGHTS = "dma_weights"  # AXI DMA: MM2S -> engine s_axis_w (weight-load stream), no S2MM
BD_NAME = "sasa_bd"  # block design name
OVERLAY = "sasa"  # bitstream / .hwh base name on the board (sasa.bit + sasa.hwh, PYNQ needs the pair)
INTC = "axi_intc_0"  # AXI interrupt controller between the interrupt sources and the PS (PYNQ's interrupt support)
AXI_GP0 = "axi_gp0"  # the one AXI interconnect from the PS's M_AXI_GP0 to every AXI-Lite slave

# The packaged engine IP (hw/vivado.py packages it; the board driver binds to it by this VLNV)
IP_VENDOR = "saformer.org"
IP_LIBRARY = "user"
IP_NAME = "sasa_engine"  # the engine top (hw/rtl/sasa_engine.v; hw/generate.py: TOP)
IP_VERSION = "1.0"
ENGINE_VLNV = f"{IP_VENDOR}:{IP_LIBRARY}:{IP_NAME}:{IP_VERSION}"

# The network accelerator (hw/rtl/net_accel.v; hw/vivado.py packages it and builds its block design with
# the same DMA and interrupt names as the engine's: DMA_SPIKES carries the pixels there, its S2MM the results)
NET_ENGINE = "net_0"  # the packaged accelerator IP instance (its s_axil is the control register file)
NET_BD_NAME = "net_bd"
NET_OVERLAY = "net"  # net.bit + net.hwh on the board
NET_IP_NAME = "net_accel"  # the hand-written top (hw/net_accel.py: TOP)
NET_VLNV = f"{IP_VENDOR}:{IP_LIBRARY}:{NET_IP_NAME}:{IP_VERSION}"
