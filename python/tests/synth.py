"""Deterministic synthetic bills and lines tables for the tests and the bench
(fixture tariff python/tests/data/tariff.toml, catalog data/catalog.csv)."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
TARIFF = os.path.join(DATA, "tariff.toml")
CATALOG = os.path.join(DATA, "catalog.csv")

_CODES = np.array(["A001", "B001", "B002", "C001", "L001", "OWN"])


def _money(fen: np.ndarray) -> np.ndarray:
    fen = np.asarray(fen, dtype=np.int64)
    return np.char.add(np.char.add((fen // 100).astype(str), "."), np.char.zfill((fen % 100).astype(str), 2))


def tables(people: int = 40, bills_per_person: int = 5, seed: int = 1, shuffle: bool = True):
    """(bills, lines) DataFrames with decimals as text, dates over 2025-2026,
    rows shuffled (settle_frame must order each person's bills itself)."""
    rng = np.random.default_rng(seed)
    n = people * bills_per_person
    person = np.repeat(np.arange(people), bills_per_person)
    p_scheme = np.where(rng.random(people) < 0.35, "resident", "employee")
    p_status = np.where(rng.random(people) < 0.25, "retired", "active")
    p_group = rng.choice(["none", "none", "none", "dibao", "tekun"], people)
    day = rng.integers(0, 730, n)
    bills = pd.DataFrame({
        "bill_id": np.char.add("B", np.char.zfill(np.arange(n).astype(str), 6)),
        "person_id": np.char.add("P", np.char.zfill(person.astype(str), 5)),
        "scheme": p_scheme[person],
        "status": p_status[person],
        "group": p_group[person],
        "account_balance": _money(rng.integers(0, 200000, n)),
        "visit_type": rng.choice(["inpatient", "outpatient", "chronic"], n, p=[0.45, 0.4, 0.15]),
        "level": rng.integers(0, 4, n),
        "location": rng.choice(["local", "cross_city", "cross_province"], n, p=[0.6, 0.2, 0.2]),
        "filing": rng.choice(["long_term", "temporary", "referral", "emergency", "unfiled"], n),
        "date": (np.datetime64("2025-01-01") + day.astype("timedelta64[D]")).astype(str),
    })
    per_bill = rng.integers(1, 7, n)
    bill_of = np.repeat(np.arange(n), per_bill)
    m = bill_of.size
    code = rng.choice(_CODES, m)
    own = code == "OWN"
    qty = rng.integers(1, 6, m)
    price = rng.integers(100, 400_000, m)  # fen: 1.00 .. 4,000.00 yuan
    lines = pd.DataFrame({
        "bill_id": bills["bill_id"].to_numpy()[bill_of],
        "code": np.where(own, np.char.add("X", rng.integers(0, 99, m).astype(str)), code),
        "name": "item",
        "class": np.where(own, rng.choice(["A", "B", "C"], m), ""),
        "selfpay_ratio": np.where(own & (rng.random(m) < 0.5), "0.15", ""),
        "qty": qty.astype(str),
        "price": _money(price),
        "amount": _money(qty * price),
    })
    if shuffle:
        bills = bills.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        lines = lines.sample(frac=1.0, random_state=seed + 1).reset_index(drop=True)
    return bills, lines


def bill_json(bills: pd.DataFrame, lines: pd.DataFrame, bill_id: str, ytd: dict | None = None) -> dict:
    """The bill JSON of one table row (for comparisons with settle / the CLI)."""
    b = bills[bills["bill_id"] == bill_id].iloc[0]
    ls = lines[lines["bill_id"] == bill_id]
    out_lines = []
    for _, r in ls.iterrows():
        item = {"code": r["code"], "name": r["name"], "qty": r["qty"], "price": r["price"], "amount": r["amount"]}
        if r["class"]:
            item["class"] = r["class"]
        if r["selfpay_ratio"]:
            item["selfpay_ratio"] = r["selfpay_ratio"]
        out_lines.append(item)
    bill = {
        "id": b["bill_id"],
        "person": {"id": b["person_id"], "scheme": b["scheme"], "status": b["status"], "group": b["group"],
                   "account_balance": b["account_balance"]},
        "visit": {"type": b["visit_type"], "level": int(b["level"]), "location": b["location"],
                  "filing": b["filing"], "date": b["date"]},
        "lines": out_lines,
    }
    if ytd is not None:
        bill["ytd"] = ytd
    return bill


if __name__ == "__main__":  # pragma: no cover
    bs, ls = tables(2, 2)
    print(json.dumps(bill_json(bs, ls, bs["bill_id"][0]), indent=1))
