"""The support viewer in a real browser: Debian's headless Chromium driven by Playwright.

The real server (uvicorn on loopback, a free port) serves the store the real pipeline filled
(``processed``). A support engineer logs in, opens the support call, gives a ticket, reads the
redacted transcript and the inferred summary; the page's HTML must hold no PII value from the
fixture, and the audit log must hold the view with the ticket.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from redactor.auth import create_token
from redactor.store import Store
from tests.conftest import IN_CI, digits

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(processed: tuple[Store, dict[str, str]]) -> Iterator[str]:
    """``redactor serve``'s app on uvicorn in a thread; yields the base URL."""
    import uvicorn

    from redactor.web import create_app

    store, _ = processed
    port = _free_port()
    config = uvicorn.Config(
        create_app(store), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("/usr/bin/chromium is missing (CI must install the chromium package)")
        pytest.skip("/usr/bin/chromium is missing")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("chromium")
    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _pii_found(html: str, values: list[str]) -> list[str]:
    """Which PII values are in the page: as written, case-insensitively, or as digit runs."""
    found = []
    text_digits = digits(re.sub(r"<[^>]+>", " ", html))
    for value in values:
        if value.lower() in html.lower():
            found.append(value)
        elif len(digits(value)) >= 7 and digits(value) in text_digits:
            found.append(f"digits of a {len(digits(value))}-digit value")
    return found


def test_browser_support_views_a_redacted_call_for_a_ticket(
    server: str,
    browser: Any,
    processed: tuple[Store, dict[str, str]],
    fixture_info: dict[str, Any],
) -> None:
    store, ids = processed
    rid = ids["call_support.flac"]
    token = create_token(store, role="support", name="browser-test")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto(f"{server}/login")
        page.fill("#token", token)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{server}/")
        assert rid in page.content()

        page.click(f"a[href='/recordings/{rid}']")
        page.wait_for_selector("#ticket")
        assert "Redacted transcript" not in page.content()  # nothing shown before the ticket
        page.fill("#ticket", "SUP-4711")
        page.click("main button[type=submit]")
        page.wait_for_selector("ol.transcript")

        html = page.content()
        assert "Redacted transcript" in html
        assert "Inferred (generated)" in page.inner_text(".inferred")
        segments = page.locator("li.seg")
        assert segments.count() >= 3
        assert "[" in page.inner_text("ol.transcript")  # placeholders where PII was
        src = page.get_attribute("audio#player", "src")
        assert src is not None and "ticket=SUP-4711" in src
        audio = page.request.get(server + src)  # the page's session cookie goes along
        assert audio.status == 200
        assert audio.headers["content-type"].startswith("audio/")
        assert audio.headers["cache-control"] == "no-store"

        values = [p["value"] for p in fixture_info["call_support.flac"]["pii"]]
        assert _pii_found(html, values) == []

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "viewer.png"), full_page=True)
    finally:
        page.close()

    views = [
        e
        for e in store.audit.entries(rid)
        if e.action == "view_redacted" and e.ticket == "SUP-4711"
    ]
    assert len(views) == 1
    assert views[0].actor.startswith("support:") and "browser-test" in views[0].actor


def test_browser_pii_check_finds_a_leak() -> None:
    """The page check itself finds a value, in any case, and digits split by markup."""
    assert _pii_found("<p>Call JOHN SMITH</p>", ["John Smith"]) == ["John Smith"]
    assert _pii_found("<p>646</p><p>555-2819</p>", ["6465552819"]) != []
    assert _pii_found("<p>[PERSON_1]</p>", ["John Smith", "6465552819"]) == []
