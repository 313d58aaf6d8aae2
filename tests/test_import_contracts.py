"""The project's own import-linter contract type (scripts/importlinter_contracts.py) on a small
hand-made import graph: which imports it reports is written out here, not taken from a run."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import grimp
import pytest
from importlinter.domain.helpers import MissingImport

ROOT = Path(__file__).resolve().parent.parent


def _contracts_module() -> ModuleType:
    path = ROOT / "scripts" / "importlinter_contracts.py"
    spec = importlib.util.spec_from_file_location("importlinter_contracts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _graph() -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for name in (
        "app",
        "app.services",
        "app.services.air",
        "app.services.air.hourly",
        "app.services.air.ranking",
        "app.services.water",
        "app.services.water.sections",
        "app.services.month",  # a flat shared module: public as it is
        "app.web",
        "app.web.routes",
    ):
        graph.add_module(name)
    edges = [
        ("app.services.air", "app.services.air.hourly"),  # the package's own __init__: fine
        ("app.services.air.ranking", "app.services.air.hourly"),  # inside the domain: fine
        ("app.services.water.sections", "app.services.air"),  # another domain's __init__: fine
        ("app.services.water.sections", "app.services.month"),  # flat module: fine
        ("app.services.water.sections", "app.services.air.ranking"),  # reaches in: reported
        ("app.web.routes", "app.services.water.sections"),  # reaches in: reported
        ("app.web.routes", "app.services.air.hourly"),  # reaches in, but allow-listed below
    ]
    for line, (importer, imported) in enumerate(edges, start=1):
        graph.add_import(
            importer=importer, imported=imported, line_number=line, line_contents="import"
        )
    return graph


def _check(ignore: list[str]) -> tuple[bool, list[tuple[str, str, tuple[int, ...]]]]:
    contract_type = _contracts_module().DomainInternalsContract
    contract = contract_type(
        "domains",
        {"root_packages": ["app"]},
        {"containers": ["app.services"], "ignore_imports": ignore},
    )
    check = contract.check(_graph(), verbose=False)
    found = [(i["importer"], i["imported"], i["lines"]) for i in check.metadata["illegal"]]
    return check.kept, found


def test_only_imports_of_another_domains_submodules_are_reported() -> None:
    kept, found = _check(["app.web.routes -> app.services.air.hourly"])
    assert not kept
    assert sorted(found) == [
        ("app.services.water.sections", "app.services.air.ranking", (5,)),
        ("app.web.routes", "app.services.water.sections", (6,)),
    ]


def test_without_the_allow_list_the_allowed_import_is_reported_too() -> None:
    _, found = _check([])
    assert ("app.web.routes", "app.services.air.hourly", (7,)) in found
    assert len(found) == 3


def test_an_allow_list_entry_that_matches_nothing_is_an_error() -> None:
    with pytest.raises(MissingImport, match=r"app\.cli -> "):
        _check(["app.cli -> app.services.air.hourly"])
