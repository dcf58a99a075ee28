"""Runs as named files: pipeline files, the run builder, `redactor pipelines`, the environment."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.errors import InputError
from redactor.runs import RunOverrides, build_run, known_pipelines, render_run
from redactor.runs.config import STAGES
from tests.conftest import FIXTURES, ROOT

runner = CliRunner()


def test_runs_shipped_pipelines_are_the_top_level_files() -> None:
    known = known_pipelines()
    assert {"default", "support-only", "ray-cluster"} <= set(known)
    for name, path in known.items():
        assert path.read_bytes() == (ROOT / "pipelines" / f"{name}.toml").read_bytes()
        build_run(name, environ={})  # every shipped file is valid


def test_runs_default_file_is_the_engines_defaults() -> None:
    """default.toml states today's defaults: support + training, audio flac, summaries,
    tiny.en int8 on CPU, en_core_web_sm, one worker in this process, the embedded store."""
    run = build_run("default", environ={})
    assert run.stages == STAGES
    assert run.summaries and run.audio.enabled
    assert (run.audio.format, run.audio.mode, run.audio.padding_s) == ("flac", None, None)
    assert run.policies == ("support", "training")
    assert run.models.whisper_spec().name == "faster-whisper/tiny.en/int8+relisten.v1+turns.v1"
    assert (run.models.spacy, run.models.device, run.models.batch_size) == (
        "en_core_web_sm",
        "cpu",
        4,
    )
    assert (run.executor.name, run.executor.workers) == ("inline", 1)
    assert run.store.location == "redactor-data/redactor.db"


def test_runs_support_only_drops_training_and_summaries() -> None:
    run = build_run("support-only", environ={})
    assert run.policies == ("support",)
    assert not run.summaries and run.audio.enabled
    assert (run.audio.mode, run.audio.padding_s) == ("bleep", 0.15)


def test_runs_precedence_file_then_environment_then_options(tmp_path: Path) -> None:
    env = {"REDACTOR_STORE": str(tmp_path / "env.db"), "REDACTOR_ALLOW_TERMS": "acme, acmepay",
           "REDACTOR_WHISPER_MODEL": "tiny.en"}  # fmt: skip
    run = build_run("ray-cluster", environ=env)
    assert run.store.location == env["REDACTOR_STORE"]  # env over the file
    assert run.allow_terms == ("acme", "acmepay")
    assert (run.executor.name, run.executor.workers, run.executor.address) == ("ray", 8, "auto")
    cli = RunOverrides(
        store="cli.db", workers=2, executor="local", audio=False, policies=("support",)
    )
    run = build_run("ray-cluster", cli, environ=env)
    assert run.store.location == "cli.db"  # the command line over both
    assert (run.executor.name, run.executor.workers) == ("pool", 2)  # local, 2 workers: a pool
    assert "audio" not in run.stages and not run.audio.enabled
    assert run.policies == ("support",)


def test_runs_environment_chooses_the_pipeline(tmp_path: Path) -> None:
    extra = tmp_path / "runs"
    extra.mkdir()
    (extra / "night.toml").write_text('description = "night"\n[executor]\nworkers = 3\n')
    run = build_run(environ={"REDACTOR_PIPELINE": "night", "REDACTOR_PIPELINE_DIR": str(extra)})
    assert (run.name, run.executor.name, run.executor.workers) == ("night", "pool", 3)


def test_runs_show_output_is_a_pipeline_file_that_rebuilds_the_same_run(tmp_path: Path) -> None:
    run = build_run("support-only", RunOverrides(workers=2, audio_format="wav"), environ={})
    saved = tmp_path / "saved.toml"
    saved.write_text(render_run(run))
    again = build_run(str(saved), environ={})
    assert again.as_dict() == run.as_dict()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[executor]\nnme = 'pool'\n", "unknown key 'executor.nme'; valid keys in [executor]: address, cpus_per_worker"),
        ("bogus = 1\n", "unknown key 'bogus'; valid keys: audio, description, executor, languages, models"),
        ("[executor]\nname = 'slurm'\n", "'executor.name' = 'slurm'; choose one of: inline, local, pool, ray"),
        ("[audio]\nformat = 'aiff'\n", "'audio.format' = 'aiff'; choose one of: flac, wav, mp3, ogg"),
        ("[executor]\nworkers = 0\n", "'executor.workers' = 0; must be at least 1"),
        ("[executor]\nworkers = '2'\n", "'executor.workers' must be an integer"),
        ("[audio]\npadding_ms = 5000\n", "'audio.padding_ms' = 5000; must be between 0 and 2000"),
        ("stages = ['ingest', 'transcribe', 'detect', 'redact', 'store', 'dance']\n",
         "unknown stage 'dance' in 'stages'; choose from: ingest, transcribe"),
        ("stages = ['ingest', 'detect', 'redact', 'store']\n", "'stages' lacks transcribe; always run"),
        ("[policies]\nuse = ['support', 'nope']\n", "unknown policy 'nope'; known policies: escrow, support, training"),
        ("executor = 3\n", "[executor] must be a table"),
        ("languages = ['en', 'Deutsch']\n", "'languages': not an ISO 639 language code: Deutsch"),
        ("[store\n", "not valid TOML"),
    ],
)  # fmt: skip
def test_runs_bad_pipeline_file_names_file_key_and_choices(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(InputError) as info:
        build_run(str(bad), environ={})
    assert info.value.exit_code == 2
    assert str(info.value).startswith(f"pipeline file {bad}: ")
    assert message in str(info.value)


def test_runs_cli_bad_pipeline_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[executor]\nnme = 'pool'\n")
    db = tmp_path / "r.db"
    for args in (["pipelines", "show", str(bad)], ["process", "--pipeline", str(bad), "--store",
                 str(db), str(FIXTURES / "meeting.srt")]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert f"error: pipeline file {bad}: unknown key 'executor.nme'" in result.stderr
        assert "Traceback" not in result.output
    assert not db.exists(), "a bad run must not create the store"
    unknown = runner.invoke(
        app, ["process", "--pipeline", "nightly", str(FIXTURES / "meeting.srt")]
    )
    assert unknown.exit_code == 2
    assert (
        "unknown pipeline 'nightly'; known pipelines: default, ray-cluster, support-only"
        in unknown.stderr
    )


def test_runs_pipelines_list_and_show_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    listed = runner.invoke(app, ["pipelines", "list"])
    assert listed.exit_code == 0
    names = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert names == sorted(known_pipelines())
    monkeypatch.setenv("REDACTOR_STORE", "postgresql://redactor@db/redactor")
    shown = runner.invoke(app, ["pipelines", "show", "default", "--workers", "2"])
    assert shown.exit_code == 0, shown.output
    body = tomllib.loads(shown.stdout)
    assert body["store"]["location"] == "postgresql://redactor@db/redactor"  # env applied
    assert body["executor"] == {"name": "pool", "workers": 2, "cpus_per_worker": 1.0,
                                "gpus_per_worker": 0.0}  # fmt: skip
    assert body["policies"]["use"] == ["support", "training"]


def test_runs_show_verify_hashes_every_model_file() -> None:
    shown = runner.invoke(app, ["pipelines", "show", "default", "--verify"])
    assert shown.exit_code == 0, shown.output
    assert re.search(r"# whisper model 'tiny.en': 4 files match", shown.stdout)
    assert re.search(r"# spacy model 'en_core_web_sm': 9 files match", shown.stdout)


def test_runs_only_the_environment_module_reads_environment_variables() -> None:
    """Settings come from ``read_environment``; elsewhere ``os.environ`` is only written for
    child processes (thread caps for pool workers, tldextract's offline switch)."""
    allowed_writes = {"redactor/executors/pool.py", "redactor/detect/offline.py"}
    readers = re.compile(r"os\.environ\.get|os\.getenv|os\.environ\[|envvar=|environ\.get\(")
    offenders = []
    for path in sorted((ROOT / "redactor").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "redactor/environment.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if readers.search(line) and rel not in allowed_writes:
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == [], "read settings through redactor.runs.read_environment"


def _store_contents(db: Path, rid: str) -> dict[str, object]:
    def cli(*args: str) -> str:
        result = runner.invoke(app, [*args, "--store", str(db)])
        assert result.exit_code == 0, result.output
        return result.stdout

    def stable(value: object) -> object:  # artifact ids and times differ from store to store
        if isinstance(value, dict):
            drop = {"artifact", "created_at", "derived_from"}
            return {k: stable(v) for k, v in value.items() if k not in drop}
        return [stable(v) for v in value] if isinstance(value, list) else value

    files = []  # the redacted audio as written out (the stored files are sealed, each its own key)
    for policy in ("support", "training"):
        out = db.parent / f"{policy}.out.flac"
        cli("show", rid, "--policy", policy, "--audio", str(out))
        files.append(hashlib.sha256(out.read_bytes()).hexdigest())
    return {
        "support": cli("show", rid, "--policy", "support"),
        "training": cli("show", rid, "--policy", "training"),
        "summary": stable(json.loads(cli("show", rid, "--summary"))),
        "list": [line.split("\t")[:5] for line in cli("list").splitlines()],
        "files": files,
    }


@pytest.mark.slow
def test_runs_default_pipeline_stores_what_todays_defaults_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`process --pipeline pipelines/default.toml` == `process` with no pipeline and no
    options == the library's ``LocalPipeline`` defaults, byte for byte where it is stored."""
    from redactor.detect import PresidioDetector
    from redactor.executors import LocalPipeline
    from redactor.store import open_store
    from redactor.transcribe import FasterWhisperTranscriber
    from redactor.types import RecordingMeta

    monkeypatch.chdir(tmp_path)  # the default store is ./redactor-data/
    call = FIXTURES / "call_support.flac"
    by_file = runner.invoke(app, ["process", "--pipeline", str(ROOT / "pipelines" / "default.toml"),
                                  "--id", "call-1", "--store", "a/r.db", str(call)])  # fmt: skip
    assert by_file.exit_code == 0, by_file.output
    plain = runner.invoke(app, ["process", "--id", "call-1", str(call)])
    assert plain.exit_code == 0, plain.output
    lib_store = open_store(str(tmp_path / "c" / "r.db"))
    lib = LocalPipeline(
        store=lib_store, transcriber=FasterWhisperTranscriber(), detector=PresidioDetector()
    )
    assert lib.process_file(call, RecordingMeta(recording_id="call-1")).status == "done"
    lib_store.close()

    a = _store_contents(tmp_path / "a" / "r.db", "call-1")
    assert "[PHONE_NUMBER_1]" in str(a["support"]) or "[PERSON_" in str(a["support"])
    assert a["files"], "redacted audio was written"
    assert a == _store_contents(tmp_path / "redactor-data" / "redactor.db", "call-1")
    assert a == _store_contents(tmp_path / "c" / "r.db", "call-1")
