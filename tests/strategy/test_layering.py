"""The strategy app stands below the measures app: it never imports it, and none of its
migrations depends on one of measures."""

import ast
from pathlib import Path

from django.db.migrations.loader import MigrationLoader

import strategy

STRATEGY = Path(strategy.__file__).parent


def _imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_module_of_strategy_imports_measures_or_opendata():
    offenders = [
        f"{path.relative_to(STRATEGY)}: {module}"
        for path in sorted(STRATEGY.rglob("*.py"))
        for module in _imported_modules(path)
        if module.split(".")[0] in {"measures", "opendata"}
    ]
    assert offenders == []


def test_no_strategy_migration_depends_on_measures():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    dependencies = [
        (key, dependency)
        for key, migration in loader.disk_migrations.items()
        if key[0] == "strategy"
        for dependency in migration.dependencies
        if dependency[0] in {"measures", "opendata"}
    ]
    assert dependencies == []
