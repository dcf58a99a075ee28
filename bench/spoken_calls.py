"""Synthetic spoken calls for the end-to-end benchmark (``bench/bench_spoken.py``).

Each call is a short support conversation: an agent asks for personal values, a customer
says them the ways people do (digit by digit, "oh" for zero, "double five", pairs such as
"fifty five", groups split by pauses, a number split across turns with a backchannel in
between, the last four only, a spelled surname, an e-mail spoken with "dot" and "at", a street
address, a date of birth). Values come from Faker with a fixed seed; every value is written
beside the audio with its type, spoken form, speaker, channel and time interval.

Voices: espeak-ng variants, flite (kal, awb, rms, slt) and festival (kal diphone, slt HTS).
Layouts: mono (both speakers in one channel), stereo (agent left, customer right) and
telephone-band copies (8 kHz mu-law, 300-3400 Hz, made with sox).

Each clip (one piece of a sentence) is synthesized alone, resampled to 16 kHz, trimmed and
concatenated with fixed pauses, so the interval of every value is known exactly.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

__all__ = ["GENERATOR", "VOICES", "Call", "generate", "make_calls", "render_call"]

GENERATOR = "spoken-calls.v1"  # bump when the calls' audio or values change
SR = 16000
CLIP_GAP, GROUP_GAP, SENTENCE_GAP, TURN_GAP, LEAD, TAIL = 0.12, 0.6, 0.35, 0.45, 0.3, 0.4
PEAK_DBFS = -6.0


@dataclass(frozen=True)
class Voice:
    engine: str  # espeak | flite | festival
    name: str

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.name}"


VOICES = (
    Voice("espeak", "en-us+m3"),
    Voice("espeak", "en-us+f2"),
    Voice("espeak", "en-us+m7"),
    Voice("espeak", "en-gb"),
    Voice("espeak", "en-gb-x-rp"),
    Voice("espeak", "en-us+f4"),
    Voice("flite", "kal"),
    Voice("flite", "awb"),
    Voice("flite", "rms"),
    Voice("flite", "slt"),
    Voice("festival", "voice_kal_diphone"),
    Voice("festival", "voice_cmu_us_slt_arctic_hts"),
)


def synth(text: str, voice: Voice, tmp: Path) -> np.ndarray:
    """One clip: float32 mono at 16 kHz, silence trimmed at both ends."""
    raw, res = tmp / "raw.wav", tmp / "16k.wav"
    if voice.engine == "espeak":
        cmd = ["espeak-ng", "-v", voice.name, "-s", "150", "-w", str(raw), text]
        subprocess.run(cmd, check=True, capture_output=True)
    elif voice.engine == "flite":
        cmd = ["flite", "-voice", voice.name, "-t", text, "-o", str(raw)]
        subprocess.run(cmd, check=True, capture_output=True)
    else:
        cmd = ["text2wave", "-eval", f"({voice.name})", "-o", str(raw)]
        subprocess.run(cmd, input=text.encode(), check=True, capture_output=True)
    # -D: no dither, so a re-run makes the same samples
    sox = ["sox", "-D", str(raw), "-r", str(SR), "-b", "16", "-c", "1", str(res)]
    subprocess.run(sox, check=True, capture_output=True)
    audio, _ = sf.read(str(res), dtype="float32")
    loud = np.flatnonzero(np.abs(audio) > 0.02 * max(1e-6, float(np.abs(audio).max())))
    if loud.size:
        audio = audio[max(0, loud[0] - 240) : loud[-1] + 240]
    return audio / max(1e-6, float(np.abs(audio).max()))


# ---------------------------------------------------------------- how people say things

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ORDINALS = {
    1: "first", 2: "second", 3: "third", 5: "fifth", 8: "eighth", 9: "ninth", 12: "twelfth",
    20: "twentieth", 30: "thirtieth",
}  # fmt: skip


def two_digits(n: int) -> str:
    """0-99 as people say a pair: "oh five", "twelve", "fifty five"."""
    if n < 10:
        return f"oh {ONES[n]}"
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else f" {ONES[n % 10]}")


def ordinal(n: int) -> str:
    if n in ORDINALS:
        return ORDINALS[n]
    if n < 20:
        return (TEENS[n - 10] if n >= 10 else ONES[n]) + "th"
    return f"{TENS[n // 10]} {ORDINALS.get(n % 10) or ONES[n % 10] + 'th'}"


def year(n: int) -> str:
    return f"{two_digits(n // 100)} {two_digits(n % 100)}"


def say_digits(digits: str, style: str) -> str:
    """One group of digits: style digits | oh | double | pairs."""
    if style == "pairs" and len(digits) % 2 == 0:
        return " ".join(two_digits(int(digits[i : i + 2])) for i in range(0, len(digits), 2))
    zero = "oh" if style in ("oh", "double") else "zero"
    words: list[str] = []
    i = 0
    while i < len(digits):
        d = digits[i]
        word = zero if d == "0" else ONES[int(d)]
        if style == "double" and i + 1 < len(digits) and digits[i + 1] == d:
            words.append(f"double {word}")
            i += 2
            continue
        words.append(word)
        i += 1
    return " ".join(words)


def groups_of(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, i = [], 0
    for s in sizes:
        out.append(digits[i : i + s])
        i += s
    if i < len(digits):
        out.append(digits[i:])
    return [g for g in out if g]


# ---------------------------------------------------------------- calls


@dataclass
class Part:
    text: str
    pii: str | None = None  # value type
    value: str | None = None
    key: str | None = None  # values said in several pieces share a key
    form: str = ""


@dataclass
class Turn:
    speaker: str  # agent | customer
    sentences: list[list[Part | float]]  # a float is a pause (seconds) inside a sentence


@dataclass
class Call:
    name: str
    layout: str  # mono | stereo
    agent: Voice
    customer: Voice
    turns: list[Turn] = field(default_factory=list)
    tel: bool = False


def _value_parts(kind: str, value: str, groups: list[str], style: str, key: str) -> list:
    """Parts of one spoken number: its groups, separated by pauses ("run": hardly any)."""
    parts: list[Part | float] = []
    for g in groups:
        if parts:
            parts.append(CLIP_GAP if style == "run" else GROUP_GAP)
        parts.append(Part(say_digits(g, "digits" if style == "run" else style), kind, value, key))
    return parts


STYLES = ("digits", "oh", "double", "pairs", "run")


def number_exchange(
    rng: random.Random, kind: str, digits: str, sizes: tuple[int, ...], ask: str, key: str
) -> list[Turn]:
    """The agent asks; the customer answers in one of the styles, or across two turns."""
    style = rng.choice(STYLES)
    groups = groups_of(digits, sizes)
    form = style
    if rng.random() < 0.3 and len(groups) >= 2:  # across turns, a backchannel between
        half = (len(groups) + 1) // 2
        back = rng.choice(["Uh huh.", "Okay.", "Got it, go on.", "Mm hmm."])
        turns = [
            Turn("agent", [[Part(ask)]]),
            Turn(
                "customer",
                [[Part("Sure, it's"), *_value_parts(kind, digits, groups[:half], style, key)]],
            ),
            Turn("agent", [[Part(back)]]),
            Turn("customer", [_value_parts(kind, digits, groups[half:], style, key)]),
        ]
        form = f"turns+{style}"
    else:
        lead = rng.choice(["Sure,", "Yes, it's", "It is", "Okay, it's"])
        turns = [
            Turn("agent", [[Part(ask)]]),
            Turn("customer", [[Part(lead), *_value_parts(kind, digits, groups, style, key)]]),
        ]
    for t in turns:
        for s in t.sentences:
            for p in s:
                if isinstance(p, Part) and p.pii:
                    p.form = form
    return turns


def _digits(fake: Any, n: int, first_nonzero: bool = True) -> str:
    s = fake.numerify("#" * n)
    return (str(fake.random_int(2, 9)) + s[1:]) if first_nonzero else s


def exchanges(rng: random.Random, fake: Any, i: int) -> list[list[Turn]]:
    """Three or four PII exchanges for call ``i`` (a rotation over the value types)."""
    first, last = fake.first_name(), fake.last_name()
    out: list[list[Turn]] = []
    k = f"c{i}"
    # a name, sometimes spelled
    name_turns = [
        Turn("agent", [[Part("Who am I speaking with today?")]]),
        Turn(
            "customer",
            [
                [
                    Part("This is"),
                    Part(f"{first} {last}", "PERSON", f"{first} {last}", f"{k}n", "name"),
                ]
            ],
        ),
    ]
    if rng.random() < 0.5:
        spelled = " ".join(last.upper())
        name_turns += [
            Turn("agent", [[Part("Can you spell the last name?")]]),
            Turn("customer", [[Part(spelled, "PERSON", f"{first} {last}", f"{k}n", "spelled")]]),
        ]
        for p in name_turns[1].sentences[0]:
            if isinstance(p, Part) and p.pii:
                p.form = "name+spelled"
    out.append(name_turns)
    kinds = ["SSN", "PHONE", "CARD", "ACCOUNT", "LAST4", "EMAIL", "ADDRESS", "DOB"]
    picks = [kinds[(i * 3 + j) % len(kinds)] for j in range(3)]
    for kind in picks:
        key = f"{k}{kind}"
        if kind == "SSN":
            d = fake.ssn().replace("-", "")
            ask = rng.choice(["What is your social security number?", "Can I have your social?"])
            out.append(number_exchange(rng, "US_SSN", d, (3, 2, 4), ask, key))
        elif kind == "PHONE":
            d = _digits(fake, 10)
            ask = rng.choice(["What is the best phone number for you?", "And a callback number?"])
            out.append(number_exchange(rng, "PHONE_NUMBER", d, (3, 3, 4), ask, key))
        elif kind == "CARD":
            d = fake.credit_card_number(card_type=rng.choice(["visa16", "mastercard"]))
            ask = rng.choice(["Go ahead with the card number.", "What is the card number?"])
            out.append(number_exchange(rng, "CREDIT_CARD", d, (4, 4, 4, 4), ask, key))
        elif kind == "ACCOUNT":
            d = _digits(fake, rng.choice([8, 10]))
            ask = rng.choice(
                ["What is your account number?", "Can you read me the account number?"]
            )
            out.append(number_exchange(rng, "ACCOUNT_NUMBER", d, (4, 4, 2), ask, key))
        elif kind == "LAST4":
            d = _digits(fake, 4)
            ask = rng.choice(
                [
                    "Just the last four of your social, please.",
                    "What are the last four digits of the card?",
                ]
            )
            out.append(number_exchange(rng, "LAST4", d, (4,), ask, key))
        elif kind == "EMAIL":
            local = f"{first.lower()}.{last.lower()}{rng.randint(10, 99)}"
            domain = fake.free_email_domain()
            name, num = local[:-2], local[-2:]
            spoken = (
                name.replace(".", " dot ")
                + " "
                + (two_digits(int(num)) if rng.random() < 0.5 else say_digits(num, "digits"))
                + " at "
                + domain.replace(".", " dot ")
            )
            out.append(
                [
                    Turn("agent", [[Part("And your email address?")]]),
                    Turn(
                        "customer",
                        [
                            [
                                Part("It's"),
                                Part(spoken, "EMAIL_ADDRESS", f"{local}@{domain}", key, "spoken"),
                            ]
                        ],
                    ),
                ]
            )
        elif kind == "ADDRESS":
            number = str(fake.random_int(100, 9899))
            street = fake.street_name()
            how = rng.choice(["digits", "pairs"]) if len(number) == 4 else "digits"
            said = say_digits(number, how)
            out.append(
                [
                    Turn("agent", [[Part("And what is the service address?")]]),
                    Turn(
                        "customer",
                        [
                            [
                                Part(
                                    f"{said} {street}",
                                    "STREET_ADDRESS",
                                    f"{number} {street}",
                                    key,
                                    how,
                                )
                            ]
                        ],
                    ),
                ]
            )
        else:  # DOB
            dob = fake.date_of_birth(minimum_age=20, maximum_age=80)
            if rng.random() < 0.5:
                said, how = f"{MONTHS[dob.month - 1]} {ordinal(dob.day)}, {year(dob.year)}", "words"
            else:
                said = (
                    f"{two_digits(dob.month)}, {two_digits(dob.day)}, {two_digits(dob.year % 100)}"
                )
                how = "pairs"
            out.append(
                [
                    Turn("agent", [[Part("Can you confirm your date of birth?")]]),
                    Turn(
                        "customer",
                        [[Part("It's"), Part(said, "DATE_OF_BIRTH", dob.isoformat(), key, how)]],
                    ),
                ]
            )
    return out


OPENINGS = (
    "Thanks for calling Northwind support, how can I help?",
    "Hello, billing team, what can I do for you?",
    "Good morning, you're through to customer care.",
)
REASONS = (
    "Hi, I was charged twice this month and I would like a refund.",
    "Hello, I need to update the details on my account.",
    "Hi, my internet has been down since yesterday evening.",
)
CLOSINGS = (
    "Thank you, everything is updated. Is there anything else?",
    "Great, that is all done. Have a nice day.",
    "Perfect, I have sent you a confirmation. Goodbye.",
)


def make_calls(n: int, seed: int) -> list[Call]:
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    calls: list[Call] = []
    base = max(1, round(n * 0.7))  # the rest are telephone-band copies
    for i in range(base):
        agent, customer = rng.sample(VOICES, 2)
        layout = "stereo" if i % 3 == 2 else "mono"
        call = Call(f"call{i:02d}", layout, agent, customer)
        call.turns.append(Turn("agent", [[Part(rng.choice(OPENINGS))]]))
        call.turns.append(Turn("customer", [[Part(rng.choice(REASONS))]]))
        for ex in exchanges(rng, fake, i):
            call.turns.extend(ex)
        call.turns.append(Turn("agent", [[Part(rng.choice(CLOSINGS))]]))
        calls.append(call)
    for j, src in enumerate(calls[: n - base]):
        calls.append(
            Call(f"{src.name}_tel", src.layout, src.agent, src.customer, src.turns, tel=True)
        )
        del j
    return calls


def render_call(call: Call, tmp: Path) -> tuple[np.ndarray, list[dict], list[dict]]:
    """(samples [frames, channels], sentences, values): values merged by key."""
    n_ch = 2 if call.layout == "stereo" else 1
    tracks: list[list[np.ndarray]] = [[np.zeros(int(LEAD * SR), np.float32)] for _ in range(n_ch)]
    pos = int(LEAD * SR)
    sentences: list[dict] = []
    values: dict[str, dict] = {}

    def emit(chunk: np.ndarray, channel: int | None) -> None:
        nonlocal pos
        for c in range(n_ch):
            tracks[c].append(chunk if channel in (None, c) else np.zeros_like(chunk))
        pos += len(chunk)

    for ti, turn in enumerate(call.turns):
        if ti:
            emit(np.zeros(int(TURN_GAP * SR), np.float32), None)
        voice = call.agent if turn.speaker == "agent" else call.customer
        channel = None if n_ch == 1 else (0 if turn.speaker == "agent" else 1)
        for si, sentence in enumerate(turn.sentences):
            if si:
                emit(np.zeros(int(SENTENCE_GAP * SR), np.float32), None)
            start, words, has_pii, prev_part = pos, [], False, False
            for p in sentence:
                if isinstance(p, float):
                    emit(np.zeros(int(p * SR), np.float32), None)
                    prev_part = False
                    continue
                if prev_part:
                    emit(np.zeros(int(CLIP_GAP * SR), np.float32), None)
                c0 = pos
                emit(synth(p.text, voice, tmp), channel)
                prev_part = True
                words.append(p.text)
                if p.pii and p.key:
                    has_pii = True
                    v = values.setdefault(
                        p.key,
                        {"type": p.pii, "value": p.value, "form": p.form, "spoken": [],
                         "speaker": turn.speaker, "channel": channel, "intervals": []},
                    )  # fmt: skip
                    v["spoken"].append(p.text)
                    v["intervals"].append([round(c0 / SR, 3), round(pos / SR, 3)])
            sentences.append(
                {"speaker": turn.speaker, "channel": channel, "text": " ".join(words),
                 "pii": has_pii, "start": round(start / SR, 3), "end": round(pos / SR, 3)}
            )  # fmt: skip
    for tr in tracks:
        tr.append(np.zeros(int(TAIL * SR), np.float32))
    audio = np.stack([np.concatenate(t) for t in tracks], axis=1)
    audio *= 10 ** (PEAK_DBFS / 20) / max(1e-6, float(np.abs(audio).max()))
    return audio.astype(np.float32), sentences, list(values.values())


def require_tools() -> None:
    missing = [t for t in ("espeak-ng", "flite", "text2wave", "sox") if shutil.which(t) is None]
    if missing:
        raise SystemExit(
            "bench_spoken: missing synthesizer(s) "
            + ", ".join(missing)
            + " (apt-get install espeak-ng flite festival festvox-kallpc16k festvox-us-slt-hts sox)"
        )


def generate(out_dir: Path, n: int, seed: int) -> list[dict[str, Any]]:
    """Write the calls' audio and ``calls.json`` into ``out_dir`` (reused when it matches)."""
    index = out_dir / "calls.json"
    if index.is_file():
        meta = json.loads(index.read_text())
        if meta.get("generator") == GENERATOR and meta.get("n") == n and meta.get("seed") == seed:
            return list(meta["calls"])
    require_tools()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for call in make_calls(n, seed):
            audio, sentences, values = render_call(call, tmp)
            path = out_dir / f"{call.name}.flac"
            sf.write(str(path), audio, SR, subtype="PCM_16")
            if call.tel:  # telephone band: 8 kHz mu-law, 300-3400 Hz
                tel = out_dir / f"{call.name}.wav"
                sox = ["sox", str(path), "-r", "8000", "-e", "mu-law", str(tel),
                       "highpass", "300", "lowpass", "3400"]  # fmt: skip
                subprocess.run(sox, check=True, capture_output=True)
                path.unlink()
                path = tel
            rows.append(
                {"name": call.name, "file": path.name, "layout": call.layout, "tel": call.tel,
                 "voices": {"agent": call.agent.label, "customer": call.customer.label},
                 "duration": round(len(audio) / SR, 3), "sentences": sentences, "values": values}
            )  # fmt: skip
    index.write_text(
        json.dumps({"generator": GENERATOR, "n": n, "seed": seed, "calls": rows}, indent=1)
    )
    return rows
