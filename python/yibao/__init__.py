"""yibao: exact settlement of Chinese basic medical insurance bills.

    import yibao
    t = yibao.Tariff.from_file("tariffs/x.toml")
    c = yibao.Catalog.from_file("catalog.csv")          # or None
    s = yibao.settle(t, c, bill_dict_or_json)            # -> dict, money as "12.30"
    df = yibao.settle_frame(t, c, bills_df, lines_df)    # -> DataFrame, money in int64 fen
    ts = yibao.load_tariff_set("tests/data/versions")    # versions: each bill's date picks one
    s = yibao.settle(ts, c, bill_dict_or_json)

``settle`` gives exactly the JSON of ``yibao estimate --json`` as a dict;
``settle_frame`` settles a whole table in C++ (no Python loop per bill, GIL
released), carrying each person's year-to-date totals in date order.
Errors are ``yibao.Error`` subclasses carrying the engine's message and code.
See python/README.md.
"""

from __future__ import annotations

import copyreg
import decimal
import json
import os
from typing import Any, Iterable, Mapping, Union

from . import errors
from ._yibao import Catalog, Tariff, TariffSet
from ._yibao import money_columns as _money_columns
from ._yibao import ytd_columns as _ytd_columns
from ._yibao import settle_json as _settle_json
from ._yibao import version as _version
from .errors import (Error, FailedPrecondition, InternalError, InvalidArgument, IoError, NotFound, OutOfMemory,
                     OutOfRange)
from .frame import BILL_COLUMNS, LINE_COLUMNS, MONEY_COLUMNS, YTD_COLUMNS, settle_frame, to_yuan
from .summary import Summary, summarize

__version__ = _version()


# pybind11's pickling (__getstate__/__setstate__) needs pickle protocol 2 or
# later; protocols 0 and 1 (and anything asking object.__reduce__) would
# abort the interpreter. Registering the reduction with copyreg makes every
# protocol and the copy module rebuild the object the way protocol 2 does.
def _rebuild(cls, state):
    obj = cls.__new__(cls)
    obj.__setstate__(state)
    return obj


def _reduce(obj):
    return _rebuild, (type(obj), obj.__getstate__())


def _not_picklable(obj):
    raise TypeError(f"cannot pickle {type(obj).__name__!r} object: it keeps no copy of its files; "
                    "load it where it is used (yibao.load_tariff_set)")


for _pickled in (Tariff, Catalog, Summary):
    copyreg.pickle(_pickled, _reduce)
copyreg.pickle(TariffSet, _not_picklable)

__all__ = [
    "Tariff",
    "TariffSet",
    "load_tariff_set",
    "Catalog",
    "settle",
    "settle_frame",
    "summarize",
    "Summary",
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
# Money of each named pool total in `ytd.pools` (docs/bill-format.md).
_POOL_KEYS = frozenset({"deductible_paid", "paid", "base"})


_PathLike = Union[str, "os.PathLike[str]"]


def load_tariff_set(paths: _PathLike | Iterable[_PathLike]) -> TariffSet:
    """Loads the versions of one place's tariff, as ``yibao estimate -t DIR``.

    ``paths`` is a tariff file or a directory (every ``*.toml`` directly in
    it), or a list of them; a file another of them ``extends`` is a base
    layer, not a version. The result is accepted wherever a Tariff is
    (``settle``, ``settle_frame``): each bill is settled under the version
    whose valid_from..valid_to contains its visit date, and a date that no
    version covers raises OutOfRange ("visit.date: no tariff version is in
    force on 2023-06-15"). ``warnings`` lists gaps between the versions.

    Raises IoError (a path cannot be read, no version found) or
    InvalidArgument (a tariff does not load, versions overlap or name other
    places), with every diagnostic. A TariffSet cannot be pickled: load it
    where it is used.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return TariffSet.from_paths([os.fsdecode(p) for p in paths])


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
    for pool in settlement.get("ytd", {}).get("pools", {}).values():
        conv(pool, _POOL_KEYS)
    for step in settlement.get("trace", ()):
        conv(step, {"value"})
    return settlement


def settle(
    tariff: Tariff | TariffSet,
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
    catalog). ``tariff`` may be a TariffSet (``load_tariff_set``): the
    version in force on the bill's date settles it. ``filing`` settles as if
    the visit had that filing; ``trace`` adds the step-by-step trace.

    Returns the settlement as a dict equal to ``json.loads`` of
    ``yibao estimate --json``: money as decimal strings with two decimals
    (``money="str"``, the default) or as ``decimal.Decimal`` (``money="decimal"``).

    Raises InvalidArgument (malformed bill), NotFound (unknown item),
    OutOfRange (date outside the tariff, or in no version of a TariffSet),
    FailedPrecondition (no rule applies).
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
