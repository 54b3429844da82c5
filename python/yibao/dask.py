"""Bulk simulation on a Dask cluster.

    from distributed import Client
    import yibao.dask
    client = Client("tcp://scheduler:8786")      # or a LocalCluster; dask uses the default client
    summary = yibao.dask.simulate("bills-*.csv", "lines-*.csv", "tariffs/x.toml", "catalog.csv")

The pattern (shared/research/performance-and-embedding.md section 4):

1. both tables are shuffled on ``person_id`` into the same partitions (lines
   learn their person from the bills by a join on ``bill_id`` if they do not
   carry it), so every person is whole in one partition and the year-to-date
   totals stay correct;
2. ``map_partitions`` runs ``settle_frame`` per partition; the worker loads the
   tariff and catalog itself from their paths (cached per process), so no
   big object is shipped, and the C++ loop runs with the GIL released;
3. each partition is reduced to a partial summary (``yibao.Summary``, the C++
   summary of ``yibao simulate``; it travels between workers pickled as exact
   integer text) and the partials are merged exactly (yibao.summary), giving
   the same summary as a serial ``summarize(settle_frame(...))`` over the
   same data.

Workers must be able to ``import yibao`` and read the tariff and catalog
paths (a shared file system or the same checkout on every host).
"""

from __future__ import annotations

import functools
import os
from typing import Sequence

import dask
import dask.dataframe as dd
import pandas as pd

from . import summary as _summary
from ._yibao import Catalog, Tariff
from .errors import IoError
from .frame import _require_text, result_meta, settle_frame

__all__ = ["settle", "simulate", "read_csv"]


@functools.lru_cache(maxsize=16)
def _load(kind: str, path: str, mtime_ns: int, size: int):
    return (Tariff if kind == "tariff" else Catalog).from_file(path)


def _resolve(spec, kind: str):
    """A Tariff/Catalog from a path (loaded once per worker process and file
    version) or an object already loaded (shipped pickled as its source text)."""
    if spec is None or isinstance(spec, (Tariff, Catalog)):
        return spec
    path = os.fspath(spec)
    try:
        st = os.stat(path)
    except OSError:
        return (Tariff if kind == "tariff" else Catalog).from_file(path)  # raises yibao.IoError
    return _load(kind, path, st.st_mtime_ns, st.st_size)


def _settle_partition(bills: pd.DataFrame, lines: pd.DataFrame, tariff, catalog, errors: str) -> pd.DataFrame:
    # One C++ thread per task: Dask runs as many tasks as the worker has threads.
    return settle_frame(_resolve(tariff, "tariff"), _resolve(catalog, "catalog"), bills, lines, errors=errors,
                        threads=1)


def read_csv(path, **kwargs) -> dd.DataFrame:
    """Reads bulk CSV files (a path, glob or list) keeping every cell as text,
    so decimals reach the engine exactly as written; empty cells are missing."""
    kwargs.setdefault("blocksize", "64MB")
    try:
        return dd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)
    except OSError as e:  # absent, a directory, unreadable: yibao.IoError like every file error of the package
        if isinstance(e, IoError):
            raise
        raise IoError(f"cannot read {path}: {e}") from e


def _frame(x, npartitions: int | None) -> dd.DataFrame:
    if isinstance(x, dd.DataFrame):
        return x
    if isinstance(x, pd.DataFrame):
        return dd.from_pandas(x, npartitions=npartitions or 1, sort=False)
    return read_csv(x)


def settle(bills, lines, tariff, catalog=None, *, npartitions: int | None = None,
           errors: str = "collect") -> dd.DataFrame:
    """The settled table as a lazy Dask DataFrame (one partition per group of
    people; rows in no particular order). ``bills`` and ``lines`` are Dask or
    pandas DataFrames or CSV paths; ``tariff``/``catalog`` are paths (loaded in
    the workers) or loaded objects. See ``yibao.settle_frame`` for the columns
    and ``errors``."""
    # Ids must be text (a float column merges distinct 18-digit ids): checked
    # here on what is known before the run, and again by settle_frame in each
    # partition. Never astype(str): that would make a missing id the person "nan".
    for table, x in (("bills", bills), ("lines", lines)):
        for name in ("bill_id", "person_id"):
            if isinstance(x, (pd.DataFrame, dd.DataFrame)) and name in x.columns:
                _require_text(x[name] if isinstance(x, pd.DataFrame) else x[name]._meta, table, name)
    b = _frame(bills, npartitions)
    ln = _frame(lines, npartitions)
    b = b.assign(bill_id=b["bill_id"].astype(object), person_id=b["person_id"].astype(object))
    ln = ln.assign(bill_id=ln["bill_id"].astype(object))
    if "person_id" in ln.columns:
        ln = ln.assign(person_id=ln["person_id"].astype(object))
    else:
        ln = ln.merge(b[["bill_id", "person_id"]], on="bill_id", how="left")
    n = npartitions or max(b.npartitions, ln.npartitions)
    # The same hash of the same person_id text sends both tables' rows of a
    # person to the same output partition.
    b = b.shuffle("person_id", npartitions=n)
    ln = ln.shuffle("person_id", npartitions=n)
    if not isinstance(tariff, Tariff):
        tariff = os.fspath(tariff)
    if catalog is not None and not isinstance(catalog, Catalog):
        catalog = os.fspath(catalog)
    return dd.map_partitions(_settle_partition, b, ln, tariff, catalog, errors, meta=result_meta(),
                             align_dataframes=False, enforce_metadata=False)


def _tree_merge(parts: list):
    merge = dask.delayed(_summary.merge, pure=True)
    while len(parts) > 1:
        parts = [merge(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)]
    return parts[0]


def simulate(bills, lines, tariff_path, catalog_path=None, *, npartitions: int | None = None,
             thresholds: Sequence[str] = _summary.DEFAULT_THRESHOLDS, errors: str = "collect") -> dict:
    """Runs the bulk simulation on the current Dask scheduler (the default
    ``distributed.Client`` if one exists) and returns the summary of
    ``yibao.summarize``: counts of bills, people, person-years and lines,
    totals of every settlement field, fund payments by layer and by scheme,
    status, group, visit, level, location and filing, and the patient-share
    distribution. With ``errors="collect"`` (default, like ``yibao simulate``)
    bad bills are counted as rejected; with ``"raise"`` the first one raises
    its yibao.Error."""
    settled = settle(bills, lines, tariff_path, catalog_path, npartitions=npartitions, errors=errors)
    partial = dask.delayed(_summary.partial, pure=True)
    parts = [partial(p, tuple(thresholds)) for p in settled.to_delayed()]
    (merged,) = dask.compute(_tree_merge(parts))
    return _summary.finish(merged)
