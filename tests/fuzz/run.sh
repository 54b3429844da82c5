#!/bin/sh
# Builds the libFuzzer targets with clang (-DYIBAO_FUZZ=ON: everything
# instrumented with ASan+UBSan) and runs each for a bounded time:
#   fuzz_capi       the C API's JSON entry point, yibao_business_handle
#   fuzz_bill_json  the bill JSON fast path against the full reader
#   fuzz_tariff     the tariff loader, with `extends` between in-memory files
#   fuzz_catalog    the catalog CSV reader
#   fuzz_csv_bill   the bulk CSV bill reader (a bills row and its line rows), then validate
#   fuzz_summary_state  the reader of a summary's exact state text (Python's pickles)
#
#   tests/fuzz/run.sh [SECONDS]      default 60, for each target
#
# Environment: YIBAO_FUZZ_BUILD (build folder, default build-fuzz), JOBS
# (parallel build jobs, default 1), FUZZ_ARGS (extra libFuzzer flags).
#
# New interesting inputs go to $YIBAO_FUZZ_BUILD/corpus* (not committed); a
# crash is written next to the target's seeds as crash-<sha1>
# (tests/fuzz/corpus for the C API, tests/fuzz/bill_corpus for the bill
# readers, tests/fuzz/tariff_corpus and catalog_corpus for the loaders):
# commit it, it becomes a regression input that
# tests/unit/capi_corpus_test.cpp, tests/unit/bill_json_fast_test.cpp or
# tests/unit/issue10_loading_test.cpp replays in every run.
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
cmake --build "$build" --target fuzz_capi fuzz_bill_json fuzz_tariff fuzz_catalog fuzz_csv_bill fuzz_summary_state -j "${JOBS:-1}"
# The loaders' fuzzers also seed from the shipped tariffs and the test data in place (read
# only: libFuzzer writes new inputs to the first folder given, the build's corpus).
mkdir -p "$build/corpus" "$build/corpus-bill" "$build/corpus-tariff" "$build/corpus-catalog" "$build/corpus-csv" \
  "$build/corpus-summary"
# shellcheck disable=SC2086
"$build/tests/fuzz_capi" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus" "$root/tests/fuzz/corpus"
# shellcheck disable=SC2086
"$build/tests/fuzz_bill_json" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/bill_corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus-bill" "$root/tests/fuzz/bill_corpus"
# shellcheck disable=SC2086
"$build/tests/fuzz_tariff" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/tariff_corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus-tariff" "$root/tests/fuzz/tariff_corpus" \
  "$root/tariffs" "$root/tests/data/bad_tariffs"
# shellcheck disable=SC2086
"$build/tests/fuzz_catalog" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/catalog_corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus-catalog" "$root/tests/fuzz/catalog_corpus" \
  "$root/tariffs/catalog" "$root/tests/data/capi" "$root/tests/data/tariff_tools"
# shellcheck disable=SC2086
"$build/tests/fuzz_csv_bill" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/csv_corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus-csv" "$root/tests/fuzz/csv_corpus"
# shellcheck disable=SC2086
"$build/tests/fuzz_summary_state" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$root/tests/fuzz/summary_corpus/crash-" ${FUZZ_ARGS:-} "$build/corpus-summary" "$root/tests/fuzz/summary_corpus"
