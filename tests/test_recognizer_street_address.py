"""Table-driven tests for StreetAddressRecognizer: spoken, written and negative cases."""

from __future__ import annotations

import pytest

from redactor.detect.recognizers import StreetAddressRecognizer
from tests.recognizer_support import check_case, recognizer_hits


def found(text: str) -> list[str]:
    return recognizer_hits(StreetAddressRecognizer, text)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "indian-house",
            "I live at house number 274, amble nagar.",
            "house number 274, amble nagar",
        ),
        (
            "indian-plot-sector",
            "my address is plot number 95, sector 34 near nanda temple",
            "plot number 95, sector 34 near nanda temple",
        ),
        (
            "indian-spoken",
            "the address is house number five eight eight, Saha nagar",
            "house number five eight eight, Saha nagar",
        ),
        (
            "indian-door-slash",
            "door number 220 slash 10, Badal street",
            "door number 220 slash 10, Badal street",
        ),
        (
            "indian-cross",
            "ship it to house no 190, Shroff layout, third cross",
            "house no 190, Shroff layout, third cross",
        ),
        (
            "indian-colony",
            "my address is 552, Suresh colony, Chakraborty Nagar.",
            "552, Suresh colony, Chakraborty Nagar",
        ),
        ("usps-suffix-cued", "please deliver it to 58272 Ramirez Port", "58272 Ramirez Port"),
        (
            "asr-spoken-usps",
            "I stay at, my address is nine zero eight shepard stream",
            "nine zero eight shepard stream",
        ),
        (
            "negative-thanks-after",
            "my address is 708, Mitra colony, thank you.",
            "708, Mitra colony",
        ),
        ("negative-usps-uncued", "I scored 12 bonus points", None),
        ("negative-room-count", "we need a house for 4 people", None),
        ("spoken", "I live at twelve main street.", "twelve main street"),
        ("written", "Meet me at 1317 Kimberly Way", "1317 Kimberly Way"),
        (
            "asr-no-suffix",
            "And what is the service address?\n651 Big Fisher Ranch.",
            "651 Big Fisher Ranch",
        ),
        (
            "spoken-no-suffix",
            "And what is the service address?\nFive zero five young divide.",
            "Five zero five young divide",
        ),
        (
            "asr-punctuated",
            "And what is the service address?\n4 ,577, Cobblestone Court. Spring field.",
            "4 ,577, Cobblestone Court. Spring field",
        ),
        (
            "multiline",
            "22829 Jagerij 64\n Apt. 591\n Mazée\n Belgium 65260",
            "22829 Jagerij 64\n Apt. 591\n Mazée\n Belgium 65260",
        ),
        ("military", "PSC 7589, Box 0572\nAPO AE 20040", "APO AE 20040"),
        ("written-prefixed", "Megan lives on Via Tasso 129 street.", "Via Tasso 129"),
        (
            "written-prefixed-long",
            "address: 0304 Rua Cidade de Maracajá 468, Joinville",
            "0304 Rua Cidade de Maracajá 468",
        ),
        (
            "written-two-numbers",
            "lives at 846 31 Rue Al Imam Al Bakri, Cite",
            "846 31 Rue Al Imam Al Bakri",
        ),
        (
            "written-cue-led",
            "Pedestrians must enter on Hoge Wei 32 St. the first",
            "Hoge Wei 32 St.",
        ),
        ("spoken-prefixed", "send it to via roma one thirty one please", "via roma one thirty one"),
        ("written-cue-verb", "Dexter lives on Ziegelgasse 19 street.", "Ziegelgasse 19"),
        ("negative-rank", "What did he put at #1 you ask?", None),
        ("negative-amount", "a classical musician to sell one million copies", None),
        ("negative-new-one", "Please send a new one to me", None),
        ("negative-phone-word", "no message on my registered 905-674-3793", None),
        ("negative-number-one", "it should be at number one", None),
        ("negative-math", "what is ninety three point five fm", None),
        ("negative-count", "in 1977 I bought 3 cars", None),
        ("negative-asr-no-cue", "I counted 4 ,577, Cobblestone Court has more", None),
        ("negative-no-suffix-no-cue", "We sold 651 big fisher ranches.", None),
        ("negative-cue-count", "what address? I have 3 kids and a dog.", None),
        ("negative-ip", "keep getting address 41.173.96.26 blocked error", None),
        ("negative-years", "how long did you live in Allendale?\ntwenty years ago", None),
        ("negative-month", "am i free on april one two thousand and seventeen", None),
        ("negative-stutter", "so , that 's one , one way he looked at it", None),
        # v3: a cued answer runs to the end of its clause, city and pin code included
        (
            "cued-indian-main-cross",
            "uh, i stay at 216, first main, first cross, karan layout near khanna hospital, shimla.",
            "216, first main, first cross, karan layout near khanna hospital, shimla",
        ),
        (
            "cued-gali-vihar-pin",
            "my address is H no 353, gali number 23, Butala vihar, Panvel pin code four, zero, nine, seven, two, two",
            "H no 353, gali number 23, Butala vihar, Panvel pin code four, zero, nine, seven, two, two",
        ),
        (
            "cued-uk-postcode",
            "the billing address is 816 Lyons Track, KY63 0TA, and it has been three days",
            "816 Lyons Track, KY63 0TA",
        ),
        (
            "cued-stops-at-thanks",
            "send the courier to flat 9, 533 Patra street, okay? thank you",
            "flat 9, 533 Patra street",
        ),
        ("negative-ip-address", "keep getting address 41.173.96.26 blocked error", None),
        ("negative-email-address", "my email address is 3 words long", None),
        ("negative-count", "we lived at 3 places before this one", None),
        ("negative-no-number", "my address is the same as before, thank you", None),
    ],
)
def test_recognizer_street_address_table(kind: str, text: str, expected: str | None) -> None:
    check_case(found(text), kind, expected)
