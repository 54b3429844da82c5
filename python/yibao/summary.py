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

from typing import Sequence

import numpy as np

from .frame import MONEY_COLUMNS

# As in yibao::sim: patient-share thresholds (yuan) and the histogram layout.
DEFAULT_THRESHOLDS = ("1000.00", "5000.00", "10000.00", "50000.00")
DIMENSIONS = ("scheme", "status", "group", "visit", "level", "location", "filing")
LAYERS = (("basic", "hifp_pay"), ("critical", "hifmi_pay"), ("large", "hifob_pay"), ("assistance", "maf_pay"))
_SUB_BITS = 9
_PERCENTILES = (("p50", 500), ("p90", 900), ("p99", 990))


def _fen(text: str) -> int:
    yuan, _, cents = str(text).partition(".")
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
    bands = np.minimum(share[positive] * 10 // total[positive], 9)  # floor(share/total * 10), 100% in the top band
    person_years = ok.groupby(["person_id", "year"], sort=False)["psn_part_amt"].sum().to_numpy(np.int64)
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
        "share_bands": np.bincount(bands.astype(np.int64), minlength=10).tolist(),
        "person_year_share": _histogram(person_years, limits),
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


def _percentile(h: dict, permille: int) -> int:
    n = h["n"]
    if n == 0:
        return 0
    rank = max(1, (n * permille + 999) // 1000)
    seen = 0
    for index in sorted(h["counts"]):
        seen += h["counts"][index]
        if seen >= rank:
            return min(_bucket_floor(index), h["max"])
    return h["max"]


def _format_totals(t: dict) -> dict:
    out = {k: t[k] for k in ("bills", "lines", "ineligible", "unfiled")}
    out.update({f: _yuan(t[f]) for f in MONEY_COLUMNS})
    return out


def _format_histogram(h: dict, thresholds, count_name: str) -> dict:
    n = h["n"]
    out = {count_name: n, "mean": _yuan((2 * h["sum"] + n) // (2 * n) if n else 0)}  # half-up to the fen
    out.update({name: _yuan(_percentile(h, pm)) for name, pm in _PERCENTILES})
    out["max"] = _yuan(h["max"])
    out["above"] = {t: c for t, c in zip(thresholds, h["above"])}
    return out


def finish(p: dict) -> dict:
    """Formats a (merged) partial summary; money as decimal text in yuan."""
    thresholds = p["thresholds"]
    everything = _format_totals(p["all"])
    ps = _format_histogram(p["patient_share"], thresholds, "bills")
    ps["share_bands"] = {f"{10 * i}-{10 * (i + 1)}%": c for i, c in enumerate(p["share_bands"])}
    return {
        "tariff_id": p["tariff_id"],
        "bills_read": p["bills_read"],
        "settled": p["settled"],
        "rejected": p["rejected"],
        "people": p["people"],
        "person_years": p["person_years"],
        "lines": p["all"]["lines"],
        "totals": everything,
        "fund_by_layer": {layer: everything[f] for layer, f in LAYERS},
        "by": {d: {v: _format_totals(t) for v, t in sorted(p["by"][d].items())} for d in DIMENSIONS},
        "patient_share": ps,
        "person_year_share": _format_histogram(p["person_year_share"], thresholds, "person_years"),
    }


def summarize(settled, thresholds: Sequence[str] = DEFAULT_THRESHOLDS) -> dict:
    """The summary of one settle_frame result (money in fen, see module doc)."""
    return finish(partial(settled, thresholds))
