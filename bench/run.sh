#!/bin/sh
# Bulk-simulation figures: builds Release, generates 1,000,000 bills (about
# 20 lines each) as JSON Lines and as CSV, and runs bench_simulate on them.
#
#   bench/run.sh [BUILD_DIR] [DATA_DIR]     (defaults: build/release, the CMake preset
#                                           "release" that scripts/quickstart.sh builds, and /tmp/yibao-bench)
#   JOBS=1 bench/run.sh                     (parallel build jobs; default 1)
#   PEOPLE=137000 bench/run.sh              (about 7.3 bills per person)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/release}
data=${2:-/tmp/yibao-bench}
people=${PEOPLE:-137000}
mkdir -p "$data"

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DYIBAO_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-1}" --target yibao_cli yibao_bench

yibao=$build/yibao
if [ ! -s "$data/bills.jsonl" ] || [ ! -s "$data/bills.csv" ]; then
  echo "generating $people people..."
  /usr/bin/time -f "generate jsonl: %e s, %M KB peak" "$yibao" generate --people "$people" --seed 1 --format jsonl --out "$data/bills.jsonl"
  /usr/bin/time -f "generate csv: %e s, %M KB peak" "$yibao" generate --people "$people" --seed 1 --format csv --out "$data/bills.csv"
fi
bills=$(wc -l < "$data/bills.jsonl")
echo "input: $bills bills; $(du -h "$data/bills.jsonl" | cut -f1) JSONL, $(du -ch "$data/bills.csv" "$data/bills.lines.csv" | tail -1 | cut -f1) CSV"

YIBAO_BENCH_JSONL=$data/bills.jsonl YIBAO_BENCH_CSV=$data/bills.csv \
  "$build/bench/yibao_bench" --benchmark_filter='^core_|simulate_|parse_bill' --benchmark_counters_tabular=true \
  --benchmark_out="$data/bench.json" --benchmark_out_format=json

python3 - "$data/bench.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
core, plain = runs["core_settle"]["bills/s"], runs["core_plain_sum"]["bills/s"]
print(f"\ncore: {core:,.0f} bills/s/core; plain loop {plain:,.0f} bills/s; ratio {plain / core:.1f}x")
fast, full = runs["parse_bill"], runs["parse_bill_full_reader"]
print(f"bill JSON: {fast['bills/s']:,.0f} bills/s {fast['MB/s']:.0f} MB/s per core; "
      f"the full reader alone {full['bills/s']:,.0f} bills/s {full['MB/s']:.0f} MB/s")
for fmt in ("jsonl", "csv"):
    one, two = runs[f"simulate_{fmt}/1/iterations:1/real_time"], runs[f"simulate_{fmt}/2/iterations:1/real_time"]
    print(f"simulate {fmt}: 1 thread {one['bills/s']:,.0f} bills/s {one['MB/s']:.0f} MB/s; "
          f"2 threads {two['bills/s']:,.0f} bills/s {two['MB/s']:.0f} MB/s; speed-up {two['bills/s'] / one['bills/s']:.2f}x")
PY

# Peak memory of the command, and 1 vs 2 threads / JSONL vs CSV identity.
# Peak memory against the input size (issue #5: 5x the bills of the same
# shape may not grow the peak by more than 10%): each run again on a fifth
# of the people, same seed; tests/memory/peak_rss_test.cpp checks it in CI.
small=$((people / 5))
for f in jsonl csv; do
  [ -s "$data/small-$small.$f" ] || "$yibao" generate --people "$small" --seed 1 --format "$f" --out "$data/small-$small.$f"
done
simulate() {  # LABEL ARGS...: prints the time and peak, sets $peak (KB)
  label=$1
  shift
  /usr/bin/time -o "$data/time.txt" -f "%e %M" "$yibao" simulate -t "$here/tests/data/bulk/tariff.toml" \
    --progress never "$@" >/dev/null
  read -r secs peak < "$data/time.txt"
  echo "simulate $label: $secs s, $peak KB peak"
}
: > "$data/peaks.txt"
for f in jsonl csv; do
  for j in 1 2; do
    simulate "$f -j$j" -j$j --summary "$data/summary-$f-$j.json" "$data/bills.$f"
    large=$peak
    simulate "$f -j$j, $small people" -j$j "$data/small-$small.$f"
    awk -v f="$f -j$j" -v s="$peak" -v l="$large" -v n="$small" -v N="$people" 'BEGIN {
      printf "peak RSS %s: %d people %.1f MB, %d people %.1f MB (%+.1f%%)\n", f, n, s / 1024, N, l / 1024, 100 * (l - s) / s
    }' >> "$data/peaks.txt"
  done
done
cat "$data/peaks.txt"
cmp "$data/summary-jsonl-1.json" "$data/summary-jsonl-2.json" && echo "summary: 1 thread == 2 threads"
python3 - "$data" <<'PY'
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/summary-{n}.json")) for n in ("jsonl-2", "csv-2"))
for s in (a, b):
    s["counts"].pop("bytes_read"); s["counts"].pop("line_rows_read")
print("summary: JSONL == CSV" if a == b else "summary: JSONL != CSV")
PY
