"""Settling a whole table of bills: ``yibao.settle_frame``.

The columns are those of docs/bulk-format.md (the CSV pair read by
``yibao simulate``); see python/README.md for the table. Each column is turned
into a list of decimal text once (a vectorised pandas conversion, no Python
loop per bill) and the C++ engine does the rest with the GIL released.
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING

from . import _yibao

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BILL_COLUMNS = tuple(_yibao.bill_columns)
LINE_COLUMNS = tuple(_yibao.line_columns)
MONEY_COLUMNS = tuple(_yibao.money_columns)
YTD_COLUMNS = tuple(_yibao.ytd_columns)

# How each input column is converted to text (everything else: str()).
_INT_COLUMNS = {"level", "admission", "transfer_from_level"}
_DATE_COLUMNS = {"date", "rejoined"}

# Result columns, in order.
_RESULT_ORDER = (
    ["bill_id", "person_id", "ok", "error_code", "error", "tariff_id", "scheme", "status", "group",
     "visit_type", "level", "location", "filing", "admission", "year", "lines", "direct", "eligible",
     "ineligible_reason"]
    + list(MONEY_COLUMNS)
    + list(YTD_COLUMNS)
    + ["cap_left_basic", "cap_left_critical", "cap_left_large", "cap_left_assistance"]
)


def _text(series: "pd.Series", name: str) -> list:
    """A column as a list of str, "" where missing. Floats become their
    shortest round-trip text (so 12.5 -> "12.5"; a float whose text has more
    decimals than the field holds is rejected by the engine, never rounded)."""
    import pandas as pd

    api = pd.api.types
    missing = series.isna()
    if name in _DATE_COLUMNS and api.is_datetime64_any_dtype(series):
        out = series.dt.strftime("%Y-%m-%d")
    elif name in _INT_COLUMNS and api.is_float_dtype(series) and not (series.dropna() % 1 != 0).any():
        out = series.fillna(0).astype("int64").astype(str)
    elif api.is_bool_dtype(series):
        out = series.map({True: "true", False: "false"})
    else:
        out = series.astype(str)
    if missing.any():
        out = out.where(~missing, "")
    return out.tolist()


def _columns(df: "pd.DataFrame", names) -> dict:
    return {n: _text(df[n], n) for n in names if n in df.columns}


def settle_frame(
    tariff: "_yibao.Tariff",
    catalog: "_yibao.Catalog | None",
    bills: "pd.DataFrame",
    lines: "pd.DataFrame",
    *,
    errors: str = "raise",
    money: str = "fen",
    threads: int = 0,
) -> "pd.DataFrame":
    """Settles every bill of ``bills`` (one row per bill) with its rows of
    ``lines`` (one row per item, joined on ``bill_id``).

    Each person's bills are settled in date order (ties: table order), the
    year-to-date totals carried from bill to bill and reset at the tariff's
    policy-year start, like ``yibao simulate``; every person starts the table
    at zero. Columns not in BILL_COLUMNS / LINE_COLUMNS are ignored.

    Returns one row per bill, in the order and with the index of ``bills``:
    bill_id, person_id, ok, error_code, error, tariff_id, the visit
    attributes (scheme, status, group, visit_type, level, location), filing
    (as settled), admission, year (the policy year), lines, direct, eligible, ineligible_reason, the
    17 money fields of the settlement, the 9 ``ytd_*`` totals after the
    bill and ``cap_left_<layer>`` (the layer's annual cap left after the bill,
    -1 if it has no cap or took no part). Money is int64 fen (``money="fen"``, exact and fast to sum),
    ``decimal.Decimal`` yuan (``"decimal"``) or decimal text (``"str"``).

    ``threads`` C++ threads settle runs of whole people at once (0, the
    default: every hardware thread; the result is the same for any count).

    ``errors="raise"`` (default) raises the first problem as a yibao.Error
    with the engine's message prefixed "bill ID: "; ``errors="collect"`` keeps
    going: such bills get ok=False, error_code, error and zero money, and do
    not move the year-to-date totals. A missing required column, a duplicate
    bill id or a line whose bill is not in ``bills`` always raises.
    """
    import pandas as pd

    if errors not in ("raise", "collect"):
        raise ValueError(f'errors must be "raise" or "collect", not {errors!r}')
    if money not in ("fen", "decimal", "str"):
        raise ValueError(f'money must be "fen", "decimal" or "str", not {money!r}')
    cols = _yibao.settle_columns(
        tariff, catalog, len(bills), _columns(bills, BILL_COLUMNS), len(lines), _columns(lines, LINE_COLUMNS),
        errors == "collect", threads)
    cols["bill_id"] = _text(bills["bill_id"], "bill_id") if "bill_id" in bills.columns else []
    cols["person_id"] = _text(bills["person_id"], "person_id") if "person_id" in bills.columns else []
    cols["filing"] = cols.pop("filed_as")
    out = pd.DataFrame(cols, index=bills.index)
    out = out[_RESULT_ORDER]
    if money != "fen":
        out = to_yuan(out, as_text=money == "str")
    return out


def _fen_to_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(int(fen)), 100)
    return f"{sign}{q}.{r:02d}"


def to_yuan(df: "pd.DataFrame", *, as_text: bool = False) -> "pd.DataFrame":
    """A copy of a settle_frame result with the int64 fen money columns as
    ``decimal.Decimal`` yuan (or as decimal text with ``as_text``)."""
    out = df.copy()
    for name in MONEY_COLUMNS + YTD_COLUMNS:  # cap_left_* stay fen (-1 means none)
        if name in out.columns:
            text = out[name].map(_fen_to_text)
            out[name] = text if as_text else text.map(decimal.Decimal)
    return out


_BOOL_COLUMNS = {"ok", "direct", "eligible"}
_INT_RESULT_COLUMNS = ({"level", "admission", "year", "lines"} | set(MONEY_COLUMNS) | set(YTD_COLUMNS)
                       | {n for n in _RESULT_ORDER if n.startswith("cap_left_")})


def result_meta() -> "pd.DataFrame":
    """An empty settle_frame result (money in fen) with the result dtypes."""
    import numpy as np
    import pandas as pd

    def dtype(name):
        if name in _BOOL_COLUMNS:
            return np.bool_
        if name in _INT_RESULT_COLUMNS:
            return np.int64
        return object

    return pd.DataFrame({n: pd.Series([], dtype=dtype(n)) for n in _RESULT_ORDER})
