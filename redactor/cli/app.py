"""The Typer application and options shared by every command."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from redactor.environment import read_environment
from redactor.errors import RedactorError

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(TyperGroup):
    """Turns engine errors into one line on stderr and the documented exit code.

    Only our own error messages are printed (they name inputs, never content); anything else is
    reported by type only, so a stray exception cannot print personal data.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except RedactorError as exc:
            err_console.print(f"error: {exc}", markup=False)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            if read_environment().debug:
                raise
            err_console.print(
                f"internal error: {type(exc).__name__} (set REDACTOR_DEBUG=1 for details)",
                markup=False,
            )
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_Group,
    name="redactor",
    help="Transcribe recordings, redact personal data from transcripts and audio, and manage "
    "what is stored: views, summaries, datasets, purges.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="SQLite file path or postgresql:// URL "
        "[default: REDACTOR_STORE, else ./redactor-data/redactor.db]",
        show_default=False,
    ),
]
