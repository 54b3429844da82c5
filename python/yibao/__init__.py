"""yibao: exact settlement of Chinese basic medical insurance bills.

    import yibao
    t = yibao.Tariff.from_file("tariffs/x.toml")
    c = yibao.Catalog.from_file("catalog.csv")          # or None
    s = yibao.settle(t, c, bill_dict_or_json)            # -> dict, money as "12.30"
    df = yibao.settle_frame(t, c, bills_df, lines_df)    # -> DataFrame, money in int64 fen

``settle`` gives exactly the JSON of ``yibao estimate --json`` as a dict;
``settle_frame`` settles a whole table in C++ (no Python loop per bill, GIL
released), carrying each person's year-to-date totals in date order.
Errors are ``yibao.Error`` subclasses carrying the engine's message and code.
See python/README.md.
"""

from __future__ import annotations

import decimal
import json
from typing import Any, Mapping

from . import errors
from ._yibao import Catalog, Tariff
from ._yibao import money_columns as _money_columns
from ._yibao import ytd_columns as _ytd_columns
from ._yibao import settle_json as _settle_json
from ._yibao import version as _version
from .errors import (Error, FailedPrecondition, InternalError, InvalidArgument, IoError, NotFound, OutOfMemory,
                     OutOfRange)
from .frame import BILL_COLUMNS, LINE_COLUMNS, MONEY_COLUMNS, YTD_COLUMNS, settle_frame, to_yuan
from .summary import summarize

__version__ = _version()

__all__ = [
    "Tariff",
    "Catalog",
    "settle",
    "settle_frame",
    "summarize",
    "to_yuan",
    "Error",
    "InvalidArgument",
    "FailedPrecondition",
    "OutOfRange",
    "NotFound",
    "IoError",
    "InternalError",
    "OutOfMemory",
    "BILL_COLUMNS",
    "LINE_COLUMNS",
    "MONEY_COLUMNS",
    "YTD_COLUMNS",
    "errors",
]

# Money fields of a settlement, of its `setldetail` entries and of its `ytd`.
_MONEY_KEYS = frozenset(_money_columns) | {"inscp_scp_amt", "deductible", "fund_payamt", "crt_payb_lmt_amt", "value"}
_YTD_KEYS = frozenset(c.removeprefix("ytd_") for c in _ytd_columns)


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"bill value of type {type(value).__name__} is not JSON serializable")


def _to_decimal(settlement: dict) -> dict:
    def conv(obj: dict, keys) -> None:
        for k, v in obj.items():
            if k in keys and isinstance(v, str):
                obj[k] = decimal.Decimal(v)

    conv(settlement, _MONEY_KEYS)
    for d in settlement.get("setldetail", ()):
        conv(d, _MONEY_KEYS)
    conv(settlement.get("ytd", {}), _YTD_KEYS)
    for step in settlement.get("trace", ()):
        conv(step, {"value"})
    return settlement


def settle(
    tariff: Tariff,
    catalog: Catalog | None,
    bill: Mapping[str, Any] | str | bytes,
    *,
    filing: str | None = None,
    trace: bool = False,
    money: str = "str",
) -> dict:
    """Settles one bill.

    ``bill`` is the bill JSON contract (docs/bill-format.md) as a dict or as
    JSON text; amounts are decimal strings (``decimal.Decimal`` values in a
    dict are written as their exact text). ``catalog`` may be None (an empty
    catalog). ``filing`` settles as if the visit had that filing; ``trace``
    adds the step-by-step trace.

    Returns the settlement as a dict equal to ``json.loads`` of
    ``yibao estimate --json``: money as decimal strings with two decimals
    (``money="str"``, the default) or as ``decimal.Decimal`` (``money="decimal"``).

    Raises InvalidArgument (malformed bill), NotFound (unknown item),
    OutOfRange (date outside the tariff), FailedPrecondition (no rule applies).
    """
    if money not in ("str", "decimal"):
        raise ValueError(f'money must be "str" or "decimal", not {money!r}')
    if isinstance(bill, bytes):
        text = bill  # as is: the bill reader reports invalid UTF-8 with its byte offset
    elif isinstance(bill, str):
        text = bill
    else:
        text = json.dumps(bill, ensure_ascii=False, default=_json_default)
    result = json.loads(_settle_json(tariff, catalog, text, filing, trace))
    return _to_decimal(result) if money == "decimal" else result
