"""Transcript formats: render redacted transcripts (JSON, WebVTT, SRT, text); read VTT/SRT/AWS."""

from redactor.formats.export import FORMATS, render
from redactor.formats.imports import read_transcript

__all__ = ["FORMATS", "read_transcript", "render"]
