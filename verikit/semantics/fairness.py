"""`fair …` declarations → core Fairness obligations over the lowered actions.

Fairness is resolved after lowering because it names actions as the model knows them: a
global action by its name, a node's action as `Node.action`, a node group's every action and
message handler, or every receive action of the network.
"""

from __future__ import annotations

from verikit.core.model import Action, Fairness
from verikit.semantics.diagnostics import Diagnostics, did_you_mean
from verikit.syntax import ast

OWN_STEPS = ("action", "receive")  # what a node does itself (faults are never fair)


def lower_fairness(
    decls: list[ast.FairnessDecl],
    actions: tuple[Action, ...],
    groups: list[str],
    has_network: bool,
    diags: Diagnostics,
) -> tuple[Fairness, ...]:
    first: dict[str, int] = {}  # a declaration's text -> the line it first appears on
    for d in decls:
        text = _text(d)
        if text in first:
            diags.error(d.span, f"`{text}` is declared twice (first at line {first[text]})")
        first.setdefault(text, d.span.line)
    out = [_one(d, actions, groups, has_network, diags) for d in decls]
    return tuple(f for f in out if f is not None)


def _one(
    decl: ast.FairnessDecl,
    actions: tuple[Action, ...],
    groups: list[str],
    has_network: bool,
    diags: Diagnostics,
) -> Fairness | None:
    text = _text(decl)
    match decl.kind:
        case "action":
            return _fair_action(decl, text, actions, diags)
        case "node":
            return _fair_node(decl, text, actions, groups, diags)
    if not has_network:
        diags.error(decl.span, "`fair delivery` needs a `network` (there are no messages)")
        return None
    receives = tuple(k for k, a in enumerate(actions) if a.kind == "receive")
    if not receives:
        diags.error(decl.span, "`fair delivery`: no node handles a message (no `on` handler)")
        return None
    return Fairness(True, receives, "message", text, decl.span)


def _fair_action(
    decl: ast.FairnessDecl, text: str, actions: tuple[Action, ...], diags: Diagnostics
) -> Fairness | None:
    own = {a.name: k for k, a in enumerate(actions) if a.kind == "action"}
    target = decl.target or ""
    if target not in own:
        hint = did_you_mean(target, list(own))
        diags.error(
            decl.span,
            f"`{text}`: no action named `{target}`{hint} (a node's action is `Node.action`)",
        )
        return None
    k = own[target]
    action = actions[k]
    if decl.params:
        return _fair_per_params(decl, text, k, action, diags)
    per = "node" if action.node_param is not None else "action"
    return Fairness(decl.strong, (k,), per, text, decl.span)


def _fair_per_params(
    decl: ast.FairnessDecl, text: str, k: int, action: Action, diags: Diagnostics
) -> Fairness | None:
    """`fair action X(p, q)`: one obligation per value of (p, q), and per node for a node's
    action (`self` keys it first)."""
    own = [p.name for p in action.params if p.name != action.node_param]
    bad = [name for name in decl.params if name not in own]
    for name in bad:
        hint = did_you_mean(name, own)
        has = f"its parameters are {', '.join(own)}" if own else "it has no parameters"
        diags.error(decl.span, f"`{text}`: `{decl.target}` has no parameter `{name}`{hint} "
                    f"({has})")  # fmt: skip
    repeated = sorted({n for n in decl.params if decl.params.count(n) > 1})
    if repeated:
        diags.error(decl.span, f"`{text}`: parameter `{repeated[0]}` is named twice")
    if bad or repeated:
        return None
    node = (action.node_param,) if action.node_param is not None else ()
    return Fairness(decl.strong, (k,), "params", text, decl.span, (*node, *decl.params))


def _fair_node(
    decl: ast.FairnessDecl,
    text: str,
    actions: tuple[Action, ...],
    groups: list[str],
    diags: Diagnostics,
) -> Fairness | None:
    group = decl.target or ""
    if group not in groups:
        diags.error(decl.span, f"`{text}`: no node named `{group}`{did_you_mean(group, groups)}")
        return None
    prefix = group + "."
    own = tuple(
        k for k, a in enumerate(actions) if a.kind in OWN_STEPS and a.name.startswith(prefix)
    )
    if not own:
        diags.error(decl.span, f"`{text}`: node `{group}` has no action or message handler")
        return None
    return Fairness(decl.strong, own, "node", text, decl.span)


def _text(decl: ast.FairnessDecl) -> str:
    if decl.kind == "delivery":
        return "fair delivery"
    keyed = f"({', '.join(decl.params)})" if decl.params else ""
    return f"{'strong ' if decl.strong else ''}fair {decl.kind} {decl.target}{keyed}"
