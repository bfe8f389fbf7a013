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

from verikit.compile.analysis import assigned, constant_values, forks, may_fault
from verikit.compile.exprs import ADD, NOT, SIMPLE, Exprs, Scope
from verikit.compile.fits import Guarantee, Part, elements, fits, split, trusted
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
    within: dict[int, Guarantee] = field(default_factory=dict)  # what a binding's value lies in

    def scope(self) -> Scope:
        names = {n: self.values[b] for n, b in self.env.items()}
        known = {n: self.known[b] for n, b in self.env.items() if b in self.known}
        return Scope(self.slots, names, known=known)

    def guarantees(self) -> dict[str, Guarantee]:
        """What each local in scope is known to hold (compile/fits.py)."""
        out: dict[str, Guarantee] = {}
        for n, b in self.env.items():
            g = self.known.get(b, self.within.get(b))
            if g is not None:
                out[n] = g
        return out

    def bind(self, var: str, name: str, values: tuple[Any, ...] | None = None,
             within: Guarantee | None = None) -> Bindings:  # fmt: skip
        """A new binding of `var` to Python `name` (`values`: what it can hold, if known;
        `within`: what it is known to hold otherwise)."""
        binding = len(self.values)
        known = self.known if values is None else {**self.known, binding: values}
        types = self.within if within is None else {**self.within, binding: within}
        return Bindings(self.slots, {**self.env, var: binding}, {**self.values, binding: name},
                        known, types)  # fmt: skip

    def with_slot(self, index: int, name: str) -> Bindings:
        return replace(self, slots=(*self.slots[:index], name, *self.slots[index + 1 :]))

    def with_local(self, var: str, name: str, within: Type | None = None) -> Bindings:
        """`var` was reassigned: a new Python name, and nothing known about its value but
        `within` (the type a checked assignment of the whole local guarantees)."""
        binding = self.env[var]
        known = {b: v for b, v in self.known.items() if b != binding}
        types = {b: t for b, t in self.within.items() if b != binding or within is None}
        if within is not None:
            types[binding] = within
        return replace(self, values={**self.values, binding: name}, known=known, within=types)

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
                        inner = self.bind_over(b, var, name, dom)
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
                        inner = self.bind_over(b, var, name, dom)
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

    def bind_over(self, b: Bindings, var: str, name: str, domain: ir.Expr) -> Bindings:
        """`var`, held in Python `name`, ranges over `domain` (a parameter, a choice, a loop)."""
        values = constant_values(domain)
        within = None if values is not None else elements(domain, b.guarantees())
        return b.bind(var, name, values, within)

    # ------------------------------------------------------------ assignments

    def simple(self, st: ir.Stmt, b: Bindings, own: frozenset[str] | None) -> Bindings:
        """LetStmt, Assign or Assert; inside a region `own` holds the names it may reassign in place,
        at fork level (None) every assignment binds a fresh name."""
        match st:
            case ir.LetStmt(var=var, value=value):
                name = self.namer.fresh(var)
                self.w.line(f"{name} = {self.ex.expr(value, b.scope())}")
                # its own type, not its value: a later (checked) assignment, perhaps in a
                # branch whose bindings are gone after it, keeps the local within that
                within = value.type if trusted(value, b.guarantees()) else None
                return b.bind(var, name, within=within)
            case ir.Assign():
                return self.assign(st, b, own)
            case ir.Assert(cond=cond, message=message, span=span):
                self.w.line(f"if not {self.ex.expr(cond, b.scope(), NOT)}:")
                with self.w.indent():
                    message_name = self.ex.consts.value(message)
                    self.w.line(f"fault({message_name}, {self.ex.consts.span(span)})")
                return b
        raise TypeError(f"not a simple statement: {st!r}")

    def assign(self, st: ir.Assign, b: Bindings, own: frozenset[str] | None) -> Bindings:
        sc = b.scope()
        location = st.target_type
        check = not fits(st.value, location, b.guarantees())
        found = self._split(st.value, location, b) if check else None
        if found is None:
            value = self.ex.expr(st.value, sc)
        else:  # check only the parts that may not fit (a new message, not the whole network)
            expr, parts = found
            inner = b
            for name, part, _ in parts:
                inner = inner.bind(name, self._temp_for(self.ex.expr(part, inner.scope()), "_p"))
            value = self.ex.expr(expr, inner.scope())
        if check or st.path:  # the value is evaluated (and checked) before the keys
            value = self._temp_for(value, "_v")
        if found is not None:
            names = inner.scope().names
            tests = [self._within(names[name], want, part, b) for name, part, want in found[1]]
            self._fault_unless(" and ".join(tests), value, location, st.span)
        elif check:
            self._fault_unless(self._within(value, location, st.value, b), value, location,
                               st.span)  # fmt: skip
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
        return b.with_local(root.name, target, None if st.path else location)

    def _temp_for(self, text: str, hint: str) -> str:
        """A name for a value to evaluate now, or to use more than once (the text itself when
        it is a name or a literal)."""
        if SIMPLE.fullmatch(text):
            return text
        name = self.namer.fresh(hint)
        self.w.line(f"{name} = {text}")
        return name

    def _split(self, value: ir.Expr, t: Type, b: Bindings) -> tuple[ir.Expr, list[Part]] | None:
        """`value` with the parts to check hoisted (compile/fits.py), None: check it whole."""
        if isinstance(t, IntType):
            return None
        facts = self.ex.facts(b.scope())
        return split(value, t, b.guarantees(), lambda e: may_fault(e, facts))

    def _within(self, value: str, t: Type, expr: ir.Expr, b: Bindings) -> str:
        """A Python test that `value` (of `expr`) lies within `t`: a range test for an int, a
        length test for a sequence whose elements are known to fit, else the whole walk."""
        if isinstance(t, IntType):
            if t.lo is not None and t.hi is not None:
                return f"{t.lo} <= {value} <= {t.hi}"
            return f"{t.lo} <= {value}" if t.lo is not None else f"{value} <= {t.hi}"
        if isinstance(t, SeqType) and t.max_len is not None:
            loose = replace(t, max_len=None)  # the same elements, any length
            if fits(expr, loose, b.guarantees()):
                return f"len({value}) <= {t.max_len}"
        return f"within_type({self.ex.type(t)}, {value})"

    def _fault_unless(self, test: str, value: str, t: Type, span: Span) -> None:
        """Fault when `test` fails, with the message of storing `value` where `t` is expected
        (core/stored.py finds the offending part: the same words as every other engine)."""
        self.w.line(f"if not ({test}):" if " and " in test else f"if not {test}:")
        with self.w.indent():
            self.w.line(f"type_fault({value}, {self.ex.type(t)}, {self.ex.consts.span(span)})")

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

