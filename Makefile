# SPDX-License-Identifier: Apache-2.0
# SAFormer flow. Every target bootstraps what it needs (scripts/bootstrap.sh: .venv + Debian tools).
# Data flows golden -> artifact -> generators -> simulation -> reports; all outputs go under build/.
SHELL := /bin/bash
PY := .venv/bin/python
BUILD := build
ART := $(BUILD)/artifact
JOBS ?= 2
BOARD ?= pynq-z2

.PHONY: venv test formal demo golden train export interface verify verify-network verify-merge bench synth hls-synth hls-rtl-sim bitstream package clean clean-cache

venv:
	@bash scripts/bootstrap.sh

test: venv
	$(PY) -m pytest -n $(JOBS) -q -m "not slow and not vitis and not vivado and not board" tests

# every SymbiYosys proof of hw/formal/ (make test runs the quick ones) -> build/report/formal.json
formal: venv
	$(PY) -m saformer.hw.formal

demo: venv
	$(PY) -m saformer.cli demo $(if $(TRAIN),--train,)

golden: venv
	$(PY) -m saformer.cli golden

train: venv
	$(PY) -m saformer.cli train

export: venv
	$(PY) -m saformer.cli export --out $(ART)

# The artifact of the shipped checkpoint, re-exported when the checkpoint changes.
$(ART)/manifest.json: models/saformer_digits.pt | venv
	$(PY) -m saformer.cli export --out $(ART)

interface: venv
	$(PY) -m saformer.cli interface --out docs/interface.md

# SHARD=i/N: shard i of N of the regression's cases (balanced by sim/verify_durations.json) ->
# build/report/verify-shard-i-of-N.json; `make verify-merge` merges every shard file into verify.json
verify: venv
	$(PY) -m saformer.cli verify $(if $(SHARD),--shard $(SHARD),)

# CONFIG=<name>: only that network configuration's case, merged into verify.json's network section (e.g.
# `make verify-network CONFIG=cifar10-384`, the big CIFAR-10 config on the bulk harness); without CONFIG the
# whole network section
verify-network: venv
	$(PY) -m saformer.cli verify --network-only $(if $(CONFIG),--config $(CONFIG),)

verify-merge: venv
	$(PY) -m saformer.cli verify --merge $(sort $(wildcard $(BUILD)/report/verify-shard-*-of-*.json))

bench: venv
	$(PY) -m saformer.cli bench

# CONFIG=<name>: the board-fit pre-check (hw/fit.py) runs first, before the export and any Yosys run; BOARD
# defaults to the config's target board (contract/configs.py TARGET_BOARD), else pynq-z2. OVER_BUDGET=1: run
# Yosys although the pre-check says the design does not fit (synth.json: fits false, the pre-check's message)
SYNTH_BOARD = $(if $(filter command line environment,$(origin BOARD)),--board $(BOARD),)
# PER_MODULE=1: hw/synth_modules.py (each distinct module once, JOBS in parallel; for networks too big for a flat
# run)
SYNTH_MODE = $(if $(PER_MODULE),--per-module,) $(if $(OVER_BUDGET),--over-budget,)
synth: venv
	$(if $(and $(CONFIG),$(if $(OVER_BUDGET),,1)),$(PY) -m saformer.hw.fit --config $(CONFIG) $(SYNTH_BOARD),)
	$(if $(and $(CONFIG),$(PER_MODULE)),,@$(MAKE) --no-print-directory $(ART)/manifest.json)
	$(PY) -m saformer.cli synth $(SYNTH_BOARD) $(if $(CONFIG),--config $(CONFIG),) --jobs $(JOBS) $(SYNTH_MODE)

# the network kernel (hls/net_synth.py: csim, csynth, cosim, IP export, csynth reports -> hls_synth.json);
# the SASA kernel alone: $(PY) -m saformer.cli hls-synth
hls-synth: venv $(ART)/manifest.json
	$(PY) -m saformer.hls.net_synth

# the network regression on the Verilog Vitis exports for the kernel (HLS_RTL=<project>/sol1/impl/verilog)
hls-rtl-sim: venv $(ART)/manifest.json
	$(PY) -m saformer.sim.hls_rtl --dir "$(HLS_RTL)" $(if $(COUNTERS),--counters $(COUNTERS),)

bitstream: venv $(ART)/manifest.json
	$(PY) -m saformer.cli bitstream --board $(BOARD)

package: venv $(ART)/manifest.json
	$(PY) -m saformer.cli package --board $(BOARD)

# removes $(BUILD) only when everything in it is the project's own (saformer clean refuses otherwise);
# `make clean-cache` empties only the simulator build cache (bounded anyway: SAFORMER_SIM_CACHE_GB, default 8)
clean: venv
	$(PY) -m saformer.cli --build-dir $(BUILD) clean

clean-cache: venv
	$(PY) -m saformer.cli --build-dir $(BUILD) clean --cache
