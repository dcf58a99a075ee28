"""A labeled set of spoken-form lines to tune detection on (the holdout stays report-only).

    python bench/spoken_text.py [--n 3000] [--seed 5] [--out bench/results/spoken_text.jsonl]
    redactor redact-text --input bench/results/spoken_text.jsonl --output /tmp/pred.jsonl
    python ../shared/eval/score.py bench/results/spoken_text.jsonl /tmp/pred.jsonl

Call-centre and voice-assistant lines, in Indian, US and British English (Faker's ``en_IN``,
``en_US`` and ``en_GB`` names and places), with personal data said the ways people say it and
written the ways ASR and note-takers write it: digits one by one, "double", "oh", "naught",
pairs, groups with commas, homophones ("to", "for", "won"), "plus nine one", spoken e-mails
("at the rate", "underscore", "dot co dot in", spelled domains), spelled names, Indian and US
street addresses; and lines with numbers that are not personal data (prices, times, counts,
"press one"), labelled ``NONPII:*`` so that redacting them counts as over-redaction.

The lines are written by the templates below, in the gold sets' format
(``{"id", "text", "spans": [{"start", "end", "label"}]}``), with a fixed seed: the same
arguments give the same file. Generator ``spoken-text.v1``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS
from spoken_calls import ONES, groups_of, say_digits, two_digits

GENERATOR = "spoken-text.v2"  # v2: names from names-dataset, more name and address forms
NAMES_CACHE = RESULTS / "names_top.json"
COUNTRIES = {"en_IN": "IN", "en_US": "US", "en_GB": "GB"}
Piece = tuple[str, str | None]  # text, label (None: plain text)

HOMOPHONES = {"two": ["to", "too"], "four": ["for"], "one": ["won"], "eight": ["ate"],
              "zero": ["oh", "naught", "nil", "o"], "three": ["tree", "free"]}  # fmt: skip


def top_names(n: int = 400) -> dict[str, dict[str, list[str]]]:
    """Per locale, the ``n`` most common first and last names people use (names-dataset:
    Facebook profiles per country), not Faker's lists, which the detector itself uses: a
    name the detector has never listed must be found from its context. Cached as JSON."""
    if NAMES_CACHE.exists():
        return dict(json.loads(NAMES_CACHE.read_text(encoding="utf-8")))
    from names_dataset import NameDataset  # pip install '.[bench]' (55 MB, loads in ~20 s)

    nd = NameDataset()
    out: dict[str, dict[str, list[str]]] = {}
    for loc, country in COUNTRIES.items():
        firsts = nd.get_top_names(n=n, country_alpha2=country)[country]
        lasts = nd.get_top_names(n=n, country_alpha2=country, use_first_names=False)[country]
        clean = lambda names: [x for x in names if x.isalpha() and len(x) > 2]  # noqa: E731
        out[loc] = {"first": clean(firsts["M"] + firsts["F"]), "last": clean(lasts)}
    NAMES_CACHE.parent.mkdir(parents=True, exist_ok=True)
    NAMES_CACHE.write_text(json.dumps(out), encoding="utf-8")
    return out


class Gen:
    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fakes = {loc: Faker(loc) for loc in ("en_IN", "en_US", "en_GB")}
        for i, f in enumerate(self.fakes.values()):
            f.seed_instance(seed + i)
        self.names = top_names()

    def locale(self) -> str:
        return self.rng.choice(["en_IN", "en_IN", "en_US", "en_GB"])

    def fake(self) -> Any:
        return self.fakes[self.locale()]

    def first_last(self) -> tuple[str, str]:
        pool = self.names[self.locale()]
        return self.rng.choice(pool["first"]), self.rng.choice(pool["last"])

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # ------------------------------------------------------------ how numbers are said

    def spoken(self, digits: str, sizes: tuple[int, ...] = ()) -> str:
        """Digits as said and as ASR writes them: styles, groups, commas, homophones."""
        style = self.rng.choice(["digits", "oh", "double", "pairs", "numerals", "mixed"])
        groups = groups_of(digits, sizes) if sizes else [digits]
        if style == "numerals":
            sep = self.rng.choice([" ", "-", " ", ""])
            return sep.join(groups)
        said = []
        for g in groups:
            if style == "mixed":
                said.append(g if self.chance(0.5) else say_digits(g, "digits"))
            else:
                said.append(say_digits(g, style if style != "pairs" or len(g) % 2 == 0 else "oh"))
        sep = self.rng.choice([" ", ", ", " ", ". ", " - "])
        text = sep.join(said)
        if self.chance(0.25):  # commas between single digits, as Whisper writes them
            text = ", ".join(text.split(" "))
        if self.chance(0.3):  # a homophone or two
            words = text.split(" ")
            for _ in range(self.rng.randint(1, 2)):
                i = self.rng.randrange(len(words))
                bare = words[i].rstrip(",.")
                if bare in HOMOPHONES:
                    words[i] = self.rng.choice(HOMOPHONES[bare]) + words[i][len(bare) :]
            text = " ".join(words)
        return text

    def digits(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(
            str(self.rng.randint(0, 9)) for _ in range(n - 1)
        )

    def spell(self, word: str) -> str:
        sep = self.rng.choice([" ", "-", ". ", ", "])
        return sep.join(word.upper() if self.chance(0.6) else word.lower())

    # ------------------------------------------------------------ values

    def spell_for(self, word: str) -> str:
        """Spelled with words: "p for peter, r as in robert, i, y, a"."""
        out = []
        for ch in word.lower():
            if self.chance(0.5):
                first, _last = self.first_last()
                key = self.rng.choice(["apple", "ball", "cat", "dog", "echo", "fox", "golf",
                                       "hotel", "india", "juliet", "kilo", "lima", "mike",
                                       "november", "oscar", "papa", "queen", "romeo", "sugar",
                                       "tango", "uniform", "victor", "whisky", "x-ray",
                                       "yankee", "zebra", first.lower()])  # fmt: skip
                out.append(f"{ch} {self.rng.choice(['for', 'as in', 'like'])} {key}")
            else:
                out.append(ch)
        return ", ".join(out)

    def person(self) -> list[Piece]:
        f = self.fake()
        first, last = self.first_last()
        full = f"{first} {last}"
        title = self.rng.choice(["mister ", "Mr. ", "Mrs. ", "Ms. ", "miss ", ""])
        initials = " ".join(self.rng.sample("abcdghjklmnprstv", self.rng.randint(1, 2)))
        relation = self.rng.choice(["father", "mother", "wife", "husband", "son", "daughter",
                                    "brother", "sister", "father-in-law", "uncle", "grandfather"])  # fmt: skip
        role = self.rng.choice(["agent", "executive", "officer", "manager", "doctor", "dr.",
                                "advocate", "professor", "inspector", "nurse"])  # fmt: skip
        honor = self.rng.choice(["shri ", "smt ", "sri ", "kumari ", "mrs. ", "dr. "])
        return self.rng.choice(
            [
                [
                    ("I am calling on behalf of my ", None),
                    (relation, None),
                    (" ", None),
                    (full, "PERSON"),
                ],
                [("my ", None), (relation, None), ("'s name is ", None), (first, "PERSON")],
                [("the customer name is ", None), (f"{initials.upper()} {last}", "PERSON")],
                [("name ", None), (f"{initials.upper()} {last}", "PERSON"), (", yes", None)],
                [
                    ("first name ", None),
                    (first, "PERSON"),
                    (", last name ", None),
                    (last, "PERSON"),
                ],
                [("the patient name is ", None), (full, "PERSON")],
                [("the beneficiary is ", None), (honor, None), (full, "PERSON")],
                [
                    ("I spoke to ", None),
                    (role, None),
                    (" ", None),
                    (first, "PERSON"),
                    (" yesterday", None),
                ],
                [
                    ("", None),
                    (role.capitalize(), None),
                    (" ", None),
                    (full, "PERSON"),
                    (" referred me", None),
                ],
                [("good morning ", None), (title, None), (last, "PERSON")],
                [("bye ", None), (first, "PERSON"), (", take care", None)],
                [("yes I am ", None), (first, "PERSON"), (", the account holder", None)],
                [("spell it ", None), (self.spell_for(first), "PERSON")],
                [("it's ", None), (last, "PERSON"), (", ", None), (self.spell_for(last), "PERSON")],
                [("", None), (f"{last} {first}", "PERSON"), (" is the name on the passbook", None)],
                [
                    ("my kids ", None),
                    (first, "PERSON"),
                    (" and ", None),
                    (self.first_last()[0], "PERSON"),
                    (" need new cards", None),
                ],
                [("please transfer it to ", None), (first, "PERSON"), ("'s account", None)],
                [("hello, am I talking to ", None), (first, "PERSON"), ("?", None)],
                [("the booking is under the name of ", None), (full, "PERSON")],
                [("", None), (first, "PERSON"), (" from the accounts team will call you", None)],
                [("my landlord ", None), (full, "PERSON"), (" has the papers", None)],
                [("you are speaking with ", None), (first, "PERSON"), (", how may I help", None)],
                [
                    ("the nominee will be my ", None),
                    (relation, None),
                    (" ", None),
                    (first, "PERSON"),
                ],
                [
                    ("", None),
                    (title.strip().capitalize() + " " if title else "", None),
                    (last, "PERSON"),
                    (" asked me to call", None),
                ],
                [("my name is ", None), (full, "PERSON")],
                [("this is ", None), (first, "PERSON"), (f" calling from {f.company()}", None)],
                [("hi ", None), (first, "PERSON"), (", how can I help you today", None)],
                [
                    ("am I speaking with " + title, None),
                    (last if title else full, "PERSON"),
                    ("?", None),
                ],
                [("the account holder name is ", None), (full, "PERSON")],
                [(full, "PERSON"), (" here, I called yesterday", None)],
                [("can I talk to ", None), (first, "PERSON"), (" please", None)],
                [("it's ", None), (first, "PERSON"), (", ", None), (self.spell(first), "PERSON")],
                [
                    ("my surname is ", None),
                    (last, "PERSON"),
                    (", spelled ", None),
                    (self.spell(last), "PERSON"),
                ],
                [
                    ("thank you ", None),
                    (title, None),
                    (last, "PERSON"),
                    (", have a nice day", None),
                ],
                [("I spoke to ", None), (first, "PERSON"), (" from your team last week", None)],
                [("please note the name ", None), (full, "PERSON"), (" for the booking", None)],
                [("the card is in the name of ", None), (full, "PERSON")],
                [("okay ", None), (first, "PERSON"), (", I will check and call you back", None)],
                [("thanks ", None), (first, "PERSON"), (", that was helpful", None)],
                [("ask ", None), (first, "PERSON"), (" to call me after lunch", None)],
                [(last, "PERSON"), (" ji, your complaint is registered", None)],
                [("it is registered under ", None), (full, "PERSON")],
                [("", None), (first, "PERSON"), ("'s account was blocked yesterday", None)],
                [("I was talking to ", None), (full, "PERSON"), (" from the branch", None)],
                [("my husband ", None), (first, "PERSON"), (" will come to collect it", None)],
                [("the nominee is ", None), (full, "PERSON")],
                [("yes, ", None), (first, "PERSON"), (" speaking", None)],
            ]
        )

    def phone(self) -> list[Piece]:
        indian = self.chance(0.6)
        if indian:
            body = self.rng.choice("6789") + self.digits(10)[1:]
            number = self.spoken(body, self.rng.choice([(5, 5), (3, 3, 4), (10,), (2, 4, 4)]))
            if self.chance(0.4):
                number = (
                    self.rng.choice(["plus nine one ", "+91 ", "plus ninety one ", "zero "])
                    + number
                )
        else:
            body = self.digits(10)
            number = self.spoken(body, (3, 3, 4))
            if self.chance(0.3):
                number = self.rng.choice(["plus one ", "+1 ", "one "]) + number
        lead = self.rng.choice(
            ["my number is ", "you can reach me on ", "call me at ", "my mobile number is ",
             "note down my alternate number ", "my whatsapp number is ", "the contact number is ",
             "it's ", "call back on "]
        )  # fmt: skip
        return [(lead, None), (number, "PHONE_NUMBER")]

    def email(self) -> list[Piece]:
        f = self.fake()
        first, last = (x.lower() for x in self.first_last())
        dot = self.rng.choice([" dot ", " dot ", " period "])
        local_kind = self.rng.randrange(6)
        if local_kind == 0:
            local = f"{first}{dot}{last}"
        elif local_kind == 1:
            local = f"{first}{last}"
        elif local_kind == 2:
            local = f"{first} underscore {last}"
        elif local_kind == 3:
            local = f"{first} " + " ".join(
                ONES[int(d)] for d in self.digits(self.rng.randint(2, 4))
            )
        elif local_kind == 4:
            local = f"{first}{self.rng.randint(1, 99)}"
        else:
            local = self.spell(first[:4]) + " " + last
        domain = self.rng.choice(
            ["gmail dot com", "yahoo dot co dot in", "outlook dot com", "rediffmail dot com",
             "hotmail dot com", "yahoo dot com", "gmail dot com", "icloud dot com",
             f"{f.last_name().lower()} dot in", f"{f.last_name().lower()} dot co dot uk",
             "g m a i l dot com", "y a h o o dot com"]
        )  # fmt: skip
        domain = domain.replace(" dot ", dot)
        at = self.rng.choice([" at ", " at the rate ", " at ", " at the rate of "])
        value = f"{local}{at}{domain}"
        if self.chance(0.2):
            value = f"{first}.{last}@{domain.replace(dot, '.').replace(' ', '')}"
        lead = self.rng.choice(
            ["my email is ", "my email id is ", "send it to ", "the mail id is ",
             "you can write to ", "it's ", "email address ", "my official mail is "]
        )  # fmt: skip
        return [(lead, None), (value, "EMAIL_ADDRESS")]

    def card(self) -> list[Piece]:
        number = self.spoken(self.rng.choice("3456") + self.digits(16)[1:], (4, 4, 4, 4))
        lead = self.rng.choice(
            ["my card number is ", "the credit card number is ", "debit card ",
             "card number ", "it's ", "the card ends, sorry, the full number is "]
        )  # fmt: skip
        return [(lead, None), (number, "CREDIT_CARD")]

    def ssn(self) -> list[Piece]:
        number = self.spoken(self.digits(9), (3, 2, 4))
        lead = self.rng.choice(["my social is ", "social security number ", "SSN is ", "it's "])
        return [(lead, None), (number, "US_SSN")]

    def street(self) -> list[Piece]:
        f = (
            self.fakes["en_IN"]
            if self.chance(0.55)
            else self.fakes[self.rng.choice(["en_US", "en_GB"])]
        )
        r = self.rng
        n = r.randint(1, 999)
        said_n = r.choice([str(n), " ".join(ONES[int(d)] for d in str(n)),
                           two_digits(n % 100) if n < 100 else str(n)])  # fmt: skip
        k = r.randint(1, 40)
        nth = r.choice(["first", "second", "third", "fourth", "fifth", "1st", "2nd", "3rd", "4th",
                        "6th", "8th", "twelfth"])  # fmt: skip
        _first, surname = self.first_last()
        if f is self.fakes["en_IN"]:
            area = r.choice([f.last_name(), surname])
            value = r.choice(
                [f"flat {said_n}, {area} apartments, {f.street_name()}",
                 f"house number {said_n}, {area} nagar",
                 f"plot number {said_n}, sector {k}",
                 f"door number {n} slash {k}, {area} street",
                 f"{said_n} {area} road", f"{n}, {area} colony, {f.street_name()}",
                 f"house no {n}, {area} layout, {nth} cross",
                 f"{said_n}, {nth} main, {nth} cross, {area} layout",
                 f"flat number {said_n}, {r.choice('ABCDE')} block, {area} residency",
                 f"{said_n} {area} marg",
                 f"H no {n}, gali number {k}, {area} vihar",
                 f"{n}/{k} {area} street, {nth} floor",
                 f"shop number {said_n}, {area} market, main road"]
            )  # fmt: skip
            if self.chance(0.3):
                pin = r.choice("1234567") + self.digits(6)[1:]
                value += f", {f.city()} " + r.choice(["", "pin code ", "pin "]) + self.spoken(pin)
        elif f is self.fakes["en_US"]:
            street = f.street_name()
            value = r.choice(
                [f"{said_n} {street}", f.street_address(),
                 f"{n} {surname} {r.choice(['street', 'avenue', 'road', 'lane', 'drive', 'boulevard', 'court', 'place'])}",
                 f"{said_n} {street}, apartment {k}{r.choice(['', 'B', ' C'])}",
                 f"{n} {street}, suite {k * 10}",
                 f"{said_n} north {surname} parkway",
                 f"P O box {said_n}"]
            )  # fmt: skip
            if self.chance(0.3):
                value += (
                    f", {f.city()} " + r.choice(["", "zip code "]) + self.spoken(self.digits(5))
                )
        else:
            road = r.choice(["close", "gardens", "crescent", "terrace", "road", "street", "way",
                             "mews", "grove"])  # fmt: skip
            value = r.choice(
                [f"{said_n} {surname} {road}", f"flat {k}, {n} {surname} {road}",
                 f"{n} {f.street_name()}"]
            )  # fmt: skip
            if self.chance(0.35):
                value += ", " + f.postcode()
        lead = r.choice(
            ["my address is ", "I live at ", "please deliver it to ", "the address is ",
             "ship it to ", "the billing address is ", "I stay at ", "it's ",
             "the service address is ", "my permanent address is ", "send the courier to ",
             "the current address is ", "our office is at ", "the delivery location is "]
        )  # fmt: skip
        if self.chance(0.25):  # a landmark is part of an Indian address
            value += f" near {f.last_name()} {r.choice(['temple', 'school', 'bus stop', 'petrol pump', 'hospital'])}"
        value += r.choice(["", f", {f.city()}", ""])  # the city is part of the address
        return [(lead, None), (value, "STREET_ADDRESS")]

    def bank(self) -> list[Piece]:
        number = self.spoken(
            self.digits(self.rng.randint(9, 14)), self.rng.choice([(), (4, 4, 4), (3, 3, 3, 3)])
        )
        lead = self.rng.choice(
            ["my account number is ", "the bank account number is ", "account no ",
             "please credit it to account ", "my savings account is "]
        )  # fmt: skip
        return [(lead, None), (number, "US_BANK_NUMBER")]

    def ip(self) -> list[Piece]:
        parts = [str(self.rng.randint(1, 254)) for _ in range(4)]
        if self.chance(0.5):
            dot = self.rng.choice([" dot ", " point "])
            value = dot.join(say_digits(x, "digits") for x in parts)
        else:
            value = ".".join(parts)
        lead = self.rng.choice(["my IP address is ", "the router IP is ", "the IP shows ", "it's "])
        return [(lead, None), (value, "IP_ADDRESS")]

    def passport(self) -> list[Piece]:
        letter = self.rng.choice("ABCDEFGHJKLMNPRSTUVWXZ")
        digits = self.digits(7 if self.chance(0.5) else 8)
        value = f"{letter} {self.spoken(digits)}" if self.chance(0.6) else f"{letter}{digits}"
        lead = self.rng.choice(
            ["my passport number is ", "passport no ", "the passport number is "]
        )
        return [(lead, None), (value, "US_PASSPORT")]

    def licence(self) -> list[Piece]:
        letter = self.rng.choice("ABCDEFGHJKLMNPRSTUVWXZ")
        value = (
            f"{letter} {self.spoken(self.digits(7))}"
            if self.chance(0.6)
            else f"{letter}{self.digits(7)}"
        )
        lead = self.rng.choice(
            ["my driving licence number is ", "driver's license ", "the license number is "]
        )
        return [(lead, None), (value, "US_DRIVER_LICENSE")]

    # ------------------------------------------------------------ not personal data

    def nonpii(self) -> list[Piece]:
        r = self.rng
        return r.choice(
            [
                [
                    ("please press ", None),
                    (r.choice(ONES[1:]), "NONPII:menu"),
                    (" for billing", None),
                ],
                [
                    ("a table for ", None),
                    (r.choice(["two", "four", "six"]), "NONPII:count"),
                    (" people", None),
                ],
                [
                    ("the plan costs ", None),
                    (
                        f"{r.choice(['rupees', 'dollars'])} {r.choice(['four hundred ninety nine', 'five ninety nine', '1,499', 'two thousand'])}",
                        "NONPII:amount",
                    ),
                ],
                [
                    ("I will call back at ", None),
                    (f"{r.choice(ONES[1:])} thirty", "NONPII:time"),
                    (" in the evening", None),
                ],
                [
                    ("it has been ", None),
                    (r.choice(["two", "three", "four", "ten"]), "NONPII:count"),
                    (" days and nothing happened", None),
                ],
                [
                    ("the order was for ", None),
                    (r.choice(["two", "three", "four"]), "NONPII:count"),
                    (" items, not one", None),
                ],
                [
                    ("wait for ", None),
                    (r.choice(["two", "five", "ten"]), "NONPII:duration"),
                    (" minutes please", None),
                ],
                [
                    ("the validity is ", None),
                    (
                        r.choice(["twenty eight", "eighty four", "three sixty five"]),
                        "NONPII:duration",
                    ),
                    (" days", None),
                ],
                [
                    ("I paid ", None),
                    (r.choice(["five hundred", "two fifty", "1200"]), "NONPII:amount"),
                    (" last month", None),
                ],
                [
                    ("your ticket is in queue position ", None),
                    (r.choice(["four", "twelve", "twenty"]), "NONPII:count"),
                ],
            ]
        )

    FILLERS = ("okay, ", "yes sir, ", "sure ma'am, ", "uh, ", "so ", "hello, ", "", "", "")
    ENDINGS = (".", "", ", thank you.", "?", ", okay?", ".")

    def line(self) -> list[Piece]:
        makers: list[Callable[[], list[Piece]]] = [
            self.person, self.person, self.phone, self.phone, self.email, self.email,
            self.card, self.street, self.street, self.nonpii, self.nonpii,
        ]  # fmt: skip
        if self.chance(0.15):
            makers.append(self.ssn)
        if self.chance(0.2):
            makers.append(self.rng.choice([self.bank, self.ip, self.passport, self.licence]))
        pieces: list[Piece] = [(self.rng.choice(self.FILLERS), None)]
        for k in range(2 if self.chance(0.25) else 1):
            if k:
                pieces.append((self.rng.choice([" and ", ". Also ", ", and ", ". "]), None))
            pieces.extend(self.rng.choice(makers)())
        pieces.append((self.rng.choice(self.ENDINGS), None))
        if self.chance(0.35):  # lower-case ASR output
            pieces = [(t.lower(), lab) for t, lab in pieces]
        return pieces


def render(pieces: list[Piece]) -> tuple[str, list[dict[str, Any]]]:
    text, spans = "", []
    for t, label in pieces:
        if label is not None and t:
            spans.append({"start": len(text), "end": len(text) + len(t), "label": label})
        text += t
    return text, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "spoken_text.jsonl")
    args = parser.parse_args()
    gen = Gen(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for i in range(args.n):
            text, spans = render(gen.line())
            row = {"id": f"st{i:05d}", "text": text, "spans": spans, "generator": GENERATOR}
            f.write(json.dumps(row) + "\n")
    print(f"wrote {args.n} lines to {args.out}")


if __name__ == "__main__":
    main()
