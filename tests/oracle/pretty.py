"""Core IR back to DSL-like text, so that a failing random model can be read (and reported)."""

from __future__ import annotations

from typing import Any

from verikit.core import ir
from verikit.core.model import Model
from verikit.core.types import MISSING, MapType, SeqType, Type, domain

_SYMBOLS = {
    "and": "and", "or": "or", "implies": "implies", "eq": "==", "ne": "!=", "lt": "<",
    "le": "<=", "gt": ">", "ge": ">=", "add": "+", "sub": "-", "mul": "*", "div": "/",
    "mod": "%", "union": "+", "diff": "-", "inter": "&", "subseteq": "<=", "in": "in",
    "concat": "++",
}  # fmt: skip


def show_type(t: Type) -> str:
    """As core.types prints it, plus the bound of a bounded sequence."""
    if isinstance(t, SeqType) and t.max_len is not None:
        return f"seq<{t.elem}, {t.max_len}>"
    return str(t)


def show_value(t: Type, value: Any) -> str:
    if isinstance(t, MapType):
        pairs = (
            f"{k!r}: {v!r}" for k, v in zip(domain(t.key), value, strict=True) if v is not MISSING
        )
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(map(repr, value))) + "}"
    return repr(value)


def show(e: ir.Expr) -> str:
    match e:
        case ir.Lit(value=v, type=t):
            return show_value(t, v)
        case ir.StateVar(name=name) | ir.Local(name=name):
            return name
        case ir.Field(base=base, name=name):
            return f"{show(base)}.{name}"
        case ir.Index(base=base, key=key):
            return f"{show(base)}[{show(key)}]"
        case ir.Unary(op=op, operand=operand):
            return f"({'not ' if op == 'not' else '-'}{show(operand)})"
        case ir.Binary(op=op, left=left, right=right):
            return f"({show(left)} {_SYMBOLS[op]} {show(right)})"
        case ir.Cond(cond=c, then=a, else_=b):
            return f"(if {show(c)} then {show(a)} else {show(b)})"
        case ir.SetLit(elems=elems):
            return "{" + ", ".join(map(show, elems)) + "}"
        case ir.SeqLit(elems=elems):
            return "[" + ", ".join(map(show, elems)) + "]"
        case ir.RecordLit(fields=fields) | ir.MessageLit(fields=fields):
            return f"{getattr(e, 'name', '') or e.type}(" + ", ".join(map(show, fields)) + ")"
        case ir.MapLit(var=var, domain=dom, value=value):
            return f"{{{var}: {show(value)} for {var} in {show(dom)}}}"
        case ir.SetComp(var=var, domain=dom, elem=elem, filter=filt):
            return f"{{{show(elem)} for {var} in {show(dom)} if {show(filt)}}}"
        case ir.Quant(kind=kind, var=var, domain=dom, body=body):
            return f"({kind} {var} in {show(dom)}: {show(body)})"
        case ir.Domain(of=of):
            return f"all {of}"
        case ir.Unwrap(operand=operand):
            return f"{show(operand)}!"
        case ir.Let(var=var, value=value, body=body):
            return f"(let {var} = {show(value)} in {show(body)})"
        case ir.Call(name=name, args=args):
            return f"{name}(" + ", ".join(map(show, args)) + ")"
    return repr(e)


def show_block(stmts: tuple[ir.Stmt, ...], indent: str) -> list[str]:
    lines: list[str] = []
    for s in stmts:
        match s:
            case ir.Assign(root=root, path=path, value=value, target_type=t):
                steps = "".join(
                    f".{p.index}" if isinstance(p, ir.FieldStep) else f"[{show(p.key)}]"
                    for p in path
                )
                lines.append(f"{indent}{root.name}{steps} = {show(value)}   // {show_type(t)}")
            case ir.If(cond=cond, then=then, else_=else_):
                lines.append(f"{indent}if {show(cond)} {{")
                lines += show_block(then, indent + "  ")
                lines.append(f"{indent}}} else {{")
                lines += show_block(else_, indent + "  ")
                lines.append(f"{indent}}}")
            case (
                ir.Choose(var=var, domain=dom, body=body)
                | ir.ForEach(var=var, domain=dom, body=body)
            ):
                word = "choose" if isinstance(s, ir.Choose) else "for"
                lines.append(f"{indent}{word} {var} in {show(dom)} {{")
                lines += show_block(body, indent + "  ")
                lines.append(f"{indent}}}")
            case ir.LetStmt(var=var, value=value):
                lines.append(f"{indent}let {var} = {show(value)}")
            case ir.Require(cond=cond):
                lines.append(f"{indent}require {show(cond)}")
    return lines


def show_model(m: Model) -> str:
    lines = [f"spec {m.name}" + ("" if m.deadlock else "   // no deadlock check")]
    lines += [f"var {v.name}: {show_type(v.type)}" for v in m.vars]
    lines += ["init {", *show_block(m.init, "  "), "}"]
    for a in m.actions:
        params = ", ".join(f"{p.name} in {show(p.domain)}" for p in a.params)
        lines.append(f"action {a.name}({params}) when {show(a.guard)} {{")
        lines += [*show_block(a.body, "  "), "}"]
    lines += [f"{p.kind} {p.name}: {show(p.expr)}" for p in m.properties]
    return "\n".join(lines)
