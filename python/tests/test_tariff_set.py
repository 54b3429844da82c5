"""Tariff sets from Python (issue #11 item 2: "loading a set of tariff versions
chosen by date ... only estimate has it and simulate, the C API and Python do
not"): yibao.load_tariff_set loads the versions of one place as
``yibao estimate -t DIR`` does, and settle and settle_frame take the set
wherever they take a Tariff, each bill settled under the version in force on
its date. The versions are the fixtures tests/data/versions/yingkou-2024.toml
and yingkou-2026.toml, which extend the shipped Yingkou 2025 tariff."""

import copy
import json
import os
import pathlib
import pickle

import pandas as pd
import pytest

import yibao

ROOT = pathlib.Path(os.environ.get("YIBAO_SOURCE_DIR") or pathlib.Path(__file__).resolve().parents[2])
VERSIONS = ROOT / "tests" / "data" / "versions"
V2024 = VERSIONS / "yingkou-2024.toml"
V2026 = VERSIONS / "yingkou-2026.toml"


@pytest.fixture(scope="module")
def versions():
    return yibao.load_tariff_set(VERSIONS)


@pytest.fixture(scope="module")
def sample_catalog():
    return yibao.Catalog.from_file(ROOT / "tariffs" / "catalog" / "sample-catalog.csv")


def yingkou_bill(date):
    """The bill of the estimate golden case estimate_versions_pick_2024, dated `date`."""
    b = json.loads((ROOT / "tests" / "cli" / "inputs" / "yingkou-2024.json").read_text(encoding="utf-8"))
    b["visit"]["date"] = date
    return b


def test_a_directory_gives_its_versions_oldest_first(versions):
    assert len(versions) == 2
    assert versions.ids == ["yingkou-2024", "yingkou-2026"]
    assert [v[:3] for v in versions.versions] == [("yingkou-2024", "2024-01-01", "2024-12-31"),
                                                  ("yingkou-2026", "2026-01-01", "2026-12-31")]
    assert versions.place == yibao.Tariff.from_file(V2024).place
    # 2025 is not covered: the 2025 file is the versions' base, not a version.
    assert len(versions.warnings) == 1
    assert versions.warnings[0].endswith("(a gap: no version covers bills from 2025-01-01 up to it)")
    assert repr(versions) == "<yibao.TariffSet yingkou-2024, yingkou-2026>"


def test_files_in_any_order_and_path_types():
    for paths in ([V2026, V2024], [str(V2026), str(V2024)], (p for p in [V2024, V2026])):
        assert yibao.load_tariff_set(paths).ids == ["yingkou-2024", "yingkou-2026"]
    assert yibao.load_tariff_set(str(V2024)).ids == ["yingkou-2024"]
    base = ROOT / "tariffs" / "liaoning" / "yingkou-2025.toml"
    assert yibao.load_tariff_set([base, V2024]).ids == ["yingkou-2024"]  # a base layer is not a version


def test_the_date_picks_the_older_version_as_estimate_does(versions, sample_catalog):
    golden = json.loads((ROOT / "tests" / "cli" / "estimate_versions_pick_2024.out").read_text(encoding="utf-8"))
    got = yibao.settle(versions, sample_catalog, yingkou_bill("2024-06-15"))
    assert got == golden
    assert got["tariff_id"] == "yingkou-2024"
    newer = yibao.settle(versions, sample_catalog, yingkou_bill("2026-12-31"))
    assert newer["tariff_id"] == "yingkou-2026" and newer["hifp_pay"] == "319.34"


@pytest.mark.parametrize("date", ["2023-06-15", "2025-06-15", "2027-01-01"])
def test_a_date_outside_every_version_is_out_of_range(versions, sample_catalog, date):
    with pytest.raises(yibao.OutOfRange) as e:
        yibao.settle(versions, sample_catalog, yingkou_bill(date))
    assert str(e.value) == f"visit.date: no tariff version is in force on {date}"
    assert e.value.code == "out_of_range" and e.value.path == "visit.date"


def test_a_malformed_bill_is_invalid_whatever_its_date(versions, sample_catalog):
    bad = yingkou_bill("2023-06-15")
    bad["lines"][0]["amount"] = "36.01"
    with pytest.raises(yibao.InvalidArgument) as one:
        yibao.settle(yibao.Tariff.from_file(V2024), sample_catalog, bad)
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.settle(versions, sample_catalog, bad)
    assert str(e.value) == str(one.value) and str(e.value).startswith("lines[0].amount: ")


def test_load_errors():
    missing = VERSIONS / "no-such-file.toml"
    with pytest.raises(yibao.IoError) as e:
        yibao.load_tariff_set([V2024, missing])
    assert str(e.value) == f"cannot read tariff {missing}"
    with pytest.raises(yibao.InvalidArgument) as e:
        yibao.load_tariff_set([V2024, V2024])  # the same window twice
    assert e.value.message == (f"{V2024}:6:1: error: tariff.valid_from: expected a date after valid_to 2024-12-31 "
                               f"of yingkou-2024 at {V2024}:7:1 (versions must not overlap), found 2024-01-01")
    with pytest.raises(TypeError):
        pickle.dumps(yibao.load_tariff_set(V2024))


def frame_tables(dates):
    """One person's bills on `dates` (the Yingkou bill) as settle_frame tables."""
    b = yingkou_bill("2024-06-15")
    bills = pd.DataFrame({
        "bill_id": [f"V-{d}" for d in dates], "person_id": "P-YK-0001", "scheme": "employee", "status": "active",
        "account_balance": "100.00", "visit_type": "outpatient", "level": 2, "location": "cross_city",
        "filing": "temporary", "date": dates,
    })
    lines = pd.DataFrame([{"bill_id": f"V-{d}", **copy.deepcopy(line)} for d in dates for line in b["lines"]])
    return bills, lines


def test_settle_frame_picks_the_version_of_each_bill(versions, sample_catalog):
    bills, lines = frame_tables(["2024-06-15", "2026-06-15"])
    got = yibao.settle_frame(versions, sample_catalog, bills, lines)
    assert list(got["tariff_id"]) == ["yingkou-2024", "yingkou-2026"]
    assert list(got["year"]) == [2024, 2026]
    for _, row in got.iterrows():
        one = yibao.settle(versions, sample_catalog, yingkou_bill(row["bill_id"][2:]))
        assert row["hifp_pay"] == int(one["hifp_pay"].replace(".", "")), row["bill_id"]


def test_settle_frame_a_bill_in_no_version(versions, sample_catalog):
    bills, lines = frame_tables(["2024-06-15", "2025-06-15", "2026-06-15"])
    with pytest.raises(yibao.OutOfRange) as e:
        yibao.settle_frame(versions, sample_catalog, bills, lines)
    assert str(e.value) == "bill V-2025-06-15: visit.date: no tariff version is in force on 2025-06-15"
    got = yibao.settle_frame(versions, sample_catalog, bills, lines, errors="collect")
    assert list(got["ok"]) == [True, False, True]
    assert list(got["error_code"]) == ["", "out_of_range", ""]
    assert got["error"].iloc[1] == "bill V-2025-06-15: visit.date: no tariff version is in force on 2025-06-15"
    assert list(got["tariff_id"]) == ["yingkou-2024", "", "yingkou-2026"]
