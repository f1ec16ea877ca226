"""The apps stand in layers: strategy, measures, subscriptions, the editors' workspace,
reports, opendata.
An app imports only from the apps below it, and its migrations depend only on theirs."""

import ast
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.db.migrations.loader import MigrationLoader

# From the bottom up.
LAYERS = ["strategy", "measures", "subscriptions", "workspace", "reports", "opendata"]


def _imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _above(app):
    return set(LAYERS[LAYERS.index(app) + 1 :])


@pytest.mark.parametrize("app", LAYERS)
def test_no_module_imports_an_app_above_it(app):
    folder = Path(django_apps.get_app_config(app).path)
    offenders = [
        f"{path.relative_to(folder)}: {module}"
        for path in sorted(folder.rglob("*.py"))
        for module in _imported_modules(path)
        if module.split(".")[0] in _above(app)
    ]
    assert offenders == []


def test_no_migration_depends_on_an_app_above_it():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    dependencies = [
        (key, dependency)
        for key, migration in loader.disk_migrations.items()
        if key[0] in LAYERS
        for dependency in migration.dependencies
        if dependency[0] in _above(key[0])
    ]
    assert dependencies == []
