"""The store is the only package that knows SQL: nothing outside ``redactor.store`` imports
SQLAlchemy or the store's schema, its database module or a repository's internals."""

from __future__ import annotations

import ast
from pathlib import Path

import redactor

PACKAGE = Path(redactor.__file__).resolve().parent
# What other packages may import from the store: the facade, its records and enums, and the
# purge plan a purge hook is handed.
ALLOWED_STORE_MODULES = {
    "redactor.store",
    "redactor.store.enums",
    "redactor.store.records",
    "redactor.store.purges",
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names), with its line, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def _outside_store() -> list[Path]:
    files = [p for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts[:1]]
    assert len(files) > 50, "the walk found the package's modules"
    return files


def test_no_module_outside_the_store_imports_sqlalchemy() -> None:
    bad = [
        f"{p.relative_to(PACKAGE)}:{line}: {name}"
        for p in _outside_store()
        for line, name in _imports(p)
        if name == "sqlalchemy" or name.startswith("sqlalchemy.")
    ]
    assert not bad, "SQL belongs in redactor/store/:\n" + "\n".join(bad)


def test_no_module_outside_the_store_reaches_into_its_internals() -> None:
    store_modules = {
        f"redactor.store.{p.stem}" for p in (PACKAGE / "store").glob("*.py") if p.stem != "__init__"
    }
    bad = []
    for p in _outside_store():
        for line, name in _imports(p):
            module = next((m for m in store_modules if name == m or name.startswith(m + ".")), None)
            if module is not None and module not in ALLOWED_STORE_MODULES:
                bad.append(f"{p.relative_to(PACKAGE)}:{line}: {name}")
    assert not bad, "use the Store facade and redactor.store.records:\n" + "\n".join(bad)


def test_the_boundary_check_sees_an_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from sqlalchemy import select\n    import redactor.store.schema\n"
    )
    names = [name for _, name in _imports(sample)]
    assert "sqlalchemy" in names and "redactor.store.schema" in names
