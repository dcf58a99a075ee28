"""Table-driven tests for SpokenIpRecognizer: spoken, written, ASR-mangled and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import SpokenIpRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(SpokenIpRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "spoken",
            "my IP address is one nine two dot one six eight dot one dot ten",
            "one nine two dot one six eight dot one dot ten",
        ),
        (
            "point",
            "it's ten point zero point zero point one",
            "ten point zero point zero point one",
        ),
        ("written", "the router is at 192.168.0.12 today", "192.168.0.12"),
        (
            "asr-mangled",
            "one three four point one three one point one seven nine point one eight three",
            "one three four point one three one point one seven nine point one eight three",
        ),
        ("negative-version", "update to version 2.3.1 first", None),
        ("negative-rating", "it scored four point five out of five", None),
    ],
)
def test_recognizer_spoken_ip_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
