"""The bulk summary of a settled table, mergeable across partitions.

``summarize(settled)`` turns a ``settle_frame`` result (money in fen) into the
summary of ``yibao simulate`` (include/yibao/simulate.hpp): counts, exact totals
of every money field overall and by scheme, status, group, visit, level,
location and filing ("local" for local visits), fund payments by layer, and
the patient-share distribution per bill and per person-year.

For scale-out, ``partial(df)`` computes integer-only partial sums of one
partition, ``merge(a, b)`` adds two of them (any order, exact) and
``finish(p)`` formats the result; ``summarize = finish(partial(df))``. Every
person must be whole in one partition (person-years are counted per
partition), which ``yibao.dask`` ensures by shuffling on person_id.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .errors import InvalidArgument
from .frame import MONEY_COLUMNS

# As in yibao::sim (include/yibao/simulate.hpp, src/sim/summary_format.cpp).
DEFAULT_THRESHOLDS = ("1000.00", "5000.00", "10000.00", "50000.00")
DIMENSIONS = ("scheme", "status", "group", "visit", "level", "location", "filing")
# Every value of every dimension, in the engine's enum order (zero rows are kept).
DIMENSION_VALUES = {
    "scheme": ("employee", "resident"),
    "status": ("active", "retired"),
    "group": ("none", "dibao", "tekun", "poverty", "low_income"),
    "visit": ("outpatient", "inpatient", "chronic"),
    "level": ("community", "level 1", "level 2", "level 3"),
    "location": ("local", "cross_city", "cross_province"),
    "filing": ("long_term", "temporary", "referral", "emergency", "unfiled", "local"),
}
LAYERS = (("basic", "hifp_pay"), ("critical", "hifmi_pay"), ("large", "hifob_pay"), ("assistance", "maf_pay"))
_SUB_BITS = 9
_PERCENTILES = (("p10", 100), ("p25", 250), ("p50", 500), ("p75", 750), ("p90", 900), ("p95", 950), ("p99", 990),
                ("max", 1000))


_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")


def _fen(text: str) -> int:
    """A threshold in yuan ("5000", "5000.00", 5000) as fen, as ``yibao simulate
    --threshold`` reads it: never truncated, never negative."""
    s = str(text)
    if isinstance(text, bool) or not _AMOUNT.fullmatch(s):
        raise InvalidArgument(f"thresholds: expected an amount in yuan such as 5000 or 5000.00, found {s!r}",
                              "invalid_argument", "thresholds")
    yuan, _, cents = s.partition(".")
    return int(yuan) * 100 + int((cents + "00")[:2])


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), 100)
    return f"{sign}{q}.{r:02d}"


def _buckets(values: np.ndarray) -> np.ndarray:
    """yibao::sim::histogram buckets: exact below 1,024 fen, then 512 per power of two."""
    v = np.maximum(values.astype(np.int64), 0)
    _, exp = np.frexp(v.astype(np.float64))  # exact bit length for v < 2**53
    shift = np.maximum(exp.astype(np.int64) - 1 - _SUB_BITS, 0)
    small = v < (1 << (_SUB_BITS + 1))
    return np.where(small, v, (shift << _SUB_BITS) + (v >> shift))


def _bucket_floor(index: int) -> int:
    if index < (2 << _SUB_BITS):
        return index
    shift = (index >> _SUB_BITS) - 1
    return ((index & ((1 << _SUB_BITS) - 1)) | (1 << _SUB_BITS)) << shift


def _histogram(values: np.ndarray, thresholds: Sequence[int]) -> dict:
    values = np.asarray(values, dtype=np.int64)
    idx, counts = np.unique(_buckets(values), return_counts=True)
    return {
        "n": int(values.size),
        "sum": int(values.sum()),
        "max": int(values.max()) if values.size else 0,
        "counts": {int(i): int(c) for i, c in zip(idx, counts)},
        "above": [int((values > t).sum()) for t in thresholds],
    }


def _totals(df) -> dict:
    out = {
        "bills": int(len(df)),
        "lines": int(df["lines"].sum()),
        "ineligible": int((~df["eligible"]).sum()),
        "unfiled": int((~df["direct"]).sum()),
    }
    sums = df[list(MONEY_COLUMNS)].sum()
    out.update({f: int(sums[f]) for f in MONEY_COLUMNS})
    return out


def _dimension(df, dim: str):
    if dim == "visit":
        return df["visit_type"]
    if dim == "level":
        return ("level " + df["level"].astype(str)).where(df["level"] != 0, "community")
    if dim == "filing":
        return df["filing"].where(df["location"] != "local", "local")
    return df[dim]


def partial(settled, thresholds: Sequence[str] = DEFAULT_THRESHOLDS) -> dict:
    """Integer partial summary of one settled partition (whole people)."""
    limits = [_fen(t) for t in thresholds]
    ok = settled[settled["ok"]]
    share = ok["psn_part_amt"].to_numpy(np.int64)
    total = ok["medfee_sumamt"].to_numpy(np.int64)
    positive = total > 0
    bp = np.minimum(share[positive] * 10_000 // total[positive], 10_000)  # floor, as yibao::sim
    bp_values, bp_counts = np.unique(bp, return_counts=True)
    years = ok.assign(**{f"_capped_{layer}": ok[f"cap_left_{layer}"] == 0 for layer, _ in LAYERS})
    per_year = years.groupby(["person_id", "year"], sort=False)
    person_years = per_year["psn_part_amt"].sum().to_numpy(np.int64)
    capped = per_year[[f"_capped_{layer}" for layer, _ in LAYERS]].any().sum()
    tariffs = ok["tariff_id"].unique()
    return {
        "tariff_id": str(tariffs[0]) if len(tariffs) else "",
        "bills_read": int(len(settled)),
        "settled": int(len(ok)),
        "rejected": int(len(settled) - len(ok)),
        "people": int(ok["person_id"].nunique()),
        "person_years": int(person_years.size),
        "thresholds": list(thresholds),
        "all": _totals(ok),
        "by": {d: {str(k): _totals(g) for k, g in ok.groupby(_dimension(ok, d), sort=True)} for d in DIMENSIONS},
        "patient_share": _histogram(share, limits),
        "share_bp": {int(v): int(c) for v, c in zip(bp_values, bp_counts)},
        "person_year_share": _histogram(person_years, limits),
        "cap_reached": {layer: int(capped.get(f"_capped_{layer}", 0)) for layer, _ in LAYERS},
    }


def merge(a: dict, b: dict) -> dict:
    """Adds two partial summaries (exact; associative and commutative)."""
    out = {}
    for key in a.keys() | b.keys():
        if key not in a or key not in b:
            out[key] = a.get(key, b.get(key))
            continue
        x, y = a[key], b[key]
        if key == "max":
            out[key] = max(x, y)
        elif key in ("tariff_id",):
            out[key] = x or y
        elif key == "thresholds":
            out[key] = x
        elif isinstance(x, dict):
            out[key] = merge(x, y)
        elif isinstance(x, list):
            out[key] = [p + q for p, q in zip(x, y)]
        else:
            out[key] = x + y
    return out


def _rank_value(counts: dict, n: int, permille: int):
    """The key at quantile permille/1000 of a sparse distribution (None if empty)."""
    if n == 0:
        return None
    rank = max(1, (n * permille + 999) // 1000)
    seen = 0
    for key in sorted(counts):
        seen += counts[key]
        if seen >= rank:
            return key
    return max(counts)


def _half_up(num: int, den: int) -> int:
    return (2 * num + den) // (2 * den) if den else 0


def _percent(count: int, total: int) -> str:
    bp = _half_up(count * 10_000, total)
    return f"{bp // 100}.{bp % 100:02d}"


def _format_totals(t: dict) -> dict:
    out = {k: t.get(k, 0) for k in ("bills", "lines", "ineligible", "unfiled")}
    out.update({f: _yuan(t.get(f, 0)) for f in MONEY_COLUMNS})
    return out


def _format_histogram(h: dict) -> dict:
    n = h["n"]
    out = {"n": n, "sum": _yuan(h["sum"]), "mean": _yuan(_half_up(h["sum"], n))}
    for name, permille in _PERCENTILES:
        if permille >= 1000 or n == 0:
            value = h["max"] if n else 0
        else:
            value = min(_bucket_floor(_rank_value(h["counts"], n, permille)), h["max"])
        out[name] = _yuan(value)
    return out


def _format_above(thresholds, counts, total: int, unit: str) -> list:
    return [{"threshold": _yuan(_fen(t)), unit: c, "percent": _percent(c, total)} for t, c in zip(thresholds, counts)]


def finish(p: dict) -> dict:
    """Formats a (merged) partial summary like ``yibao simulate --json``:
    ``counts`` and ``base`` (the file-level counts bytes_read, line_rows_read
    and line_rows_orphan, and partial/stopped_at, have no meaning here), plus
    ``fund_by_layer`` for convenience. Money as decimal text in yuan."""
    thresholds = p["thresholds"]
    bp = p["share_bp"]
    n_bp = sum(bp.values())
    share_percent = {"mean": _percent(_half_up(sum(k * c for k, c in bp.items()), n_bp), 10_000)}
    for name, permille in _PERCENTILES:
        value = _rank_value(bp, n_bp, permille)
        share_percent[name] = _percent(value or 0, 10_000)
    totals = _format_totals(p["all"])
    base = {
        "tariff_id": p["tariff_id"],
        "totals": totals,
        "by": {d: [{"value": v, **_format_totals(p["by"][d].get(v, {}))} for v in DIMENSION_VALUES[d]]
               for d in DIMENSIONS},
        "patient_share": _format_histogram(p["patient_share"]),
        "patient_share_percent": share_percent,
        "bills_above": _format_above(thresholds, p["patient_share"]["above"], p["all"]["bills"], "bills"),
        "person_year_share": _format_histogram(p["person_year_share"]),
        "person_years_above": _format_above(thresholds, p["person_year_share"]["above"],
                                            p["person_year_share"]["n"], "person_years"),
        "cap_reached": dict(p["cap_reached"]),
    }
    return {
        "counts": {k: p[k] for k in ("bills_read", "settled", "rejected", "people", "person_years")}
        | {"lines": p["all"]["lines"]},
        "base": base,
        "fund_by_layer": {layer: totals[f] for layer, f in LAYERS},
    }


def summarize(settled, thresholds: Sequence[str] = DEFAULT_THRESHOLDS) -> dict:
    """The summary of one settle_frame result (money in fen, see module doc)."""
    return finish(partial(settled, thresholds))
