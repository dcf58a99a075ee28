"""Transcript-aware Presidio recognizers, one per module.

``RAW`` recognizers read the original text (names, spelling, spaCy entities, and numbers,
which ``redactor.detect.digits`` reads however they are punctuated); ``NORMALIZED`` ones read
the normalised view, where spoken numbers and e-mails are written out.
"""

from redactor.detect.recognizers.account_number import AccountNumberRecognizer
from redactor.detect.recognizers.answered_name import AnsweredNameRecognizer
from redactor.detect.recognizers.card_security import (
    CardExpiryRecognizer,
    CardSecurityCodeRecognizer,
)
from redactor.detect.recognizers.credit_card import CardNumberRecognizer
from redactor.detect.recognizers.cued_number import CuedNumberRecognizer
from redactor.detect.recognizers.date_of_birth import DateOfBirthRecognizer
from redactor.detect.recognizers.digit_run import DigitRunRecognizer
from redactor.detect.recognizers.email import TranscriptEmailRecognizer
from redactor.detect.recognizers.id_number import CuedIdNumberRecognizer, IdNumberRecognizer
from redactor.detect.recognizers.misheard_email import MisheardEmailRecognizer
from redactor.detect.recognizers.person_name import PersonNameRecognizer
from redactor.detect.recognizers.phone import TranscriptPhoneRecognizer
from redactor.detect.recognizers.spacy_ner import SpacyNerRecognizer
from redactor.detect.recognizers.spelled_name import CuedSpellingRecognizer, SpelledNameRecognizer
from redactor.detect.recognizers.spoken_ip import SpokenIpRecognizer
from redactor.detect.recognizers.ssn import SsnLastFourRecognizer, SsnRecognizer
from redactor.detect.recognizers.street_address import StreetAddressRecognizer
from redactor.detect.recognizers.zip_code import StateZipRecognizer, ZipCodeRecognizer

__all__ = [
    "AccountNumberRecognizer",
    "AnsweredNameRecognizer",
    "CardExpiryRecognizer",
    "CardNumberRecognizer",
    "CardSecurityCodeRecognizer",
    "CuedIdNumberRecognizer",
    "CuedNumberRecognizer",
    "CuedSpellingRecognizer",
    "DateOfBirthRecognizer",
    "DigitRunRecognizer",
    "IdNumberRecognizer",
    "MisheardEmailRecognizer",
    "PersonNameRecognizer",
    "SpacyNerRecognizer",
    "SpelledNameRecognizer",
    "SpokenIpRecognizer",
    "SsnLastFourRecognizer",
    "SsnRecognizer",
    "StateZipRecognizer",
    "StreetAddressRecognizer",
    "TranscriptEmailRecognizer",
    "TranscriptPhoneRecognizer",
    "ZipCodeRecognizer",
]

RAW = (
    SpacyNerRecognizer, PersonNameRecognizer, SpelledNameRecognizer, CuedSpellingRecognizer,
    DigitRunRecognizer, CuedNumberRecognizer, AnsweredNameRecognizer,
)  # fmt: skip
NORMALIZED = (
    TranscriptPhoneRecognizer, CardNumberRecognizer, CardSecurityCodeRecognizer,
    CardExpiryRecognizer, SsnRecognizer, SsnLastFourRecognizer, AccountNumberRecognizer,
    ZipCodeRecognizer, StateZipRecognizer, DateOfBirthRecognizer, TranscriptEmailRecognizer,
    StreetAddressRecognizer, IdNumberRecognizer, MisheardEmailRecognizer, CuedIdNumberRecognizer,
    SpokenIpRecognizer,
)  # fmt: skip
