#!/usr/bin/env bash
# Quick start: install what is missing, build, and estimate a shipped example bill.
# Builds everything the README then uses, in build/release: the tool (yibao), the
# C API's shared library (libyibao.so) and the Python package (python/, for
# PYTHONPATH=build/release/python; built when pybind11 and Python's headers are found).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
targets=(yibao_cli yibao_shared)
if grep -q '^YIBAO_BUILD_PYTHON:BOOL=ON$' build/release/CMakeCache.txt; then
  targets+=(yibao_python)
fi
cmake --build --preset release --target "${targets[@]}"
./build/release/yibao estimate --compare-filing \
  --tariff tariffs/liaoning/dalian-2025.toml \
  --catalog tariffs/catalog/sample-catalog.csv \
  examples/bills/inpatient-cross-province.json
