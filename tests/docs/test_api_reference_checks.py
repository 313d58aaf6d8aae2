"""The docstring checks of the API reference (docs/api/conf.py) report what they promise.

Synthetic modules stand in for envplan.standards / envplan.services packages; the expected
reports follow from the numpydoc rules themselves (GL08: no docstring; PR01: a parameter of the
signature is not documented; PR02: a documented parameter is not in the signature).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

import pytest

CONF = Path(__file__).resolve().parents[2] / "docs" / "api" / "conf.py"


@pytest.fixture
def conf(monkeypatch: pytest.MonkeyPatch) -> Any:
    spec = importlib.util.spec_from_file_location("envplan_api_conf", CONF)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def reports(conf: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    fake = types.SimpleNamespace(warning=lambda message, *args: seen.append(message % args))
    monkeypatch.setattr(conf, "logger", fake)
    return seen


def _module(monkeypatch: pytest.MonkeyPatch, name: str, **members: Any) -> types.ModuleType:
    """A module ``name`` in sys.modules whose functions and classes say they are defined in it
    (except those whose ``__module__`` already names another module than this test's)."""
    module = types.ModuleType(name)
    for key, value in members.items():
        if callable(value) and value.__module__ == __name__:
            value.__module__ = name
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def _doc_lines(obj: Any) -> list[str]:
    return (obj.__doc__ or "").splitlines()


def check(conf: Any, what: str, name: str, obj: Any) -> None:
    conf._validate(None, what, name, obj, None, _doc_lines(obj))


def test_standards_function_with_an_undocumented_parameter_is_reported(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def ratio(value: float, limit: float) -> float:
        """Value ÷ limit [–].

        Parameters
        ----------
        value
            Concentration [mg/L].
        """
        return value / limit

    _module(monkeypatch, "envplan.standards.fake", ratio=ratio)
    check(conf, "function", "envplan.standards.fake.ratio", ratio)
    assert len(reports) == 1
    assert "PR01" in reports[0] and "'limit'" in reports[0]


def test_standards_function_documenting_an_unknown_parameter_is_reported(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def half(value: float) -> float:
        """Half of ``value`` [unit of the input].

        Parameters
        ----------
        value
            Any value.
        decimals
            Not a parameter.
        """
        return value / 2

    _module(monkeypatch, "envplan.standards.fake", half=half)
    check(conf, "function", "envplan.standards.fake.half", half)
    assert len(reports) == 1
    assert "PR02" in reports[0] and "'decimals'" in reports[0]


def test_fully_documented_standards_function_passes(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def half(value: float) -> float:
        """Half of ``value`` [unit of the input].

        Parameters
        ----------
        value
            Any value.

        Returns
        -------
        float
            ``value`` / 2.
        """
        return value / 2

    _module(monkeypatch, "envplan.standards.fake", half=half)
    check(conf, "function", "envplan.standards.fake.half", half)
    assert reports == []


def test_services_parameters_are_not_checked_but_a_missing_docstring_is(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def documented(session: object, month: str) -> None:
        """Freeze the month (parameters are not documented: not checked outside standards)."""

    def bare(session: object) -> None:
        pass

    _module(
        monkeypatch,
        "envplan.services.fake",
        documented=documented,
        bare=bare,
        __all__=["documented", "bare"],
    )
    check(conf, "function", "envplan.services.fake.documented", documented)
    assert reports == []
    check(conf, "function", "envplan.services.fake.bare", bare)
    assert len(reports) == 1 and "GL08" in reports[0]


def test_names_that_are_not_rendered_are_not_checked(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def bare(session: object) -> None:
        pass

    def _private(session: object) -> None:
        pass

    imported = types.FunctionType(bare.__code__, {}, "imported")
    imported.__module__ = "somewhere.else"
    _module(
        monkeypatch, "envplan.services.fake", bare=bare, _private=_private, __all__=["_private"]
    )
    _module(monkeypatch, "envplan.standards.fake", imported=imported)
    check(conf, "function", "envplan.services.fake.bare", bare)  # not in __all__
    check(conf, "function", "envplan.services.fake._private", _private)  # private
    check(conf, "function", "envplan.standards.fake.imported", imported)  # imported
    assert reports == []


def test_dataclass_signature_is_not_a_docstring(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    @dataclasses.dataclass(frozen=True)
    class Bare:
        value: float

    @dataclasses.dataclass(frozen=True)
    class Documented:
        """A documented result."""

        value: float

    _module(
        monkeypatch,
        "envplan.services.fake",
        Bare=Bare,
        Documented=Documented,
        __all__=["Bare", "Documented"],
    )
    assert (Bare.__doc__ or "").startswith("Bare(value: ")  # what dataclass writes
    check(conf, "class", "envplan.services.fake.Documented", Documented)
    assert reports == []
    check(conf, "class", "envplan.services.fake.Bare", Bare)
    assert len(reports) == 1 and "GL08" in reports[0]


def test_not_yet_names_are_not_checked(
    conf: Any, reports: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def hourly_aqi() -> None:
        pass

    monkeypatch.setitem(conf.NOT_YET, "envplan.services.air", {"hourly_aqi"})
    importlib.import_module("envplan.services.air")
    check(conf, "function", "envplan.services.air.hourly_aqi", hourly_aqi)
    assert reports == []
    monkeypatch.setitem(conf.NOT_YET, "envplan.services.air", set())  # listed no more: checked
    check(conf, "function", "envplan.services.air.hourly_aqi", hourly_aqi)
    assert len(reports) == 1 and "GL08" in reports[0]
