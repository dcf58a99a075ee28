"""Kill a real process at its N-th durable operation, to test that every write survives a kill.

A *durable operation* is what a crash can fall between: a database commit, a rename, an
fsync, an unlink, a folder removal. ``trace(fn)`` runs ``fn`` in a forked child and returns
the operations it made, in order; ``kill_at(fn, k)`` runs it again and ends the child with
``os._exit(137)`` just before operation ``k`` (no exception, no ``finally``, no rollback:
what a ``kill -9`` leaves). Kill points are found from the trace, not named in the code, so
the matrix keeps up with the code as it changes.

The child is forked from the test process, so models already loaded there are not loaded
again; the caller must dispose of its own database connections first (``Store.close``) and
the child must open its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement

__all__ = ["KILLED", "KillPoint", "Op", "kill_at", "once_row", "run_child", "trace"]

KILLED = 137
CHILD_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class Op:
    kind: str  # commit | replace | rename | fsync | unlink | rmdir | rmtree
    name: str  # the file or folder name it touched ("" for a commit)

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else self.kind


def _name(arg: Any) -> str:
    if isinstance(arg, int):
        return ""  # an fsync'd descriptor
    return Path(os.fsdecode(arg)).name


def _install(on_op: Callable[[Op], None]) -> None:
    """Wrap the durable operations of this (child) process so each one calls ``on_op`` first."""

    def wrap(module: Any, attr: str, kind: str, name_of: Callable[..., str]) -> None:
        real = getattr(module, attr)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            on_op(Op(kind, name_of(*args)))
            return real(*args, **kwargs)

        setattr(module, attr, wrapper)

    wrap(os, "replace", "replace", lambda src, dst, *a: _name(dst))
    wrap(os, "rename", "rename", lambda src, dst, *a: _name(dst))
    wrap(os, "fsync", "fsync", lambda fd: "")
    wrap(os, "unlink", "unlink", lambda p, *a: _name(p))
    wrap(os, "remove", "unlink", lambda p, *a: _name(p))
    wrap(os, "rmdir", "rmdir", lambda p, *a: _name(p))
    wrap(shutil, "rmtree", "rmtree", lambda p, *a, **k: _name(p))
    event.listen(Engine, "commit", lambda conn: on_op(Op("commit", "")))


KillPoint = int | Callable[[Op], bool]


def run_child(
    fn: Callable[[], object], *, kill_before: KillPoint | None = None
) -> tuple[int, list[Op]]:
    """Run ``fn`` in a forked child; return its exit code (137: killed) and the ops it made.

    ``kill_before`` is an op number (1-based) or a predicate: the child is killed just before
    that op, or before the first op the predicate accepts. Exit codes: 0 ``fn`` returned,
    137 killed, 1 ``fn`` raised (its traceback is printed, pytest shows it on failure).
    """
    with tempfile.TemporaryDirectory() as tmp:
        log_path, err_path = Path(tmp) / "ops", Path(tmp) / "err"
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                log = log_path.open("a", buffering=1)
                count = 0

                def on_op(op: Op) -> None:
                    nonlocal count
                    count += 1
                    if kill_before == count or (callable(kill_before) and kill_before(op)):
                        os._exit(KILLED)
                    log.write(json.dumps([op.kind, op.name]) + "\n")

                _install(on_op)
                fn()
                code = 0
            except BaseException:
                err_path.write_text(traceback.format_exc())
            os._exit(code)
        code = _wait(pid)
        if code == 1 and err_path.exists():
            print(err_path.read_text())  # shown by pytest when the test fails
        ops = (
            [Op(*json.loads(ln)) for ln in log_path.read_text().splitlines()]
            if log_path.exists()
            else []
        )
    return code, ops


def _wait(pid: int, timeout_s: float = CHILD_TIMEOUT_S) -> int:
    """The child's exit code; a child still running after ``timeout_s`` is killed (a hang,
    e.g. waiting on a lock, must fail the test rather than stall the suite)."""
    deadline = time.monotonic() + timeout_s
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"the child ran past {timeout_s:.0f} s (hung?)")
        time.sleep(0.01)


def trace(fn: Callable[[], object]) -> list[Op]:
    """The durable operations ``fn`` makes, in order (it must complete)."""
    code, ops = run_child(fn)
    assert code == 0, f"the clean run failed (exit {code})"
    return ops


def kill_at(fn: Callable[[], object], k: KillPoint) -> None:
    """Run ``fn`` and kill it just before its ``k``-th durable operation (or the first that
    the predicate ``k`` accepts)."""
    code, _ = run_child(fn, kill_before=k)
    assert code == KILLED, f"expected a kill before op {k}, got exit {code}"


def once_row(url: str, table: Table, where: ColumnElement[bool]) -> Callable[[Op], bool]:
    """A kill point: the first durable operation after a row matching ``where`` is committed.

    Queries through its own engine, opened in the child on first use (not a ``Store``: opening
    one would migrate, and take the migration lock the child may be holding).
    """
    engines: list[Engine] = []

    def pred(op: Op) -> bool:
        if not engines:
            engines.append(create_engine(url))
        with engines[0].connect() as conn:
            return conn.execute(select(table).where(where)).first() is not None

    return pred
