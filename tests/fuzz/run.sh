#!/bin/sh
# Builds the libFuzzer target of the C API with clang (-DYIBAO_FUZZ=ON:
# everything instrumented with ASan+UBSan) and runs it for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]      default 60
#
# Environment: YIBAO_FUZZ_BUILD (build folder, default build-fuzz), JOBS
# (parallel build jobs, default 1), FUZZ_ARGS (extra libFuzzer flags).
#
# New interesting inputs go to $YIBAO_FUZZ_BUILD/corpus (not committed); a
# crash is written to tests/fuzz/corpus/crash-<sha1>: commit it, it becomes a
# regression input that tests/unit/capi_corpus_test.cpp replays in every run.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${YIBAO_FUZZ_BUILD:-$root/build-fuzz}
seconds=${1:-60}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "run.sh: clang++ is needed for libFuzzer" >&2
  exit 69
fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DYIBAO_FUZZ=ON -DYIBAO_BUILD_BENCH=OFF -DYIBAO_BUILD_PYTHON=OFF -DYIBAO_BUILD_SHARED=OFF >/dev/null
cmake --build "$build" --target fuzz_capi -j "${JOBS:-1}"
mkdir -p "$build/corpus"
# shellcheck disable=SC2086
"$build/tests/fuzz_capi" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus" "$root/tests/fuzz/corpus"
