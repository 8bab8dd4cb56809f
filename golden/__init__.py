# SPDX-License-Identifier: Apache-2.0
"""Golden model of the SAFormer flow: config, Brevitas model, numpy integer reference, artifact export.

Data flows one way: golden/ -> artifact on disk -> generators (hw/, hls/) -> simulation (sim/) -> reports.
Nothing in golden/ imports cocotb, and golden/reference.py imports neither torch nor brevitas.
"""
