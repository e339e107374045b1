"""Work done in a forked child, read back in order (sosa_cli/forked.py): what the intake of a
large file relies on. Linux only, as the module itself."""

from __future__ import annotations

import os
import sys
import time

import pytest

from sosa_cli import forked
from sosa_cli.errors import SosaError

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="work is handed to a child only on Linux")


def test_items_come_back_in_order_across_many_batches():
    def work():
        for n in range(forked.BATCH * 3 + 7):
            yield n, os.getpid()

    items = list(forked.iterate(work))
    assert [n for n, _ in items] == list(range(forked.BATCH * 3 + 7))
    assert {pid for _, pid in items} != {os.getpid()}  # made in another process


def test_a_refusal_in_the_child_is_raised_here_after_the_items_before_it():
    def work():
        yield 1
        yield 2
        raise SosaError("rows.csv: row 3 is neither UTF-8 nor Shift_JIS", hint="save it as CSV UTF-8")

    got = []
    with pytest.raises(SosaError) as raised:
        for item in forked.iterate(work):
            got.append(item)
    assert got == [1, 2]
    assert raised.value.message == "rows.csv: row 3 is neither UTF-8 nor Shift_JIS" and raised.value.hint == "save it as CSV UTF-8"


def test_an_exception_that_cannot_travel_still_says_what_it_was():
    class Local(Exception):  # defined in a function: pickle cannot find it again
        pass

    def work():
        yield 1
        raise Local("the cell could not be read")

    with pytest.raises(RuntimeError, match="Local: the cell could not be read"):
        list(forked.iterate(work))


def test_stopping_early_stops_the_child():
    def work():
        yield os.getpid()
        n = 0
        while True:  # would never end by itself
            yield n
            n += 1

    started = time.monotonic()
    items = forked.iterate(work)
    child = next(items)
    assert [next(items) for _ in range(10)] == list(range(10))
    items.close()  # the command refused: the child is killed and reaped
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # reaped already: not even a zombie is left


def test_a_child_that_dies_is_an_error_not_a_short_file():
    def work():
        yield 1
        os._exit(9)  # killed by the system, say

    with pytest.raises(RuntimeError, match="ended without a word"):
        list(forked.iterate(work))


def test_it_is_offered_only_where_fork_is_safe_and_a_cpu_is_free(monkeypatch):
    monkeypatch.delenv("SOSA_NO_FORK", raising=False)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert forked.available()
    monkeypatch.setenv("SOSA_NO_FORK", "1")
    assert not forked.available()
    monkeypatch.delenv("SOSA_NO_FORK")
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0}, raising=False)
    assert not forked.available()
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert not forked.available()
