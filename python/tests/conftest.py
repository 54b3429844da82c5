"""Fixtures shared by the Python tests: the synthetic tariff and catalog
(python/tests/data, described in synth.py), loaded once per module."""

import pytest

import synth
import yibao


@pytest.fixture(scope="module")
def tariff():
    return yibao.Tariff.from_file(synth.TARIFF)


@pytest.fixture(scope="module")
def catalog():
    return yibao.Catalog.from_file(synth.CATALOG)
