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
from .errors import InvalidArgument

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BILL_COLUMNS = tuple(_yibao.bill_columns)
LINE_COLUMNS = tuple(_yibao.line_columns)
MONEY_COLUMNS = tuple(_yibao.money_columns)
YTD_COLUMNS = tuple(_yibao.ytd_columns)
CAP_LEFT_COLUMNS = tuple(_yibao.cap_left_columns)
# Every result column in int64 fen: the one list to_yuan converts (cap_left_*
# use -1 for "no cap", which becomes None in yuan).
FEN_COLUMNS = MONEY_COLUMNS + YTD_COLUMNS + CAP_LEFT_COLUMNS

# How each input column is converted to text (everything else: str()).
# Ids and codes must already be text: a float column turns distinct 18-digit
# ids into the same number, an int column drops leading zeros.
_ID_COLUMNS = {"bill_id", "person_id", "code", "disease"}
_INT_COLUMNS = {"level", "admission", "transfer_from_level", "tier", "enrolled_years", "claim_free_years",
                "lapsed_years", "back_paid_years", "unfiled_before"}
_DATE_COLUMNS = {"date", "rejoined", "birth_date"}
# Boolean facts: a bool column (or True/False cells) becomes "true"/"false".
_BOOL_INPUT_COLUMNS = {"family_doctor", "contracted"}
# Lists of codes: a cell is a list/tuple of str (joined with ";") or the
# bulk CSV's text "I10;E11".
_LIST_COLUMNS = {"chronic"}
_EXACT_FLOAT_INT = 2**53  # integral floats below this are exact integers

# Result columns, in order.
_RESULT_ORDER = (
    ["bill_id", "person_id", "ok", "error_code", "error", "tariff_id", "scheme", "status", "group",
     "visit_type", "level", "location", "filing", "admission", "year", "lines", "direct", "eligible",
     "ineligible_reason"]
    + list(FEN_COLUMNS)
)


def _bad_column(table: str, name: str, what: str) -> InvalidArgument:
    path = f"{table}.{name}"
    return InvalidArgument(f"{path}: {what}", "invalid_argument", path)


def _require_text(series: "pd.Series", table: str, name: str) -> None:
    """Raises InvalidArgument unless every present value of an id or code
    column is a str (object, pandas string or categorical-of-str dtype)."""
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        kind = pd.api.types.infer_dtype(dtype.categories, skipna=True)
    elif dtype == object or isinstance(dtype, pd.StringDtype):
        kind = pd.api.types.infer_dtype(series, skipna=True)
    else:
        kind = f"{dtype} column"
    if kind not in ("string", "empty"):
        raise _bad_column(table, name, f"ids and codes must be text (str), found {kind}; read the table with "
                                       f"dtype=str (a float column turns distinct 18-digit ids into the same number)")


def _text(series: "pd.Series", name: str, table: str = "bills") -> list:
    """A column as a list of str, "" where missing. Ids and codes must be text;
    integer columns take integers (or integral floats, as pandas makes them
    when a cell is missing); floats elsewhere become their shortest round-trip
    text (so 12.5 -> "12.5"; a float whose text has more decimals than the
    field holds is rejected by the engine, never rounded). A boolean column
    (but for the boolean facts family_doctor and contracted, which become
    "true"/"false"), or a datetime with a time of day, is an error naming the
    column. A chronic cell may be a list of codes (joined with ";")."""
    import pandas as pd

    api = pd.api.types
    if isinstance(series, pd.DataFrame):
        raise _bad_column(table, name, "column appears twice")
    if name in _ID_COLUMNS:
        _require_text(series, table, name)
    if name in _BOOL_INPUT_COLUMNS:
        return [_bool_text(v) for v in series.tolist()]
    if name in _LIST_COLUMNS:
        return [_list_text(v) for v in series.tolist()]
    if api.is_bool_dtype(series.dtype):
        raise _bad_column(table, name, f"expected text or numbers, found a {series.dtype} column")
    missing = series.isna()
    if name in _DATE_COLUMNS and api.is_datetime64_any_dtype(series):
        present = series[~missing]
        if (present != present.dt.normalize()).any():
            raise _bad_column(table, name, "expected dates, found a datetime with a time of day")
        out = series.dt.strftime("%Y-%m-%d")
    elif api.is_datetime64_any_dtype(series) or api.is_timedelta64_dtype(series):
        raise _bad_column(table, name, f"expected text or numbers, found a {series.dtype} column")
    elif name in _INT_COLUMNS and api.is_float_dtype(series):
        present = series[~missing]
        if ((present % 1 != 0) | (present.abs() >= _EXACT_FLOAT_INT)).any():
            raise _bad_column(table, name, "expected integers, found a float column with a value that is not an "
                                           "exact integer")
        out = series.fillna(0).astype("int64").astype(str)
    else:
        out = series.astype(str)
    if missing.any():
        out = out.where(~missing, "")
    return out.tolist()


def _bool_text(v) -> str:
    """A boolean cell: True/False (Python or numpy) as "true"/"false", a
    missing one as "", anything else as its text (the engine rejects it)."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if v is True or v is False or type(v).__name__ == "bool_":
        return "true" if v else "false"
    return str(v)


def _list_text(v) -> str:
    """A list cell: a list, tuple or array of codes joined with ";", a
    missing or empty one as "", a str as it is."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, str):
        return v
    return ";".join(str(x) for x in v)


def _columns(df: "pd.DataFrame", names, table: str | None = None) -> dict:
    if table is None:
        table = "lines" if tuple(names) == LINE_COLUMNS else "bills"
    return {n: _text(df[n], n, table) for n in names if n in df.columns}


def settle_frame(
    tariff: "_yibao.Tariff | _yibao.TariffSet",
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
    at zero. With a TariffSet (``yibao.load_tariff_set``) each bill is settled
    under the version in force on its date (the policy year is that
    version's), and a bill dated in no version fails with OutOfRange. Columns not in BILL_COLUMNS / LINE_COLUMNS are ignored.

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

    Each bill row is read with its line rows by the bill JSON reader of
    ``yibao estimate`` and ``yibao simulate``: the same checks and limits
    (docs/bill-format.md), paths naming table rows (``lines[12].qty``). Ids
    and codes must be text columns (see ``_text``).

    ``errors="raise"`` (default) raises the first problem as a yibao.Error
    with the engine's message prefixed "bill ID: "; ``errors="collect"`` keeps
    going: such bills get ok=False, error_code, error and zero money, and do
    not move the year-to-date totals; so does a bill with an empty bill_id
    (``bills[i].bill_id: must not be empty``; line rows with an empty bill_id
    then join no bill). A missing required column, a duplicate bill id or a
    line whose bill is not in ``bills`` always raises.
    """
    import pandas as pd

    if errors not in ("raise", "collect"):
        raise ValueError(f'errors must be "raise" or "collect", not {errors!r}')
    if money not in ("fen", "decimal", "str"):
        raise ValueError(f'money must be "fen", "decimal" or "str", not {money!r}')
    cols = _yibao.settle_columns(
        tariff, catalog, len(bills), _columns(bills, BILL_COLUMNS, "bills"), len(lines),
        _columns(lines, LINE_COLUMNS, "lines"),
        errors == "collect", threads)
    cols["bill_id"] = _text(bills["bill_id"], "bill_id", "bills") if "bill_id" in bills.columns else []
    cols["person_id"] = _text(bills["person_id"], "person_id", "bills") if "person_id" in bills.columns else []
    cols["filing"] = cols.pop("filed_as")
    out = pd.DataFrame(cols, index=bills.index)
    out = out[_RESULT_ORDER]
    if money != "fen":
        out = to_yuan(out, as_text=money == "str")
    return out


def to_yuan(df: "pd.DataFrame", *, as_text: bool = False) -> "pd.DataFrame":
    """A copy of a settle_frame result with every int64 fen column
    (FEN_COLUMNS: the money fields, ``ytd_*`` and ``cap_left_*``) as
    ``decimal.Decimal`` yuan (or as decimal text with ``as_text``);
    ``cap_left_*`` is None where it was -1 (no cap, or the layer took no part)."""
    import numpy as np
    import pandas as pd

    out = df.copy()
    for name in FEN_COLUMNS:
        if name in out.columns:
            text = pd.Series(_yibao.fen_text(out[name].to_numpy(np.int64)), index=out.index, dtype=object)
            if name in CAP_LEFT_COLUMNS:
                text = text.where(out[name] >= 0, None)
            out[name] = text if as_text else text.map(lambda t: None if t is None else decimal.Decimal(t))
    return out


_BOOL_COLUMNS = {"ok", "direct", "eligible"}
_INT_RESULT_COLUMNS = {"level", "admission", "year", "lines"} | set(FEN_COLUMNS)


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
