#!/bin/sh
# Bulk-simulation figures: builds Release, generates 1,000,000 bills (about
# 20 lines each) as JSON Lines and as CSV, and runs bench_simulate on them.
#
#   bench/run.sh [BUILD_DIR] [DATA_DIR]     (defaults: build-release, /tmp/yibao-bench)
#   JOBS=1 bench/run.sh                     (parallel build jobs; default 1)
#   PEOPLE=137000 bench/run.sh              (about 7.3 bills per person)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-release}
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
  "$build/bench/yibao_bench" --benchmark_filter='core_|simulate_' --benchmark_counters_tabular=true \
  --benchmark_out="$data/bench.json" --benchmark_out_format=json

python3 - "$data/bench.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
core, plain = runs["core_settle"]["bills/s"], runs["core_plain_sum"]["bills/s"]
print(f"\ncore: {core:,.0f} bills/s/core; plain loop {plain:,.0f} bills/s; ratio {plain / core:.1f}x")
for fmt in ("jsonl", "csv"):
    one, two = runs[f"simulate_{fmt}/1/iterations:1/real_time"], runs[f"simulate_{fmt}/2/iterations:1/real_time"]
    print(f"simulate {fmt}: 1 thread {one['bills/s']:,.0f} bills/s {one['MB/s']:.0f} MB/s; "
          f"2 threads {two['bills/s']:,.0f} bills/s {two['MB/s']:.0f} MB/s; speed-up {two['bills/s'] / one['bills/s']:.2f}x")
PY

# Peak memory of the command, and 1 vs 2 threads / JSONL vs CSV identity.
for j in 1 2; do
  /usr/bin/time -f "simulate jsonl -j$j: %e s, %M KB peak" "$yibao" simulate -t "$here/tests/data/bulk/tariff.toml" \
    -j$j --progress never --summary "$data/summary-jsonl-$j.json" "$data/bills.jsonl" >/dev/null
done
/usr/bin/time -f "simulate csv -j2: %e s, %M KB peak" "$yibao" simulate -t "$here/tests/data/bulk/tariff.toml" \
  -j2 --progress never --summary "$data/summary-csv-2.json" "$data/bills.csv" >/dev/null
cmp "$data/summary-jsonl-1.json" "$data/summary-jsonl-2.json" && echo "summary: 1 thread == 2 threads"
python3 - "$data" <<'PY'
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/summary-{n}.json")) for n in ("jsonl-2", "csv-2"))
for s in (a, b):
    s["counts"].pop("bytes_read"); s["counts"].pop("line_rows_read")
print("summary: JSONL == CSV" if a == b else "summary: JSONL != CSV")
PY
