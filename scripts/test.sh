#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every test, check
# the shipped tariffs, then run the suite again under ASan+UBSan.
# Usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"
if [ -x .ci/check-tariffs.sh ]; then YIBAO=build/default/yibao .ci/check-tariffs.sh; fi

if [ "${1:-}" != "--no-sanitize" ]; then
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  ctest --preset asan -j "$jobs"
fi
