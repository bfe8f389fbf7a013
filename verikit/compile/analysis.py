"""Static facts about core IR that let the code generator emit less code.

All of them are conservative: when in doubt they answer the way that keeps a check or keeps
an order, never the way that would drop one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from verikit.core import ir
from verikit.core.model import Model
from verikit.core.types import (
    MISSING,
    BagType,
    BoolType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    domain,
    domain_size,
    is_finite,
    ordinal,
)
from verikit.core.walk import children

# Builtins that cannot fault whatever their arguments (the rest can, see core.ir.BUILTINS).
_TOTAL_BUILTINS = frozenset(
    {"len", "range", "tail", "slice", "take", "keys", "has", "delete", "to_set", "bag_add",
     "bag_items", "bag_count", "msg_name", "total_len"}
)  # fmt: skip


@dataclass(frozen=True)
class Facts:
    """What is known at a point of the code: the map slots that are always total, and the
    locals whose possible values are known (bound by iterating a constant set). A value's
    type alone proves nothing about its range: `Participant[i + 1]` has a node type whatever
    `i` is, and only int stores are range-checked."""

    total: frozenset[int] = frozenset()
    known: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    def bind(self, var: str, values: tuple[Any, ...] | None) -> Facts:
        known = {k: v for k, v in self.known.items() if k != var}
        if values is not None:
            known[var] = values
        return replace(self, known=known)


KNOWN_LIMIT = 4096  # a local bound to more values than this is not tracked in Facts


def constant_values(dom: ir.Expr) -> tuple[Any, ...] | None:
    """The elements of a constant set expression (in no particular order), else None. None
    also for a domain of more than KNOWN_LIMIT values: proving every key of it in range at
    every map read would make compiling quadratic in the domain's size, and an unproven key
    only keeps its (cheap) runtime check."""
    match dom:
        case ir.Domain(of=of) if is_finite(of):
            size = domain_size(of)
            return domain(of) if size is not None and size <= KNOWN_LIMIT else None
        case ir.Lit(value=frozenset() as value):
            return tuple(value)
        case ir.SetLit(elems=elems) if all(isinstance(x, ir.Lit) for x in elems):
            return tuple(x.value for x in elems if isinstance(x, ir.Lit))
    return None


def slot_of(kt: Type, value: Any) -> int:
    """The slot of a constant key in a map with key type `kt`, -1 when it has none."""
    try:
        at = ordinal(kt, value)
    except (KeyError, TypeError):
        return -1
    return at if 0 <= at < (domain_size(kt) or 0) else -1


def key_in_range(key: ir.Expr, kt: Type, facts: Facts) -> bool:
    """Whether `key` surely has a slot in a map with key type `kt`: a constant, a local bound
    to known values, or an enum or bool of exactly that type (no arithmetic makes those)."""
    match key:
        case ir.Lit(value=value):
            return slot_of(kt, value) >= 0
        case ir.Local(name=name) if name in facts.known:
            return all(slot_of(kt, v) >= 0 for v in facts.known[name])
        case ir.RecordLit(fields=fields) if isinstance(kt, RecordType):
            return len(fields) == len(kt.fields) and all(
                key_in_range(f, ft, facts) for f, (_, ft) in zip(fields, kt.fields, strict=True)
            )
    return isinstance(kt, EnumType | BoolType) and key.type == kt


def may_fault(e: ir.Expr, facts: Facts | None = None) -> bool:
    """Whether evaluating `e` can raise a SpecFault; then the order in which a quantifier or a
    comprehension visits its domain is observable (which element faults first). A read of an
    always-total map slot with a key in range cannot fault."""
    facts = facts or Facts()
    match e:
        case ir.Index(base=ir.StateVar(index=i, type=MapType(key=kt)), key=key) if (
            i in facts.total and key_in_range(key, kt, facts)
        ):
            return may_fault(key, facts)
        case ir.Index() | ir.Unwrap() | ir.MapLit():
            return True
        case ir.Binary(op="div" | "mod"):
            return True
        case ir.Call(name=name) if name not in _TOTAL_BUILTINS:
            return True
        case ir.Quant(var=var, domain=d, body=body) | ir.SetComp(var=var, domain=d, elem=body):
            inner = facts.bind(var, constant_values(d))
            parts = [body, e.filter] if isinstance(e, ir.SetComp) else [body]
            return may_fault(d, facts) or any(may_fault(p, inner) for p in parts)
        case ir.Let(var=var, value=value, body=body):
            return may_fault(value, facts) or may_fault(body, facts.bind(var, known(value, facts)))
    return any(may_fault(c, facts) for c in children(e))


def known(value: ir.Expr, facts: Facts) -> tuple[Any, ...] | None:
    """The possible values of an expression bound to a name, when they are known."""
    match value:
        case ir.Lit(value=v):
            return (v,)
        case ir.Local(name=name):
            return facts.known.get(name)
    return None


def constant_nonempty(dom: ir.Expr) -> bool:
    """Whether a set expression is a constant with at least one element."""
    match dom:
        case ir.Domain(of=of):
            return bool(domain_size(of))
        case ir.Lit(value=frozenset() as value):
            return bool(value)
        case ir.SetLit(elems=elems):
            return bool(elems) and all(isinstance(x, ir.Lit) for x in elems)
    return False


def forks(stmts: tuple[ir.Stmt, ...]) -> bool:
    """Whether a block can end a fork early or split it (Choose or Require, at any depth)."""
    for s in stmts:
        match s:
            case ir.Choose() | ir.Require():
                return True
            case ir.If(then=then, else_=else_) if forks(then) or forks(else_):
                return True
    return False


def assigned(stmts: tuple[ir.Stmt, ...]) -> tuple[list[int], list[str]]:
    """The state slots and the enclosing block's locals a (fork-free) block assigns, in first
    assignment order; locals the block binds itself are left out."""
    slots: list[int] = []
    names: list[str] = []
    _assigned(stmts, frozenset(), slots, names)
    return slots, names


def _assigned(stmts: tuple[ir.Stmt, ...], own: frozenset[str], slots: list[int],
              names: list[str]) -> None:  # fmt: skip
    for s in stmts:
        match s:
            case ir.Assign(root=ir.StateVar(index=i)) if i not in slots:
                slots.append(i)
            case ir.Assign(root=ir.Local(name=n)) if n not in own and n not in names:
                names.append(n)
            case ir.LetStmt(var=var):
                own = own | {var}
            case ir.If(then=then, else_=else_):
                _assigned(then, own, slots, names)
                _assigned(else_, own, slots, names)
            case ir.ForEach(var=var, body=body) | ir.Choose(var=var, body=body):
                _assigned(body, own | {var}, slots, names)


def can_be_negative(t: Type) -> bool:
    """Whether a value of `t` may contain a negative int anywhere inside it."""
    match t:
        case IntType(lo=lo):
            return lo is None or lo < 0
        case OptionType(inner=inner) | SetType(elem=inner) | SeqType(elem=inner):
            return can_be_negative(inner)
        case BagType(elem=inner):
            return can_be_negative(inner)
        case MapType(key=key, value=value):
            return can_be_negative(key) or can_be_negative(value)
        case RecordType(fields=fields):
            return any(can_be_negative(ft) for _, ft in fields)
        case MessageType(variants=variants):
            return any(can_be_negative(v) for v in variants)
    return False


# ---------------------------------------------------------------- maps that are always total


def total_map_slots(model: Model) -> frozenset[int]:
    """Map slots that hold an entry for every key in every reachable state: the init block
    fills them on every fork and no action ever empties a slot. Reads of them need no MISSING
    check outside init."""
    candidates = {i for i, v in enumerate(model.vars) if isinstance(v.type, MapType)}
    candidates &= _filled_by(model.init, tuple(v.type for v in model.vars))
    changed = True
    while changed:
        changed = False
        for stmt in _all_assigns(model):
            i = stmt.root.index if isinstance(stmt.root, ir.StateVar) else None
            if i in candidates and not stmt.path and not _total_value(stmt.value, candidates):
                candidates.discard(i)
                changed = True
    return frozenset(candidates)


def _all_assigns(model: Model) -> Iterator[ir.Assign]:
    blocks = [model.init, *(a.body for a in model.actions)]
    while blocks:
        for s in blocks.pop():
            match s:
                case ir.Assign():
                    yield s
                case ir.If(then=then, else_=else_):
                    blocks += [then, else_]
                case ir.Choose(body=body) | ir.ForEach(body=body):
                    blocks.append(body)


def _total_value(e: ir.Expr, total: set[int]) -> bool:
    match e:
        case ir.MapLit(domain=ir.Domain(of=of), type=MapType(key=key)):
            return of == key
        case ir.Lit(value=value):
            return isinstance(value, tuple) and not any(v is MISSING for v in value)
        case ir.StateVar(index=i):
            return i in total
        case ir.Cond(then=a, else_=b):
            return _total_value(a, total) and _total_value(b, total)
        case ir.Let(body=b):
            return _total_value(b, total)
    return False


def _filled_by(stmts: tuple[ir.Stmt, ...], types: tuple[Type, ...]) -> set[int]:
    """Slots every fork of a block assigns a total map to, at the top level of the block (or
    of a Choose body, which is a continuation of it): `m = {k: v for k in K}`, or a loop over
    every key assigning each entry, `for k in K { m[k] = v }` (how node variables start)."""
    out: set[int] = set()
    for s in stmts:
        match s:
            case ir.Assign(root=ir.StateVar(index=i), path=(), value=v) if _total_value(v, set()):
                out.add(i)
            case ir.Choose(body=body):
                out |= _filled_by(body, types)
            case ir.If(then=then, else_=else_):
                out |= _filled_by(then, types) & _filled_by(else_, types)
            case ir.ForEach(var=var, domain=ir.Domain(of=of), body=body):
                out |= {i for i in _entries_assigned(body, var) if _keys(types[i]) == of}
    return out


def _entries_assigned(body: tuple[ir.Stmt, ...], var: str) -> set[int]:
    """Slots whose entry at key `var` the top level of `body` assigns (before `var` could be
    shadowed)."""
    out: set[int] = set()
    for s in body:
        match s:
            case ir.Assign(root=ir.StateVar(index=i), path=(ir.IndexStep(key=ir.Local(name=k)),)):
                if k == var:
                    out.add(i)
            case ir.LetStmt(var=v) if v == var:
                break
    return out


def _keys(t: Type) -> Type | None:
    return t.key if isinstance(t, MapType) else None
