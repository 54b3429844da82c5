"""The golden cases (tests/golden/*.json) through the Python package:

* ``yibao.settle`` (with the case's ``filing`` override) equals ``json.loads`` of
  ``yibao estimate --json`` field by field. The CLI has no plain filing override
  (``--filed-as`` only names the column of ``--compare-filing``), so for a case with
  ``filing`` the CLI gets the bill with ``visit.filing`` set to it; the engine's override
  replaces exactly that field, and the test also checks ``settle(filing=X)`` equals
  ``settle`` of that rewritten bill.
* For the cases without year-to-date totals and without a filing override (``settle_frame``
  starts every person at zero and has no override), one person per case in the bulk
  column format: ``settle_frame``'s money and ytd columns equal the settlement, and
  ``yibao.dask.simulate`` on a 2-worker LocalCluster gives totals equal to the sum of the
  per-case settlements (one run per tariff: a simulation has one tariff).
"""

import decimal
import glob
import json
import os
import subprocess
from collections import defaultdict

import pandas as pd
import pytest

import yibao

CLI = os.environ.get("YIBAO_CLI", "")
needs_cli = pytest.mark.skipif(not (CLI and os.access(CLI, os.X_OK)), reason="YIBAO_CLI not set (run via ctest)")
SOURCE_DIR = os.environ.get("YIBAO_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GOLDEN = sorted(glob.glob(os.path.join(SOURCE_DIR, "tests", "golden", "*.json")))
YTD_KEYS = [c.removeprefix("ytd_") for c in yibao.YTD_COLUMNS]


def load(path):
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    case["name"] = os.path.splitext(os.path.basename(path))[0]
    case["tariff_path"] = os.path.join(SOURCE_DIR, case["tariff"])
    case["catalog_path"] = os.path.join(SOURCE_DIR, case["catalog"]) if "catalog" in case else None
    return case


CASES = [load(p) for p in GOLDEN]
IDS = [c["name"] for c in CASES]


def frame_case(case):
    """settle_frame/dask can take it: no ytd carried in, no filing override."""
    ytd = case["bill"].get("ytd") or {}
    return "filing" not in case and all(not isinstance(v, dict) and decimal.Decimal(v) == 0 for v in ytd.values())


FRAME_CASES = [c for c in CASES if frame_case(c)]

_tariffs, _catalogs = {}, {}


def objects(case):
    t = _tariffs.get(case["tariff_path"])
    if t is None:
        t = _tariffs[case["tariff_path"]] = yibao.Tariff.from_file(case["tariff_path"])
    c = None
    if case["catalog_path"]:
        c = _catalogs.get(case["catalog_path"])
        if c is None:
            c = _catalogs[case["catalog_path"]] = yibao.Catalog.from_file(case["catalog_path"])
    return t, c


def settle(case):
    t, c = objects(case)
    return yibao.settle(t, c, case["bill"], filing=case.get("filing"))


def fen(text):
    d = decimal.Decimal(text) * 100
    assert d == d.to_integral_value(), text
    return int(d)


def test_every_case_is_here():
    assert len(CASES) >= 40
    assert len(FRAME_CASES) >= 30
    assert any("filing" in c for c in CASES)


# --- settle() against the CLI -------------------------------------------------

@needs_cli
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_settle_equals_cli(tmp_path, case):
    bill = json.loads(json.dumps(case["bill"]))
    if "filing" in case:
        bill["visit"]["filing"] = case["filing"]
    path = tmp_path / "bill.json"
    path.write_text(json.dumps(bill, ensure_ascii=False), encoding="utf-8")
    cmd = [CLI, "estimate", "--tariff", case["tariff_path"], "--json", str(path)]
    if case["catalog_path"]:
        cmd[4:4] = ["--catalog", case["catalog_path"]]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    want = json.loads(proc.stdout)
    got = settle(case)
    assert sorted(got) == sorted(want)
    for key in want:
        assert got[key] == want[key], key
    assert got == want
    if "filing" in case:
        t, c = objects(case)
        assert yibao.settle(t, c, bill) == got


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_settle_gives_the_hand_calculation(case):
    s = settle(case)
    expect = case["expect"]
    for f in yibao.MONEY_COLUMNS:
        assert fen(s[f]) == fen(expect[f]), f
    for f in YTD_KEYS:
        assert fen(s["ytd"][f]) == fen(expect["ytd"][f]), "ytd." + f
    assert s["eligible"] == expect["eligible"]


# --- settle_frame() and yibao.dask: one person per case -----------------------

def cell(value):
    """A bill JSON value as a bulk cell: true / false, chronic codes joined by ";"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def tables(cases):
    """The cases' bills in the bulk column format (python/README.md), one person each."""
    bills, lines = [], []
    for case in cases:
        b, bill_id = case["bill"], case["name"]
        p, v = b["person"], b["visit"]
        row = {"bill_id": bill_id, "person_id": case["name"] + "/" + p["id"], "scheme": p["scheme"],
               "visit_type": v["type"], "level": str(v["level"]), "location": v["location"], "date": v["date"]}
        for k in ("status", "group", "coverage", "account_balance", "rejoined", "birth_date", "tier",
                  "family_doctor", "chronic", "enrolled_years", "claim_free_years", "lapsed_years",
                  "back_paid_years", "account_earlier", "family_account"):
            row[k] = cell(p.get(k, ""))
        for k in ("filing", "admission", "disease", "transfer_from_level", "contracted", "unfiled_before"):
            row[k] = cell(v.get(k, ""))
        bills.append(row)
        for ln in b["lines"]:
            lines.append({"bill_id": bill_id, **{k: str(ln.get(k, "")) for k in
                          ("code", "name", "class", "selfpay_ratio", "price_limit", "qty", "price", "amount")}})
    return pd.DataFrame(bills), pd.DataFrame(lines)


def by_tariff(cases):
    groups = defaultdict(list)
    for c in cases:
        groups[(c["tariff_path"], c["catalog_path"])].append(c)
    return sorted(groups.items(), key=lambda kv: kv[0][0])


@pytest.mark.parametrize("group", by_tariff(FRAME_CASES), ids=lambda g: os.path.basename(g[0][0]))
def test_settle_frame_equals_settle(group):
    (_, _), cases = group
    t, c = objects(cases[0])
    bills, lines = tables(cases)
    frame = yibao.settle_frame(t, c, bills, lines).set_index("bill_id")
    assert frame["ok"].all(), frame.loc[~frame["ok"], "error"].to_dict()
    for case in cases:
        s = settle(case)
        row = frame.loc[case["name"]]
        for f in yibao.MONEY_COLUMNS:
            assert row[f] == fen(s[f]), (case["name"], f)
            assert row[f] == fen(case["expect"][f]), (case["name"], f)
        for f in yibao.YTD_COLUMNS:
            assert row[f] == fen(s["ytd"][f[4:]]), (case["name"], f)
        assert (row["filing"], bool(row["direct"]), bool(row["eligible"])) == \
            (s["filing"], s["direct"], s["eligible"]), case["name"]


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_simulate_totals_equal_sum_of_settlements(client):
    import yibao.dask

    for (tariff_path, catalog_path), cases in by_tariff(FRAME_CASES):
        bills, lines = tables(cases)
        got = yibao.dask.simulate(bills, lines, tariff_path, catalog_path, npartitions=2)
        counts = got["counts"]
        assert (counts["bills_read"], counts["settled"], counts["rejected"]) == (len(cases), len(cases), 0)
        assert counts["people"] == len(cases) and counts["lines"] == len(lines)
        settled = [settle(c) for c in cases]
        totals = got["base"]["totals"]
        assert totals["bills"] == len(cases)
        assert totals["ineligible"] == sum(not s["eligible"] for s in settled)
        for f in yibao.MONEY_COLUMNS:
            want = sum(fen(s[f]) for s in settled)
            assert fen(totals[f]) == want, (os.path.basename(tariff_path), f)
