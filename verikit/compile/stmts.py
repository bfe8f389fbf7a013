"""Core IR statement blocks as straight-line Python over immutable values.

A block runs "on a private copy of the state": the state slots are Python locals holding
immutable values, and an assignment binds a new local to the rebuilt value, leaving the
pre-state untouched for the next parameter tuple or fork.

Forks are compiled in continuation style: a `Choose` becomes a `for` loop whose body holds
everything that runs after it (the rest of its block and of every enclosing block, then the
successor), an `If` that contains a fork gets that continuation in both branches, and a
`Require` an `if` around it. So control never needs to jump (the same code can be inlined
into `next_states` or stand alone in an action's function). Because a loop iteration must not
see the previous iteration's assignments, fork-level assignments bind fresh names (single
assignment).

Fork-free `If`s and `ForEach` loops are "regions": their targets are copied into fresh names
on entry, which the region then reassigns in place (a loop accumulates across iterations).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from verikit.compile.analysis import assigned, constant_values, forks
from verikit.compile.exprs import ADD, SIMPLE, Exprs, Scope
from verikit.compile.source import Namer, Writer
from verikit.core import ir
from verikit.core.types import IntType, MapType, MessageType, RecordType, SeqType, Type
from verikit.errors import Span

Block = tuple[tuple[ir.Stmt, ...], dict[str, int]]  # statements, and the names they start with


@dataclass(frozen=True)
class Bindings:
    """The Python names holding the state slots and the locals at one point of a path.

    `env` maps a spec name to a binding (one per LetStmt, Choose, ForEach or parameter);
    `values` maps a binding to the Python name holding its current value. Leaving a block
    restores `env` (its own names vanish) but keeps `values` (its assignments persist).
    """

    slots: tuple[str, ...]
    env: dict[str, int]
    values: dict[int, str]
    known: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # a binding's values

    def scope(self) -> Scope:
        names = {n: self.values[b] for n, b in self.env.items()}
        known = {n: self.known[b] for n, b in self.env.items() if b in self.known}
        return Scope(self.slots, names, known=known)

    def bind(self, var: str, name: str, values: tuple[Any, ...] | None = None) -> Bindings:
        """A new binding of `var` to Python `name` (`values`: what it can hold, if known)."""
        binding = len(self.values)
        known = self.known if values is None else {**self.known, binding: values}
        return Bindings(self.slots, {**self.env, var: binding}, {**self.values, binding: name},
                        known)  # fmt: skip

    def with_slot(self, index: int, name: str) -> Bindings:
        return replace(self, slots=(*self.slots[:index], name, *self.slots[index + 1 :]))

    def with_local(self, var: str, name: str) -> Bindings:
        """`var` was reassigned: a new Python name, and nothing known about its value."""
        binding = self.env[var]
        known = {b: v for b, v in self.known.items() if b != binding}
        return replace(self, values={**self.values, binding: name}, known=known)

    def local(self, var: str) -> str:
        return self.values[self.env[var]]


class Body:
    """Writes the statements of one generated function."""

    def __init__(self, w: Writer, ex: Exprs, namer: Namer, var_names: tuple[str, ...],
                 finish: Callable[[Bindings], None]) -> None:  # fmt: skip
        self.w, self.ex, self.namer = w, ex, namer
        self.var_names = var_names  # readable stems for the slots' fresh names
        self.finish = finish  # writes what happens at the end of a fork (emit a successor)

    # ------------------------------------------------------------ fork level

    def run(self, work: list[Block], b: Bindings) -> None:
        """Blocks innermost first; each fork ends with `finish`."""
        w = self.w
        while work:
            (stmts, env), work = work[0], work[1:]
            b = replace(b, env=env)
            for i, st in enumerate(stmts):
                rest: list[Block] = [(stmts[i + 1 :], b.env), *work]
                match st:
                    case ir.Choose(var=var, domain=dom, body=body):
                        name = self.namer.fresh(var)
                        w.line(f"for {name} in {self.ex.iterate(dom, b.scope())}:")
                        inner = b.bind(var, name, constant_values(dom))
                        with w.indent():
                            self.run([(body, inner.env), *rest], inner)
                        return
                    case ir.If(cond=cond, then=then, else_=else_) if forks((st,)):
                        w.line(f"if {self.ex.expr(cond, b.scope())}:")
                        with w.indent():
                            self.run([(then, b.env), *rest], b)
                        w.line("else:")
                        with w.indent():
                            self.run([(else_, b.env), *rest], b)
                        return
                    case ir.Require(cond=cond):
                        w.line(f"if {self.ex.expr(cond, b.scope())}:")
                        with w.indent():
                            self.run(rest, b)
                        return
                    case ir.If() | ir.ForEach():
                        b, own = self.prepare((st,), b)
                        b = self.region((st,), b, own)
                    case _:
                        b = self.simple(st, b, None)
        self.finish(b)

    # ------------------------------------------------------------ regions

    def prepare(self, stmts: tuple[ir.Stmt, ...], b: Bindings) -> tuple[Bindings, frozenset[str]]:
        """Copy what a region assigns into fresh names it may reassign in place; returns the
        bindings and those names."""
        slots, names = assigned(stmts)
        own: set[str] = set()
        for i in slots:
            name = self.namer.fresh(self.var_names[i])
            self.w.line(f"{name} = {b.slots[i]}")
            b = b.with_slot(i, name)
            own.add(name)
        for var in names:
            if var in b.env:
                name = self.namer.fresh(var)
                self.w.line(f"{name} = {b.local(var)}")
                b = b.with_local(var, name)
                own.add(name)
        return b, frozenset(own)

    def region(self, stmts: tuple[ir.Stmt, ...], b: Bindings, own: frozenset[str]) -> Bindings:
        """A fork-free block whose outer targets were prepared; `own` are the names created
        inside the region (reassignable too). Returns the bindings after it."""
        w, outer_env = self.w, b.env
        for st in stmts:
            match st:
                case ir.If(cond=cond, then=then, else_=else_):
                    w.line(f"if {self.ex.expr(cond, b.scope())}:")
                    with w.indent():
                        self._branch(then, b, own)
                    if else_:
                        w.line("else:")
                        with w.indent():
                            self._branch(else_, b, own)
                case ir.ForEach(var=var, domain=dom, body=body):
                    name = self.namer.fresh(var)
                    w.line(f"for {name} in {self.ex.iterate(dom, b.scope())}:")
                    with w.indent():
                        inner = b.bind(var, name, constant_values(dom))
                        self._branch(body, inner, own | {name})
                case ir.LetStmt():
                    b = self.simple(st, b, own)
                    own = own | {b.local(st.var)}
                case _:
                    b = self.simple(st, b, own)
        return replace(b, env=outer_env)

    def _branch(self, stmts: tuple[ir.Stmt, ...], b: Bindings, own: frozenset[str]) -> None:
        if not stmts:
            self.w.line("pass")
        after = self.region(stmts, b, own)
        assert after.slots == b.slots, "a region reassigns its prepared names in place"

    # ------------------------------------------------------------ assignments

    def simple(self, st: ir.Stmt, b: Bindings, own: frozenset[str] | None) -> Bindings:
        """LetStmt or Assign; inside a region `own` holds the names it may reassign in place,
        at fork level (None) every assignment binds a fresh name."""
        match st:
            case ir.LetStmt(var=var, value=value):
                name = self.namer.fresh(var)
                self.w.line(f"{name} = {self.ex.expr(value, b.scope())}")
                return b.bind(var, name)
            case ir.Assign():
                return self.assign(st, b, own)
        raise TypeError(f"not a simple statement: {st!r}")

    def assign(self, st: ir.Assign, b: Bindings, own: frozenset[str] | None) -> Bindings:
        sc = b.scope()
        value = self.ex.expr(st.value, sc)
        location = st.target_type
        bounded = isinstance(location, IntType) and _needs_range_check(location, st.value)
        long = isinstance(location, SeqType) and _needs_length_check(location, st.value)
        if bounded or long or st.path:  # the value is evaluated (and checked) before the keys
            value = self._temp_for(value, "_v")
        if bounded and isinstance(location, IntType):
            self._range_check(value, location, st.span)
        if long and isinstance(location, SeqType):
            self.w.line(f"if len({value}) > {location.max_len}:")
            with self.w.indent():
                span = self.ex.consts.span(st.span)
                self.w.line(f"length_fault({value}, {location.max_len}, {span})")
        root = st.root
        if isinstance(root, ir.StateVar):
            current, stem = b.slots[root.index], self.var_names[root.index]
        else:
            current, stem = b.local(root.name), root.name
        total = self.ex.is_total(root)  # the map in a total slot has every entry
        new = self.update(current, root.type, st.path, value, sc, st.span, total)
        if own is not None:
            assert current in own, f"{current} was not prepared for the region"
        target = current if own is not None else self.namer.fresh(stem)
        self.w.line(f"{target} = {new}")
        if isinstance(root, ir.StateVar):
            return b.with_slot(root.index, target)
        return b.with_local(root.name, target)

    def _temp_for(self, text: str, hint: str) -> str:
        """A name for a value to evaluate now, or to use more than once (the text itself when
        it is a name or a literal)."""
        if SIMPLE.fullmatch(text):
            return text
        name = self.namer.fresh(hint)
        self.w.line(f"{name} = {text}")
        return name

    def _range_check(self, value: str, t: IntType, span: Span) -> None:
        if t.lo is not None and t.hi is not None:
            cond = f"{t.lo} <= {value} <= {t.hi}"
        else:
            cond = f"{t.lo} <= {value}" if t.lo is not None else f"{value} <= {t.hi}"
        self.w.line(f"if not {cond}:")
        with self.w.indent():
            self.w.line(f"range_fault({value}, {self.ex.type(t)}, {self.ex.consts.span(span)})")

    def update(self, current: str, t: Type, path: tuple[ir.FieldStep | ir.IndexStep, ...],
               value: str, sc: Scope, span: Span, total: bool = False) -> str:  # fmt: skip
        """Text of `current` with the location `path` replaced by `value` (statements for the
        keys and the intermediate values are written first, in path order). `total`: current
        is a map that holds every key (its entries need no MISSING check)."""
        if not path:
            return value
        step, rest = path[0], path[1:]
        if isinstance(step, ir.FieldStep):
            return self._update_field(current, t, step.index, rest, value, sc, span)
        if isinstance(t, MapType):
            return self._update_map(current, t, step.key, rest, value, sc, span, total)
        assert isinstance(t, SeqType), t
        i = self._temp_for(self.ex.expr(step.key, sc, ADD), "_i")
        self.w.line(f"if not 1 <= {i} <= len({current}):")
        with self.w.indent():
            self.w.line(f"index_fault({i}, {current}, {self.ex.consts.span(span)})")
        inner = self._inner(f"{current}[{i} - 1]", t.elem, rest, value, sc, span)
        return self._replace(current, f"{i} - 1", inner)

    def _update_field(self, current: str, t: Type, index: int, rest: tuple[ir.FieldStep | ir.IndexStep, ...],
                      value: str, sc: Scope, span: Span) -> str:  # fmt: skip
        if isinstance(t, MessageType):
            # the variant is not known statically: rebuild around the field by slicing
            field_types = {v.fields[index][1] for v in t.variants if len(v.fields) > index}
            if rest and len(field_types) != 1:
                raise TypeError(f"cannot assign through field {index} of a {t}")
            field_t = next(iter(field_types)) if rest else t
            inner = self._inner(f"{current}[{index + 1}]", field_t, rest, value, sc, span)
            return f"({current}[:{index + 1}] + ({inner},) + {current}[{index + 2}:])"
        assert isinstance(t, RecordType), t
        inner = self._inner(f"{current}[{index}]", t.fields[index][1], rest, value, sc, span)
        items = [inner if j == index else f"{current}[{j}]" for j in range(len(t.fields))]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"

    def _update_map(self, current: str, t: MapType, key: ir.Expr,
                    rest: tuple[ir.FieldStep | ir.IndexStep, ...], value: str, sc: Scope,
                    span: Span, total: bool) -> str:  # fmt: skip
        key_text = self.ex.expr(key, sc, ADD)
        if not isinstance(key, ir.Lit):
            key_text = self._temp_for(key_text, "_k")
        slot = self.ex.slot(key, key_text, t.key, sc)
        span_name = self.ex.consts.span(span)
        if not slot.safe:
            inner_old = f"map_get({current}, {slot.text}, {key_text}, {span_name})"
            inner = self._inner(inner_old, t.value, rest, value, sc, span) if rest else value
            return f"map_put({current}, {slot.text}, {inner}, {key_text}, {span_name})"
        if rest:
            old = self.namer.fresh("_x")
            self.w.line(f"{old} = {current}[{slot.text}]")
            if not total:
                self.w.line(f"if {old} is MISSING:")
                with self.w.indent():
                    self.w.line(f"missing_key({key_text}, {span_name})")
            value = self._inner(old, t.value, rest, value, sc, span)
        return self._replace(current, slot.text, value)

    def _inner(self, old: str, t: Type, rest: tuple[ir.FieldStep | ir.IndexStep, ...],
               value: str, sc: Scope, span: Span) -> str:  # fmt: skip
        if not rest:
            return value
        return self.update(self._temp_for(old, "_x"), t, rest, value, sc, span)

    def _replace(self, current: str, at: str, value: str) -> str:
        """`current` with position `at` replaced: copy to a list, store, back to a tuple (the
        fastest way in CPython to replace an item at a position known only at run time; `[*t]`
        beats `list(t)`, which pays for a call)."""
        items = self.namer.fresh("_l")
        self.w.line(f"{items} = [*{current}]")
        self.w.line(f"{items}[{at}] = {value}")
        return f"tuple({items})"


def _needs_range_check(target: IntType, value: ir.Expr) -> bool:
    """A bounded int target needs a check unless the value (a constant, or its type) already
    lies within it."""
    lo, hi = target.lo, target.hi
    if lo is None and hi is None:
        return False
    if isinstance(value, ir.Lit) and isinstance(value.value, int):
        return not ((lo is None or lo <= value.value) and (hi is None or value.value <= hi))
    t = value.type
    if isinstance(t, IntType):
        lo_ok = lo is None or (t.lo is not None and t.lo >= lo)
        hi_ok = hi is None or (t.hi is not None and t.hi <= hi)
        return not (lo_ok and hi_ok)
    return True


def _needs_length_check(target: SeqType, value: ir.Expr) -> bool:
    """A sequence target with a max_len needs a check unless the value is a literal that fits
    (a sequence's type does not bound its length: `append` may grow it past max_len)."""
    if target.max_len is None:
        return False
    if isinstance(value, ir.Lit) and isinstance(value.value, tuple):
        return len(value.value) > target.max_len
    if isinstance(value, ir.SeqLit):
        return len(value.elems) > target.max_len
    return True
