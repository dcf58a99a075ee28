"""Table-driven tests for PersonNameRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import PersonNameRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(PersonNameRecognizer, text)


def test_initials_are_no_articles_or_contractions() -> None:
    assert found("we have a T J Max over here") == ["T J Max"]
    assert found("I 'm a Giants fan") == ["Giants"]
    assert found("the customer name is r k sharma") == ["r k sharma"]


def test_title_is_not_part_of_the_name() -> None:
    assert found("sure ma'am, thank you Mr. Sharma, have a nice day.") == ["Sharma"]
    assert found("this is page two of the form") == []


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("spoken-lower", "hi my name is john smith", "john smith"),
        ("lower-cue", "did i get any emails from sam today", "sam"),
        ("written", "I talked to Cathy about it", "Cathy"),
        ("title", "I'd like to join accounts with ms. Quinzia", "Quinzia"),
        ("lower-title-common-surname", "yes sir, thank you mrs. page, have a nice day", "page"),
        ("lower-surname-cue", "okay, my surname is case, spelled c a s e", "case"),
        ("lower-mister", "am i speaking with mister fuentes?", "fuentes"),
        ("honorific-ji", "kalita ji, your complaint is registered", "kalita"),
        ("with-miss", "hello, am i speaking with miss berry?", "berry"),
        ("vocative", "yes sir, okay pallavi, i will check and call you back", "pallavi"),
        ("negative-haan-ji", "haan ji, theek hai ji, I will wait", None),
        ("negative-miss-verb", "i will miss the bus tomorrow", None),
        ("lower-cue-unlisted", "call raju phone number", "raju"),
        ("lower-possessed", "please remind me about swatish birthday", "swatish"),
        ("lower-friend", "send email to my friend rohit which says hi", "rohit"),
        ("written-unknown-surname", "I tried to read one of the Michener novels", "Michener"),
        ("written-sentence-start", "Yeah . Peretti wrote that one .", "Peretti"),
        ("written-initial", "User: Maja S Hermansen", "Maja S Hermansen"),
        ("written-common-surname", "a romantic novel by Danielle Steel or so", "Danielle Steel"),
        ("written-name-of", "He wrote under the name of Bachman .", "Bachman"),
        ("written-forename-before-surname", "Maha Cazares /  / Chiclana", "Maha Cazares"),
        ("written-initial-before-surname", "the name is >Ella H. Snider / >Otc", "Ella H. Snider"),
        ("negative-word", "will you mark the date", None),
        ("negative-interjection", "Oh , yeah . Wow . Yep", None),
        ("negative-contraction", "I've shared files with you. Don't go", None),
        (
            "negative-heading",
            "see Guilty Pleasures: 5 Musicians Of The 70s You're Supposed To Hate",
            None,
        ),
        ("negative-lower-greeting", "send email to my friend saying hi", None),
        ("negative-month", "see you in April", None),
        # v7: personal cues, rare words, initials, possessives
        ("lower-relation", "i am calling on behalf of my father suresh kumar", "suresh kumar"),
        ("lower-role", "i spoke to agent vikram yesterday", "vikram"),
        ("lower-rare-after-ask", "yes sir, ask avinash to call me after lunch", "avinash"),
        ("lower-speaking-with", "you are speaking with bhat, how may i help", "bhat"),
        ("lower-honorific-title", "the beneficiary is smt diya hoque", "diya hoque"),
        ("lower-initials", "the customer name is r k sharma", "r k sharma"),
        ("written-initials", "so the customer name is G J Reid.", "G J Reid"),
        ("lower-possessive", "please transfer it to gouri's account", "gouri"),
        ("lower-kids", "my kids rohan and riya need new cards", "riya"),
        ("lower-name-speaking", "yes, nagesh speaking", "nagesh"),
        ("written-cue-known", "so ask Sudha to call me after lunch", "Sudha"),
        ("negative-brand-card", "my aadhaar card and my jio mobile", None),
        ("negative-ask-common", "ask questions to the agent later", None),
    ],
)
def test_recognizer_person_name_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
