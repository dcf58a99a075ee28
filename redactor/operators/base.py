"""The common base of redactor's operators: Presidio ``Operator`` subclasses with versioned names.

An operator instance serves one recording: operators that must be consistent within a recording
(numbered placeholders, surrogates) keep that state on the instance, so the policy builds fresh
ones per recording, each through ``for_recording(OperatorContext)``: an operator takes from the
context what it needs (a seed, a key) and says what is missing. Presidio's factory instantiates
operators without arguments, so every constructor argument has a default; ``validate`` then
says what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from presidio_anonymizer.operators import Operator, OperatorType

from redactor.errors import InputError

if TYPE_CHECKING:
    from redactor.operators.keys import KeyRing

__all__ = ["OperatorContext", "RedactorOperator", "normalize_value"]

_SPACE = re.compile(r"[\s,.;:!?'\"()\[\]-]+")


def normalize_value(value: str) -> str:
    """The identity of a value for consistency: case, spacing and separators do not matter.

    "John Smith", "john smith." and "JOHN  SMITH" are the same person; "646-555-0143" and
    "646 555 0143" the same number.
    """
    return _SPACE.sub(" ", value.casefold()).strip().replace(" ", "")


@dataclass(frozen=True, slots=True)
class OperatorContext:
    """What operators may need for one recording, under one policy.

    ``policy`` names the policy in errors. ``keyring``: where host secrets are read (None:
    ``KeyRing.default()``, which is only consulted by an operator that needs one).
    """

    recording_id: str
    host: str
    policy: str = ""
    data_key: bytes | None = None
    keyring: KeyRing | None = None


class RedactorOperator(Operator):
    """Base: ``NAME`` is the versioned name recorded on every artifact the operator touches.

    Change ``NAME``'s version whenever the output bytes for the same input change.
    """

    NAME: ClassVar[str] = ""
    PARAMS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def for_recording(cls, context: OperatorContext) -> Self:
        """A fresh instance for one recording; operators that need a key or a seed override
        this (and raise InputError when the context lacks it)."""
        del context
        return cls()

    def operator_name(self) -> str:
        return self.NAME

    def avoid(self, values: Iterable[str]) -> None:
        """Told every real value of the recording first; operators that invent values (a
        surrogate) must not produce one that carries a piece of any of them."""

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize

    def validate(self, params: dict[str, Any] | None = None) -> None:
        """Options, and (in operators that need one) the key: raises InputError."""
        self.check_options(params)

    def check_options(self, params: dict[str, Any] | None = None) -> None:
        """The options alone (a policy file is checked before any key is at hand)."""
        unknown = set(params or {}) - self.PARAMS - {"entity_type"}
        if unknown:
            raise InputError(
                f"operator {self.NAME}: unknown option(s) {', '.join(sorted(unknown))}; "
                f"valid: {', '.join(sorted(self.PARAMS)) or '(none)'}"
            )

    @staticmethod
    def label_of(params: dict[str, Any] | None) -> str:
        return str((params or {}).get("entity_type") or "PII")
