#!/usr/bin/env python3
"""Settle one bill, then a small table of bills, with the yibao Python package.

    PYTHONPATH=build/default/python /usr/bin/python3 examples/python/settle.py

Uses the test fixture tariff and catalog under python/tests/data/.
"""

import os

import pandas as pd

import yibao

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "python", "tests", "data")

tariff = yibao.Tariff.from_file(os.path.join(DATA, "tariff.toml"))
catalog = yibao.Catalog.from_file(os.path.join(DATA, "catalog.csv"))

# One bill: the JSON contract of docs/bill-format.md, as a dict.
bill = {
    "id": "B1",
    "person": {"id": "P1", "scheme": "employee", "account_balance": "300.00"},
    "visit": {"type": "inpatient", "level": 3, "location": "local", "date": "2025-03-19"},
    "lines": [
        {"code": "A001", "name": "ward bed", "qty": "5", "price": "120.00", "amount": "600.00"},
        {"code": "B001", "name": "stent", "qty": "1", "price": "7500.00", "amount": "7500.00"},
    ],
}
s = yibao.settle(tariff, catalog, bill, money="decimal")
print(f"bill {s['bill_id']}: total {s['medfee_sumamt']}, fund {s['fund_pay_sumamt']}, "
      f"account {s['acct_pay']}, cash {s['psn_cash_pay']}")

# Errors are exceptions carrying the engine's message and code.
try:
    yibao.settle(tariff, catalog, dict(bill, visit=dict(bill["visit"], date="2030-01-01")))
except yibao.OutOfRange as e:
    print(f"{type(e).__name__} ({e.code}): {e}")

# A table: one row per bill, one row per line, joined on bill_id. The second
# bill of P1 starts from the year-to-date totals the first one left.
bills = pd.DataFrame({
    "bill_id": ["B1", "B2", "B3"],
    "person_id": ["P1", "P1", "P2"],
    "scheme": ["employee", "employee", "resident"],
    "visit_type": ["inpatient", "inpatient", "outpatient"],
    "level": [3, 2, 1],
    "location": ["local", "cross_province", "local"],
    "filing": ["long_term", "unfiled", "long_term"],
    "date": ["2025-03-19", "2025-06-02", "2025-04-01"],
})
lines = pd.DataFrame({
    "bill_id": ["B1", "B1", "B2", "B3"],
    "code": ["A001", "B001", "A001", "B002"],
    "qty": ["5", "1", "12", "2"],
    "price": ["120.00", "7500.00", "120.00", "88.50"],
})
settled = yibao.settle_frame(tariff, catalog, bills, lines)
print(yibao.to_yuan(settled)[["bill_id", "person_id", "medfee_sumamt", "act_pay_dedc", "hifp_pay",
                              "psn_part_amt", "pay_now", "claim_later", "ytd_hifp_paid"]].to_string(index=False))
summary = yibao.summarize(settled)
print("fund by layer:", summary["fund_by_layer"])
assert summary["counts"]["settled"] == 3 and settled["ok"].all()
