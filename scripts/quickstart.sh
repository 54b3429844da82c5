#!/usr/bin/env bash
# Quick start: install what is missing, build, and estimate a shipped example bill.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target yibao_cli
./build/release/yibao estimate --compare-filing \
  --tariff tariffs/liaoning/dalian-2025.toml \
  --catalog tariffs/catalog/sample-catalog.csv \
  examples/bills/inpatient-cross-province.json
