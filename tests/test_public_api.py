"""The public surface: everything in ``redactor.__all__`` resolves, and it stays complete."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

import redactor

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", redactor.__all__)
def test_public_api_every_name_resolves(name: str) -> None:
    assert getattr(redactor, name) is not None


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("redactor.transcribe", "FasterWhisperTranscriber"),
        ("redactor.detect", "Detector"),
        ("redactor.executors", "LocalPipeline"),
        ("redactor.store", "open_store"),
        ("redactor.purge", "verify_purge"),
        ("redactor.dataset", "export_dataset"),
        ("redactor.web.app", "create_app"),
    ],
)
def test_public_api_lists_each_stage_entry_point(module: str, name: str) -> None:
    assert name in redactor.__all__
    assert getattr(redactor, name) is getattr(importlib.import_module(module), name)


def test_public_api_version_matches_pyproject() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert redactor.__version__ == meta["project"]["version"]


def test_public_api_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = redactor.no_such_thing  # type: ignore[attr-defined]


def test_public_api_no_name_is_shadowed_by_a_submodule() -> None:
    """Importing a submodule binds it on the package: a public name equal to a submodule's
    name would then be the module, not the function (order-dependent, so import them all)."""
    import pkgutil
    import types

    for info in pkgutil.walk_packages(redactor.__path__, "redactor."):
        if not info.name.startswith("redactor.web"):  # FastAPI app: imported above already
            importlib.import_module(info.name)
    for name in redactor.__all__:
        assert not isinstance(getattr(redactor, name), types.ModuleType), name
