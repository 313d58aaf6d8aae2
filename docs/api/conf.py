"""Sphinx configuration of the envplan API reference (issue 18).

Build (what CI runs: ``scripts/check.py``, step "api reference"; warnings are errors)::

    sphinx-build -E -W --keep-going -b html docs/api .cache/api-html

autodoc renders the public names: what each services domain package's ``__init__`` exports
(``__all__``; its constants and type aliases through the ``exported-data`` directive below) and the
public members of the ``envplan.standards`` modules. numpydoc parses the docstrings, and
:func:`_validate` runs numpydoc's validator on every rendered object:

- every object has a docstring (``GL08``; a dataclass's generated signature does not count, and an
  exported constant needs a ``#:`` comment where it is assigned);
- every function and method of ``envplan.standards`` documents exactly its parameters (``PR01``
  none missing, ``PR02`` none unknown).

numpydoc's own ``numpydoc_validation_checks`` stay empty: it validates inside
``autodoc-process-docstring``, which autodoc also emits for members it then leaves out (imported
names such as ``decimal.InvalidOperation``), and it cannot scope checks to one package.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import sys
import types
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from numpydoc.docscrape_sphinx import get_doc_object
from numpydoc.validate import validate
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

project = "envplan"
author = "envplan contributors"
copyright = "2026, envplan contributors"
language = "zh_CN"

extensions = ["sphinx.ext.autodoc", "numpydoc"]

autodoc_default_options = {
    "members": True,
    "undoc-members": True,  # an object without a docstring is listed, so GL08 reports it
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
# Signatures keep the aliases as written (every module has ``from __future__ import annotations``)
# instead of expanding ``ArrayLike`` into its full union.
autodoc_type_aliases = {
    alias: alias
    for alias in (
        "npt.ArrayLike",
        "ArrayLike",
        "BoolArray",
        "FloatArray",
        "Int16Array",
        "IntArray",
        "StrArray",
        "UInt8Array",
    )
}
autoclass_content = "class"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc's own validation is off: it would also report members autodoc looks at but does not
# render (imported names); _validate below runs the same numpydoc validator on rendered names only.
numpydoc_validation_checks: set[str] = set()

# Checked on every rendered object / on envplan.standards functions and methods as well.
CHECKS = {"GL08"}
STANDARDS_CHECKS = {"PR01", "PR02"}

# Re-exported names left out of their package's page (:func:`_skip_not_yet`) and of the
# validation while other work changes their module: none today.
NOT_YET: dict[str, set[str]] = {}

html_theme = "alabaster"
html_title = "envplan API 参考"
exclude_patterns = ["_build"]


def _split(name: str) -> tuple[types.ModuleType, list[str]] | None:
    """The documented module of ``name`` and the attribute path below it."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module = sys.modules.get(".".join(parts[:i]))
        if module is not None:
            return module, parts[i:]
    return None


def _rendered(name: str) -> bool:
    """Whether autodoc renders ``name``: a public member of its module (``__all__`` if the module
    has one, else defined in the module itself), not in :data:`NOT_YET`."""
    found = _split(name)
    if found is None:
        return False
    module, path = found
    if any(part.startswith("_") for part in path):
        return False
    top = path[0]
    if top in NOT_YET.get(module.__name__, set()):
        return False
    exported = getattr(module, "__all__", None)
    if exported is not None:
        return top in exported
    member = getattr(module, top, None)
    if inspect.isclass(member) or inspect.isroutine(member) or inspect.ismodule(member):
        return getattr(member, "__module__", None) == module.__name__
    return top in ModuleAnalyzer.for_module(module.__name__).tagorder


def _generated_doc(obj: Any) -> bool:
    """Whether a class's ``__doc__`` is the signature ``dataclass`` writes when there is none."""
    doc = obj.__dict__.get("__doc__") or ""
    return dataclasses.is_dataclass(obj) and doc.startswith(f"{obj.__name__}(")


def _validate(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    if what == "data":
        # autodoc falls back to the value's type's docstring (str, dict, …) for exported data.
        type_doc = inspect.getdoc(type(obj)) or ""
        if not "\n".join(lines).strip() or "\n".join(lines).strip() == type_doc.strip():
            lines[:] = _data_doc(name)
        if not lines and name.startswith("envplan.services."):
            logger.warning("[numpydoc] docstring of %r:\n  GL08: no #: comment", name)
        return
    # numpydoc validates the object's own ``__doc__``, which attributes do not have (their ``#:``
    # comments are rendered, not validated).
    if what in ("module", "data", "attribute") or not _rendered(name):
        return
    checks = set(CHECKS)
    if name.startswith("envplan.standards.") and what in ("function", "method"):
        checks |= STANDARDS_CHECKS
    report = validate(get_doc_object(obj, what, "\n".join(lines)))
    errors = [f"  {code}: {message}" for code, message in report["errors"] if code in checks]
    if what == "class" and _generated_doc(obj):
        errors.insert(
            0, "  GL08: The object does not have a docstring (only the dataclass signature)"
        )
    if errors:
        logger.warning("[numpydoc] docstring of %r:\n%s", name, "\n".join(errors))


def _imported(node: ast.ImportFrom) -> set[str]:
    return {alias.asname or alias.name for alias in node.names}


def _origin(package: types.ModuleType, name: str) -> str:
    """The module a package's ``__init__`` imports ``name`` from (the package itself if none)."""
    tree = ast.parse(Path(package.__file__ or "").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and name in _imported(node):
            return node.module
    return package.__name__


def _data_doc(name: str) -> list[str]:
    """The ``#:`` comment (or string after the assignment) of ``name`` where it is assigned."""
    found = _split(name)
    if found is None or len(found[1]) != 1:
        return []
    module, (top,) = found
    origin = _origin(module, top)
    return list(ModuleAnalyzer.for_module(origin).find_attr_docs().get(("", top), []))


class ExportedData(SphinxDirective):
    """``.. exported-data:: package``: an ``autodata`` entry for every name of the package's
    ``__all__`` that is neither a class nor a function (constants, type aliases), except
    :data:`NOT_YET`. autodoc itself renders only data assigned in the documented module."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        package = importlib.import_module(self.arguments[0])
        lines = StringList()
        for name in getattr(package, "__all__", ()):
            value = getattr(package, name)
            if inspect.isclass(value) or inspect.isroutine(value):
                continue
            if name in NOT_YET.get(package.__name__, set()):
                continue
            lines.append(f".. autodata:: {package.__name__}.{name}", "<exported-data>")
            if len(repr(value)) > 80:
                lines.append("   :no-value:", "<exported-data>")
            lines.append("", "<exported-data>")
        return self._parse(lines)

    def _parse(self, lines: StringList) -> list[nodes.Node]:
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(lines, 0, container)
        return list(container.children)


def _skip_not_yet(
    app: Any, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Leave :data:`NOT_YET` out of their package's page (``services/air`` for ``services.air``)."""
    for package, names in NOT_YET.items():
        page = package.removeprefix("envplan.").replace(".", "/")
        if name in names and app.env.docname == page:
            return True
    return None


def setup(app: Any) -> None:
    app.connect("autodoc-skip-member", _skip_not_yet)
    app.add_directive("exported-data", ExportedData)
    # before numpydoc rewrites the lines into reST (its handler runs at the default priority 500)
    app.connect("autodoc-process-docstring", _validate, priority=400)
