"""The Python package against the C++ engine: settle() and settle_frame()
give the settlement of `yibao estimate --json`, and errors carry the engine's
message and code."""

import copy
import decimal
import json
import os
import pickle
import subprocess
import threading

import pandas as pd
import pytest

import synth
import yibao

CLI = os.environ.get("YIBAO_CLI", "")
needs_cli = pytest.mark.skipif(not (CLI and os.access(CLI, os.X_OK)), reason="YIBAO_CLI not set (run via ctest)")
BILL = os.path.join(synth.DATA, "bill.json")


def bill():
    with open(BILL, encoding="utf-8") as f:
        return json.load(f)


def estimate(tmp_path, b, *extra):
    path = tmp_path / "bill.json"
    path.write_text(json.dumps(b, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([CLI, "estimate", "--tariff", synth.TARIFF, "--catalog", synth.CATALOG, "--json",
                           *extra, str(path)], capture_output=True, text=True), str(path)


# --- loading --------------------------------------------------------------

def test_tariff_and_catalog_load(tariff, catalog):
    assert tariff.id == "pytest-2025"
    assert (tariff.valid_from, tariff.valid_to, tariff.rounding) == ("2025-01-01", "2026-12-31", "half_up")
    assert len(catalog) == 5 and "B001" in catalog and "nope" not in catalog
    assert yibao.__version__.count(".") == 2


def test_from_text_and_pickle(tariff, catalog):
    with open(synth.TARIFF, encoding="utf-8") as f:
        t2 = yibao.Tariff.from_text(f.read(), "fixture.toml")
    assert t2.id == tariff.id and t2.file == "fixture.toml"
    t3, c3 = pickle.loads(pickle.dumps((tariff, catalog)))
    assert yibao.settle(t3, c3, bill()) == yibao.settle(tariff, catalog, bill())


def test_bad_tariff_raises_with_every_diagnostic():
    text = '[tariff]\nid = "x"\nname = "x"\nplace = "x"\nvalid_from = 2025-01-01\nvalid_to = 2025-12-31\n' \
           'rounding = "half_up"\n\n[[rule]]\ndeductible = 800.5\nbands = [ { ratio = 0.85 } ]\n'
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.Tariff.from_text(text, "bad.toml")
    assert e.value.code == "invalid_argument"
    assert len(e.value.diagnostics) >= 2
    assert all(d.startswith("bad.toml:") and ": error: " in d for d in e.value.diagnostics)
    assert e.value.message == e.value.diagnostics[0]


def test_missing_file_is_io_error():
    with pytest.raises(yibao.IoError) as e:
        yibao.Tariff.from_file("/nonexistent/t.toml")
    assert isinstance(e.value, OSError) and e.value.code == "io_error"
    assert str(e.value) == "cannot read tariff /nonexistent/t.toml: No such file or directory"
    with pytest.raises(yibao.IoError):
        yibao.Catalog.from_file("/nonexistent/c.csv")


# --- settle() ---------------------------------------------------------------

@needs_cli
def test_settle_equals_cli(tmp_path, tariff, catalog):
    proc, _ = estimate(tmp_path, bill())
    assert proc.returncode == 0, proc.stderr
    assert yibao.settle(tariff, catalog, bill()) == json.loads(proc.stdout)


@needs_cli
def test_settle_trace_and_filing_equal_cli(tmp_path, tariff, catalog):
    b = bill()
    b["visit"]["filing"] = "unfiled"
    proc, _ = estimate(tmp_path, b, "--explain")
    assert proc.returncode == 0, proc.stderr
    # --json --explain prints the settlement with its trace.
    assert yibao.settle(tariff, catalog, b, trace=True) == json.loads(proc.stdout)
    assert yibao.settle(tariff, catalog, bill(), filing="unfiled") == yibao.settle(tariff, catalog, b)


def test_settle_text_bytes_and_decimal(tariff, catalog):
    b = bill()
    as_dict = yibao.settle(tariff, catalog, b)
    assert yibao.settle(tariff, catalog, json.dumps(b)) == as_dict
    assert yibao.settle(tariff, catalog, json.dumps(b).encode()) == as_dict
    d = yibao.settle(tariff, catalog, b, money="decimal")
    assert d["hifp_pay"] == decimal.Decimal(as_dict["hifp_pay"])
    assert d["setldetail"][0]["fund_payamt"] == decimal.Decimal(as_dict["setldetail"][0]["fund_payamt"])
    assert d["ytd"]["hifp_paid"] == decimal.Decimal(as_dict["ytd"]["hifp_paid"])
    # Decimal values in a bill dict are written as their exact text.
    b2 = copy.deepcopy(b)
    b2["person"]["account_balance"] = decimal.Decimal("800.00")
    assert yibao.settle(tariff, catalog, b2) == as_dict


@pytest.mark.parametrize("mutate, cls, code", [
    (lambda b: b["lines"][0].update(amount="1200.01"), yibao.InvalidArgument, "invalid_argument"),
    (lambda b: b["visit"].update(level=7), yibao.InvalidArgument, "invalid_argument"),
    (lambda b: b["lines"][0].update(code="ZZZ"), yibao.NotFound, "not_found"),
    (lambda b: b["visit"].update(date="2027-01-01"), yibao.OutOfRange, "out_of_range"),
    (lambda b: b.update(bogus=1), yibao.InvalidArgument, "invalid_argument"),
])
def test_settle_errors(tmp_path, tariff, catalog, mutate, cls, code):
    b = bill()
    mutate(b)
    with pytest.raises(cls) as e:
        yibao.settle(tariff, catalog, b)
    assert isinstance(e.value, yibao.Error) and e.value.code == code
    if CLI and os.access(CLI, os.X_OK):
        proc, path = estimate(tmp_path, b)
        assert proc.returncode != 0
        assert proc.stderr.strip() == f"{path}: error: {e.value.message}"


def test_failed_precondition(catalog):
    with open(synth.TARIFF, encoding="utf-8") as f:
        text = f.read().replace('when = { visit = ["outpatient", "chronic"] }', 'when = { visit = "chronic" }')
    t = yibao.Tariff.from_text(text, "no-outpatient.toml")
    b = bill()
    b["visit"]["type"] = "outpatient"
    with pytest.raises(yibao.FailedPrecondition, match="has no basic-fund rule"):
        yibao.settle(t, catalog, b)


def test_catalog_may_be_none(tariff):
    b = bill()
    for line in b["lines"]:
        line.setdefault("class", "A")
    assert yibao.settle(tariff, None, b)["medfee_sumamt"] == "10884.83"


def test_settle_runs_in_threads(tariff, catalog):
    want = yibao.settle(tariff, catalog, bill())
    got = []

    def work():
        for _ in range(200):
            got.append(yibao.settle(tariff, catalog, bill()) == want)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 800 and all(got)


# --- settle_frame() ---------------------------------------------------------

def chained(tariff, catalog, bills, lines, year_start=(1, 1)):
    """Each person's bills in date order through settle(), carrying the ytd
    (reset when the calendar year changes) - the reference for settle_frame."""
    out = {}
    order = bills.assign(_pos=range(len(bills))).sort_values(["person_id", "date", "_pos"], kind="stable")
    person, year, ytd = None, None, None
    for _, row in order.iterrows():
        y = int(row["date"][:4])
        if (row["person_id"], y) != (person, year):
            person, year, ytd = row["person_id"], y, None
        s = yibao.settle(tariff, catalog, synth.bill_json(bills, lines, row["bill_id"], ytd))
        ytd = {k: v for k, v in s["ytd"].items()}
        out[row["bill_id"]] = s
    return out


def fen(text):
    return int(decimal.Decimal(text) * 100)


def test_settle_frame_equals_chained_settle(tariff, catalog):
    bills, lines = synth.tables(people=12, bills_per_person=6, seed=3)
    frame = yibao.settle_frame(tariff, catalog, bills, lines)
    assert list(frame.index) == list(bills.index) and frame["ok"].all()
    assert (frame["bill_id"] == bills["bill_id"]).all()
    want = chained(tariff, catalog, bills, lines)
    for _, row in frame.iterrows():
        s = want[row["bill_id"]]
        for f in yibao.MONEY_COLUMNS:
            assert row[f] == fen(s[f]), (row["bill_id"], f)
        for f in yibao.YTD_COLUMNS:
            assert row[f] == fen(s["ytd"][f[4:]]), (row["bill_id"], f)
        assert (row["filing"], row["direct"], row["eligible"]) == (s["filing"], s["direct"], s["eligible"])
    # Some person must actually carry totals across bills and years.
    assert (frame.groupby("person_id")["year"].nunique() > 1).any()
    assert (frame["act_pay_dedc"] < frame["ytd_deductible_paid"]).any()


@needs_cli
def test_settle_frame_equals_cli(tmp_path, tariff, catalog):
    bills, lines = synth.tables(people=2, bills_per_person=4, seed=5)
    frame = yibao.settle_frame(tariff, catalog, bills, lines).set_index("bill_id")
    order = bills.sort_values(["person_id", "date"], kind="stable")
    ytd, person, year = None, None, None
    for _, row in order.iterrows():
        if (row["person_id"], row["date"][:4]) != (person, year):
            person, year, ytd = row["person_id"], row["date"][:4], None
        proc, _ = estimate(tmp_path, synth.bill_json(bills, lines, row["bill_id"], ytd))
        assert proc.returncode == 0, proc.stderr
        s = json.loads(proc.stdout)
        ytd = s["ytd"]
        got = frame.loc[row["bill_id"]]
        assert [got[f] for f in yibao.MONEY_COLUMNS] == [fen(s[f]) for f in yibao.MONEY_COLUMNS]


def test_settle_frame_threads_give_the_same_result(tariff, catalog):
    bills, lines = synth.tables(people=50, bills_per_person=4, seed=13)
    one = yibao.settle_frame(tariff, catalog, bills, lines, threads=1)
    for n in (2, 3, 0):
        pd.testing.assert_frame_equal(yibao.settle_frame(tariff, catalog, bills, lines, threads=n), one)
    # Unknown items in two people's bills: the first in settlement order wins.
    bad = lines.copy()
    hit = bad["bill_id"].isin([bills["bill_id"].iloc[3], bills["bill_id"].iloc[150]])
    bad.loc[hit, "code"], bad.loc[hit, "class"] = "ZZZ", ""
    with pytest.raises(yibao.NotFound) as e1:
        yibao.settle_frame(tariff, catalog, bills, bad, threads=1)
    with pytest.raises(yibao.NotFound) as e4:
        yibao.settle_frame(tariff, catalog, bills, bad, threads=4)
    assert str(e1.value) == str(e4.value)


def test_settle_frame_money_options(tariff, catalog):
    bills, lines = synth.tables(people=3, bills_per_person=2)
    fen_frame = yibao.settle_frame(tariff, catalog, bills, lines)
    text = yibao.settle_frame(tariff, catalog, bills, lines, money="str")
    dec = yibao.settle_frame(tariff, catalog, bills, lines, money="decimal")
    assert fen_frame["hifp_pay"].dtype == "int64"
    assert [fen(v) for v in text["hifp_pay"]] == list(fen_frame["hifp_pay"])
    assert list(dec["hifp_pay"]) == [decimal.Decimal(v) for v in text["hifp_pay"]]


def test_settle_frame_typed_columns(tariff, catalog):
    """Datetimes, integer and float columns are converted exactly."""
    bills, lines = synth.tables(people=4, bills_per_person=3)
    want = yibao.settle_frame(tariff, catalog, bills, lines)
    b2 = bills.assign(date=pd.to_datetime(bills["date"]), account_balance=bills["account_balance"].astype(float))
    l2 = lines.assign(qty=lines["qty"].astype(int), price=lines["price"].astype(float)).drop(columns="amount")
    pd.testing.assert_frame_equal(yibao.settle_frame(tariff, catalog, b2, l2), want)


def test_settle_frame_errors(tariff, catalog):
    bills, lines = synth.tables(people=3, bills_per_person=2, shuffle=False)
    bad = lines.copy()
    bad.loc[bad["bill_id"] == "B000002", "code"] = "ZZZ"
    bad.loc[bad["bill_id"] == "B000002", "class"] = ""
    with pytest.raises(yibao.NotFound, match=r"^bill B000002: lines\[0\]\.code: item ZZZ is not in the catalog"):
        yibao.settle_frame(tariff, catalog, bills, bad)
    got = yibao.settle_frame(tariff, catalog, bills, bad, errors="collect")
    row = got.set_index("bill_id").loc["B000002"]
    assert not row["ok"] and row["error_code"] == "not_found" and row["hifp_pay"] == 0
    assert got["ok"].sum() == len(bills) - 1
    b2 = bills.copy()
    b2.loc[1, "level"] = 9
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.settle_frame(tariff, catalog, b2, lines)
    assert str(e.value) == "bill B000001: bills[1].level: must be between 0 and 3, found 9"
    assert e.value.path == "bills[1].level"
    with pytest.raises(yibao.InvalidArgument, match='no bill "NOPE" in the bills table'):
        yibao.settle_frame(tariff, catalog, bills, pd.concat([lines, lines.head(1).assign(bill_id="NOPE")]))
    with pytest.raises(yibao.InvalidArgument, match="bills.scheme: missing required column"):
        yibao.settle_frame(tariff, catalog, bills.drop(columns="scheme"), lines)
    with pytest.raises(yibao.InvalidArgument, match='duplicate bill id "B000000"'):
        yibao.settle_frame(tariff, catalog, pd.concat([bills, bills.head(1)]), lines)
    l2 = lines.assign(price=lines["price"].astype(float) + 0.001)
    with pytest.raises(yibao.InvalidArgument, match=r"lines\[0\]\.(price|amount)"):
        yibao.settle_frame(tariff, catalog, bills, l2)


def test_settle_frame_empty(tariff, catalog):
    bills, lines = synth.tables(people=1, bills_per_person=1)
    out = yibao.settle_frame(tariff, catalog, bills.head(0), lines.head(0))
    assert len(out) == 0 and list(out.columns) == list(yibao.frame.result_meta().columns)


def test_summary_counts(tariff, catalog):
    bills, lines = synth.tables(people=10, bills_per_person=4)
    s = yibao.summarize(yibao.settle_frame(tariff, catalog, bills, lines))
    assert s["counts"] == {"bills_read": 40, "settled": 40, "rejected": 0, "people": 10,
                           "person_years": s["counts"]["person_years"], "lines": len(lines)}
    base = s["base"]
    assert sum(fen(v) for v in s["fund_by_layer"].values()) == fen(base["totals"]["fund_pay_sumamt"])
    for dim, table in base["by"].items():
        assert sum(t["bills"] for t in table) == 40, dim
        assert sum(fen(t["hifp_pay"]) for t in table) == fen(base["totals"]["hifp_pay"]), dim
    assert base["patient_share"]["n"] == 40


@needs_cli
def test_summary_equals_cli_simulate(tmp_path, tariff, catalog):
    """The same summary as `yibao simulate --json` over the same table (the
    CLI wants each person's bills together and in date order)."""
    bills, lines = synth.tables(people=30, bills_per_person=5, seed=9)
    bad = lines["bill_id"] == bills["bill_id"].iloc[3]
    lines.loc[bad, "code"], lines.loc[bad, "class"] = "ZZZ", ""  # one rejected bill
    ordered = bills.sort_values(["person_id", "date"], kind="stable")
    ordered.to_csv(tmp_path / "bills.csv", index=False)
    lines.set_index("bill_id").loc[ordered["bill_id"]].reset_index().to_csv(tmp_path / "lines.csv", index=False)
    proc = subprocess.run([CLI, "simulate", "--tariff", synth.TARIFF, "--catalog", synth.CATALOG, "--json",
                           "--threads", "2", "--lines", str(tmp_path / "lines.csv"), str(tmp_path / "bills.csv")],
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    want = json.loads(proc.stdout)
    got = yibao.summarize(yibao.settle_frame(tariff, catalog, bills, lines, errors="collect"))
    assert got["counts"]["rejected"] == 1
    assert got["base"] == want["base"]
    assert got["counts"] == {k: want["counts"][k] for k in got["counts"]}
