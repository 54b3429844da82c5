"""Exceptions raised by yibao: one class per engine error code.

Every exception carries the engine's one-line ``message`` (also ``str(e)``),
its ``code`` (the C++ ``yibao::errc`` name), the field ``path`` of the first
problem (e.g. ``"lines[3].amount"``, may be empty) and, for tariffs and
catalogs, every compiler-style ``diagnostics`` line
(``"file:line:col: error: key: message"``).
"""

from __future__ import annotations

__all__ = [
    "Error",
    "InvalidArgument",
    "FailedPrecondition",
    "OutOfRange",
    "NotFound",
    "IoError",
    "InternalError",
    "OutOfMemory",
    "error_class",
]


class Error(Exception):
    """Base class of every yibao error."""

    code = "unknown"

    def __init__(self, message: str, code: str | None = None, path: str = "", diagnostics=()):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.path = path
        self.diagnostics = list(diagnostics)

    def __str__(self) -> str:
        if len(self.diagnostics) > 1:
            return self.message + "\n" + "\n".join(self.diagnostics)
        return self.message

    def __reduce__(self):  # picklable, so errors cross Dask process workers
        return (type(self), (self.message, self.code, self.path, self.diagnostics))


class InvalidArgument(Error, ValueError):
    """Malformed input: a bill, a tariff, a catalog row, a table cell."""

    code = "invalid_argument"


class FailedPrecondition(Error):
    """The tariff does not apply to the bill (no basic-fund rule matches)."""

    code = "failed_precondition"


class OutOfRange(Error):
    """The bill's date is outside the tariff's validity."""

    code = "out_of_range"


class NotFound(Error, LookupError):
    """An item code is in no catalog and the line carries no class."""

    code = "not_found"


class IoError(Error, OSError):
    """A tariff or catalog file cannot be read."""

    code = "io_error"


class InternalError(Error, RuntimeError):
    """A broken invariant inside the engine (e.g. an arithmetic overflow): a bug, please report it."""

    code = "internal"


class OutOfMemory(Error, MemoryError):
    """An allocation failed."""

    code = "out_of_memory"


_BY_CODE = {
    c.code: c
    for c in (InvalidArgument, FailedPrecondition, OutOfRange, NotFound, IoError, InternalError, OutOfMemory)
}


def error_class(code: str) -> type:
    """The exception class for an engine error code (``Error`` if unknown)."""
    return _BY_CODE.get(code, Error)
