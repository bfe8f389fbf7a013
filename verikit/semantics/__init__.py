"""Semantics: a parsed spec → a checked, lowered core Model (or one SpecError with every
diagnostic found).

Pass 1 (scope.py) declares every name; constants (consts.py), node ids and types (types.py)
are resolved next; pass 2 checks and lowers every expression and statement (exprs.py,
stmts.py, fns.py), the nodes and handlers (lower.py), the network (network.py) and the
timing queries (queries.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from verikit.core.model import Model
from verikit.semantics.consts import Consts
from verikit.semantics.consts import Value as ConstValue
from verikit.semantics.context import Env, NodeCtx
from verikit.semantics.diagnostics import Diagnostics
from verikit.semantics.fairness import lower_fairness
from verikit.semantics.fns import FnLibrary
from verikit.semantics.lower import (
    Lowering,
    build_slots,
    expected_violations,
    infer_senders,
    number_groups,
)
from verikit.semantics.network import Network, read_settings
from verikit.semantics.queries import lower_queries
from verikit.semantics.scope import Declarations, declare
from verikit.semantics.sizes import check_domains, check_layout
from verikit.semantics.types import Types
from verikit.syntax import ast

__all__ = ["ConstValue", "analyze"]


def analyze(
    spec: ast.Spec,
    consts: Mapping[str, ConstValue] | None = None,
    sources: Mapping[str, str] | None = None,
) -> Model:
    """Check `spec` and lower it to a core Model; `consts` overrides declared constants
    (`--const`, unless `sources` says where one came from, e.g. "trace.json's #meta").
    Raises SpecError carrying every diagnostic when the spec is wrong."""
    diags = Diagnostics()
    decls = declare(spec, diags)
    values = Consts(decls, consts or {}, diags, sources)
    groups = number_groups(decls, values, diags)
    types = Types(decls, values, groups, diags)
    types.resolve_all()
    settings = read_settings(decls.network, values, diags, list(groups))
    if decls.network is not None and not groups:
        diags.error(decls.network.span, "a `network` needs at least one `node` to carry messages")
    slots, refs = build_slots(decls, types, groups)
    nodes = {name: NodeCtx(decls.nodes[name], group) for name, group in groups.items()}
    env = Env(decls, diags, values, types, groups, nodes, refs, infer_senders(decls, groups))
    if groups:
        span = decls.network.span if decls.network is not None else spec.span
        network = Network(settings, tuple(groups.values()), types.all_messages(), len(slots), span)
        env.network = network
        slots += network.vars
    check_layout(slots, values, diags, decls.network.span if decls.network else spec.span)
    env.fns = FnLibrary(env)
    lowering = Lowering(env)
    init = lowering.init()
    actions = lowering.actions()
    properties = lowering.properties()
    env.fns.lower_all()
    check_domains(init, actions, properties, values, diags)
    queries = lower_queries(decls, values, diags)
    final_consts = values.final()  # evaluates (and checks) unused constants too
    expected = expected_violations(decls, diags)
    fairness = lower_fairness(decls.fairness, actions, list(groups), bool(groups), diags)
    diags.raise_if_any()
    return Model(
        name=spec.name,
        bases=spec.bases,
        consts=final_consts,
        vars=tuple(slots),
        init=init,
        actions=actions,
        properties=properties,
        nodes=tuple(groups.values()),
        network=env.network.info() if env.network is not None else None,
        # with no action at all (only queries, say) nothing can stall
        deadlock=bool(actions) and not _deadlock_allowed(decls),
        expected=expected,
        symmetric=tuple(n.name for n in decls.nodes.values() if n.decl.symmetric),
        fairness=fairness,
        span=spec.span,
        queries=queries,
    )


def _deadlock_allowed(decls: Declarations) -> bool:
    """`deadlock: allowed`: no state without successors is a deadlock (`terminal when true`)."""
    return decls.deadlock is not None and decls.deadlock.mode == "allowed"
