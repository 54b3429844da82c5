"""Regression tests for issue #11 item 3: the Python columns come from the
one field table, so every money field and year-to-date total of a settlement
is a result column of settle_frame, in the order of the settlement JSON."""

import decimal

import pandas as pd
import pytest

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


def test_issue11_item2_the_summary_is_yibao_sim_s_and_merges_and_pickles(tariff, catalog):
    """Issue #11 item 2: the summary of a table is yibao::sim's, as a Summary
    object: the partials of two groups of people merge (in either order) into
    the summary of the whole, and a pickled one comes back the same."""
    import pickle

    import synth

    bills, lines = synth.tables(people=40, bills_per_person=5, seed=4)
    settled = yibao.settle_frame(tariff, catalog, bills, lines, errors="collect")
    whole = yibao.summary.partial(settled)
    assert isinstance(whole, yibao.summary.Summary)
    first = settled["person_id"] < sorted(set(settled["person_id"]))[17]
    a, b = yibao.summary.partial(settled[first]), yibao.summary.partial(settled[~first])
    assert 0 < a.settled < whole.settled
    assert (a + b).to_json() == whole.to_json() == yibao.summary.merge(b, a).to_json()
    back = pickle.loads(pickle.dumps(a))
    assert type(back) is type(a) and back.to_json() == a.to_json() and back.to_text() == a.to_text()
    assert yibao.summary.finish(pickle.loads(pickle.dumps(a + b))) == yibao.summarize(settled)
    assert "bills read 200 = settled 200 + rejected 0" in whole.to_text()
    with pytest.raises(yibao.InvalidArgument, match="thresholds: cannot merge summaries that count bills above "
                                                    "different thresholds"):
        a + yibao.summary.partial(settled[~first], thresholds=("1", "2"))
    with pytest.raises(yibao.InvalidArgument, match="not a yibao summary state: expected"):
        pickle.loads(pickle.dumps(a).replace(b"yibao-summary", b"yibao-summarx"))


def test_issue11_item2_summary_needs_money_in_fen(tariff, catalog):
    import synth

    bills, lines = synth.tables(people=2, bills_per_person=2)
    settled = yibao.settle_frame(tariff, catalog, bills, lines, money="decimal")
    with pytest.raises(yibao.InvalidArgument, match=r"settled\.medfee_sumamt: expected integers \(money in fen"):
        yibao.summarize(settled)
    with pytest.raises(yibao.InvalidArgument, match=r"settled\.year: missing column"):
        yibao.summarize(yibao.settle_frame(tariff, catalog, bills, lines).drop(columns="year"))


def test_every_pickle_protocol_and_copy_rebuild_tariffs_catalogs_and_summaries(tariff, catalog):
    """pybind11's pickling needs protocol 2: protocols 0 and 1 aborted the
    interpreter ("instance allocation failed") until yibao registered its
    classes with copyreg. Every protocol and copy.copy/deepcopy now rebuild
    the same object."""
    import copy
    import pickle

    import synth

    bills, lines = synth.tables(people=5, bills_per_person=3, seed=9)
    settled = yibao.settle_frame(tariff, catalog, bills, lines, errors="collect")
    summary = yibao.summary.partial(settled)
    bill = synth.bill_json(bills, lines, bills["bill_id"].iloc[0])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        t = pickle.loads(pickle.dumps(tariff, protocol=protocol))
        assert type(t) is yibao.Tariff and t.id == tariff.id
        c = pickle.loads(pickle.dumps(catalog, protocol=protocol))
        assert type(c) is yibao.Catalog and repr(c) == repr(catalog)
        s = pickle.loads(pickle.dumps(summary, protocol=protocol))
        assert s.to_json() == summary.to_json()
        assert yibao.settle_frame(t, c, bills, lines, errors="collect").equals(settled)
        assert yibao.settle(t, c, bill) == yibao.settle(tariff, catalog, bill)
    for clone in (copy.copy, copy.deepcopy):
        assert clone(summary).to_json() == summary.to_json()
        assert clone(tariff).id == tariff.id and repr(clone(catalog)) == repr(catalog)
    versions = yibao.load_tariff_set(synth.TARIFF)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot pickle 'TariffSet' object"):
            pickle.dumps(versions, protocol=protocol)
