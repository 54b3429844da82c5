"""The person's and visit's facts and the named pool totals (docs/bill-format.md)
through yibao.settle (dict) and settle_frame: optional columns with the bulk
CSV's names, bool columns as true/false, chronic codes as a list or "I10;E11",
errors with the table's path."""

import decimal
import json
import os
import pathlib

import pandas as pd
import pytest

import yibao

SOURCE = pathlib.Path(os.environ.get("YIBAO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
CAPI = SOURCE / "tests" / "data" / "capi"

FACTS = {"birth_date": "1958-11-30", "tier": 2, "family_doctor": True, "chronic": ["I10", "E11"],
         "enrolled_years": 12, "claim_free_years": 3, "lapsed_years": 2, "back_paid_years": 1,
         "account_earlier": "45.60", "family_account": "7.00"}
VISIT_FACTS = {"contracted": True, "unfiled_before": 2}


@pytest.fixture(scope="module")
def engine():
    return yibao.Tariff.from_file(str(CAPI / "tariff.toml")), yibao.Catalog.from_file(str(CAPI / "catalog.csv"))


def bill():
    return json.loads((CAPI / "bill.json").read_text())


def tables(b):
    row = {"bill_id": b["id"], "person_id": b["person"]["id"], "scheme": b["person"]["scheme"],
           "account_balance": b["person"]["account_balance"], "visit_type": b["visit"]["type"],
           "level": b["visit"]["level"], "location": b["visit"]["location"], "filing": b["visit"]["filing"],
           "date": b["visit"]["date"]}
    lines = pd.DataFrame([dict({"bill_id": b["id"]}, **line) for line in b["lines"]]).fillna("").astype(str)
    return row, lines


def test_settle_dict_with_facts_and_pools(engine):
    tariff, catalog = engine
    plain = yibao.settle(tariff, catalog, bill())
    b = bill()
    b["person"].update(FACTS)
    b["visit"].update(VISIT_FACTS)
    b["ytd"]["pools"] = {"outpatient": {"period_from": "2025-01-01", "paid": "2.00"}}
    got = yibao.settle(tariff, catalog, b)
    pools = got["ytd"].pop("pools")
    assert pools == {"outpatient": {"period_from": "2025-01-01", "deductible_paid": "0.00", "paid": "2.00",
                                    "base": "0.00"}}
    assert got == plain  # nothing reads the facts yet; the pools are carried
    as_decimal = yibao.settle(tariff, catalog, b, money="decimal")
    assert as_decimal["ytd"]["pools"]["outpatient"]["paid"] == decimal.Decimal("2.00")
    b["ytd"]["pools"]["outpatient"]["paid"] = "2.001"
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.settle(tariff, catalog, b)
    assert e.value.path == "ytd.pools.outpatient.paid"


def test_settle_frame_reads_the_facts_columns(engine):
    tariff, catalog = engine
    row, lines = tables(bill())
    plain = yibao.settle_frame(tariff, catalog, pd.DataFrame([row]), lines)
    with_facts = dict(row, **FACTS, **VISIT_FACTS)
    got = yibao.settle_frame(tariff, catalog, pd.DataFrame([with_facts]), lines)
    pd.testing.assert_frame_equal(got, plain)
    # Text cells as in the bulk CSV, and a float tier column with a missing value.
    as_text = dict(with_facts, family_doctor="true", chronic="I10;E11", contracted="false")
    two = pd.DataFrame([as_text, dict(as_text, bill_id="B2", tier=None, chronic=[])])
    out = yibao.settle_frame(tariff, catalog, two, pd.concat([lines, lines.assign(bill_id="B2")]))
    assert out["ok"].all()


@pytest.mark.parametrize("column,value,path,message", [
    ("family_doctor", "yes", "bills[0].family_doctor", 'expected true or false, found "yes"'),
    ("contracted", 1, "bills[0].contracted", 'expected true or false, found "1"'),
    ("tier", 4, "bills[0].tier", "must be between 0 and 3, found 4"),
    ("chronic", ["I10", ""], "bills[0].chronic[1]", "must not be empty"),
    ("birth_date", "2025-03-20", "bills[0].birth_date", "must not be after visit.date (2025-03-19), found 2025-03-20"),
    ("unfiled_before", -1, "bills[0].unfiled_before", "must be between 0 and 1000000, found -1"),
    ("visit_type", "birth", "bills[0].visit_type", 'unknown value "birth"'),
])
def test_settle_frame_facts_errors_name_the_column(engine, column, value, path, message):
    tariff, catalog = engine
    row, lines = tables(bill())
    bills = pd.DataFrame([dict(row, **{column: value})])
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.settle_frame(tariff, catalog, bills, lines)
    assert e.value.path == path
    assert message in str(e.value)
    out = yibao.settle_frame(tariff, catalog, bills, lines, errors="collect")
    assert not out["ok"].iloc[0] and path in out["error"].iloc[0]


def test_bill_columns_list_the_facts():
    for name in list(FACTS) + list(VISIT_FACTS):
        assert name in yibao.BILL_COLUMNS
