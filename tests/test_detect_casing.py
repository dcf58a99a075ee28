"""Table tests for the case lexicon and truecasing (redactor/detect/casing.py)."""

from __future__ import annotations

import pytest

from redactor.detect.casing import is_uncased, lexicon, ner_view, truecase


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call raju phone number", "call Raju phone number"),
        ("when was benjamin franklin born", "when was Benjamin Franklin born"),
        ("i think tom said so", "I think Tom said so"),
        (
            "He kind of looks like DOOGIE HOWSER . / Huh",
            "He kind of looks like Doogie Howser . / Huh",
        ),
        ("I talked to IBM about it", "I talked to IBM about it"),  # one acronym stays
        ("Already Cased text, with Names kept.", "Already Cased text, with Names kept."),
        ("tell me about the players", "tell me about the players"),
        # A cased transcript whose line has no telling capital (ASR): that line is recased.
        ("Hello Sam.\nYes. My friend raju called.", "Hello Sam.\nYes. My friend Raju called."),
    ],
)
def test_casing_truecase_table(text: str, expected: str) -> None:
    out = truecase(text)
    assert out == expected
    assert len(out) == len(text)  # offsets into the original stay valid


@pytest.mark.parametrize(
    ("word", "proper", "common"),
    [
        ("obama", True, False),
        ("peretti", True, False),
        ("players", False, True),
        ("street", False, True),
        ("oh", False, False),  # a sentence opener: capitalised often, but under the margin
    ],
)
def test_casing_lexicon_table(word: str, proper: bool, common: bool) -> None:
    lex = lexicon()
    assert lex.is_proper(word, 1.6) is proper
    assert lex.is_common(word) is common


@pytest.mark.parametrize(
    ("text", "uncased"),
    [("call raju now", True), ("CALL RAJU NOW", True), ("Call Raju now", False), ("x", True)],
)
def test_casing_is_uncased_table(text: str, uncased: bool) -> None:
    assert is_uncased(text) is uncased


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Uh-huh .\nYeah , I know .\nI talked to Michener about it .", ["Michener"]),
        ("Oh .\nWell , we went to Dallas", ["Dallas"]),
        ("Peretti wrote it .\nYeah .", ["Peretti"]),
        ("Yeah .\nI know .", []),
    ],
)
def test_casing_ner_view_table(text: str, kept: list[str]) -> None:
    view = ner_view(text)
    for word in kept:  # a word in the view maps back to the same word in the original
        pos = view.text.index(word)
        orig = view.to_original(pos)
        assert text[orig : orig + len(word)] == word
    if not kept:
        assert view.text == ""
