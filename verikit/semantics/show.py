"""Short renderings of surface expressions for diagnostics ("`m.yes` is bool, …")."""

from __future__ import annotations

from verikit.syntax import ast
from verikit.syntax.printer import format_expr

_MAX = 40


def show(e: ast.Expr) -> str:
    """The expression in backquotes, or "this expression" when it is too long to quote."""
    text = _text(e)
    return f"`{text}`" if len(text) <= _MAX else "this expression"


def _text(e: ast.Expr) -> str:
    match e:
        case ast.Name(id=name):
            return name
        case ast.IntLit(value=value):
            return str(value)
        case ast.DecimalLit():
            return format_expr(e)
        case ast.BoolLit(value=value):
            return "true" if value else "false"
        case ast.NoneLit():
            return "none"
        case ast.UnaryOp(op=op, operand=operand):
            return f"not {_sub(operand)}" if op == "not" else f"-{_sub(operand)}"
        case ast.BinOp(op=op, left=left, right=right):
            return f"{_sub(left)} {op} {_sub(right)}"
        case ast.IfExpr(cond=cond, then=then, else_=else_):
            return f"if {_text(cond)} then {_text(then)} else {_text(else_)}"
        case ast.Quantifier(kind=kind, vars=names, domain=domain, body=body):
            return f"{kind} {', '.join(names)} in {_text(domain)}: {_text(body)}"
        case ast.SetExpr(elems=elems):
            return "{" + ", ".join(_text(x) for x in elems) + "}"
        case ast.SeqExpr(elems=elems):
            return "[" + ", ".join(_text(x) for x in elems) + "]"
        case ast.RangeExpr(lo=lo, hi=hi):
            return f"{_sub(lo)}..{_sub(hi)}"
        case ast.SetComprehension(elem=elem, var=var, domain=domain):
            return f"{{ {_text(elem)} for {var} in {_text(domain)} … }}"
        case ast.MapComprehension(var=var, value=value, domain=domain):
            return f"{{ {var}: {_text(value)} for {var} in {_text(domain)} }}"
        case ast.RecordExpr(type_name=name, fields=fields):
            inner = ", ".join(f"{f.name}: {_text(f.value)}" for f in fields)
            return f"{name} {{ {inner} }}" if inner else f"{name} {{}}"
        case ast.FieldAccess(base=base, name=name):
            return f"{_sub(base)}.{name}"
        case ast.IndexExpr(base=base, index=index):
            return f"{_sub(base)}[{_text(index)}]"
        case ast.CallExpr(name=name, args=args):
            return f"{name}({', '.join(_text(a) for a in args)})"
        case ast.TupleExpr(elems=elems):
            return "(" + ", ".join(_text(x) for x in elems) + ")"
        case ast.LetExpr(name=name, value=value, body=body):
            return f"let {name} = {_text(value)} in {_text(body)}"
        case ast.LetTupleExpr(names=names, value=value, body=body):
            return f"let ({', '.join(names)}) = {_text(value)} in {_text(body)}"
        case ast.PickExpr(var=var, domain=domain, filter=cond):
            where = "" if cond is None else f" where {_text(cond)}"
            return f"pick {var} in {_text(domain)}{where}"
        case ast.AllExpr(type=texpr):
            return f"all {texpr.name}" if isinstance(texpr, ast.NamedType) else "all …"
    return "…"


def _sub(e: ast.Expr) -> str:
    """An operand, parenthesised when it is itself an operator application."""
    text = _text(e)
    low = ast.BinOp | ast.IfExpr | ast.Quantifier | ast.LetExpr | ast.LetTupleExpr | ast.PickExpr
    return f"({text})" if isinstance(e, low) else text
