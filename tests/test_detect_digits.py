"""How ``redactor.detect.digits`` reads numbers: one run however ASR punctuates it."""

from __future__ import annotations

import pytest

from redactor.detect.digits import number_runs


def read(text: str) -> list[str]:
    return [r.digits for r in number_runs(text)]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("Sure, one, eight, oh, nine, six, seven, nine, two, nine.", ["180967929"]),
        ("One. Eight. Oh. Nine.", ["1809"]),
        ("five five five\nuh-huh\none two three four", ["5551234"]),
        ("six o one to two four one nine three seven", ["6012241937"]),
        ("It is free to five five five go to for one", ["32555241"]),
        ("one won two ate naught nine nine", ["1128099"]),
        ("double five triple oh one", ["550001"]),
        ("nine, five, double, seven, five, six", ["957756"]),
        ("seven three oh eight five, tree four seven", ["73085347"]),
        ("a double, please, and two more", ["2"]),
        ("climb the tree, two of them", ["2"]),
        ("fifty five, twenty one", ["55", "21"]),
        ("five five five, fifty five, twenty one", ["5555521"]),
        ("nineteen eighty five", ["1985"]),
        ("four hundred and twelve", ["412"]),
        ("zero seven eight zero five", ["07805"]),
        ("646, 555, 281, 9", ["6465552819"]),
        ("4 ,577, Cobblestone", ["4577"]),
        ("Oh, five five five", ["555"]),
        ("oh three, one four, eighty five", ["031485"]),
        ("Three, one, seven, four, to verify", ["3174"]),
        ("for two people", ["2"]),
        ("one or two", ["1", "2"]),
        ("one to two hours", ["1", "2"]),
        # a homophone after "double", and inside a long run said in pairs
        ("six seven one - double one one - double for double eight", ["6711114488"]),
        ("six double eight six - double too four seven", ["68862247"]),
        ("sixty seven oh five fifty won ninety one fifty sixty five", ["6705501915065"]),
        ("a double for me please", []),
        ("I want double ate cookies", []),
        (
            "between fifty to sixty people, and twenty five to thirty stayed",
            ["50", "60", "25", "30"],
        ),
        ("ten thirty, eleven fifteen", ["1030", "1115"]),
        ("a hundred fifty , a hundred and seventy-five thousand", ["150", "175000"]),
        ("I won't go", []),
        ("at five o'clock", ["5"]),
    ],
)
def test_detect_digits_reads_runs(text: str, digits: list[str]) -> None:
    assert read(text) == digits


def test_detect_digits_plus_and_area_code_belong_to_the_number() -> None:
    text = "call plus four four, then area code two one two"
    starts = [text[r.start : r.start + 4] for r in number_runs(text)]
    assert starts == ["plus", "area"]


def test_detect_digits_backchannel_turn_is_not_a_piece() -> None:
    text = "five five five\nokay\none two three four"
    (run,) = number_runs(text)
    assert [text[a:b] for a, b in run.pieces] == ["five five five", "one two three four"]


def test_detect_digits_repr_has_no_digits() -> None:
    (run,) = number_runs("my number is five five five one two three four")
    assert "5" not in repr(run)
