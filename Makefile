# SAFormer flow. Every target bootstraps what it needs (scripts/bootstrap.sh: .venv + Debian tools).
# Data flows golden -> artifact -> generators -> simulation -> reports; all outputs go under build/.
SHELL := /bin/bash
PY := .venv/bin/python
BUILD := build
ART := $(BUILD)/artifact
JOBS ?= 2
BOARD ?= pynq-z2

.PHONY: venv test demo golden train export interface verify bench synth hls-synth bitstream package clean

venv:
	@bash scripts/bootstrap.sh

test: venv
	$(PY) -m pytest -n $(JOBS) -q -m "not slow and not vitis and not vivado and not board" tests

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

verify: venv
	$(PY) -m saformer.cli verify

bench: venv
	$(PY) -m saformer.cli bench

synth: venv $(ART)/manifest.json
	$(PY) -m saformer.cli synth --board $(BOARD) $(if $(CONFIG),--config $(CONFIG),)

hls-synth: venv $(ART)/manifest.json
	$(PY) -m saformer.cli hls-synth

bitstream: venv $(ART)/manifest.json
	$(PY) -m saformer.cli bitstream --board $(BOARD)

package: venv $(ART)/manifest.json
	$(PY) -m saformer.cli package --board $(BOARD)

clean:
	rm -rf $(BUILD)
