"""Work done beside the command, in a forked child process, its results read back in order.

An intake of 100,000 rows spends a third of its time reading and checking the rows and
the rest writing them; on a machine with a second CPU the two can run side by side. The
child is a fork of the command taken once the file is open: it reads the rows from the
same open file, checks them, and sends its results back through a pipe, a few hundred at
a time. The command reads them as it would have made them, in the same order, and does
everything else (the register, the transaction, the audit trail) itself. The pipe holds
a few batches: the child waits while the command writes, so memory stays flat.

The child never touches the database the command has open (closing the inherited
connection could checkpoint a WAL file under the command's feet): it ends with
`os._exit`, past every cleanup of the interpreter, and writes to no stream the command
shares. An exception in the child is raised in the command as if the work had been done
there. Only on Linux: fork is not offered on Windows and not safe beside macOS frameworks.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

BATCH = 256


def fork_safe() -> bool:
    """Whether this process may fork: on Linux only (no fork on Windows, and macOS frameworks
    are not safe in a forked child)."""
    return sys.platform == "linux" and hasattr(os, "fork")


def cpus() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def available() -> bool:
    """Whether work can be handed to a child here: Linux, and a second CPU to run it on."""
    return fork_safe() and cpus() > 1 and os.environ.get("SOSA_NO_FORK", "") in ("", "0")


def quiet_child() -> None:
    """A child writes nowhere: it shares no stream (and so no lock) with the command."""
    import logging

    devnull = open(os.devnull, "w")  # noqa: SIM115 - the child's, for its whole life
    sys.stdout = sys.stderr = devnull
    logging.getLogger().handlers = []
    logging.lastResort = None


def iterate(work: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Yield the items of `work()`, computed in a forked child, in order.

    Stopping early (the command refused, or was interrupted) stops the child.
    """
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 0
        try:
            os.close(readable)
            quiet_child()
            with os.fdopen(writable, "wb") as pipe:
                _send(work, pipe)
        except BaseException:  # the command is gone (a broken pipe): nothing to tell it
            status = 1
        finally:
            os._exit(status)
    os.close(writable)
    ended = False
    try:
        with os.fdopen(readable, "rb") as pipe:
            while True:
                try:
                    kind, payload = pickle.load(pipe)
                except EOFError:
                    raise RuntimeError("the child process checking the rows ended without a word") from None
                if kind == "items":
                    yield from payload
                elif kind == "raised":
                    ended = True
                    raise payload
                else:
                    ended = True
                    return
    finally:
        if not ended:
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


def _send(work: Callable[[], Iterator[T]], pipe) -> None:
    batch: list[T] = []
    try:
        for item in work():
            batch.append(item)
            if len(batch) >= BATCH:
                pickle.dump(("items", batch), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
    except Exception as exc:  # raised in the command, after the items made before it
        pickle.dump(("items", batch), pipe, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            raised = pickle.dumps(("raised", exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that cannot be pickled: its words at least
            raised = pickle.dumps(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")), protocol=pickle.HIGHEST_PROTOCOL)
        pipe.write(raised)
        return
    pickle.dump(("items", batch), pipe, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(("done", None), pipe, protocol=pickle.HIGHEST_PROTOCOL)
