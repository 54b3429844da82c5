"""yibao.dask on a distributed LocalCluster: the summary equals a serial
settle_frame + summarize over the same data, whatever the partitioning."""

import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

import synth  # noqa: E402
import yibao  # noqa: E402
import yibao.dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def data():
    return synth.tables(people=60, bills_per_person=5, seed=11)


@pytest.fixture(scope="module")
def serial(data):
    bills, lines = data
    t = yibao.Tariff.from_file(synth.TARIFF)
    c = yibao.Catalog.from_file(synth.CATALOG)
    return yibao.summarize(yibao.settle_frame(t, c, bills, lines, errors="collect"))


def test_summary_equals_serial(client, data, serial):
    bills, lines = data
    # Scattered rows: each input partition holds parts of many people.
    got = yibao.dask.simulate(dd.from_pandas(bills, npartitions=3, sort=False),
                              dd.from_pandas(lines, npartitions=4, sort=False),
                              synth.TARIFF, synth.CATALOG, npartitions=4)
    assert got == serial
    counts = got["counts"]
    assert counts["settled"] == len(bills) and counts["people"] == 60 and counts["person_years"] > 60


def test_pandas_input_and_one_partition(client, data, serial):
    bills, lines = data
    assert yibao.dask.simulate(bills, lines, synth.TARIFF, synth.CATALOG, npartitions=1) == serial


def test_csv_input_lines_without_person(client, data, serial, tmp_path):
    bills, lines = data
    bills.to_csv(tmp_path / "bills.csv", index=False)
    half = len(lines) // 2
    lines.iloc[:half].to_csv(tmp_path / "lines-1.csv", index=False)
    lines.iloc[half:].to_csv(tmp_path / "lines-2.csv", index=False)
    got = yibao.dask.simulate(str(tmp_path / "bills.csv"), str(tmp_path / "lines-*.csv"),
                              synth.TARIFF, synth.CATALOG, npartitions=3)
    assert got == serial


def test_settled_rows_equal_serial(client, data):
    bills, lines = data
    t = yibao.Tariff.from_file(synth.TARIFF)
    c = yibao.Catalog.from_file(synth.CATALOG)
    want = yibao.settle_frame(t, c, bills, lines).set_index("bill_id").sort_index()
    got = yibao.dask.settle(bills, lines, synth.TARIFF, synth.CATALOG, npartitions=3).compute()
    got = got.set_index("bill_id").sort_index()
    assert got.equals(want)


def test_rejects_are_counted_and_errors_raise(client, data):
    bills, lines = data
    bad = lines.copy()
    bad.loc[bad["bill_id"] == bills["bill_id"].iloc[0], "qty"] = "-1"
    s = yibao.dask.simulate(bills, bad, synth.TARIFF, synth.CATALOG, npartitions=2)
    c = s["counts"]
    assert (c["bills_read"], c["rejected"], c["settled"]) == (len(bills), 1, len(bills) - 1)
    with pytest.raises(yibao.InvalidArgument, match="must not be negative"):
        yibao.dask.simulate(bills, bad, synth.TARIFF, synth.CATALOG, npartitions=2, errors="raise")


def test_tariff_object_and_missing_path(client, data, serial):
    bills, lines = data
    t = yibao.Tariff.from_file(synth.TARIFF)
    c = yibao.Catalog.from_file(synth.CATALOG)
    assert yibao.dask.simulate(bills, lines, t, c, npartitions=2) == serial
    with pytest.raises(yibao.IoError):
        yibao.dask.simulate(bills, lines, "/nonexistent/t.toml", None, npartitions=2)
