"""Operators: what a redacted value is replaced with. Presidio ``Operator`` subclasses.

Each carries a versioned name (``placeholder.v1``) that is recorded on every artifact it
produced. ``OPERATORS`` maps names to classes; a policy names operators and their options, and
``build_operator(name, context)`` is the one way an operator is made for a recording (each
class takes what it needs from the ``OperatorContext``). A new operator is one module and one
entry in ``OPERATORS``.

| name | output | state |
|---|---|---|
| ``label.v1`` | ``[PHONE_NUMBER]`` | none |
| ``placeholder.v1`` | ``[PERSON_1]``, same value same number | per recording |
| ``pseudonym.v1`` | ``[PERSON:3f9a0c2b71de]`` (HMAC, host secret) | per host key |
| ``surrogate.v2`` | a fake, format-preserving value (Faker) | per recording |
| ``mask.v1`` | ``**** **** **** 1111`` (``keep_last``) | none |
| ``encrypt.v1`` | ``[ENC:PERSON:...]`` (AES-GCM, recording key) | recording key |
"""

from __future__ import annotations

from redactor.errors import InputError
from redactor.operators.base import OperatorContext, RedactorOperator, normalize_value
from redactor.operators.encrypt import EncryptOperator, reveal_text
from redactor.operators.keys import KeyRing
from redactor.operators.label import LabelOperator
from redactor.operators.mask import MaskOperator
from redactor.operators.placeholder import PlaceholderOperator
from redactor.operators.pseudonym import PseudonymOperator
from redactor.operators.surrogate import SurrogateOperator, luhn_valid

__all__ = [
    "OPERATORS",
    "EncryptOperator",
    "KeyRing",
    "LabelOperator",
    "MaskOperator",
    "OperatorContext",
    "PlaceholderOperator",
    "PseudonymOperator",
    "RedactorOperator",
    "SurrogateOperator",
    "build_operator",
    "luhn_valid",
    "normalize_value",
    "operator_class",
    "reveal_text",
]

OPERATORS: dict[str, type[RedactorOperator]] = {
    cls.NAME: cls
    for cls in (
        LabelOperator,
        PlaceholderOperator,
        PseudonymOperator,
        SurrogateOperator,
        MaskOperator,
        EncryptOperator,
    )
}


def operator_class(name: object) -> type[RedactorOperator]:
    """The operator class called ``name``; InputError listing the valid names otherwise."""
    cls = OPERATORS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise InputError(
            f"unknown operator {name!r}; choose one of: {', '.join(sorted(OPERATORS))}"
        )
    return cls


def build_operator(name: str, context: OperatorContext) -> RedactorOperator:
    """A fresh operator ``name`` for the recording ``context`` describes."""
    return operator_class(name).for_recording(context)
