"""The Typer application and options shared by every command."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="redactor",
    help="Transcribe recordings, redact personal data from transcripts and audio, and manage "
    "what is stored: views, summaries, datasets, purges.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="REDACTOR_STORE",
        help="SQLite file path or postgresql:// URL [default: ./redactor-data/redactor.db]",
        show_default=False,
    ),
]
