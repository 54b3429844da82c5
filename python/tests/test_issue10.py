"""Regression tests for issue #10 (items 5, 15, 20 and 21, the Python package):
ids must be text, file errors are yibao.IoError, a pickled Tariff carries the
files it extends, and settle_frame applies the bill reader's checks and limits."""

import decimal
import json
import os
import pickle
import shutil

import numpy as np
import pandas as pd
import pytest

import synth
import yibao


def two_people():
    """Two people whose 18-digit ids are distinct as text and equal as float64,
    each with one inpatient bill in the same year."""
    ids = ["110101199001011234", "110101199001011235"]
    assert float(ids[0]) == float(ids[1])
    bills = pd.DataFrame({
        "bill_id": ["B1", "B2"], "person_id": ids, "scheme": "employee", "visit_type": "inpatient",
        "level": [3, 3], "location": "local", "date": ["2025-03-01", "2025-04-01"],
    })
    lines = pd.DataFrame({"bill_id": ["B1", "B2"], "code": "A001", "qty": "10", "price": "120.00"})
    return bills, lines


# --- item 5: ids are text ----------------------------------------------------

def test_issue10_item5_float_person_id_is_an_error(tariff, catalog):
    bills, lines = two_people()
    as_text = yibao.settle_frame(tariff, catalog, bills, lines)
    # Each person pays their own deductible: nobody's year-to-date is carried into another's.
    assert list(as_text["act_pay_dedc"]) == [80000, 80000]
    # What pandas makes of the column when one id is blank: float64 with a NaN.
    floats = pd.concat([bills, bills.head(1).assign(bill_id="B3", person_id=None)], ignore_index=True)
    floats["person_id"] = pd.to_numeric(floats["person_id"])
    assert floats["person_id"].dtype == np.float64 and floats["person_id"].isna().any()
    lines3 = pd.concat([lines, lines.head(1).assign(bill_id="B3")], ignore_index=True)
    for errors in ("raise", "collect"):
        with pytest.raises(yibao.InvalidArgument, match=r"^bills\.person_id: ids and codes must be text") as e:
            yibao.settle_frame(tariff, catalog, floats, lines3, errors=errors)
        assert e.value.path == "bills.person_id" and "float64" in str(e.value)


@pytest.mark.parametrize("table,column,values", [
    ("bills", "person_id", [110101199001011234, 110101199001011235]),  # int64: leading zeros lost
    ("bills", "bill_id", [1, 2]),
    ("bills", "person_id", ["110101199001011234", 110101199001011235]),  # object, mixed str and int
    ("bills", "disease", [1.0, np.nan]),
    ("lines", "bill_id", [1.0, 2.0]),
    ("lines", "code", [1001, 1002]),
])
def test_issue10_item5_every_id_and_code_column_must_be_text(tariff, catalog, table, column, values):
    bills, lines = two_people()
    frames = {"bills": bills, "lines": lines}
    frames[table] = frames[table].assign(**{column: pd.Series(values)})
    with pytest.raises(yibao.InvalidArgument, match=rf"^{table}\.{column}: ids and codes must be text"):
        yibao.settle_frame(tariff, catalog, frames["bills"], frames["lines"], errors="collect")


def test_issue10_item5_text_ids_in_any_text_dtype(tariff, catalog):
    bills, lines = two_people()
    want = yibao.settle_frame(tariff, catalog, bills, lines)
    for dtype in ("string", "category"):
        got = yibao.settle_frame(tariff, catalog, bills.astype({"person_id": dtype, "bill_id": dtype}),
                                 lines.astype({"bill_id": dtype, "code": dtype}))
        pd.testing.assert_frame_equal(got, want)
    # A missing id in a text column is a bad row, not a table error.
    b2 = bills.assign(person_id=[None, bills["person_id"][1]])
    got = yibao.settle_frame(tariff, catalog, b2, lines, errors="collect")
    assert list(got["ok"]) == [False, True]
    assert got["error"][0] == "bill B1: bills[0].person_id: missing required field"


def test_issue10_item5_no_silent_type_coercion(tariff, catalog):
    """The class: a boolean column, a datetime with a time of day, an integer
    column holding a float that is not an exact integer, a column twice."""
    bills, lines = two_people()
    cases = [
        (bills.assign(level=[True, False]), lines, r"^bills\.level: expected text or numbers, found a bool column"),
        (bills.assign(date=pd.to_datetime(["2025-03-01 10:30", "2025-04-01"])), lines,
         r"^bills\.date: expected dates, found a datetime with a time of day"),
        (bills.assign(level=[3.0, 2.5]), lines, r"^bills\.level: expected integers"),
        (bills.assign(admission=[1.0, 2.0**60]), lines, r"^bills\.admission: expected integers"),
        (pd.concat([bills, bills[["level"]]], axis=1), lines, r"^bills\.level: column appears twice"),
        (bills, lines.assign(qty=[True, True]), r"^lines\.qty: expected text or numbers, found a bool column"),
    ]
    for b, ln, message in cases:
        with pytest.raises(yibao.InvalidArgument, match=message):
            yibao.settle_frame(tariff, catalog, b, ln, errors="collect")
    # Integral floats in an integer column (pandas' float for a column with a blank) stay exact.
    got = yibao.settle_frame(tariff, catalog, bills.assign(level=[3.0, 3.0], admission=[1.0, np.nan]), lines)
    pd.testing.assert_frame_equal(got, yibao.settle_frame(tariff, catalog, bills, lines))


def test_issue10_item5_dask_refuses_float_ids(tariff, catalog):
    pytest.importorskip("dask.dataframe")
    import yibao.dask

    bills, lines = two_people()
    floats = bills.assign(person_id=pd.to_numeric(bills["person_id"]))
    with pytest.raises(yibao.InvalidArgument, match=r"^bills\.person_id: ids and codes must be text"):
        yibao.dask.settle(floats, lines, tariff, catalog)
    # Missing ids stay missing (never the text "None" or "nan", which would be a person).
    b2 = bills.assign(person_id=[None, bills["person_id"][1]])
    got = yibao.dask.settle(b2, lines, tariff, catalog, npartitions=1).compute(scheduler="sync")
    assert sorted(got["ok"]) == [False, True]


# --- item 21: the bill reader's checks and limits -------------------------------

# (column, bad text): each beyond a limit of docs/bill-format.md.
LIMITS = [
    ("qty", "1000000.0001"),             # quantities <= 1,000,000 units
    ("price", "1000000000.000001"),      # prices <= 1,000,000,000 yuan
    ("price_limit", "1000000000.000001"),
    ("amount", "1000000000.01"),         # money <= 1,000,000,000.00 yuan
    ("selfpay_ratio", "1.000001"),
]


def test_issue10_item21_limits_as_in_the_bill_json(tariff, catalog):
    """settle_frame rejects what the bill JSON reader (estimate, simulate)
    rejects, with the same words; the table path replaces the JSON path."""
    bills, lines = two_people()
    bill = {"id": "B1", "person": {"id": "P1", "scheme": "employee"},
            "visit": {"type": "inpatient", "level": 3, "location": "local", "date": "2025-03-01"},
            "lines": [{"code": "A001", "qty": "10", "price": "120.00", "amount": "1200.00"}]}
    for column, text in LIMITS:
        ln = lines.assign(**{column: [text, lines[column][1] if column in lines else ""]})
        b = json.loads(json.dumps(bill))
        b["lines"][0][column] = text
        with pytest.raises(yibao.InvalidArgument) as want:
            yibao.settle(tariff, catalog, b)
        assert want.value.path == f"lines[0].{column}"
        what = str(want.value)[len(want.value.path) + 2:]
        with pytest.raises(yibao.InvalidArgument) as got:
            yibao.settle_frame(tariff, catalog, bills, ln)
        assert str(got.value) == f"bill B1: lines[0].{column}: {what}", column
        collected = yibao.settle_frame(tariff, catalog, bills, ln, errors="collect")
        assert list(collected["ok"]) == [False, True]
        assert collected["error"][0] == f"bill B1: lines[0].{column}: {what}"
    # Bill cells too: admission is an integer 1..1,000,000, the balance is money.
    for column, text, what in [("admission", "0", "must be between 1 and 1000000, found 0"),
                               ("account_balance", "1000000000.01", None)]:
        b2 = bills.assign(**{column: [text, ""]})
        got = yibao.settle_frame(tariff, catalog, b2, lines, errors="collect")
        assert list(got["ok"]) == [False, True]
        assert got["error"][0].startswith(f"bill B1: bills[0].{column}: "), got["error"][0]
        if what:
            assert got["error"][0].endswith(what)


def test_issue10_item21_overflow_is_a_row_error(tariff, catalog):
    """qty x price beyond int64 fen: was a bare OverflowError even with
    errors="collect"; now the bad row is rejected like any other."""
    bills, lines = two_people()
    huge = lines.assign(qty=["999999999999", "10"], price=["999999999", "120.00"])
    got = yibao.settle_frame(tariff, catalog, bills, huge, errors="collect")
    assert list(got["ok"]) == [False, True]
    assert got["error_code"][0] == "invalid_argument" and got["error"][0].startswith("bill B1: lines[0].qty: ")
    with pytest.raises(yibao.InvalidArgument, match=r"^bill B1: lines\[0\]\.qty: "):
        yibao.settle_frame(tariff, catalog, bills, huge)
    for threads in (1, 2):  # no exception may escape a worker thread either
        got = yibao.settle_frame(tariff, catalog, bills, huge, errors="collect", threads=threads)
        assert list(got["ok"]) == [False, True]


def test_issue10_item21_to_yuan_converts_every_money_column(tariff, catalog):
    bills, lines = synth.tables(people=6, bills_per_person=3, seed=4)
    fen = yibao.settle_frame(tariff, catalog, bills, lines)
    assert set(yibao.frame.FEN_COLUMNS) == {c for c in fen.columns if fen[c].dtype == np.int64} - {
        "level", "admission", "year", "lines"}
    capped = [c for c in yibao.frame.CAP_LEFT_COLUMNS if (fen[c] >= 0).any()]
    assert capped, "the fixture must have a layer with a cap"
    for as_text in (False, True):
        yuan = yibao.to_yuan(fen, as_text=as_text)
        for c in yibao.frame.FEN_COLUMNS:
            for f, y in zip(fen[c], yuan[c]):
                if c in yibao.frame.CAP_LEFT_COLUMNS and f < 0:
                    assert y is None, c
                else:
                    assert decimal.Decimal(y) * 100 == f and isinstance(y, str if as_text else decimal.Decimal), c
    dec = yibao.settle_frame(tariff, catalog, bills, lines, money="decimal")
    pd.testing.assert_frame_equal(dec, yibao.to_yuan(fen))


# --- item 15: file errors are yibao.IoError ---------------------------------------

def test_issue10_item15_directory_is_an_io_error(tmp_path):
    for load in (yibao.Tariff.from_file, yibao.Catalog.from_file):
        with pytest.raises(yibao.IoError, match="a directory"):
            load(tmp_path)
        with pytest.raises(yibao.IoError):
            load(tmp_path / "absent.toml")
        os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
        with pytest.raises(yibao.IoError):
            load(tmp_path / "dangling")
        os.unlink(tmp_path / "dangling")
    # A tariff extending a directory: a tariff diagnostic, not a RuntimeError.
    (tmp_path / "sub").mkdir()
    child = tmp_path / "child.toml"
    child.write_text(CHILD.replace("base.toml", "sub"), encoding="utf-8")
    with pytest.raises(yibao.InvalidArgument, match="readable tariff file"):
        yibao.Tariff.from_file(child)


def test_issue10_item15_dask_read_csv_missing_file_is_an_io_error(tmp_path):
    pytest.importorskip("dask.dataframe")
    import yibao.dask

    with pytest.raises(yibao.IoError):
        yibao.dask.read_csv(str(tmp_path / "absent-*.csv"))


# --- item 20: a pickled Tariff carries what it extends ------------------------------

CHILD = """[tariff]
id = "pytest-child"
name = "child of the python test tariff"
place = "nowhere"
valid_from = 2025-01-01
valid_to = 2026-12-31
extends = "base.toml"
assumed = "test fixture"
"""


def test_issue10_item20_pickle_carries_the_extends_closure(tmp_path, catalog):
    parent_dir = tmp_path / "parent"
    parent_dir.mkdir()
    base = parent_dir / "base.toml"
    shutil.copyfile(synth.TARIFF, base)
    middle = parent_dir / "middle.toml"
    middle.write_text(CHILD.replace("pytest-child", "pytest-middle"), encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text(CHILD.replace("base.toml", "parent/middle.toml"), encoding="utf-8")
    t = yibao.Tariff.from_file(child)
    with open(synth.DATA + "/bill.json", encoding="utf-8") as f:
        bill = json.load(f)
    want = yibao.settle(t, catalog, bill)
    blob = pickle.dumps(t)

    # The parents gone: the unpickled tariff is whole and settles the same.
    shutil.rmtree(parent_dir)
    t2 = pickle.loads(blob)
    assert (t2.id, t2.file) == (t.id, t.file)
    assert yibao.settle(t2, catalog, bill) == want
    with pytest.raises(yibao.InvalidArgument):
        yibao.Tariff.from_file(child)  # what a host without the parents saw before

    # A different parent on disk does not change the unpickled tariff.
    parent_dir.mkdir()
    shutil.copyfile(synth.TARIFF, base)
    middle.write_text(CHILD.replace("pytest-child", "pytest-middle"), encoding="utf-8")
    text = base.read_text(encoding="utf-8")
    assert 'deductible = "800.00"' in text
    base.write_text(text.replace('deductible = "800.00"', 'deductible = "900.00"', 1), encoding="utf-8")
    changed = yibao.settle(yibao.Tariff.from_file(child), catalog, bill)
    assert changed["hifp_pay"] != want["hifp_pay"]
    t3 = pickle.loads(blob)
    assert yibao.settle(t3, catalog, bill) == want
    assert yibao.settle(pickle.loads(pickle.dumps(t3)), catalog, bill) == want


def test_issue10_item5_summary_thresholds_are_never_truncated(tariff, catalog):
    """The class in summary.py: a threshold was cut to the fen ("1000.555" ->
    1000.55) and a negative one lost its sign; now read as the CLI reads it."""
    bills, lines = synth.tables(people=2, bills_per_person=2)
    settled = yibao.settle_frame(tariff, catalog, bills, lines)
    ok = yibao.summarize(settled, thresholds=("1000", "5000.5", 10000, decimal.Decimal("2.25")))
    assert [t["threshold"] for t in ok["base"]["bills_above"]] == ["1000.00", "5000.50", "10000.00", "2.25"]
    for bad in ("1000.555", "-5.50", 0.1 + 0.2, True, "1e3"):
        with pytest.raises(yibao.InvalidArgument, match="thresholds: expected an amount in yuan"):
            yibao.summarize(settled, thresholds=(bad,))


def test_issue10_item21_bill_bytes_go_to_the_bill_reader(tariff, catalog):
    """Bytes that are not UTF-8 were a bare UnicodeDecodeError; now the bill
    reader's error, as `yibao estimate` gives it."""
    with open(synth.DATA + "/bill.json", "rb") as f:
        good = f.read()
    assert yibao.settle(tariff, catalog, good) == yibao.settle(tariff, catalog, good.decode("utf-8"))
    bad = good.replace(b'"P1"', b'"P\xff1"')
    with pytest.raises(yibao.InvalidArgument, match="invalid UTF-8 at byte offset"):
        yibao.settle(tariff, catalog, bad)


def test_issue10_item21_bill_line_limit(tariff, catalog):
    """The bill reader's limit on lines (yibao::max_bill_lines) holds for a
    table bill too: one line more is a row error, the other bills settle."""
    bills, lines = two_people()
    n = 1_000_001
    many = pd.concat([pd.DataFrame({"bill_id": pd.Series(["B1"] * n, dtype=object), "code": "A001",
                                    "qty": "1", "price": "0.01"}), lines[lines["bill_id"] == "B2"]],
                     ignore_index=True)
    got = yibao.settle_frame(tariff, catalog, bills, many, errors="collect")
    assert list(got["ok"]) == [False, True]
    assert got["error"][0] == "bill B1: bills[0]: 1000001 lines exceed the limit 1000000"
    assert got["lines"][0] == n
