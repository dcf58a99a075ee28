"""Run definitions (``*.toml``), shipped as ``redactor.runs.shipped``; nothing to import here."""
