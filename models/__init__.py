"""The model manifest, shipped as ``redactor.models.shipped``; nothing to import here."""
