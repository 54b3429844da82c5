"""Regression tests for issue #11 item 3: the Python columns come from the
one field table, so every money field and year-to-date total of a settlement
is a result column of settle_frame, in the order of the settlement JSON."""

import decimal

import pandas as pd

import yibao


def test_issue11_item3_every_settlement_field_is_a_column(tariff, catalog):
    bills = pd.DataFrame({
        "bill_id": ["B1"], "person_id": ["P1"], "scheme": "employee", "visit_type": "inpatient",
        "level": [3], "location": "local", "date": ["2025-03-01"],
    })
    lines = pd.DataFrame({"bill_id": ["B1"], "code": "A001", "qty": "10", "price": "120.00"})
    frame = yibao.settle_frame(tariff, catalog, bills, lines)
    bill = {"id": "B1", "person": {"id": "P1", "scheme": "employee"},
            "visit": {"type": "inpatient", "level": 3, "location": "local", "date": "2025-03-01"},
            "lines": [{"code": "A001", "qty": "10", "price": "120.00", "amount": "1200.00"}]}
    s = yibao.settle(tariff, catalog, bill)
    money_keys = [k for k in s if k in yibao.MONEY_COLUMNS]
    assert money_keys == list(yibao.MONEY_COLUMNS)  # every field, in the JSON's order
    assert [f"ytd_{k}" for k in s["ytd"]] == list(yibao.YTD_COLUMNS)
    for name in yibao.MONEY_COLUMNS:
        assert int(frame[name].iloc[0]) == int(decimal.Decimal(s[name]) * 100), name
    for name in yibao.YTD_COLUMNS:
        assert int(frame[name].iloc[0]) == int(decimal.Decimal(s["ytd"][name.removeprefix("ytd_")]) * 100), name
    assert set(yibao.MONEY_COLUMNS + yibao.YTD_COLUMNS) <= set(yibao.frame.FEN_COLUMNS)
