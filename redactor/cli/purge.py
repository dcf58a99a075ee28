"""``redactor purge``, ``redactor verify-purge`` and ``redactor retention``: thin over the library."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from redactor.cli.app import StoreOpt, app, err_console
from redactor.errors import InputError
from redactor.ingest import validate_id
from redactor.purge import purge as purge_recording
from redactor.purge import verify_purge as verify_recording
from redactor.retention import apply_retention, check_action, parse_age, plan_retention
from redactor.store import open_store


class Reason(StrEnum):
    host_deleted = "host-deleted"
    retention = "retention"
    subject_request = "subject-request"


class Action(StrEnum):
    purge = "purge"
    anonymize = "anonymize"


@app.command()
def purge(
    recording_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Recording id (not with --resume).")
    ] = None,
    reason: Annotated[Reason | None, typer.Option(help="Why the recording is purged.")] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Finish every purge (and webhook event) a crash or kill cut off."
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Purge a recording and everything derived from it; print the receipt (JSON).

    Removes every artifact in its lineage (transcripts, audio, summaries, dataset rows,
    files), destroys its data key and leaves a tombstone so it cannot be ingested again.
    Running it again (also after a crash) finishes the job and prints the same receipt.
    With --resume (no ID): finish every unfinished purge job, one receipt (JSON) a line.
    """
    if resume:
        if recording_id is not None:
            raise InputError("purge: give an ID or --resume, not both")
        _resume(store)
        return
    if recording_id is None or reason is None:
        raise InputError("purge: give an ID and --reason (or --resume)")
    validate_id(recording_id)
    receipt = purge_recording(open_store(store), recording_id, reason.value, actor="cli")
    typer.echo(json.dumps(receipt.as_dict(), indent=2, sort_keys=True))
    if not receipt.stored:
        err_console.print(
            f"note: nothing was stored under {recording_id}; it is tombstoned all the same",
            markup=False,
        )


def _resume(location: str | None) -> None:
    from redactor.purge import resume_purges
    from redactor.web.webhooks import resume_events

    st = open_store(location)
    receipts = resume_purges(st)
    for receipt in receipts:
        typer.echo(json.dumps(receipt.as_dict(), sort_keys=True))
    events = resume_events(st, purge_recording)
    err_console.print(
        f"resumed {len(receipts)} purge(s) and {events} webhook event(s)", markup=False
    )


@app.command("verify-purge")
def verify_purge(
    recording_id: Annotated[str, typer.Argument(metavar="ID", help="Recording id.")],
    store: StoreOpt = None,
) -> None:
    """Check that nothing of a purged recording is left; exit 1 and list what is, if any.

    Looks in every database table, the artifact folder and every file its lineage named
    (exports included), and asks the registered purge hooks.
    """
    validate_id(recording_id)
    findings = verify_recording(open_store(store), recording_id)
    for f in findings:
        typer.echo(f)
    if findings:
        raise typer.Exit(1)
    typer.echo(f"ok: nothing of {recording_id} remains")


retention_app = typer.Typer(
    help="Purge or anonymize recordings by age; per-host settings win over the defaults.",
    no_args_is_help=False,
)
app.add_typer(retention_app, name="retention")


@retention_app.callback(invoke_without_command=True)
def retention(
    ctx: typer.Context,
    older_than: Annotated[
        str | None,
        typer.Option(help="Default age limit for hosts without their own setting: 30d, 12h, 4w."),
    ] = None,
    action: Annotated[Action, typer.Option(help="Default action.")] = Action.purge,
    host: Annotated[str | None, typer.Option(help="Only this host's recordings.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Only list what would be done.")] = False,
    store: StoreOpt = None,
) -> None:
    """Purge or anonymize recordings older than an age (per-host settings first).

    Prints one line per recording: <id> TAB <action> TAB <host> TAB <rule> (rule is host or
    default), and with --dry-run changes nothing.
    """
    if ctx.invoked_subcommand is not None:
        return
    st = open_store(store)
    age = parse_age(older_than) if older_than else None
    if age is None and not st.retention.settings():
        raise InputError("retention: give --older-than, or set a host's retention first")
    if host is not None:
        validate_id(host, "host id")
    decisions = plan_retention(st, older_than=age, action=action.value, host=host)
    if not dry_run:
        apply_retention(st, decisions)
    for d in decisions:
        typer.echo(f"{d.recording_id}\t{d.action}\t{d.host}\t{d.rule}")
    verb = "would be" if dry_run else "were"
    err_console.print(f"retention: {len(decisions)} recording(s) {verb} processed", markup=False)


@retention_app.command("set")
def retention_set(
    host: Annotated[str, typer.Argument(help="Host id.")],
    older_than: Annotated[str, typer.Option(help="Age limit: 30d, 12h, 4w (whole days).")],
    action: Annotated[Action, typer.Option(help="What to do with older recordings.")] = (
        Action.purge
    ),
    store: StoreOpt = None,
) -> None:
    """Set a host's own retention (it overrides the command-line default)."""
    validate_id(host, "host id")
    days = parse_age(older_than).days
    if days < 1:
        raise InputError("--older-than: a host setting needs at least one day")
    open_store(store).retention.set(host, days, check_action(action.value))


@retention_app.command("show")
def retention_show(store: StoreOpt = None) -> None:
    """List the per-host settings: <host> TAB <days> TAB <action>."""
    for s in open_store(store).retention.settings().values():
        typer.echo(f"{s.host}\t{s.older_than_days}d\t{s.action}")


@retention_app.command("clear")
def retention_clear(
    host: Annotated[str, typer.Argument(help="Host id.")], store: StoreOpt = None
) -> None:
    """Remove a host's own setting (the defaults apply again)."""
    validate_id(host, "host id")
    if not open_store(store).retention.clear(host):
        raise InputError(f"retention: host {host} has no setting")
