"""The answer to "who am I speaking with?": a name, however ASR wrote it.

Speech recognisers mishear names more than any other word ("Abigail Noble" came out as
"This is heavy, scalable."), and a misheard name is no name to any list or model, yet the
audio still says it. So the turn that answers a name question (the line after one that asks
"who am I speaking with", "may I have your name", "what is your last name") is read as a
name up to its first sentence end (or the line after that, when it introduces someone),
after the introduction ("this is", "my name is", "it's")
and fillers: at most ``MAX_WORDS`` words, no digits, and not when the answer plainly is
something else (a question back, "sorry", "hold on", "I ...").

The detector joins a transcript's turns with newlines, so the line before is the turn before.
"""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer

_NAME_QUESTION = re.compile(
    r"(?i)\b(?:who\s+(?:am\s+i|are\s+we|i'?m)\s+(?:speaking|talking)\s+(?:with|to)|"
    r"who\s+(?:is\s+)?(?:this|calling|speaking)\b|"
    r"(?:may|can|could)\s+i\s+(?:have|get|know|take|ask)\s+(?:your|the)\s+(?:full\s+|first\s+|"
    r"last\s+|sur)?name|"
    r"what(?:'s|\s+is|\s+was)\s+(?:your|the)\s+(?:full\s+|first\s+|last\s+|sur)?name|"
    r"(?:your|the)\s+(?:full\s+)?name\s+(?:please|on\s+the)|"
    r"(?:spell|spelling)\s+(?:your|the|that)\s+(?:last\s+|first\s+|sur)?name)"
)
_INTRO = re.compile(
    r"(?i)[ \t]*(?:(?:sure|yes|yeah|yep|okay|ok|so|um|uh|hi|hello|well|right)\b[ \t,.]*)*"
    r"(?P<intro>(?:this\s+is|it'?s|it\s+is|my\s+name\s+is|my\s+name'?s|i\s+am|i'?m|the\s+name\s+is|"
    r"name'?s|you'?re\s+speaking\s+with|speaking\s+with)\b[ \t]*,?[ \t]*)?"
)
_CLAUSE = re.compile(r"[^.?!;\n]*")
# Answers that are no name: a question back, an apology, a pause, a refusal.
_NOT_A_NAME = frozenset(
    {"i", "we", "you", "what", "sorry", "can", "could", "hold", "just", "one", "let", "give",
     "wait", "why", "how", "for", "about", "the", "a", "an", "not", "no", "that", "there",
     "here", "pardon", "excuse", "who", "is", "are", "do", "does", "did", "will", "would"}
)  # fmt: skip
MAX_WORDS = 4
# In a stereo call the answer may come a line later (the customer's other sentence first);
# a later line counts only when it introduces someone ("This is heavy, scalable.").
LINES_AFTER = 2


class AnsweredNameRecognizer(CuePatternRecognizer):
    NAME = "AnsweredNameRecognizer.v1"
    ENTITY = "PERSON"

    def find(self, text: str) -> list[tuple[int, int, float]]:
        out = []
        since = 0  # lines since the last name question (0: none pending)
        for m in re.finditer(r"[^\n]+", text):
            line = m.group()
            if not line.strip():
                continue
            if since:
                span = _answer(line, introduced=since > 1)
                if span is not None:
                    out.append((m.start() + span[0], m.start() + span[1], 0.5))
                    since = 0
                else:
                    since = since + 1 if since < LINES_AFTER else 0
            if _NAME_QUESTION.search(line):
                since = 1
        return out


def _answer(line: str, introduced: bool) -> tuple[int, int] | None:
    """Where the name lies in an answer line, if it looks like one (``introduced``: only
    after "this is", "my name is" ...)."""
    intro = _INTRO.match(line)
    if introduced and (intro is None or intro.group("intro") is None):
        return None
    a = intro.end() if intro else 0
    clause = _CLAUSE.match(line, a)
    b = clause.end() if clause else a
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?", line[a:b])
    if not words or len(words) > MAX_WORDS or re.search(r"\d", line[a:b]):
        return None
    if words[0].lower() in _NOT_A_NAME or line[b : b + 1] == "?":
        return None
    b = a + len(line[a:b].rstrip(" ,\t"))
    return a, b
