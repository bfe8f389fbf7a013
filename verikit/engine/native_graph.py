"""The liveness pass's state graph, built by the native search instead of engine/graph.py's BFS.

With `SearchConfig.graph` the C search keeps what engine/graph.py would record: per state its
BFS parent and ordinal and its liveness predicates (holds, and a leads_to's trigger), per
successor its target (or outside the constraints) and its binding: the action, plus the
packed values of the parameters that key its fairness (native/ckeys.py). Here the bindings
get their fairness labels from graph.py's own labeller, the search turns them into edge labels
and per-state enabled sets, and the result is the same `StateGraph` the Python pass builds:
the same states in the same order, the same edges, so the fair-SCC pass (fair.py) and the
lassos (liveness.py) come out identical.
"""

from __future__ import annotations

from array import array

from verikit.compile.compiled import CompiledModel, Successor
from verikit.core.model import LIVENESS_KINDS
from verikit.engine.graph import StateGraph, _Labeller
from verikit.native import ckeys
from verikit.native.library import GraphSizes, NativeLibrary


def state_graph(compiled: CompiledModel, library: NativeLibrary, sizes: GraphSizes) -> StateGraph:
    """The graph the last search of `library` built (sizes.failure must be None)."""
    model = compiled.model
    labeller = _Labeller(model)
    bindings = library.graph_bindings(sizes)
    lut = array("i", bytes(4 * (max([len(model.actions), *(b.id + 1 for b in bindings)]))))
    keyed = ckeys.keyed_params(model)
    taken = library.action_hits()
    for a, action in enumerate(model.actions):  # an action without keys: its binding is `a`
        if a not in keyed and taken[a]:  # (labelling interns obligations: only those met)
            lut[a] = labeller.label(Successor(a, (None,) * len(action.params), ()))
    for b in bindings:
        n_params = len(model.actions[b.action].params)
        params = ckeys.decode(keyed[b.action], n_params, b.words)
        lut[b.id] = labeller.label(Successor(b.action, params, ()))
    native = library.graph(sizes, lut)
    ids = [labeller.enabled(set(labels)) if labels else 0 for labels in native.sets]
    holds: dict[str, bytearray] = {}
    triggers: dict[str, bytearray] = {}
    live = [p for p in model.properties if p.kind in LIVENESS_KINDS]
    for j, prop in enumerate(live):
        holds[prop.name] = library.graph_column(sizes, j, False)
        if prop.kind == "leads_to":
            triggers[prop.name] = library.graph_column(sizes, j, True)
    constraints = [p.name for p in model.properties if p.kind == "constraint"]
    cut_by = {name for c, name in enumerate(constraints) if sizes.cut_by >> min(c, 63) & 1}
    return StateGraph(
        native.parents, native.ordinals, native.edge_start, native.targets,
        native.edge_ordinals, native.edge_labels, array("i", map(ids.__getitem__, native.enabled)),
        native.ends, native.leaves, cut_by, holds, triggers, labeller.obligations,
    )  # fmt: skip
