"""Each operator alone: output shape, consistency rules, options and missing keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redactor.errors import InputError
from redactor.operators import (
    OPERATORS,
    EncryptOperator,
    KeyRing,
    LabelOperator,
    MaskOperator,
    OperatorContext,
    PlaceholderOperator,
    PseudonymOperator,
    SurrogateOperator,
    build_operator,
    luhn_valid,
    reveal_text,
)
from redactor.redact import OperatorReplacer


def test_operators_names_are_versioned_and_presidio_compatible() -> None:
    from presidio_anonymizer.operators import Operator, OperatorType

    for name, cls in OPERATORS.items():
        assert re.fullmatch(r"[a-z]+\.v\d+", name)
        op = cls()
        assert isinstance(op, Operator)
        assert op.operator_name() == name
        assert op.operator_type() == OperatorType.Anonymize


def test_operators_build_operator_makes_each_registered_one_for_a_recording(
    tmp_path: Path,
) -> None:
    KeyRing(tmp_path).create("acme")
    ctx = OperatorContext("rec-1", "acme", "p", data_key=bytes(32), keyring=KeyRing(tmp_path))
    for name, cls in OPERATORS.items():
        op = build_operator(name, ctx)
        assert type(op) is cls and op.operator_name() == name
        op.validate({})  # keyed operators got their key
        assert op is not build_operator(name, ctx)  # fresh per call: state is per recording
    # The context decides what the keyed and seeded operators get.
    value = {"entity_type": "PERSON"}
    assert build_operator("pseudonym.v1", ctx).operate("Jane", value) == PseudonymOperator(
        KeyRing(tmp_path).secret_for("acme")
    ).operate("Jane", value)
    assert build_operator("surrogate.v2", ctx).operate("Jane", value) == SurrogateOperator(
        "rec-1"
    ).operate("Jane", value)


@pytest.mark.parametrize("name", ["zap.v1", "label", "LABEL.V1", "", None])
def test_operators_build_operator_unknown_name_lists_the_valid_ones(name: str) -> None:
    with pytest.raises(InputError) as err:
        build_operator(name, OperatorContext("rec-1", "acme"))
    assert str(err.value) == (
        f"unknown operator {name!r}; choose one of: encrypt.v1, label.v1, mask.v1, "
        "placeholder.v1, pseudonym.v1, surrogate.v2"
    )


def test_operators_build_operator_names_what_a_keyed_operator_lacks(tmp_path: Path) -> None:
    ctx = OperatorContext("rec-1", "acme", "escrow", keyring=KeyRing(tmp_path))
    with pytest.raises(InputError, match=r"^policy 'escrow': operator encrypt.v1 needs the rec"):
        build_operator("encrypt.v1", ctx)
    with pytest.raises(InputError, match=r"^host 'acme': no pseudonym key"):
        build_operator("pseudonym.v1", ctx)


@pytest.mark.parametrize(
    ("value", "label", "expected"),
    [("646-555-0143", "PHONE_NUMBER", "[PHONE_NUMBER]"), ("John", "PERSON", "[PERSON]")],
)
def test_operators_label(value: str, label: str, expected: str) -> None:
    assert LabelOperator().operate(value, {"entity_type": label}) == expected


def test_operators_placeholder_numbers_per_value_and_type() -> None:
    op = PlaceholderOperator()
    seq = [
        ("John Smith", "PERSON"),
        ("Jane Doe", "PERSON"),
        ("john smith.", "PERSON"),
        ("646-555-0143", "PHONE_NUMBER"),
        ("646 555 0143", "PHONE_NUMBER"),
        ("JOHN  SMITH", "PERSON"),
    ]
    got = [op.operate(v, {"entity_type": t}) for v, t in seq]
    assert got == [
        "[PERSON_1]",
        "[PERSON_2]",
        "[PERSON_1]",
        "[PHONE_NUMBER_1]",
        "[PHONE_NUMBER_1]",
        "[PERSON_1]",
    ]
    assert PlaceholderOperator().operate("Jane Doe", {"entity_type": "PERSON"}) == "[PERSON_1]"


@pytest.mark.parametrize(
    ("value", "keep", "expected"),
    [
        ("4111 1111 1111 1111", 4, "**** **** **** 1111"),
        ("4111 1111 1111 1111", 0, "**** **** **** ****"),
        ("646-555-0143", 4, "***-***-0143"),
        ("12", 4, "*2"),  # never more than half of a short value
        ("John Smith", 0, "**** *****"),
    ],
)
def test_operators_mask(value: str, keep: int, expected: str) -> None:
    assert MaskOperator().operate(value, {"entity_type": "X", "keep_last": keep}) == expected


@pytest.mark.parametrize("params", [{"keep_last": 9}, {"keep_last": "4"}, {"char": "x"}, {"x": 1}])
def test_operators_mask_rejects_bad_options(params: dict[str, object]) -> None:
    with pytest.raises(InputError, match=r"mask\.v1"):
        MaskOperator().validate(params)


def test_operators_pseudonym_stable_per_key_and_different_across_keys(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path)
    ring.create("acme")
    ring.create("globex")
    a1 = PseudonymOperator(ring.secret_for("acme"))
    a2 = PseudonymOperator(ring.secret_for("acme"))
    g = PseudonymOperator(ring.secret_for("globex"))
    p = {"entity_type": "PERSON"}
    assert a1.operate("John Smith", p) == a2.operate("john smith", p)
    assert a1.operate("John Smith", p) != g.operate("John Smith", p)
    assert a1.operate("John Smith", p) != a1.operate("Jane Doe", p)
    assert re.fullmatch(r"\[PERSON:[0-9a-f]{12}\]", a1.operate("John Smith", p))


def test_operators_pseudonym_missing_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"host 'acme': no pseudonym key .*host-key create"):
        KeyRing(tmp_path).secret_for("acme")
    with pytest.raises(InputError, match="no host secret"):
        PseudonymOperator().validate({})
    (tmp_path / "bad.key").write_text("zz")
    with pytest.raises(InputError, match="32 bytes"):
        KeyRing(tmp_path).secret_for("bad")
    KeyRing(tmp_path).create("once")
    with pytest.raises(InputError, match="already exists"):
        KeyRing(tmp_path).create("once")


def test_operators_surrogate_consistent_format_preserving_and_seeded() -> None:
    op = SurrogateOperator("rec-1")
    card = op.operate("4111 1111 1111 1111", {"entity_type": "CREDIT_CARD"})
    assert re.fullmatch(r"4000 0000 0000 \d{4}", card) and luhn_valid(card)
    phone = op.operate("(646) 555-2819", {"entity_type": "PHONE_NUMBER"})
    assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", phone)
    odd = op.operate("646552819", {"entity_type": "PHONE_NUMBER"})
    assert re.fullmatch(r"\d{3}-555-01\d\d", odd)
    name = op.operate("John Smith", {"entity_type": "PERSON"})
    assert name == op.operate("john smith", {"entity_type": "PERSON"})
    assert name not in {"John Smith", op.operate("Jane Doe", {"entity_type": "PERSON"})}
    email = op.operate("john@corp.com", {"entity_type": "EMAIL_ADDRESS"})
    assert email.endswith("@example.com")
    again = SurrogateOperator("rec-1")
    assert again.operate("4111 1111 1111 1111", {"entity_type": "CREDIT_CARD"}) == card
    other = SurrogateOperator("rec-2")
    assert other.operate("John Smith", {"entity_type": "PERSON"}) != name


def test_operators_encrypt_roundtrip_bound_to_recording() -> None:
    key = bytes(range(32))
    op = EncryptOperator(key, "rec-1")
    token = op.operate("John Smith", {"entity_type": "PERSON"})
    assert "John" not in token and token.startswith("[ENC:PERSON:")
    assert reveal_text(f"hi {token}!", key=key, recording_id="rec-1") == ("hi John Smith!", 1)
    with pytest.raises(InputError, match="does not belong"):
        reveal_text(token, key=key, recording_id="rec-2")
    with pytest.raises(InputError, match="data key"):
        EncryptOperator().validate({})


def test_operators_replacer_routes_labels_and_lists_names() -> None:
    rep = OperatorReplacer(
        default=(PlaceholderOperator(), {}),
        routes={"CREDIT_CARD": (MaskOperator(), {"keep_last": 4})},
    )
    assert rep("4111 1111 1111 1111", "CREDIT_CARD") == "**** **** **** 1111"
    assert rep("Jane", "PERSON") == "[PERSON_1]"
    assert rep.names == ("mask.v1", "placeholder.v1")


def test_operators_surrogate_never_echoes_a_real_value_of_the_recording() -> None:
    """A fake name must not carry a piece of any real name in the call ("Chris" in
    "Christopher"), whichever real value it replaces."""
    from redactor.operators.surrogate import SurrogateOperator

    for n in range(40):
        op = SurrogateOperator(f"rec-{n}")
        op.avoid(["Chris", "Robert Brown"])
        fake = op.operate("Yes", {"entity_type": "PERSON"})
        assert not any(part in fake.lower() for part in ("chris", "robert", "brown", "yes"))
