"""Import-linter contract types of envplan (loaded by ``lint-imports`` through
``contract_types`` in pyproject.toml; ``lint-imports`` puts the working directory on
``sys.path``, so this module is imported as ``scripts.importlinter_contracts``).

``domain_internals``: the sub-packages of a container (``envplan.services``) are domains. A
module outside domain ``D`` may import ``D`` itself (its ``__init__``, where the domain exposes
its use cases) but not ``D.<submodule>``; modules inside ``D`` import each other freely. Flat
modules of the container (``services/access.py`` …) are not domains and stay public. Exceptions
go in ``ignore_imports``, each with a comment saying why.
"""

from __future__ import annotations

from typing import Any

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class DomainInternalsContract(Contract):
    """Only a domain's own modules may import the domain's submodules.

    Options:
        - containers: the packages whose sub-packages are domains (e.g. ``envplan.services``).
        - ignore_imports: import expressions allowed anyway (the commented allow-list).
        - unmatched_ignore_imports_alerting: "none" | "warn" | "error" (default "error").
    """

    type_name = "domain_internals"

    containers = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        illegal: list[dict[str, Any]] = []
        for container in self.containers:  # type: ignore[attr-defined]
            domains = sorted(c for c in graph.find_children(container) if graph.find_children(c))
            for domain in domains:
                inside = {domain} | graph.find_descendants(domain)
                for internal in sorted(inside - {domain}):
                    importers = graph.find_modules_that_directly_import(internal) - inside
                    for importer in sorted(importers):
                        details = graph.get_import_details(importer=importer, imported=internal)
                        lines = tuple(d["line_number"] for d in details)
                        illegal.append(
                            {
                                "domain": domain,
                                "importer": importer,
                                "imported": internal,
                                "lines": lines,
                            }
                        )
                output.verbose_print(verbose, f"Checked the internals of {domain}.")
        return ContractCheck(
            kept=not illegal,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"illegal": illegal},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["illegal"]:
            lines = ", ".join(str(n) for n in item["lines"])
            output.print_error(
                f"{item['importer']} -> {item['imported']} (l.{lines}): import it from "
                f"{item['domain']} (its __init__) instead",
                bold=False,
            )
        output.new_line()
