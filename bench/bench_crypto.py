"""What encrypting everything of a recording costs: process, show, the viewer page, and the
redacted audio (process of an audio call, the API's audio endpoint, ``show --audio``).

Two measurements. The cost accounting (the target): the time of the crypto work each
operation does (sealing every body ``process`` stores; the key lookups and unsealing ``show``
and the viewer page do), timed in a tight loop on the real bodies of a processed call,
divided by the median time of the operation itself. And an A/B run with sealing switched off
in this process (what the store did before), alternating variants on fresh SQLite stores;
on a shared machine its noise (tens of %) is larger than the effect, so it is reported, not
judged. Target: crypto work <= 5% of each operation.

The redacted audio file is sealed with ``crypto.seal_file`` on the way to the disk and opened
on every read (the audio check's re-reads, the endpoint, ``show --audio``): its crypto work is
that sealing and opening, timed on the real file of a processed call
(``fixtures/call_support.flac``, real models), against the operation's median time; the A/B
there serves the same file plain (the path stores written before audio was sealed take).

    .venv/bin/python bench/bench_crypto.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FIXTURES, Row, report

CALL = FIXTURES / "meeting_zoom.vtt"
AUDIO_CALL = FIXTURES / "call_support.flac"


@contextmanager
def plain() -> Iterator[None]:
    """Sealing off: bodies are stored and read as they are (what the store did before)."""
    import redactor.store.artifacts as arts
    import redactor.store.writing as writing

    saved = (arts.seal, arts.is_sealed, writing.seal)
    arts.seal = writing.seal = lambda key, body, rid: body  # type: ignore[assignment]
    arts.is_sealed = lambda body: False  # type: ignore[assignment]
    try:
        yield
    finally:
        arts.seal, arts.is_sealed, writing.seal = saved


def measure(sealed: bool, detector: object, tmp: Path, n: int) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from redactor.auth import create_token
    from redactor.executors import LocalPipeline
    from redactor.formats import render
    from redactor.store import open_store
    from redactor.types import RecordingMeta
    from redactor.web import create_app

    with nullcontext() if sealed else plain():
        st = open_store(str(tmp / f"s{n}-{sealed}" / "redactor.db"))
        pipe = LocalPipeline(store=st, detector=detector)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        result = pipe.process_file(CALL, RecordingMeta(host="acme", recording_id="call-1"))
        t_process = time.perf_counter() - t0
        assert result.status == "done", result

        def show() -> None:
            red = st.artifacts.redacted_transcript("call-1", "support")
            render(red, "call-1", "json")

        t_show = _best(show, 50)
        token = create_token(st, role="support", name="bench")
        client = TestClient(create_app(st, allowed_hosts=["testserver"]))
        client.post("/login", data={"token": token})  # the viewer's session cookie

        def page() -> None:
            r = client.get("/recordings/call-1?ticket=SUP-1")
            assert r.status_code == 200, r.status_code

        t_page = _best(page, 20)
        st.close()
    return {"process": t_process, "show": t_show, "page": t_page}


def _best(fn: Callable[[], None], times: int) -> float:
    """Median of ``times`` calls, in seconds."""
    laps = []
    for _ in range(times):
        t0 = time.perf_counter()
        fn()
        laps.append(time.perf_counter() - t0)
    return statistics.median(laps)


def accounting(detector: object, tmp: Path) -> dict[str, dict[str, float]]:
    """Crypto seconds per operation (on the real bodies of one call) and the operation's."""
    from sqlalchemy import select

    from redactor.crypto import seal, unseal
    from redactor.store import schema as s

    times = measure(True, detector, tmp, 99)
    from redactor.store import open_store

    st = open_store(str(tmp / "s99-True" / "redactor.db"))
    with st.engine.connect() as conn:
        key = bytes(
            conn.execute(
                select(s.content_keys.c.key).where(s.content_keys.c.recording_id == "call-1")
            ).scalar_one()
        )
        bodies = [
            (str(r.kind), bytes(r.body))
            for r in conn.execute(
                select(s.artifacts.c.kind, s.artifacts.c.body).where(
                    s.artifacts.c.recording_id == "call-1", s.artifacts.c.body.is_not(None)
                )
            )
        ]
        bodies.append(
            ("detections", bytes(conn.execute(select(s.detection_sets.c.body)).scalar_one()))
        )
    plains = [(k, unseal(key, b, "call-1")) for k, b in bodies]
    support = next(p for k, p in plains if k == "redacted_transcript")
    summaries = [p for k, p in plains if k in ("summary", "key_topics", "action_items")]

    def lookup() -> None:  # what ``artifacts.add`` does for each summary part it seals
        with st.engine.connect() as conn:
            conn.execute(
                select(s.content_keys.c.key).where(s.content_keys.c.recording_id == "call-1")
            )

    t_seal_all = _best(lambda: [seal(key, p, "call-1") for _, p in plains], 200)
    sealed_support = seal(key, support, "call-1")
    sealed_summaries = [seal(key, p, "call-1") for p in summaries]
    t_open_support = _best(lambda: unseal(key, sealed_support, "call-1"), 500)
    t_open_summaries = _best(lambda: [unseal(key, b, "call-1") for b in sealed_summaries], 500)
    t_lookup = _best(lookup, 200)
    st.close()
    crypto = {
        # sealing every body, and the key lookup of each summary part added after the commit
        "process": t_seal_all + len(summaries) * t_lookup,
        # reads get the key joined into the body's query: only the decryption is extra
        "show": t_open_support,
        "page": t_open_support + t_open_summaries,
    }
    return {k: {"crypto_s": crypto[k], "operation_s": times[k]} for k in crypto}


def audio_costs(detector: object, tmp: Path, times: int) -> dict[str, dict[str, float]]:
    """Crypto seconds and operation seconds for the redacted audio's write and reads."""
    import io

    from fastapi.testclient import TestClient
    from sqlalchemy import select, update
    from typer.testing import CliRunner

    from redactor.audio_check import stored_check
    from redactor.auth import create_token
    from redactor.cli import app
    from redactor.crypto import open_file, seal_file
    from redactor.executors import LocalPipeline
    from redactor.store import open_store
    from redactor.store import schema as s
    from redactor.types import RecordingMeta
    from redactor.web import create_app
    from redactor.web.content import redacted_audio

    db = tmp / "audio" / "redactor.db"
    st = open_store(str(db))
    pipe = LocalPipeline(store=st, detector=detector)  # type: ignore[arg-type]
    warm = pipe.process_file(FIXTURES / "short_phone.wav", RecordingMeta(recording_id="warm"))
    assert warm.status == "done", warm  # the speech model is loaded now
    t0 = time.perf_counter()
    result = pipe.process_file(AUDIO_CALL, RecordingMeta(host="acme", recording_id="call-a"))
    t_process = time.perf_counter() - t0
    assert result.status == "done", result
    audio = redacted_audio(st, "call-a")
    assert audio.key is not None
    key, plain, sealed = audio.key, audio.read(), audio.path.read_bytes()
    check = stored_check(st, "call-a", "support") or {"checks": 0, "widenings": 0}
    writes, reads = 1 + int(check["widenings"]), int(check["checks"])
    aad = b"call-a\x00redacted_audio"
    t_seal = _best(lambda: b"".join(seal_file(key, plain, aad)), 50)
    t_open = _best(lambda: b"".join(open_file(key, io.BytesIO(sealed), aad)), 50)

    token = create_token(st, role="support", name="bench")
    client = TestClient(create_app(st, allowed_hosts=["testserver"]))
    auth = {"Authorization": f"Bearer {token}"}
    out = tmp / "audio" / "out.flac"
    runner = CliRunner()

    def get() -> None:
        r = client.get("/api/recordings/call-a/audio?ticket=SUP-1", headers=auth)
        assert r.status_code == 200 and len(r.content) == len(plain), r.status_code

    def show() -> None:
        r = runner.invoke(app, ["show", "call-a", "--audio", str(out), "--store", str(db)])
        assert r.exit_code == 0, r.output

    # A/B, alternating: the same file sealed, and plain with its row holding no key (a store
    # from before audio was sealed), switched between laps so that drift hits both alike.
    art = s.artifacts.c
    row = (art.recording_id == "call-a") & (art.kind == "redacted_audio")
    with st.engine.connect() as conn:
        sealed_body = conn.execute(select(art.body).where(row)).scalar_one()

    def state(is_sealed: bool) -> None:
        audio.path.write_bytes(sealed if is_sealed else plain)
        with st.begin() as conn:
            conn.execute(
                update(s.artifacts).where(row).values(body=sealed_body if is_sealed else None)
            )

    laps: dict[tuple[str, bool], list[float]] = {}
    for n in range(times):
        for is_sealed in (n % 2 == 0, n % 2 != 0):
            state(is_sealed)
            for name, fn in (("get", get), ("show", show)):
                laps.setdefault((name, is_sealed), []).append(_best(fn, 1))
    state(True)
    med = {k: statistics.median(v) for k, v in laps.items()}
    t_get, t_show = med[("get", True)], med[("show", True)]
    t_get_plain, t_show_plain = med[("get", False)], med[("show", False)]
    st.close()
    return {
        "process_audio": {
            "crypto_s": writes * t_seal + reads * t_open,
            "operation_s": t_process,
            "file_bytes": len(plain),
        },
        "audio_endpoint": {"crypto_s": t_open, "operation_s": t_get, "plain_s": t_get_plain},
        "show_audio": {"crypto_s": t_open, "operation_s": t_show, "plain_s": t_show_plain},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from redactor.detect import PresidioDetector

    detector = PresidioDetector()
    detector.analyze_texts(["warm up"])
    got: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            for sealed in (n % 2 == 0, n % 2 != 0):  # alternate which goes first
                for k, v in measure(sealed, detector, Path(tmp), n).items():
                    got[sealed].setdefault(k, []).append(v)
        acc = accounting(detector, Path(tmp))
        audio = audio_costs(detector, Path(tmp), 10 * args.repeat)
    rows = []
    info: dict[str, object] = {}
    for k in ("process", "show", "page"):
        on, off = statistics.median(got[True][k]), statistics.median(got[False][k])
        share = 100 * acc[k]["crypto_s"] / statistics.median(got[True][k])
        info[k] = {"sealed_s": on, "plain_s": off, **acc[k]}
        rows.append(Row(f"{k}: crypto work / operation", share, "%", "<= 5", share <= 5))
        print(
            f"{k}: crypto {acc[k]['crypto_s'] * 1e6:.0f} us of {on * 1000:.2f} ms; "
            f"A/B sealed {on * 1000:.2f} ms, plain {off * 1000:.2f} ms ({on / off:.2f}x)"
        )
    for k, v in audio.items():
        share = 100 * v["crypto_s"] / v["operation_s"]
        info[k] = v
        rows.append(Row(f"{k}: crypto work / operation", share, "%", "<= 5", share <= 5))
        ab = f"; A/B plain {v['plain_s'] * 1000:.2f} ms" if "plain_s" in v else ""
        print(f"{k}: crypto {v['crypto_s'] * 1e6:.0f} us of {v['operation_s'] * 1000:.2f} ms{ab}")
    report("crypto", rows, info)


if __name__ == "__main__":
    main()
