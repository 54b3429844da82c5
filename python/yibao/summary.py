"""The bulk summary of a settled table, mergeable across partitions.

``summarize(settled)`` turns a ``settle_frame`` result (money in fen) into the
summary of ``yibao simulate`` (include/yibao/simulate.hpp), computed by the
same C++ code (yibao::sim): counts, exact totals of every money field overall
and by scheme, status, group, visit, level, location and filing ("local" for
local visits), fund payments by layer, and the patient-share distribution per
bill and per person-year.

For scale-out, ``partial(df)`` gives the ``Summary`` of one partition (exact
integers, picklable), ``merge(a, b)`` adds two of them (any order, exact) and
``finish(p)`` formats the result; ``summarize = finish(partial(df))``. Every
person must be whole in one partition (person-years are counted per
partition), which ``yibao.dask`` ensures by shuffling on person_id.
"""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np

from . import _yibao
from .errors import InvalidArgument
from .frame import CAP_LEFT_COLUMNS, MONEY_COLUMNS

Summary = _yibao.Summary
# As yibao::sim::default_thresholds: 1,000 / 5,000 / 10,000 / 50,000 yuan.
DEFAULT_THRESHOLDS = tuple(_yibao.default_thresholds)
# The money field each layer's fund pays (fund_by_layer).
LAYERS = (("basic", "hifp_pay"), ("critical", "hifmi_pay"), ("large", "hifob_pay"), ("assistance", "maf_pay"))

# The settle_frame result columns the summary reads.
_FLAGS = ("ok", "direct", "eligible")
_TEXT = ("person_id", "tariff_id", "scheme", "status", "group", "visit_type", "location", "filing")
_INTEGERS = ("lines", "level", "year") + MONEY_COLUMNS + CAP_LEFT_COLUMNS
_COUNTS = ("bills_read", "settled", "rejected", "people", "person_years", "lines")


def partial(settled, thresholds: Sequence[str] = DEFAULT_THRESHOLDS) -> Summary:
    """The Summary of one settled partition (whole people). ``thresholds`` in
    yuan, as ``yibao simulate --threshold`` reads them (text or integers with at
    most two decimals, never truncated, never negative)."""
    cols = {}
    for name in _FLAGS + _TEXT + _INTEGERS:
        if name not in settled.columns:
            raise InvalidArgument(f"settled.{name}: missing column", "invalid_argument", f"settled.{name}")
    for name in _INTEGERS:
        col = settled[name]
        if not np.issubdtype(col.dtype, np.integer):
            raise InvalidArgument(f"settled.{name}: expected integers (money in fen: settle_frame(money=\"fen\")), "
                                  f"found a {col.dtype} column", "invalid_argument", f"settled.{name}")
        cols[name] = col.to_numpy(np.int64)
    for name in _FLAGS:
        cols[name] = settled[name].to_numpy(bool)
    for name in _TEXT:
        cols[name] = settled[name].astype(str).tolist()
    return Summary.from_columns(cols, [str(t) for t in thresholds])


def merge(a: Summary, b: Summary) -> Summary:
    """Adds two partial summaries (exact; associative and commutative)."""
    return a.merge(b)


def finish(p: Summary) -> dict:
    """Formats a (merged) partial summary like ``yibao simulate --json``:
    ``counts`` and ``base`` (the file-level counts bytes_read, line_rows_read
    and line_rows_orphan, and partial/stopped_at, have no meaning here), plus
    ``fund_by_layer`` for convenience. Money as decimal text in yuan."""
    full = json.loads(p.to_json())
    base = full["base"]
    return {
        "counts": {k: full["counts"][k] for k in _COUNTS},
        "base": base,
        "fund_by_layer": {layer: base["totals"][field] for layer, field in LAYERS},
    }


def summarize(settled, thresholds: Sequence[str] = DEFAULT_THRESHOLDS) -> dict:
    """The summary of one settle_frame result (money in fen, see module doc)."""
    return finish(partial(settled, thresholds))
