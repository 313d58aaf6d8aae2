"""The polluter → outfall → reach → section graph as a networkx DiGraph built from the records.

Nodes are ``("section", name)``, ``("outfall", code)``, ``("enterprise", credit code or owner
name)`` and per reach a start and an end node ``("reach-start"|"reach-end", code)``. Along a
reach the sections and outfalls are chained in order of ``position_km`` (ties: outfalls before
sections, so an outfall at a section's position counts as upstream of it); the reach's end flows
into the start of its downstream reach; an enterprise points at each outfall it owns. Every edge
points downstream, so "upstream of X" is ``nx.ancestors(X)`` and never contains a downstream node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from envplan.store.enterprises import Enterprise
from envplan.store.water_graph import WaterGraphSection, WaterOutfall, WaterReach

Node = tuple[str, str]


@dataclass
class WaterGraph:
    """The graph plus the records it was built from (by key)."""

    graph: Any  # nx.DiGraph
    reaches: dict[str, WaterReach] = field(default_factory=dict)
    sections: dict[str, WaterGraphSection] = field(default_factory=dict)
    outfalls: dict[str, WaterOutfall] = field(default_factory=dict)
    enterprises: dict[str, str] = field(default_factory=dict)  # node key → display name
    registered: set[str] = field(default_factory=set)  # keys found in the enterprise registry
    demo: bool = False

    def upstream(self, section: str) -> list[Node]:
        """Every node upstream of ``section``, nearest first (by hops, then name)."""
        import networkx as nx

        node = ("section", section)
        if node not in self.graph:
            return []
        lengths = nx.single_source_shortest_path_length(self.graph.reverse(copy=False), node)
        found = [(hops, other) for other, hops in lengths.items() if other != node]
        found.sort(key=lambda item: (item[0], item[1]))
        return [other for _, other in found if other[0] in ("section", "outfall", "enterprise")]

    def downstream_order(self) -> list[str]:
        """Section names in flow order (a topological order, upstream first, ties by name)."""
        import networkx as nx

        order = nx.lexicographical_topological_sort(self.graph, key=lambda n: f"{n[0]}:{n[1]}")
        return [name for kind, name in order if kind == "section"]


def enterprise_key(outfall: WaterOutfall) -> str | None:
    """The enterprise node key of an outfall's owner: its 统一社会信用代码, else its name."""
    if outfall.owner_credit_code:
        return outfall.owner_credit_code
    return outfall.owner_name or None


def build_graph(
    reaches: list[WaterReach],
    sections: list[WaterGraphSection],
    outfalls: list[WaterOutfall],
) -> WaterGraph:
    """Assemble the DiGraph from records (see the module docstring for its shape)."""
    import networkx as nx

    graph = nx.DiGraph()
    result = WaterGraph(graph=graph)
    result.reaches = {r.code: r for r in reaches}
    result.sections = {s.name: s for s in sections}
    result.outfalls = {o.code: o for o in outfalls}
    points: dict[str, list[tuple[float, int, Node]]] = {r.code: [] for r in reaches}
    for section in sections:
        points.setdefault(section.reach_code, []).append(
            (section.position_km, 1, ("section", section.name))
        )
    for outfall in outfalls:
        points.setdefault(outfall.reach_code, []).append(
            (outfall.position_km, 0, ("outfall", outfall.code))
        )
        owner = enterprise_key(outfall)
        if owner is not None:
            result.enterprises[owner] = outfall.owner_name or owner
            graph.add_edge(("enterprise", owner), ("outfall", outfall.code))
    for code, placed in points.items():
        chain: list[Node] = [("reach-start", code)]
        chain += [node for _, _, node in sorted(placed, key=lambda p: (p[0], p[1], p[2][1]))]
        chain.append(("reach-end", code))
        nx.add_path(graph, chain)
    for reach in reaches:
        if reach.downstream_code:
            graph.add_edge(("reach-end", reach.code), ("reach-start", reach.downstream_code))
    result.demo = any(r.is_demo for r in reaches)
    return result


def registry_names(session: Session, codes: list[str]) -> dict[str, str]:
    """Names in the enterprise registry (排污单位名录, ``store.enterprises``) by credit code."""
    if not codes:
        return {}
    rows = session.execute(
        select(Enterprise.credit_code, Enterprise.name).where(Enterprise.credit_code.in_(codes))
    ).all()
    return {code: name for code, name in rows}


def load_graph(session: Session) -> WaterGraph:
    """The graph as recorded now; owners are linked to the enterprise registry by their
    统一社会信用代码 (the registry's name is shown when the code is registered)."""
    graph = build_graph(
        list(session.scalars(select(WaterReach))),
        list(session.scalars(select(WaterGraphSection))),
        list(session.scalars(select(WaterOutfall))),
    )
    names = registry_names(session, list(graph.enterprises))
    graph.enterprises.update(names)
    graph.registered = set(names)
    return graph


def reach_cycle(edges: list[tuple[str, str]]) -> list[str] | None:
    """A cycle among reach → downstream-reach edges (codes in order), or None."""
    import networkx as nx

    graph = nx.DiGraph(edges)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [str(a) for a, _ in cycle]
