"""IR-to-IR rewrites that make quantifiers cheaper without changing what they compute.

Properties like "no participant committed while another aborted",
`not exists p, q: p.state == Committed and q.state == Aborted`, are quadratic as written;
moving the parts of a body that do not mention the bound variable out of the quantifier
(miniscoping) makes them linear: `(exists p: ...) and (exists q: ...)`.
"""

from __future__ import annotations

from dataclasses import replace

from verikit.compile.analysis import (
    Facts,
    constant_nonempty,
    constant_values,
    may_fault,
)
from verikit.core import ir
from verikit.core.walk import free_locals


def miniscope(q: ir.Quant, facts: Facts) -> ir.Expr:
    """`q` with the operands of its body's connective that ignore its variable moved out.

    Only over a constant non-empty domain (else the moved part would run where the original
    never evaluated it), and when some operand may fault only a leading run of independent
    operands moves, so the operands are still evaluated in their original order.
    """
    inner = facts.bind(q.var, constant_values(q.domain))
    body = simplify(q.body, inner)
    if not constant_nonempty(q.domain):
        return replace(q, body=body)
    if (
        q.kind == "forall"
        and isinstance(body, ir.Binary)
        and body.op == "implies"
        and q.var not in free_locals(body.left)
    ):
        return replace(body, right=miniscope(replace(q, body=body.right), facts))
    conn = "and" if q.kind == "exists" else "or"
    parts = _operands(body, conn)
    independent = [q.var not in free_locals(p) for p in parts]
    if any(may_fault(p, inner) for p in parts):
        lead = next((i for i, ind in enumerate(independent) if not ind), len(parts))
        independent = [i < lead for i in range(len(parts))]
    moved = [p for p, ind in zip(parts, independent, strict=True) if ind]
    kept = [p for p, ind in zip(parts, independent, strict=True) if not ind]
    if not moved:
        return replace(q, body=body)
    if kept:
        moved.append(replace(q, body=_join(kept, conn)))
    return _join(moved, conn)


def simplify(e: ir.Expr, facts: Facts) -> ir.Expr:
    """Miniscope every quantifier reachable through the logical connectives of `e`."""
    match e:
        case ir.Quant():
            return miniscope(e, facts)
        case ir.Binary(op="and" | "or" | "implies"):
            return replace(e, left=simplify(e.left, facts), right=simplify(e.right, facts))
        case ir.Unary(op="not"):
            return replace(e, operand=simplify(e.operand, facts))
    return e


def _operands(e: ir.Expr, conn: str) -> list[ir.Expr]:
    if isinstance(e, ir.Binary) and e.op == conn:
        return _operands(e.left, conn) + _operands(e.right, conn)
    return [e]


def _join(parts: list[ir.Expr], conn: str) -> ir.Expr:
    out = parts[0]
    for p in parts[1:]:
        out = ir.Binary(conn, out, p, out.type, out.span)
    return out
