"""`format_spec`: the canonical text of an AST, such that `parse(format_spec(s)) == s`.

Expressions get exactly the parentheses precedence needs. One subtlety: a quantifier or an
`if … then … else …` (a "low" form, whose body extends as far right as possible) may stand
bare only where nothing of the enclosing expression follows it; the `tail` flag tracks that.
Another: an empty block right after an expression ending in a name would read as a record
literal (`if c {}`), so that expression is parenthesised.
"""

from __future__ import annotations

from fractions import Fraction

from verikit.syntax import ast as a

_INDENT = "  "

# Binding strength: 0 = quantifier / if-expression, 11 = atoms.
_LOW, _IMPLIES, _OR, _AND, _NOT, _CMP, _RANGE, _SUM, _PRODUCT, _NEG, _POSTFIX, _ATOM = range(12)

_BIN_LEVEL = {
    "implies": _IMPLIES, "or": _OR, "and": _AND,
    "==": _CMP, "!=": _CMP, "<": _CMP, "<=": _CMP, ">": _CMP, ">=": _CMP, "in": _CMP,
    "not in": _CMP, "subset": _CMP,
    "+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT, "%": _PRODUCT, "&": _PRODUCT,
}  # fmt: skip


def format_spec(spec: a.Spec) -> str:
    """The whole spec: `spec Name`, then each declaration separated by a blank line."""
    extends = "" if spec.extends is None else f' extends "{spec.extends.path}"'
    parts = [f"spec {spec.name}{extends}"]
    parts += ["\n".join(_decl(d, 0)) for d in spec.decls]
    return "\n\n".join(parts) + "\n"


def format_expr(expr: a.Expr) -> str:
    """An expression as it would appear in a full-expression position."""
    return _expr(expr, _LOW, tail=True)


def format_type(type_: a.TypeExpr) -> str:
    return _type(type_)


# ---------------------------------------------------------------- expressions


def _level(e: a.Expr) -> int:
    match e:
        case a.Quantifier() | a.IfExpr() | a.LetExpr() | a.LetTupleExpr() | a.PickExpr():
            return _LOW
        case a.BinOp(op=op):
            return _BIN_LEVEL[op]
        case a.UnaryOp(op=op):
            return _NOT if op == "not" else _NEG
        case a.RangeExpr():
            return _RANGE
        case a.FieldAccess() | a.IndexExpr() | a.Primed():
            return _POSTFIX
    return _ATOM


def _expr(e: a.Expr, min_level: int, tail: bool) -> str:
    """`e` in a slot that binds at least `min_level`; `tail`: nothing of the enclosing
    expression follows, so a bare low form is allowed."""
    level = _level(e)
    if level < min_level and not (level == _LOW and tail):
        return f"({_bare(e, tail=True)})"
    return _bare(e, tail)


def _full(e: a.Expr) -> str:
    return _expr(e, _LOW, tail=True)


def _setting_value(v: a.Expr | a.GroupBounds) -> str:
    if isinstance(v, a.GroupBounds):
        return "[" + ", ".join(f"{b.name}: {_full(b.value)}" for b in v.items) + "]"
    return _full(v)


def _domain(e: a.Expr) -> str:
    return _expr(e, _RANGE, tail=False)


def _list(es: tuple[a.Expr, ...]) -> str:
    return ", ".join(_full(e) for e in es)


def _bare(e: a.Expr, tail: bool) -> str:
    match e:
        case a.Name(id=id_):
            return id_
        case a.IntLit(value=value):
            return str(value)
        case a.DecimalLit(value=value):
            return _decimal(value)
        case a.BoolLit(value=value):
            return "true" if value else "false"
        case a.NoneLit():
            return "none"
        case a.BinOp(op=op, left=left, right=right):
            return _binop(op, left, right, tail)
        case a.UnaryOp(op="not", operand=operand):
            return "not " + _expr(operand, _NOT, tail)
        case a.UnaryOp(operand=operand):
            return "-" + _expr(operand, _NEG, tail)
        case a.IfExpr(cond=cond, then=then, else_=else_):
            return f"if {_full(cond)} then {_full(then)} else {_expr(else_, _LOW, tail)}"
        case a.Quantifier(kind=kind, vars=vars_, domain=domain, body=body):
            head = f"{kind} {', '.join(vars_)} in {_domain(domain)}"
            return f"{head}: {_expr(body, _LOW, tail)}"
        case a.LetExpr(name=name, value=value, body=body):
            return f"let {name} = {_domain(value)} in {_expr(body, _LOW, tail)}"
        case a.LetTupleExpr(names=names, value=value, body=body):
            head = f"let ({', '.join(names)}) = {_domain(value)}"
            return f"{head} in {_expr(body, _LOW, tail)}"
        case a.PickExpr(var=var, domain=domain, filter=None):
            return f"pick {var} in {_domain(domain)}"
        case a.PickExpr(var=var, domain=domain, filter=cond):
            assert cond is not None
            return f"pick {var} in {_domain(domain)} where {_expr(cond, _LOW, tail)}"
        case a.TupleExpr(elems=elems):
            return "(" + _list(elems) + ")"
        case a.RangeExpr(lo=lo, hi=hi):
            return f"{_expr(lo, _SUM, False)}..{_expr(hi, _SUM, tail)}"
        case a.FieldAccess(base=base, name=name):
            return f"{_expr(base, _POSTFIX, False)}.{name}"
        case a.IndexExpr(base=base, index=index):
            return f"{_expr(base, _POSTFIX, False)}[{_full(index)}]"
        case a.Primed(expr=inner):
            return f"{_expr(inner, _POSTFIX, False)}'"
        case a.CallExpr(name=name, args=args):
            return f"{name}({_list(args)})"
        case a.SetExpr(elems=elems):
            return "{" + _list(elems) + "}"
        case a.SeqExpr(elems=elems):
            return "[" + _list(elems) + "]"
        case a.SetComprehension(elem=elem, var=var, domain=domain, filter=cond):
            where = "" if cond is None else f" if {_full(cond)}"
            return f"{{ {_full(elem)} for {var} in {_domain(domain)}{where} }}"
        case a.MapComprehension(var=var, value=value, domain=domain):
            return f"{{ {var}: {_full(value)} for {var} in {_domain(domain)} }}"
        case a.RecordExpr():
            return _record(e)
        case a.AllExpr(type=type_):
            return "all " + _all_type(type_)
    raise TypeError(f"not an expression: {e!r}")


def _decimal(value: Fraction) -> str:
    """`0.01`, `2.0`: always with a point, so it reads back as a decimal, not an int."""
    places = 1
    while (value * 10**places).denominator != 1:
        places += 1
        if places > 100:
            raise ValueError(f"{value} has no finite decimal form")
    digits = str(int(value * 10**places)).rjust(places + 1, "0")
    text = (digits[:-places] + "." + digits[-places:]).rstrip("0")
    return text + "0" if text.endswith(".") else text


def _binop(op: str, left: a.Expr, right: a.Expr, tail: bool) -> str:
    level = _BIN_LEVEL[op]
    if level == _IMPLIES:  # right-associative
        left_min, right_min = level + 1, level
    elif level == _CMP:  # non-associative
        left_min, right_min = level + 1, level + 1
    else:  # left-associative
        left_min, right_min = level, level + 1
    return f"{_expr(left, left_min, False)} {op} {_expr(right, right_min, tail)}"


def _record(e: a.RecordExpr) -> str:
    if not e.fields:
        return f"{e.type_name} {{}}"
    fields = ", ".join(f"{f.name}: {_full(f.value)}" for f in e.fields)
    return f"{e.type_name} {{ {fields} }}"


# ---------------------------------------------------------------- types


def _type(t: a.TypeExpr) -> str:
    match t:
        case a.NamedType(name=name):
            return name
        case a.RangeType(lo=lo, hi=hi):
            return f"{_expr(lo, _SUM, False)}..{_expr(hi, _SUM, False)}"
        case a.EnumTypeExpr(members=members):
            return "enum { " + ", ".join(members) + " }"
        case a.RecordTypeExpr(fields=fields):
            return "record " + _fields(fields)
        case a.OptionTypeExpr(inner=inner):
            return _type(inner) + "?"
        case a.SetTypeExpr(elem=elem):
            return f"set<{_type(elem)}>"
        case a.MapTypeExpr(key=key, value=value):
            return f"map<{_type(key)}, {_type(value)}>"
        case a.TupleTypeExpr(elems=elems):
            return "tuple<" + ", ".join(_type(x) for x in elems) + ">"
        case a.SeqTypeExpr(elem=elem, max_len=None):
            return f"seq<{_type(elem)}>"
        case a.SeqTypeExpr(elem=elem, max_len=max_len):
            assert max_len is not None
            return f"seq<{_type(elem)}, {_expr(max_len, _SUM, False)}>"
    raise TypeError(f"not a type: {t!r}")


def _all_type(t: a.TypeExpr) -> str:
    """After `all`, a range type needs parentheses (`all (1..N)`)."""
    match t:
        case a.RangeType():
            return f"({_type(t)})"
        case a.OptionTypeExpr(inner=inner):
            return _all_type(inner) + "?"
    return _type(t)


def _fields(fields: tuple[a.FieldDecl, ...]) -> str:
    if not fields:
        return "{}"
    return "{ " + ", ".join(f"{f.name}: {_type(f.type)}" for f in fields) + " }"


# ---------------------------------------------------------------- statements


def _block(head: str, body: tuple[a.Stmt, ...], depth: int) -> list[str]:
    """`head {` … `}`; `head` already carries the indentation."""
    if not body:
        return [head + " {}"]
    lines = [head + " {"]
    for stmt in body:
        lines += _stmt(stmt, depth + 1)
    lines.append(_INDENT * depth + "}")
    return lines


def _before_block(e: a.Expr, body: tuple[a.Stmt, ...], text: str) -> str:
    """Parenthesise an expression ending in a name when an empty block follows it."""
    if not body and (text[-1].isalnum() or text[-1] == "_"):
        return f"({text})"
    return text


def _stmt(s: a.Stmt, depth: int) -> list[str]:
    pad = _INDENT * depth
    match s:
        case a.AssignStmt(target=target, value=value):
            return [f"{pad}{_full(target)} = {_full(value)}"]
        case a.IfStmt():
            return _if_stmt(s, depth, pad + "if ")
        case a.ChooseStmt(var=var, domain=domain, body=body):
            dom = _before_block(domain, body, _domain(domain))
            return _block(f"{pad}choose {var} in {dom}", body, depth)
        case a.ForStmt(var=var, domain=domain, body=body):
            dom = _before_block(domain, body, _domain(domain))
            return _block(f"{pad}for {var} in {dom}", body, depth)
        case a.LetStmt(name=name, value=value):
            return [f"{pad}let {name} = {_full(value)}"]
        case a.LetTupleStmt(names=names, value=value):
            return [f"{pad}let ({', '.join(names)}) = {_full(value)}"]
        case a.SendStmt(message=message, to=to):
            return [f"{pad}send {_record(message)} to {_full(to)}"]
        case a.BroadcastStmt(message=message, to=to):
            return [f"{pad}broadcast {_record(message)} to {_full(to)}"]
        case a.RequireStmt(cond=cond):
            return [f"{pad}require {_full(cond)}"]
        case a.AssertStmt(cond=cond, label=label):
            return [f"{pad}assert {'' if label is None else label + ': '}{_full(cond)}"]
        case a.CallStmt(name=name, args=args):
            return [f"{pad}{name}({_list(args)})"]
        case a.SkipStmt():
            return [f"{pad}skip"]
    raise TypeError(f"not a statement: {s!r}")


def _if_stmt(s: a.IfStmt, depth: int, head: str) -> list[str]:
    cond = _before_block(s.cond, s.then, _full(s.cond))
    lines = _block(head + cond, s.then, depth)
    match s.else_:
        case ():
            return lines
        case (a.IfStmt() as nested,):
            return lines[:-1] + _if_stmt(nested, depth, lines[-1] + " else if ")
    return lines[:-1] + _block(lines[-1] + " else", s.else_, depth)


# ---------------------------------------------------------------- declarations


def _params(params: tuple[a.ParamDecl, ...]) -> str:
    def one(p: a.ParamDecl) -> str:
        if p.type is not None:
            return f"{p.name}: {_type(p.type)}"
        assert p.domain is not None
        return f"{p.name} in {_domain(p.domain)}"

    return "(" + ", ".join(one(p) for p in params) + ")"


def _guarded(head: str, guard: a.Expr | None, body: tuple[a.Stmt, ...]) -> str:
    if guard is None:
        return head
    return f"{head} when {_before_block(guard, body, _full(guard))}"


def _decl(d: a.Decl, depth: int) -> list[str]:
    pad = _INDENT * depth
    match d:
        case a.ConstDecl(name=name, value=value):
            return [f"{pad}const {name} = {_full(value)}"]
        case a.TypeDecl(name=name, type=type_):
            return [f"{pad}type {name} = {_type(type_)}"]
        case a.MessageDecl(name=name, fields=fields):
            return [f"{pad}message {name} {_fields(fields)}"]
        case a.NetworkDecl(settings=settings):
            inner = [f"{pad}{_INDENT}{s.name}: {_setting_value(s.value)}" for s in settings]
            return [f"{pad}network {{", *inner, f"{pad}}}"]
        case a.VarDecl(name=name, type=type_, init=init, durable=durable):
            initial = "any" if init is None else _full(init)
            keyword = "durable var" if durable else "var"
            return [f"{pad}{keyword} {name}: {_type(type_)} = {initial}"]
        case a.InitDecl(body=body):
            return _block(f"{pad}init", body, depth)
        case a.ActionDecl(name=name, params=params, guard=guard, body=body):
            head = f"{pad}action {name}" + (_params(params) if params else "")
            return _block(_guarded(head, guard, body), body, depth)
        case a.HandlerDecl():
            return _handler(d, depth)
        case a.FnDecl():
            return _fn(d, depth)
        case a.NodeDecl():
            return _node(d, depth)
        case a.PropertyDecl(kind="leads_to", name=name, expr=expr, trigger=trigger):
            assert trigger is not None
            head = f"{pad}property {name}: {_binders(d.binders)}"
            cause = _full(trigger)  # `forall x in S: e leads_to q` quantifies the whole property
            cause = f"({cause})" if isinstance(trigger, a.Quantifier) else cause
            return [f"{head}{cause} leads_to {_full(expr)}"]
        case a.PropertyDecl(kind="always_step", name=name, expr=expr):
            return [f"{pad}property {name}: {_binders(d.binders)}always step: {_full(expr)}"]
        case a.PropertyDecl(kind=kind, name=name, expr=expr) if kind in a.TEMPORAL_KINDS:
            head = f"{pad}property {name}: {_binders(d.binders)}"
            return [f"{head}{kind.replace('_', ' ')} {_full(expr)}"]
        case a.PropertyDecl(kind=kind, name=name, expr=expr):
            label = "" if name is None else f" {name}:"
            return [f"{pad}{kind}{label} {_full(expr)}"]
        case a.FairnessDecl(kind="delivery"):
            return [f"{pad}fair delivery"]
        case a.FairnessDecl(kind=kind, target=target, strong=strong, params=params):
            keyed = f"({', '.join(params)})" if params else ""
            return [f"{pad}{'strong ' if strong else ''}fair {kind} {target}{keyed}"]
        case a.DeadlockDecl(mode=mode):
            return [f"{pad}deadlock: {mode}"]
        case a.TerminalDecl(expr=expr):
            return [f"{pad}terminal when {_full(expr)}"]
        case a.ExpectDecl(property=property_):
            return [f"{pad}expect violation {property_}"]
        case a.DropDecl(fairness=a.FairnessDecl() as fairness):
            return [f"{pad}drop {_decl(fairness, 0)[0]}"]
        case a.DropDecl(kind=kind, name=name):
            return [f"{pad}drop {kind} {name}"]
        case a.QueryDecl():
            return _query(d, depth)
    raise TypeError(f"not a declaration: {d!r}")


def _binders(binders: tuple[a.Binder, ...]) -> str:
    return "".join(f"forall {', '.join(b.vars)} in {_domain(b.domain)}: " for b in binders)


def _query(d: a.QueryDecl, depth: int) -> list[str]:
    pad, inner = _INDENT * depth, _INDENT * (depth + 1)
    if not d.members:
        return [f"{pad}query {d.name} {{}}"]
    lines = [f"{pad}query {d.name} {{"]
    for member in d.members:
        match member:
            case a.RealDecl(names=names):
                lines.append(f"{inner}real {', '.join(names)}")
            case a.LetStmt():
                lines += _stmt(member, depth + 1)
            case a.AssumeClause(cond=cond):
                lines.append(f"{inner}assume {_full(cond)}")
            case a.NeverClause(cond=cond):
                lines.append(f"{inner}never {_full(cond)}")
    return [*lines, pad + "}"]


def _handler(d: a.HandlerDecl, depth: int) -> list[str]:
    head = f"{_INDENT * depth}on {d.message}"
    if d.binding is not None:
        head += f"({d.binding})"
    if d.sender is not None:
        head += f" from {d.sender}"
    return _block(_guarded(head, d.guard, d.body), d.body, depth)


def _fn(d: a.FnDecl, depth: int) -> list[str]:
    head = f"{_INDENT * depth}fn {d.name}{_params(d.params)}"
    if d.result is not None:
        head += f" -> {_type(d.result)}"
    if d.expr is not None:
        return [f"{head} = {_full(d.expr)}"]
    return _block(head, d.body or (), depth)


def _node(d: a.NodeDecl, depth: int) -> list[str]:
    pad = _INDENT * depth
    head = f"{pad}{'symmetric ' if d.symmetric else ''}node {d.name}"
    if d.count is not None:
        head += f"[{_full(d.count)}]"
    if not d.members:
        return [head + " {}"]
    lines = [head + " {"]
    for member in d.members:
        lines += _decl(member, depth + 1)
    return [*lines, pad + "}"]
