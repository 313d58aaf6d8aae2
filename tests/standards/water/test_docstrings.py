"""Every public function of standards.water and standards.soil names its document (with edition
year) and states units in brackets (project rule)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import envplan.standards.soil
import envplan.standards.water

DOCUMENT = re.compile(r"(GB(/T)? \d+-\d{4}|环办[^\s]*〔\d{4}〕|总站[^\s]* ?\d{4}|国发〔\d{4}〕)")


def _public_functions() -> list[tuple[str, object]]:
    found = []
    for package in (envplan.standards.water, envplan.standards.soil):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, obj in inspect.getmembers(module, inspect.isfunction):
                if not name.startswith("_") and obj.__module__ == module.__name__:
                    found.append((f"{module.__name__}.{name}", obj))
    return found


@pytest.mark.parametrize(("name", "function"), _public_functions())
def test_docstring_cites_document_and_units(name: str, function: object) -> None:
    doc = inspect.getdoc(function) or ""
    assert DOCUMENT.search(doc), f"{name}: no document with edition"
    assert "[" in doc, f"{name}: no unit in brackets"
