#!/usr/bin/env python3
"""Per-bill cost of the Python front ends against the C++ core (bills/s).

    PYTHONPATH=build/release/python /usr/bin/python3 bench/bench_python.py [--bills N] [--cli build/release/yibao]

Measures, on the same synthetic bills (python/tests/synth.py, fixture tariff):
  settle(dict)        one call per bill, dict in, dict out (JSON round trip)
  settle(json text)   one call per bill, JSON text in
  settle_frame        the whole table: pandas -> text columns -> C++ -> DataFrame (1 thread;
                      "all": every core)
  core columns        _yibao.settle_columns alone (columns prepared): the C++
                      parse + ordering + settlement loop, no pandas
  yibao simulate      (with --cli) the C++ bulk CLI on the same table as CSV, 1 thread
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python", "tests"))

import synth  # noqa: E402
import yibao  # noqa: E402
from yibao import _yibao, frame  # noqa: E402


def rate(name, bills, seconds, lines=None):
    extra = f", {lines / seconds:12,.0f} lines/s" if lines else ""
    print(f"{name:20s} {bills / seconds:12,.0f} bills/s  ({1e6 * seconds / bills:8.2f} us/bill{extra})")


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bills", type=int, default=20000, help="bills in the table (default 20000)")
    ap.add_argument("--single", type=int, default=3000, help="bills settled one call at a time")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cli", help="the yibao binary, to time `yibao simulate` on the same data")
    args = ap.parse_args()

    tariff = yibao.Tariff.from_file(synth.TARIFF)
    catalog = yibao.Catalog.from_file(synth.CATALOG)
    people = max(1, args.bills // 5)
    bills, lines = synth.tables(people=people, bills_per_person=5, seed=7)
    n, m = len(bills), len(lines)
    print(f"yibao {yibao.__version__}: {n} bills, {m} lines ({m / n:.1f} lines/bill), python {sys.version.split()[0]}")

    # One call per bill (no year-to-date carry: each bill on its own).
    ids = bills["bill_id"].iloc[: args.single]
    dicts = [synth.bill_json(bills, lines, i) for i in ids]
    texts = [json.dumps(d) for d in dicts]
    rate("settle(dict)", len(dicts), best(lambda: [yibao.settle(tariff, catalog, d) for d in dicts], args.repeat))
    rate("settle(json text)", len(texts),
         best(lambda: [_yibao.settle_json(tariff, catalog, t, None, False) for t in texts], args.repeat))

    rate("settle_frame", n, best(lambda: yibao.settle_frame(tariff, catalog, bills, lines, threads=1), args.repeat), m)
    rate("settle_frame, all", n,
         best(lambda: yibao.settle_frame(tariff, catalog, bills, lines, threads=0), args.repeat), m)
    bcols = frame._columns(bills, frame.BILL_COLUMNS)
    lcols = frame._columns(lines, frame.LINE_COLUMNS)
    rate("core columns", n,
         best(lambda: _yibao.settle_columns(tariff, catalog, n, bcols, m, lcols, False), args.repeat), m)

    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            order = bills.sort_values(["person_id", "date"], kind="stable")
            bpath, lpath = os.path.join(tmp, "bills.csv"), os.path.join(tmp, "lines.csv")
            order.to_csv(bpath, index=False)
            lines.set_index("bill_id").loc[order["bill_id"]].reset_index().to_csv(lpath, index=False)
            cmd = [args.cli, "simulate", "--tariff", synth.TARIFF, "--catalog", synth.CATALOG, "--threads", "1",
                   "--lines", lpath, bpath]
            probe = subprocess.run(cmd, capture_output=True, text=True)
            if probe.returncode != 0:
                print(f"yibao simulate: skipped ({probe.stderr.strip().splitlines()[-1:] or probe.returncode})")
            else:
                rate("yibao simulate", n,
                     best(lambda: subprocess.run(cmd, capture_output=True, check=True), args.repeat), m)


if __name__ == "__main__":
    main()
