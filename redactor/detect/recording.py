"""Decisions per recording: one value, one decision; unsure words widen a redaction.

Each occurrence of a value used to be judged on its own, so a name redacted in one copy of a
rolling caption stayed plain in the next copy, and a number redacted after its cue stayed
readable where the caller repeated it. Here, once a value is detected anywhere in a recording,
every other occurrence of it is a span too, with the same label (so the same placeholder):

- the same text, whole words, case-insensitive ("Jane Doe" / "jane doe"); a value that is a
  common English word ("Mark") only in the same case, so "mark my words" stays readable;
- each part of a detected name that is no common word ("Jane" after "Jane Doe");
- the same digits however said or written ("555 0187" / "five five five oh one eight seven").

Word probabilities (faster-whisper's ``word.probability``): a low-confidence word next to a
span is covered too, up to ``MAX_UNSURE`` words each side. Whisper is least sure exactly where
it mishears a digit or a name ("fife", "go"), and widening can only hide more, never less.

And an answer the detector found nothing in fails closed on its unsure words: after a question
or request that asks for a value ("Can you confirm your date of birth?", "Just the last four
of your social, please.", "Who am I speaking with?"), a stretch of low-confidence words is
redacted, labelled by what was asked (``unsure_answers``). Whisper writes a date of birth it
could not make out as "no member I think I think I think"; nothing in those words is a date,
but the audio under them is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from redactor.detect.casing import lexicon
from redactor.detect.digits import number_runs
from redactor.detect.recognizers.cued_number import CUES
from redactor.types import Segment, Span, TextSpan

__all__ = ["LOW_CONFIDENCE", "MAX_UNSURE", "same_value_spans", "unsure_answers", "widen_unsure"]

NAME = "SameValue.v1"
LOW_CONFIDENCE = 0.5
MAX_UNSURE = 2
MIN_DIGITS = 3
_TRAILING = " \t.,;:!?"
_NAME_PART = re.compile(r"[^\W\d_]{3,}(?:['’][^\W\d_]+)?")


def _key(value: str) -> str:
    return " ".join(value.casefold().split())


def same_value_spans(text: str, spans: Sequence[TextSpan]) -> list[TextSpan]:
    """Spans for every other occurrence, in ``text``, of each value ``spans`` cover."""
    lex = lexicon()
    exact: dict[str, TextSpan] = {}  # values matched in their own case only
    folded: dict[str, TextSpan] = {}  # values matched whatever the case
    numbers: dict[str, TextSpan] = {}
    for sp in sorted(spans, key=lambda s: s.score):  # the best-scoring span of a value wins
        value = text[sp.start : sp.end].strip(" \t\n.,;:!?")
        if len(value) >= 3 and re.search(r"[^\W\d_]", value):
            common = " " not in value and lex.is_common(value.lower())
            (exact if common else folded)[value if common else _key(value)] = sp
        if sp.label == "PERSON":
            for m in _NAME_PART.finditer(value):
                part = m.group().lower()
                if part not in STOP_WORDS and not lex.is_common(part):
                    folded.setdefault(part, sp)
        for run in number_runs(text[sp.start : sp.end]):
            if len(run.digits) >= MIN_DIGITS:
                numbers[run.digits] = sp
    out: list[TextSpan] = []
    for table, flags in ((folded, re.IGNORECASE), (exact, 0)):
        if not table:
            continue
        alts = sorted(table, key=len, reverse=True)
        pattern = "|".join(r"\s+".join(map(re.escape, v.split())) for v in alts)
        for m in re.finditer(rf"(?<![\w@.])(?:{pattern})(?![\w@])", text, flags):
            src = table[_key(m.group()) if flags else m.group()]
            out.append(TextSpan(m.start(), m.end(), src.label, src.score, NAME))
    for run in number_runs(text) if numbers else ():
        if (num := numbers.get(run.digits)) is not None:
            out.extend(TextSpan(a, b, num.label, num.score, NAME) for a, b in run.pieces)
    return out


def widen_unsure(segment: Segment, spans: Sequence[Span]) -> list[Span]:
    """Each span of ``segment`` grown over low-confidence words right next to it."""
    words = segment.words
    out = []
    for sp in spans:
        inside = [i for i, w in enumerate(words) if w.char_start < sp.end and w.char_end > sp.start]
        a, b = sp.start, sp.end
        if inside:
            lo, hi = inside[0], inside[-1]
            for _ in range(MAX_UNSURE):
                if lo > 0 and words[lo - 1].probability < LOW_CONFIDENCE:
                    lo -= 1
            for _ in range(MAX_UNSURE):
                if hi + 1 < len(words) and words[hi + 1].probability < LOW_CONFIDENCE:
                    hi += 1
            if lo < inside[0]:
                a = min(a, words[lo].char_start)
            if hi > inside[-1]:  # the unsure word, not the punctuation after it
                w = words[hi]
                b = max(
                    b, w.char_start + len(segment.text[w.char_start : w.char_end].rstrip(_TRAILING))
                )
        out.append(Span(sp.segment, a, b, sp.label, sp.score, sp.recognizer))
    return out


ANSWER = "UnsureAnswer.v1"
ANSWER_GAP = 2  # confident words between two unsure ones that still make one stretch
TURNS_BACK = 2  # the question may be this many turns back (a backchannel between)
# What an asked-for value is, by the cue in the question (the number cues, and names and
# e-mail addresses, whose answers Whisper mangles as often).
_ASKED = re.compile(
    "|".join(
        f"(?P<{label}>{rx})"
        for label, rx in (
            ("EMAIL_ADDRESS", r"\be-?mail\b"),
            ("PERSON", r"\bname\b|\bspell\w*|\bspeaking\s+(?:with|to)\b|\bwho\s+(?:am|is)\b"),
            *CUES,
        )
    ),
    re.IGNORECASE,
)
# A sentence that asks: a question, or a request ("..., please", "go ahead with ...").
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")
_REQUEST = re.compile(
    r"\b(?:please|go\s+ahead|confirm|verify|tell\s+me|give\s+me|read\s+(?:me|out)|spell)\b",
    re.IGNORECASE,
)


def _asked(text: str) -> str | None:
    """What the last complete asking sentence of ``text`` asks for (its nearest named cue;
    the bare "number" only where it names nothing else), if it asks for a value. A sentence
    still being said ("Please read me your card") asks nothing yet."""
    sentences = _SENTENCE.findall(text)
    if sentences and not re.search(r"[.?!]\s*$|\n\s*$", text):
        sentences.pop()
    for sentence in reversed(sentences):
        if not (sentence.rstrip().endswith("?") or _REQUEST.search(sentence)):
            continue
        best = None
        for m in _ASKED.finditer(sentence):
            if m.lastgroup != "NUMBER" or best is None:
                best = m.lastgroup
        if best is not None:
            return best
    return None


def unsure_answers(segments: Sequence[Segment], spans: Sequence[Sequence[Span]]) -> list[Span]:
    """Spans over the unsure stretches of answers in which nothing was found.

    For each segment with word probabilities (ASR) and no span of its own: words after a
    complete sentence that asks for a value, in this segment or the ``TURNS_BACK`` before it,
    with probability under ``LOW_CONFIDENCE``, joined into one stretch where at most
    ``ANSWER_GAP`` confident words lie between two of them. Each stretch is a span labelled
    by what was asked. Text without probabilities (every word 1.0) never matches."""
    out: list[Span] = []
    for i, seg in enumerate(segments):
        if spans[i] or not any(w.probability < LOW_CONFIDENCE for w in seg.words):
            continue
        before = "\n".join(s.text for s in segments[max(0, i - TURNS_BACK) : i])
        stretch: list[int] = []
        label: str | None = None
        for k, w in enumerate([*seg.words, None]):
            ends = w is None or (stretch and k - stretch[-1] > ANSWER_GAP + 1)
            if ends and stretch and label is not None:
                a, b = seg.words[stretch[0]], seg.words[stretch[-1]]
                end = b.char_start + len(seg.text[b.char_start : b.char_end].rstrip(_TRAILING))
                out.append(Span(seg.index, a.char_start, end, label, LOW_CONFIDENCE, ANSWER))
            if ends:
                stretch = []
            if w is None or w.probability >= LOW_CONFIDENCE:
                continue
            if not stretch:
                label = _asked(f"{before}\n{seg.text[: w.char_start]}")
            stretch.append(k)
    return out
