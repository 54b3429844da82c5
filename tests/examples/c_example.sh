#!/bin/sh
# Issue #10 item 19: builds examples/c/settle.c with the commands of
# docs/c-api.md ("Building the examples") against the shared library of a
# build tree, and runs it on every shipped example bill under its shipped
# tariff and the sample catalog. The example exits 0 only when the JSON, the
# struct and the business-handle routes all settle.
#
#   tests/examples/c_example.sh SOURCE_DIR BUILD_DIR WORK_DIR [CC]
set -eu
src=$1
build=$2
work=$3
cc=${4:-cc}
mkdir -p "$work"
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic -I"$src/include" "$src/examples/c/settle.c" \
  -L"$build" -lyibao -Wl,-rpath,"$build" -o "$work/settle_c"

# Each shipped example bill with the tariff of its place.
for pair in "liaoning/dalian-2025 inpatient-cross-province" \
            "liaoning/yingkou-2025 outpatient-yingkou" \
            "sichuan/leshan-2025 chd-child-leshan" \
            "anhui/anhui-2025 critical-illness-anhui" \
            "shaanxi/baoji-2025 dibao-shaanxi"; do
  tariff=${pair% *}
  bill=${pair#* }
  status=0
  out=$("$work/settle_c" "$src/tariffs/$tariff.toml" "$src/tariffs/catalog/sample-catalog.csv" \
        "$src/examples/bills/$bill.json" 2>&1) || status=$?
  printf '%s\n' "--- $tariff $bill (exit $status)" "$out"
  if [ "$status" -ne 0 ]; then
    echo "FAIL: settle_c exited $status for $tariff $bill" >&2
    exit 1
  fi
  case $out in
    *"hifp_pay "*"struct hifp_pay "*"hifp_pay as settle_json"*) ;;
    *) echo "FAIL: unexpected output for $tariff $bill" >&2; exit 1 ;;
  esac
done
# Every shipped example bill is covered above.
count=$(ls "$src"/examples/bills/*.json | wc -l)
if [ "$count" -ne 5 ]; then
  echo "FAIL: examples/bills has $count bills; add the new ones to $0" >&2
  exit 1
fi
echo "c example: ok"
