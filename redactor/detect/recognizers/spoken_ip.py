"""IP addresses said aloud: "one nine two dot one six eight dot one dot ten", "ten point
zero point zero point one" (normalised to "192 dot 168 dot 1 dot 10"). Written addresses are
Presidio's ``IpRecognizer``."""

from __future__ import annotations

import re

from redactor.detect.recognizers._base import CuePatternRecognizer

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"


class SpokenIpRecognizer(CuePatternRecognizer):
    NAME = "SpokenIpRecognizer.v1"
    ENTITY = "IP_ADDRESS"
    PATTERN = re.compile(
        rf"(?i)(?<![\w.])({_OCTET}(?:[ \t]*(?:dot|point|\.)[ \t]*{_OCTET}){{3}})(?![\w]|\.\d)"
    )
    base_score = 0.8
