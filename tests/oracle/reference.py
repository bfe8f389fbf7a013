"""A slow, obviously-correct interpreter of the core IR: the oracle the compiler is tested against.

Every rule here is read straight off the docstrings of core/ir.py, core/types.py and
core/model.py, one IR node per `case`, with no caching and no cleverness, so that when the
compiled model and this module disagree the reader can tell which one left the contract.
It deliberately imports nothing from verikit.compile.

Orders that the contract fixes and this module follows:

* a set is iterated in domain order: by ordinal when its element type is finite, else by value;
* an action's parameter tuples come in the order of their domains (the first parameter
  varies slowest), then each tuple's forks depth first (`Choose` values in domain order);
* initial states are the init block's forks, first occurrence kept.

Choices the contract leaves open (all met by well-typed specs only at the edges): quantifiers
short-circuit like `and`/`or` in domain order; `SetComp` evaluates `elem` only where `filter`
holds; a map key outside the key type has no entry (`has` is false, `delete` keeps the map,
reading or assigning it is a "missing map key" fault, building a `MapLit` with it a fault).
Nothing else is a fault: in particular a value may lie outside its static type until it is
stored (`append` may grow a sequence past its type's max_len, `R { a: 5 }` may be compared);
storing it faults (core/ir.py, core/stored.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from verikit.core import ir
from verikit.core.model import Model, Param, Property
from verikit.core.stored import outside_type
from verikit.core.types import (
    MISSING,
    BagType,
    BoolType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    NodeType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    default_value,
    domain,
    is_finite,
    ordinal,
)
from verikit.errors import Span, SpecFault

State = tuple[Any, ...]
Env = dict[str, Any]
Fork = tuple[State, Env]


# ---------------------------------------------------------------- helpers


def members(set_type: Type, value: frozenset[Any]) -> list[Any]:
    """The elements of a set value in iteration order: domain order for a finite element type
    (ints by value, which is the same thing), plain value order otherwise."""
    assert isinstance(set_type, SetType), set_type
    elem = set_type.elem
    if isinstance(elem, IntType) or not is_finite(elem):
        return sorted(value)
    return sorted(value, key=lambda v: _order_key(elem, v))


def _order_key(t: Type, value: Any) -> Any:
    """A key sorting values of a finite type in domain order, without listing the domain
    (an envelope type has millions of values): records and messages in product order (core/
    types.py enumerates them so), an option's none first."""
    match t:
        case OptionType(inner=inner):
            return (0,) if value is None else (1, _order_key(inner, value))
        case RecordType(fields=fields):
            return tuple(_order_key(ft, v) for (_, ft), v in zip(fields, value, strict=True))
        case MessageType(variants=variants):
            at = [v.name for v in variants].index(value[0])
            return (at, _order_key(variants[at], value[1:]))
        case BoolType() | IntType() | EnumType() | NodeType():
            return ordinal(t, value)
    return domain(t).index(value)


def _slot(map_type: Type, key: Any) -> int | None:
    """The tuple position holding `key`'s entry, or None for a key outside the key type."""
    assert isinstance(map_type, MapType), map_type
    keys = domain(map_type.key)
    return keys.index(key) if key in keys else None


def _seq_position(seq: tuple[Any, ...], i: int, span: Span) -> int:
    """The 0-based tuple index of 1-based position `i`, or a fault when it is out of range."""
    if not 1 <= i <= len(seq):
        raise SpecFault(f"sequence index {i} out of range 1..{len(seq)}", span)
    return i - 1


def _check_type(t: Type, value: Any, span: Span) -> None:
    """Storing a value outside the target's type is a fault, at any depth: an int out of its
    range, a sequence longer than its max_len, and the same in a field, element, position,
    entry or option (core/stored.py words it)."""
    problem = outside_type(t, value)
    if problem is not None:
        raise SpecFault(problem, span)


def _field_position(base_type: Type, index: int) -> int:
    """A message tuple starts with the message's name, so its fields sit one further right."""
    return index + 1 if isinstance(base_type, MessageType) else index


# ---------------------------------------------------------------- expressions


def eval_expr(expr: ir.Expr, state: State, env: Env) -> Any:
    """The value of `expr` in `state` with locals `env` (runtime representation of core.types)."""
    match expr:
        case ir.Lit(value=value):
            return value
        case ir.StateVar(index=index):
            return state[index]
        case ir.Local(name=name):
            return env[name]
        case ir.Field(base=base, index=index):
            return eval_expr(base, state, env)[_field_position(base.type, index)]
        case ir.Index(base=base, key=key, span=span):
            return _index(base.type, eval_expr(base, state, env), eval_expr(key, state, env), span)
        case ir.Unary(op="not", operand=operand):
            return not eval_expr(operand, state, env)
        case ir.Unary(op="neg", operand=operand):
            return -eval_expr(operand, state, env)
        case ir.Binary():
            return _binary(expr, state, env)
        case ir.Cond(cond=cond, then=then, else_=else_):
            return eval_expr(then if eval_expr(cond, state, env) else else_, state, env)
        case ir.SetLit(elems=elems):
            return frozenset(eval_expr(e, state, env) for e in elems)
        case ir.SeqLit(elems=elems) | ir.RecordLit(fields=elems):
            return tuple(eval_expr(e, state, env) for e in elems)
        case ir.MessageLit(name=name, fields=fields):
            return (name, *(eval_expr(e, state, env) for e in fields))
        case ir.MapLit():
            return _map_lit(expr, state, env)
        case ir.SetComp(var=var, domain=dom, elem=elem, filter=filt):
            return frozenset(
                eval_expr(elem, state, env | {var: v})
                for v in _iterate(dom, state, env)
                if eval_expr(filt, state, env | {var: v})
            )
        case ir.Quant(kind="forall", var=var, domain=dom, body=body):
            return all(eval_expr(body, state, env | {var: v}) for v in _iterate(dom, state, env))
        case ir.Quant(kind="exists", var=var, domain=dom, body=body):
            return any(eval_expr(body, state, env | {var: v}) for v in _iterate(dom, state, env))
        case ir.Domain(of=of):
            return frozenset(domain(of))
        case ir.Unwrap(operand=operand, span=span):
            value = eval_expr(operand, state, env)
            if value is None:
                raise SpecFault("value is none", span)
            return value
        case ir.Let(var=var, value=value, body=body):
            return eval_expr(body, state, env | {var: eval_expr(value, state, env)})
        case ir.Call(name=name, args=args, span=span):
            values = [eval_expr(a, state, env) for a in args]
            return _call(name, [a.type for a in args], values, span)
    raise TypeError(f"not a core expression: {expr!r}")


def _iterate(dom: ir.Expr, state: State, env: Env) -> list[Any]:
    """The values a binder (quantifier, comprehension, choose, loop, parameter) ranges over."""
    return members(dom.type, eval_expr(dom, state, env))


def _index(base_type: Type, base: Any, key: Any, span: Span) -> Any:
    match base_type:
        case MapType():
            slot = _slot(base_type, key)
            if slot is None or base[slot] is MISSING:
                raise SpecFault(f"missing map key {key!r}", span)
            return base[slot]
        case SeqType():
            return base[_seq_position(base, key, span)]
    raise TypeError(f"cannot index a {base_type}")


def _map_lit(expr: ir.MapLit, state: State, env: Env) -> tuple[Any, ...]:
    slots = [MISSING] * len(domain(expr.type.key))
    for key in _iterate(expr.domain, state, env):
        slot = _slot(expr.type, key)
        if slot is None:
            raise SpecFault(f"map key {key!r} outside {expr.type.key}", expr.span)
        slots[slot] = eval_expr(expr.value, state, env | {expr.var: key})
    return tuple(slots)


def _binary(expr: ir.Binary, state: State, env: Env) -> Any:
    op = expr.op
    left = eval_expr(expr.left, state, env)
    # The logical operators short-circuit: the right operand is evaluated only when needed.
    if op == "and":
        return bool(left) and bool(eval_expr(expr.right, state, env))
    if op == "or":
        return bool(left) or bool(eval_expr(expr.right, state, env))
    if op == "implies":
        return (not left) or bool(eval_expr(expr.right, state, env))
    right = eval_expr(expr.right, state, env)
    match op:
        case "eq":
            return left == right
        case "ne":
            return left != right
        case "lt":
            return left < right
        case "le":
            return left <= right
        case "gt":
            return left > right
        case "ge":
            return left >= right
        case "add":
            return left + right
        case "sub":
            return left - right
        case "mul":
            return left * right
        case "div" | "mod":
            if right == 0:
                raise SpecFault("division by zero", expr.span)
            return left // right if op == "div" else left % right
        case "union":
            return left | right
        case "diff":
            return left - right
        case "inter":
            return left & right
        case "subseteq":
            return left <= right
        case "in":
            assert isinstance(expr.right.type, SetType), "`in` tests membership in a set"
            return left in right
        case "concat":
            return left + right
    raise TypeError(f"unknown binary operator {op!r}")


def _call(name: str, types: list[Type], args: list[Any], span: Span) -> Any:
    """The builtins of core.ir.BUILTINS, each as its table entry states."""
    match name, args:
        case "len", [x]:
            if isinstance(types[0], MapType):
                return sum(1 for v in x if v is not MISSING)
            if isinstance(types[0], BagType):
                return sum(count for _, count in x)
            return len(x)
        case "range", [lo, hi]:
            return frozenset(range(lo, hi + 1))
        case (("min" | "max"), [s]):
            if not s:
                raise SpecFault(f"{name} of an empty set", span)
            return min(s) if name == "min" else max(s)
        case "pick", [s]:
            if not s:
                raise SpecFault("pick: no element qualifies", span)
            return members(types[0], s)[0]
        case "append", [seq, x]:
            return (*seq, x)
        case "head", [seq]:
            return seq[_seq_position(seq, 1, span)]
        case "last", [seq]:
            return seq[_seq_position(seq, len(seq), span)]
        case "tail", [seq]:
            return seq[1:]
        case "slice", [seq, lo, hi]:
            lo, hi = max(lo, 1), min(hi, len(seq))
            return seq[lo - 1 : hi] if lo <= hi else ()
        case "take", [seq, n]:
            return seq[: max(n, 0)]
        case "keys", [m]:
            return frozenset(
                k for k, v in zip(domain(types[0].key), m, strict=True) if v is not MISSING
            )
        case "has", [m, key]:
            slot = _slot(types[0], key)
            return slot is not None and m[slot] is not MISSING
        case "delete", [m, key]:
            slot = _slot(types[0], key)
            return m if slot is None else (*m[:slot], MISSING, *m[slot + 1 :])
        case "to_set", [seq]:
            return frozenset(seq)
        case "closure", [pairs]:
            reached = set(pairs)
            while True:  # join pairs until nothing new: the least transitive superset
                more = {(a, d) for a, b in reached for c, d in reached if b == c} - reached
                if not more:
                    return frozenset(reached)
                reached |= more
        case "msg_name", [message]:
            return message[0]
        case "total_len", [m]:
            return sum(len(queue) for queue in m if queue is not MISSING)
        case "remove_at", [seq, i]:
            at = _seq_position(seq, i, span)
            return seq[:at] + seq[at + 1 :]
        case "insert_at", [seq, i, x]:
            if not 1 <= i <= len(seq) + 1:
                raise SpecFault(f"insert position {i} out of range 1..{len(seq) + 1}", span)
            return (*seq[: i - 1], x, *seq[i - 1 :])
        case (("bag_add" | "bag_remove" | "bag_items" | "bag_count"), _):
            return _bag_call(name, args, span)
    raise TypeError(f"unknown builtin {name}/{len(args)}")


def _bag_call(name: str, args: list[Any], span: Span) -> Any:
    counts = dict(args[0])
    match name, args:
        case "bag_add", [_, x]:
            counts[x] = counts.get(x, 0) + 1
        case "bag_remove", [_, x]:
            if x not in counts:
                raise SpecFault(f"bag_remove: {x!r} is not in the bag", span)
            counts[x] -= 1
        case "bag_items", [_]:
            return frozenset(counts)
        case "bag_count", [_, x]:
            return counts.get(x, 0)
    return frozenset((x, n) for x, n in counts.items() if n > 0)


# ---------------------------------------------------------------- statements


def exec_block(stmts: Iterable[ir.Stmt], state: State, env: Env) -> list[Fork]:
    """Run `stmts` in order; every (state, env) a fork ends with, depth first."""
    stmts = tuple(stmts)
    if not stmts:
        return [(state, env)]
    forks: list[Fork] = []
    for after_first in exec_stmt(stmts[0], state, env):
        forks.extend(exec_block(stmts[1:], *after_first))
    return forks


def exec_stmt(stmt: ir.Stmt, state: State, env: Env) -> list[Fork]:
    match stmt:
        case ir.Assign():
            return [_assign(stmt, state, env)]
        case ir.If(cond=cond, then=then, else_=else_):
            return _nested(then if eval_expr(cond, state, env) else else_, state, env, {})
        case ir.Choose(var=var, domain=dom, body=body):
            return [
                fork
                for value in _iterate(dom, state, env)
                for fork in _nested(body, state, env, {var: value})
            ]
        case ir.ForEach(var=var, domain=dom, body=body):
            forks = [(state, env)]
            for value in _iterate(dom, state, env):
                forks = [fork for s, e in forks for fork in _nested(body, s, e, {var: value})]
            return forks
        case ir.LetStmt(var=var, value=value):
            return [(state, env | {var: eval_expr(value, state, env)})]
        case ir.Require(cond=cond):
            return [(state, env)] if eval_expr(cond, state, env) else []
        case ir.Assert(cond=cond, message=message, span=span):
            if not eval_expr(cond, state, env):
                raise SpecFault(message, span)
            return [(state, env)]
    raise TypeError(f"not a core statement: {stmt!r}")


def _nested(stmts: tuple[ir.Stmt, ...], state: State, env: Env, bound: Env) -> list[Fork]:
    """Run a nested block, lexically scoped: the names it binds (`bound`, then each LetStmt
    from where it stands) hide the enclosing block's locals, which come back after it with
    the value they had when hidden; its other assignments to them persist."""
    hidden = {name: env[name] for name in bound if name in env}
    return [
        (s, {name: h.get(name, e[name]) for name in env})
        for s, e, h in _hiding(stmts, state, env | bound, set(env), hidden)
    ]


def _hiding(
    stmts: tuple[ir.Stmt, ...], state: State, env: Env, outer: set[str], hidden: Env
) -> list[tuple[State, Env, Env]]:
    """exec_block, also returning per fork the value each enclosing local (`outer`) had
    when a LetStmt of this block hid it."""
    if not stmts:
        return [(state, env, hidden)]
    first = stmts[0]
    if isinstance(first, ir.LetStmt) and first.var in outer and first.var not in hidden:
        hidden = hidden | {first.var: env[first.var]}
    return [
        run
        for after in exec_stmt(first, state, env)
        for run in _hiding(stmts[1:], *after, outer, hidden)
    ]


def _assign(stmt: ir.Assign, state: State, env: Env) -> Fork:
    value = eval_expr(stmt.value, state, env)
    _check_type(stmt.target_type, value, stmt.span)
    root = stmt.root
    old = state[root.index] if isinstance(root, ir.StateVar) else env[root.name]
    new = _update(root.type, old, stmt.path, value, state, env, stmt.span)
    if isinstance(root, ir.StateVar):
        return (*state[: root.index], new, *state[root.index + 1 :]), env
    return state, env | {root.name: new}


def _update(
    t: Type,
    old: Any,
    path: tuple[ir.FieldStep | ir.IndexStep, ...],
    value: Any,
    state: State,
    env: Env,
    span: Span,
) -> Any:
    """`old` with the location `path` replaced by `value` (keys read in the pre-step state)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    match step, t:
        case ir.FieldStep(index=index), RecordType() | MessageType():
            record = t.variant(old[0]) if isinstance(t, MessageType) else t
            at = _field_position(t, index)
            inner = _update(record.fields[index][1], old[at], rest, value, state, env, span)
        case ir.IndexStep(key=key), MapType(value=value_type):
            k = eval_expr(key, state, env)
            at = _slot(t, k)
            if at is None or (rest and old[at] is MISSING):
                raise SpecFault(f"missing map key {k!r}", span)
            inner = _update(value_type, old[at], rest, value, state, env, span)
        case ir.IndexStep(key=key), SeqType(elem=elem):
            at = _seq_position(old, eval_expr(key, state, env), span)
            inner = _update(elem, old[at], rest, value, state, env, span)
        case _:
            raise TypeError(f"cannot assign through {step} in a {t}")
    return (*old[:at], inner, *old[at + 1 :])


# ---------------------------------------------------------------- models


def initial_state_before_init(model: Model) -> State:
    """Every slot at its type's default value: what the init block starts from."""
    return tuple(default_value(v.type) for v in model.vars)


def init_states(model: Model) -> list[State]:
    """The distinct states the init block's forks end in, first occurrence first."""
    forks = exec_block(model.init, initial_state_before_init(model), {})
    return list(dict.fromkeys(state for state, _ in forks))


def param_tuples(
    params: tuple[Param, ...], state: State, env: Env | None = None
) -> list[tuple[Any, ...]]:
    """Every parameter tuple in order: the first parameter varies slowest; a later domain may
    mention an earlier parameter."""
    env = env or {}
    if not params:
        return [()]
    first, rest = params[0], params[1:]
    return [
        (value, *tail)
        for value in _iterate(first.domain, state, env)
        for tail in param_tuples(rest, state, env | {first.name: value})
    ]


def successors(model: Model, state: State) -> list[tuple[int, tuple[Any, ...], State]]:
    """(action index, parameter values, successor) for every enabled fork, in contract order;
    repeated successors are kept (the compiled model's labelled_successors lists them too)."""
    out = []
    for index, action in enumerate(model.actions):
        for params in param_tuples(action.params, state):
            env = {p.name: v for p, v in zip(action.params, params, strict=True)}
            if eval_expr(action.guard, state, env):
                out.extend((index, params, s) for s, _ in exec_block(action.body, state, env))
    return out


def holds(prop: Property, state: State) -> bool:
    return bool(eval_expr(prop.expr, state, {}))


class Exploration(NamedTuple):
    """The outcome of a TLC-style breadth-first search.

    `distinct` counts states inside every constraint (each once); `depth` is the number of
    BFS levels holding such states (1 when only initial states exist); `violations` lists,
    in discovery order, (invariant name, state) for every checked state that breaks it, and
    ("deadlock", state) for a counted state without successors when the model reports
    deadlocks and no `terminal` property holds there.
    """

    distinct: int
    violations: tuple[tuple[str, State], ...]
    depth: int


def explore(model: Model, max_states: int = 1_000_000) -> Exploration:
    """Breadth-first search counting states as TLC does: every reached state is checked once
    against the invariants; one outside a `constraint` is neither counted nor explored."""
    checked: set[State] = set()
    violations: list[tuple[str, State]] = []

    def admit(state: State) -> bool:
        """Check a newly reached state; True when it is counted and explored."""
        if state in checked:
            return False
        checked.add(state)
        if len(checked) > max_states:
            raise RuntimeError(f"more than {max_states} states")
        violations.extend((p.name, state) for p in model.props("invariant") if not holds(p, state))
        return all(holds(p, state) for p in model.props("constraint"))

    level = [s for s in init_states(model) if admit(s)]
    distinct, depth = 0, 0
    while level:
        distinct, depth = distinct + len(level), depth + 1
        next_level = []
        for state in level:
            succ = successors(model, state)
            if not succ and model.deadlock and not _terminal(model, state):
                violations.append(("deadlock", state))
            next_level.extend(t for _, _, t in succ if admit(t))
        level = next_level
    return Exploration(distinct, tuple(violations), depth)


def _terminal(model: Model, state: State) -> bool:
    return any(holds(p, state) for p in model.props("terminal"))
