"""Issue #11 item 5: one error model. Every engine error code has one Python
class, as it has one C API status and one exit code (docs/c-api.md)."""

import pickle

import yibao
from yibao import errors


def test_issue11_item5_internal_and_out_of_memory_have_their_classes():
    assert errors.error_class("internal") is yibao.InternalError
    assert errors.error_class("out_of_memory") is yibao.OutOfMemory
    assert issubclass(yibao.InternalError, yibao.Error)
    assert issubclass(yibao.InternalError, RuntimeError)
    assert issubclass(yibao.OutOfMemory, yibao.Error)
    assert issubclass(yibao.OutOfMemory, MemoryError)  # `except MemoryError` catches it


def test_issue11_item5_every_class_round_trips_its_code_and_pickles():
    for cls in (yibao.InvalidArgument, yibao.FailedPrecondition, yibao.OutOfRange, yibao.NotFound,
                yibao.IoError, yibao.InternalError, yibao.OutOfMemory):
        assert errors.error_class(cls.code) is cls
        e = cls("amounts too large", cls.code, "lines[0].amount", ["d"])
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is cls and back.code == cls.code and back.path == "lines[0].amount"
