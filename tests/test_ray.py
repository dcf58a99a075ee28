"""The Ray executor on a local Ray instance: real pipeline in an actor, results in the store."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from redactor.errors import InputError
from redactor.runs import RunOverrides, build_run
from redactor.store import open_store
from redactor.types import RecordingMeta
from tests.conftest import FIXTURES, digits


def test_ray_missing_extra_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from redactor.executors.ray import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(InputError, match=r"pip install 'redactor\[ray\]'") as info:
        import_ray()
    assert info.value.exit_code == 2


@pytest.fixture(scope="module")
def local_ray() -> Iterator[object]:
    ray = pytest.importorskip("ray")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    # Ray's session sockets need a short path; keep them out of /tmp/ray.
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    ray.init(num_cpus=2, _temp_dir=temp, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.slow  # real models in child processes
def test_ray_executor_processes_fixture_and_fails_corrupt_file(
    local_ray: object, tmp_path: Path
) -> None:
    from redactor.executors.ray import run_ray

    audio = tmp_path / "phone.wav"
    shutil.copy(FIXTURES / "short_phone.wav", audio)
    corrupt = tmp_path / "corrupt.flac"
    corrupt.write_bytes(b"fLaC" + os.urandom(1024))
    db = str(tmp_path / "store" / "r.db")
    run = build_run("default", RunOverrides(store=db, audio=False))
    results = list(
        run_ray(
            [audio, corrupt],
            RecordingMeta(host="acme"),
            run=run,
            actors=1,
            cpus_per_actor=0.5,  # fractional: a live actor must not starve other Ray work
        )
    )
    by_path = {r.path: r for r in results}
    assert by_path[audio].status == "done", by_path[audio].error
    assert by_path[corrupt].status == "failed"
    assert str(by_path[corrupt].error).startswith(f"{corrupt}: cannot decode audio")
    assert local_ray.is_initialized()  # type: ignore[attr-defined]  # not ours to shut down

    store = open_store(db)
    rid = by_path[audio].recording_id
    assert rid is not None
    red = store.artifacts.redacted_transcript(rid, "support")
    assert red.segments, "the phone call transcribes to something"
    assert "6465552819" not in digits(" ".join(s.text for s in red.segments))
    assert [r.id for r in store.recordings.all()] == [rid]
