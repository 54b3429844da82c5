"""Issue 11 item 1: one validator behind every entry point. Each case of the
bad-bill corpus with a .rule file (tests/data/bad_bills/, see
tests/unit/bad_bill_rules_test.cpp) is settled through yibao.settle (dict and
JSON text) and, when bulk input can carry it, settle_frame; each must fail
with the case's error code and field path (the table's path for frames)."""

import json
import os
import pathlib
import re

import pandas as pd
import pytest

import yibao

SOURCE = pathlib.Path(os.environ.get("YIBAO_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
CORPUS = SOURCE / "tests" / "data" / "bad_bills"
CAPI = SOURCE / "tests" / "data" / "capi"

BILL_COLUMNS = {  # bill JSON path -> bills table column
    "id": "bill_id", "person.id": "person_id", "person.scheme": "scheme", "person.status": "status",
    "person.group": "group", "person.coverage": "coverage", "person.account_balance": "account_balance",
    "person.rejoined": "rejoined", "visit.type": "visit_type", "visit.level": "level",
    "visit.location": "location", "visit.filing": "filing", "visit.admission": "admission",
    "visit.date": "date", "visit.disease": "disease", "visit.transfer_from_level": "transfer_from_level",
    "person.birth_date": "birth_date", "person.tier": "tier", "person.family_doctor": "family_doctor",
    "person.chronic": "chronic", "person.enrolled_years": "enrolled_years",
    "person.claim_free_years": "claim_free_years", "person.lapsed_years": "lapsed_years",
    "person.back_paid_years": "back_paid_years", "person.account_earlier": "account_earlier",
    "person.family_account": "family_account", "visit.contracted": "contracted",
    "visit.unfiled_before": "unfiled_before",
}


def rule_cases():
    out = []
    for rule in sorted(CORPUS.glob("*.rule")):
        fields = dict(line.split(": ", 1) for line in rule.read_text().splitlines() if ": " in line)
        out.append(pytest.param(rule.stem, fields, id=rule.stem))
    return out


@pytest.fixture(scope="module")
def engine():
    return yibao.Tariff.from_file(str(CAPI / "tariff.toml")), yibao.Catalog.from_file(str(CAPI / "catalog.csv"))


def frames(bill):
    row = {"bill_id": bill["id"]}
    for path, column in BILL_COLUMNS.items():
        obj, _, name = path.partition(".")
        if name and name in bill.get(obj, {}):
            row[column] = bill[obj][name]
    lines = [dict({"bill_id": bill["id"]}, **line) for line in bill["lines"]]
    return pd.DataFrame([row]), pd.DataFrame(lines).fillna("").astype(str)


def table_path(path):
    if path.startswith("lines["):
        return path  # one bill: its line k is row k of the lines table
    field, bracket, index = path.partition("[")  # an item of a list column keeps its index
    return "bills[0]." + BILL_COLUMNS[field] + bracket + index


def test_Issue11_Item1_corpus_has_the_rules():
    assert len(rule_cases()) >= 18


@pytest.mark.parametrize("name,rule", rule_cases())
def test_Issue11_Item1_same_code_and_path(engine, name, rule):
    tariff, catalog = engine
    text = (CORPUS / f"{name}.json").read_text()
    bill = json.loads(text)
    for given in (bill, text):
        with pytest.raises(yibao.Error) as e:
            yibao.settle(tariff, catalog, given)
        assert (e.value.code, e.value.path) == (rule["code"], rule["path"]), (name, rule["rule"], str(e.value))
    if rule["bulk"] == "yes":
        bills, lines = frames(bill)
        with pytest.raises(yibao.Error) as e:
            yibao.settle_frame(tariff, catalog, bills, lines)
        assert (e.value.code, e.value.path) == (rule["code"], table_path(rule["path"])), (name, str(e.value))
        # Collected, the bill's row carries the same code.
        out = yibao.settle_frame(tariff, catalog, bills, lines, errors="collect")
        assert not out["ok"].iloc[0]
        assert out["error_code"].iloc[0] == rule["code"]
        assert re.search(re.escape(table_path(rule["path"])), out["error"].iloc[0]), out["error"].iloc[0]


def test_Issue11_Item1_empty_bill_id_is_a_collected_row(engine):
    """An empty bill_id, collected: the bill's own error row with validate()'s
    code and the table's path of `id`, beside settled bills; its line rows
    (bill_id "") join no bill. Without collect it stays the table's error."""
    tariff, catalog = engine
    bill = json.loads((CORPUS / "47_empty_bill_id.json").read_text())
    b1, l1 = frames(dict(bill, id="GOOD1"))
    b0, l0 = frames(bill)
    b2, l2 = frames(dict(bill, id="GOOD2", person=dict(bill["person"], id="P2")))
    bills = pd.concat([b1, b0, b0.assign(person_id="P3"), b2], ignore_index=True)
    lines = pd.concat([l1, l0, l2], ignore_index=True)
    out = yibao.settle_frame(tariff, catalog, bills, lines, errors="collect")
    assert out["ok"].tolist() == [True, False, False, True]
    for i in (1, 2):
        assert out["error_code"].iloc[i] == "invalid_argument"
        assert out["error"].iloc[i] == f"bills[{i}].bill_id: must not be empty"
        assert out["lines"].iloc[i] == 0 and out["psn_part_amt"].iloc[i] == 0
    assert out["lines"].tolist()[::3] == [2, 2]
    # The good bills settle as they do alone.
    alone = yibao.settle_frame(tariff, catalog, b1, l1)
    assert out.iloc[[0]].drop(columns="lines").equals(alone.drop(columns="lines"))
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.settle_frame(tariff, catalog, bills, lines)
    assert (e.value.code, e.value.path) == ("invalid_argument", "bills[1].bill_id")
