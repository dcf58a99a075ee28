"""The pipeline's detector redacts the spine fixtures' personal data (real models)."""

from __future__ import annotations

from typing import Any

import pytest

from redactor.store import Store
from tests.conftest import digits


@pytest.mark.slow
def test_detect_pipeline_redacts_call_support(
    processed: tuple[Store, dict[str, str]], fixture_info: dict[str, Any]
) -> None:
    store, ids = processed
    red = store.artifacts.redacted_transcript(ids["call_support.flac"])
    text = red.text
    lowered = text.lower()
    assert "john" not in lowered and "smith" not in lowered
    assert "main street" not in lowered
    for pii in fixture_info["call_support.flac"]["pii"]:
        if pii["type"] in {"PHONE_NUMBER", "CREDIT_CARD"}:
            assert digits(pii["value"])[-4:] not in digits(text)
