"""The ``redactor`` command line: thin commands over the library.

Each command group lives in its own module and registers itself on ``app``. Errors print one
line naming the input and the problem (never content, never a traceback unless
``REDACTOR_DEBUG=1``) and exit 2 for bad usage or input, 1 for a found problem.
"""

from __future__ import annotations

import logging
import sys

# Command modules register on ``app`` when imported.
from redactor.cli import dataset as _dataset  # noqa: F401
from redactor.cli import eval as _eval  # noqa: F401
from redactor.cli import grant as _grant  # noqa: F401
from redactor.cli import pipelines as _pipelines  # noqa: F401
from redactor.cli import process as _process  # noqa: F401
from redactor.cli import purge as _purge  # noqa: F401
from redactor.cli import redact_text as _redact_text  # noqa: F401
from redactor.cli import reveal as _reveal  # noqa: F401
from redactor.cli import serve as _serve  # noqa: F401
from redactor.cli import show as _show  # noqa: F401
from redactor.cli import subject as _subject  # noqa: F401
from redactor.cli.app import app, err_console

__all__ = ["app", "main"]


def main() -> None:
    from redactor.environment import read_environment

    logging.basicConfig(
        level=read_environment().log_level,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        err_console.print("interrupted", markup=False)
        sys.exit(130)
