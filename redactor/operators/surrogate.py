"""``surrogate.v2``: realistic fake values (Faker), consistent within one recording.

Training text reads naturally when "[PERSON]" becomes a plausible name. The Faker instance is
seeded from the recording id, and values get surrogates in order of first appearance, so a
surrogate depends on the recording and the order, never on the value itself (a surrogate cannot
be inverted by guessing). Format-preserving where it matters:

- a card number becomes a Luhn-valid number in the ``4000 0000 0000`` test range;
- a phone number becomes a fictional ``555-01xx`` number (reserved for fiction in the NANP);
- digits of other number-like values are replaced digit by digit, keeping the separators.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any, Self

from faker import Faker

from redactor.operators.base import OperatorContext, RedactorOperator, normalize_value

__all__ = ["SurrogateOperator", "luhn_valid"]

_DIGITS = re.compile(r"\d")
TEST_CARD_PREFIX = "400000000000"  # 12 digits: an issuer-test range, never a real card


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return bool(digits) and total % 10 == 0


def _luhn_complete(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


def _fill(skeleton: str, digits: str) -> str:
    """Put ``digits`` into the digit positions of ``skeleton`` (same count), keep the rest."""
    it = iter(digits)
    return _DIGITS.sub(lambda _m: next(it), skeleton)


def _shares_a_part(candidate: str, original: str) -> bool:
    """True if a name part of the original shows inside the surrogate ("Chris" in
    "Christopher Lee"): the fake value must not carry any piece of the real one."""
    low = candidate.lower()
    return any(len(p) >= 3 and p in low for p in re.findall(r"[a-z]+", original.lower()))


class SurrogateOperator(RedactorOperator):
    NAME = "surrogate.v2"

    def __init__(self, recording_id: str = "", locale: str = "en_US") -> None:
        seed = int.from_bytes(hashlib.sha256(f"surrogate\x00{recording_id}".encode()).digest()[:8])
        self._faker = Faker(locale)
        self._faker.seed_instance(seed)
        self._given: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()
        self._avoid = ""

    @classmethod
    def for_recording(cls, context: OperatorContext) -> Self:
        """Seeded from the recording id: the same recording gets the same surrogates."""
        return cls(context.recording_id)

    def avoid(self, values: Iterable[str]) -> None:
        self._avoid = " ".join(values)

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        label = self.label_of(params)
        key = (label, normalize_value(text))
        if key not in self._given:
            for _ in range(20):  # never the original, never another value's surrogate
                candidate = self._make(label, text)
                if (
                    normalize_value(candidate) != key[1]
                    and candidate not in self._used
                    and not _shares_a_part(candidate, f"{text} {self._avoid}")
                ):
                    break
            self._given[key] = candidate
            self._used.add(candidate)
        return self._given[key]

    def _make(self, label: str, text: str) -> str:
        f = self._faker
        n_digits = len(_DIGITS.findall(text))
        makers: dict[str, Callable[[], str]] = {
            "PERSON": f.name,
            "EMAIL_ADDRESS": lambda: f"{f.user_name()}@example.com",
            "PHONE_NUMBER": lambda: self._phone(text, n_digits),
            "CREDIT_CARD": lambda: self._card(text, n_digits),
            "LOCATION": f.street_address if text[:1].isdigit() else f.city,
            "STREET_ADDRESS": f.street_address,
            "ORGANIZATION": f.company,
            "URL": lambda: f"https://example.com/{f.word()}",
            "IP_ADDRESS": lambda: f"192.0.2.{f.random_int(1, 254)}",  # TEST-NET-1
        }
        if label in makers:
            return makers[label]()
        if n_digits and n_digits * 2 >= len(normalize_value(text)):
            return _fill(text, "".join(str(f.random_digit()) for _ in range(n_digits)))
        return f"[{label}]"

    def _phone(self, text: str, n_digits: int) -> str:
        f = self._faker
        area = f"{f.random_int(2, 9)}{f.random_int(0, 9)}{f.random_int(0, 9)}"
        number = f"{area}55501{f.random_int(0, 99):02d}"
        if n_digits == 10:
            return _fill(text, number)
        if n_digits == 11 and text.lstrip("+ ").startswith("1"):
            return _fill(text, "1" + number)
        return f"{area}-555-01{number[-2:]}"

    def _card(self, text: str, n_digits: int) -> str:
        body = TEST_CARD_PREFIX + "".join(str(self._faker.random_digit()) for _ in range(3))
        number = _luhn_complete(body)
        if n_digits == 16:
            return _fill(text, number)
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
