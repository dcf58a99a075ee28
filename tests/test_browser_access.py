"""No raw name on any page, in real Chromium: support and a host log in and walk every page.

The store holds ``rec-named``, a WebVTT call through the real pipeline whose voice tags and
participants are names (``NAMES``). Each role logs in with its token, opens every page it can
reach (list, search, ticket form, the transcript for a ticket, and for the admin the audit
log) and the rendered HTML and visible text must hold no part of any name.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from redactor.detect import Detector
from tests.test_browser import _free_port, browser  # noqa: F401  (the Chromium fixture)
from tests.web_support import Web, make_named_web, names_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def named_server(
    tmp_path_factory: pytest.TempPathFactory, detector: Detector
) -> Iterator[tuple[str, Web]]:
    import uvicorn

    from redactor.web import create_app

    web = make_named_web(tmp_path_factory.mktemp("named-browser"), detector)
    port = _free_port()
    config = uvicorn.Config(
        create_app(web.store), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", web
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("who", ["support", "acme", "admin"])
def test_browser_access_no_raw_name_on_any_page(
    named_server: tuple[str, Web],
    browser: Any,  # noqa: F811
    who: str,
) -> None:
    base, web = named_server
    page = browser.new_page()
    seen: dict[str, str] = {}
    try:
        page.goto(f"{base}/login")
        page.fill("#token", web.tokens[who])
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/")
        seen["/"] = page.content() + page.inner_text("body")
        assert "rec-named" in seen["/"]
        page.goto(f"{base}/?q=named")
        seen["/?q=named"] = page.content() + page.inner_text("body")
        page.click("a[href='/recordings/rec-named']")
        page.wait_for_selector("#ticket")
        seen["ticket form"] = page.content() + page.inner_text("body")
        page.fill("#ticket", "SUP-77")
        page.click("main button[type=submit]")
        page.wait_for_selector("ol.transcript")
        seen["transcript"] = page.content() + page.inner_text("body")
        assert "[PERSON_" in page.inner_text("ol.transcript")  # the speakers, redacted
        if who == "admin":
            page.goto(f"{base}/audit")
            seen["/audit"] = page.content() + page.inner_text("body")
            assert "SUP-77" in seen["/audit"]
    finally:
        page.close()
    leaks = {where: names_in(html) for where, html in seen.items() if names_in(html)}
    assert leaks == {}


def test_browser_access_the_name_check_finds_a_name() -> None:
    assert names_in("<td>jennifer</td>") == ["Jennifer"]
    assert names_in("<td>[PERSON_1]</td> the same sample") == []
