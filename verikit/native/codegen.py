"""core.Model -> the C of the native engine (see notes/NATIVE_ABI.md for the contract).

One translation unit part: the working-state struct and its pack/unpack (layout.py), one
function per action appending successors in exactly the order of compile's `next_states`
(actions in model order, parameter tuples in domain order, choices depth first), the
initial states (distinct, in compile's order), and a predicate per property (and trigger per
`leads_to`). Runtime faults fire where compile's Python raises SpecFault; a value the layout
cannot hold makes the function return VK_UNREPRESENTABLE, so the driver falls back to Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from verikit.core import ir
from verikit.core.model import STEP_KIND, Action, Model
from verikit.core.types import (
    BagType,
    IntType,
    MapType,
    MessageType,
    OptionType,
    RecordType,
    SeqType,
    SetType,
    Type,
    default_value,
    domain,
    is_finite,
)
from verikit.core.walk import free_locals, state_vars
from verikit.native import ckeys
from verikit.native.cexprs import FAULT, CExprs, Scope, Writer
from verikit.native.cpack import Packer
from verikit.native.csymmetry import symmetry_source
from verikit.native.cvalues import CTypes, is_scalar
from verikit.native.cwalk import (
    constant_nonempty,
    forks,
    message_universe,
    model_types,
)
from verikit.native.layout import BagL, NativeRefusal, StateLayout, state_layout, var_span

__all__ = ["NativeRefusal", "NativeSource", "generate"]


PACKED_LIMIT = 4096  # words of a packed state (32 KiB): the search keeps several per worker
WORKING_LIMIT = 256 * 1024  # bytes of the unpacked working state: the generated functions keep
# a few copies of it, and their temporaries, on a thread's stack (8 MiB by default)


@dataclass(frozen=True)
class NativeSource:
    c: str  # the generated part of the translation unit
    state_words: int  # uint64_t words per packed state
    layout: StateLayout  # pack/unpack of states in Python
    properties: tuple[str, ...]  # names of Model.properties, in order (vk_prop's index)


def generate(model: Model) -> NativeSource:
    """The C of `model`; NativeRefusal names what native cannot encode, and where."""
    step = next((p for p in model.properties if p.kind == STEP_KIND), None)
    if step is not None:  # checked on every transition: the Python search does it
        raise NativeRefusal(f"the action property `{step.name}` (`always step:`)", step.span)
    layout = state_layout(model)
    if layout.words > PACKED_LIMIT:
        slots = zip((s.bits for s in layout.slots), model.vars, strict=True)
        bits, v = max(slots, key=lambda bv: bv[0])
        raise NativeRefusal(
            f"a packed state of {layout.words:,} words, {bits:,} bits of them in `{v.name}` "
            f"(more than {PACKED_LIMIT:,} words)", var_span(model, v))  # fmt: skip
    gen = _Generator(model, layout)
    gen.check_working_size()
    text = gen.source()
    return NativeSource(text, layout.words, layout, tuple(p.name for p in model.properties))


PRELUDE = """\
static inline int vk_fail(vk_out *o, int code, int site) {
  if (o) { o->fault = code; o->fault_site = site; }
  return code;
}
#define FAIL(c) return vk_fail(o, (c), __LINE__)
static inline int64_t vk_floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) q--;
  return q;
}
static inline int64_t vk_floormod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}"""


def _caps(model: Model) -> tuple[int, int]:  # noqa: C901 - one walk over the type forms
    """Working capacities of sequences and bags: the longest any state holds, plus room for
    what a step appends before the assignment's check (or the network's bound) rejects it."""
    longest = [1]

    def walk(t: Type) -> None:
        match t:
            case SeqType(elem=elem, max_len=n):
                if n is not None:
                    longest.append(n)
                walk(elem)
            case OptionType(inner=x) | SetType(elem=x) | BagType(elem=x):
                walk(x)
            case MapType(key=k, value=v):
                walk(k)
                walk(v)
            case RecordType(fields=fields):
                for _, ft in fields:
                    walk(ft)
            case MessageType(variants=variants):
                for v in variants:
                    walk(v)

    for t in model_types(model):
        walk(t)
    nodes = sum(g.count for g in model.nodes)
    bound = model.network.max_in_flight if model.network and model.network.max_in_flight else 0
    bags = [lay.cap for lay in state_layout(model).slots if isinstance(lay, BagL)]
    return max([*longest, bound + nodes]) + 2, max([bound + nodes + 2, *bags])


def _c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Generator:
    def __init__(self, model: Model, layout: StateLayout) -> None:
        self.model = model
        self.layout = layout
        seq_cap, bag_cap = _caps(model)
        self.ct = CTypes(seq_cap, bag_cap, message_universe(model))
        self.types = tuple(v.type for v in model.vars)
        try:  # fairness keys of successors, for the native liveness graph (ckeys.py)
            self.keyed, self.keys_ok = ckeys.keyed_params(model), True
        except NativeRefusal:
            self.keyed, self.keys_ok = {}, False
        self.key_packer = ckeys.KeyPacker(self.ct, layout, self.types)

    def check_working_size(self) -> None:
        """Refuse a working state too large for a thread's stack, naming its widest variable
        (a network of max_in_flight 100000 holds 100000 messages per copy)."""
        sizes = [(self.ct.c_bytes(v.type, v.span), v) for v in self.model.vars]
        total = sum(size for size, _ in sizes)
        if total > WORKING_LIMIT:
            size, v = max(sizes, key=lambda sv: sv[0])
            span = var_span(self.model, v)
            raise NativeRefusal(
                f"a working state of {total:,} bytes, {size:,} of them in `{v.name}` (more "
                f"than {WORKING_LIMIT:,} bytes)", span)  # fmt: skip

    def source(self) -> str:
        m = self.model
        for v in m.vars:
            self.ct.c(v.type, v.span)
        members = " ".join(f"{self.ct.c(v.type, v.span)} v{i};" for i, v in enumerate(m.vars))
        functions = [self._action(k, a) for k, a in enumerate(m.actions)]
        functions.append(self._successors())
        functions.append(self._init())
        functions += self._properties()
        packer = Packer(self.ct, self.layout, self.types)
        pack = packer.functions()
        symmetry = symmetry_source(m, self.layout)  # vk_canon, after vk_get/vk_put
        head = [
            f"/* generated by verikit from spec {m.name}; do not edit */",
            f"#define VK_STATE_WORDS {self.layout.words}",
            f"#define VK_N_ACTIONS {len(m.actions)}",
            f"#define VK_N_PROPS {len(m.properties)}",
            "#include <stdint.h>",
            "#include <string.h>",
            PRELUDE,
            _names("VK_ACTION_NAMES", "VK_N_ACTIONS", [a.name for a in m.actions]),
            _names("VK_PROP_KINDS", "VK_N_PROPS", [p.kind for p in m.properties]),
            *self.ct.decls,
            f"typedef struct {{ {members or 'int64_t _empty;'} }} VKS;",
            *self.ct.tables,
            *self.ct.funcs,
            *pack,
            *ckeys.defines(self.keyed, len(m.actions), self.keys_ok),
        ]
        return "\n".join([*head, *functions, symmetry]) + "\n"

    # ------------------------------------------------------------ actions

    def _function(self) -> tuple[Writer, CExprs]:
        w = Writer()
        return w, CExprs(self.ct, w)

    def _action(self, k: int, action: Action) -> str:
        w, ex = self._function()
        levels = _guard_levels(action)
        body = _Body(ex, lambda sc: self._emit(ex, sc, str(k), self.keyed.get(k)))

        def loops(level: int, sc: Scope) -> None:
            conds = [c for c, lv in levels if lv == level]
            if conds:
                cond = ex.expr(_and(conds), sc)
                with w.block(f"if ({cond})"):
                    rest(level, sc)
            else:
                rest(level, sc)

        def rest(level: int, sc: Scope) -> None:
            if level == len(action.params):
                n = ex.fresh("n")
                w.line(f"VKS {n} = *s;")
                body.run([action.body], replace(sc, state=n))
                return
            p = action.params[level]
            with ex.loop(p.domain, sc, action.span) as x:
                loops(level + 1, sc.bind(p.name, x))

        loops(0, Scope("(*s)"))
        code = "\n".join(w.lines)
        return (f"/* {action.kind} {action.name} */\n"
                f"static int vk_action_{k}(const VKS *s, vk_out *o) {{\n{code}\n  return VK_OK;\n}}")  # fmt: skip

    def _emit(
        self, ex: CExprs, sc: Scope, action: str, keys: tuple[ckeys.KeyParam, ...] | None = None
    ) -> None:
        ex.w.line(f"{{ uint64_t *w = vk_push(o, {action}); int rc = vk_pack(&{sc.state}, w);"
                  " if (rc) FAIL(rc); }")  # fmt: skip
        if keys:
            words = ckeys.key_words(self.keyed)
            for line in ckeys.key_code(self.key_packer, keys, sc.names, words):
                ex.w.line(line)

    def _successors(self) -> str:
        calls = "".join(
            f"  if ((rc = vk_action_{k}(&st, o)) != VK_OK) return rc;\n"
            for k in range(len(self.model.actions))
        )
        return ("static int vk_successors(const uint64_t *s, vk_out *o) {\n"
                "  VKS st; int rc; (void)rc;\n  vk_unpack(s, &st);\n"
                f"{calls}  return VK_OK;\n}}")  # fmt: skip

    def _init(self) -> str:
        w, ex = self._function()
        default = (
            "{"
            + ", ".join(
                self.ct.initializer(v.type, default_value(v.type), v.span) for v in self.model.vars
            )
            + "}"
            if self.model.vars
            else "{0}"
        )
        w.line(f"static const VKS dflt = {default};")
        w.line("size_t first = o->n;")
        w.line("VKS n0 = dflt;")

        def finish(sc: Scope) -> None:
            w.line("{ uint64_t *w = vk_push(o, -1); int rc = vk_pack(&" + sc.state + ", w);")
            w.line("  if (rc) FAIL(rc);")
            w.line("  for (size_t j = first; !o->nomem && j + 1 < o->n; j++)  /* distinct */")
            w.line(
                "    if (memcmp(o->states + j * VK_STATE_WORDS, w, "
                "VK_STATE_WORDS * sizeof(uint64_t)) == 0) { o->n -= 1; break; } }"
            )

        _Body(ex, finish).run([self.model.init], Scope("n0"))
        code = "\n".join(w.lines)
        return f"static int vk_init_states(vk_out *o) {{\n{code}\n  return VK_OK;\n}}"

    def _properties(self) -> list[str]:
        out = []
        cases_p, cases_t = [], []
        for k, prop in enumerate(self.model.properties):
            out.append(self._predicate(f"vk_prop_{k}", prop.expr))
            cases_p.append(f"  case {k}: return vk_prop_{k}(s, holds);")
            if prop.trigger is not None:
                out.append(self._predicate(f"vk_trigger_{k}", prop.trigger))
                cases_t.append(f"  case {k}: return vk_trigger_{k}(s, holds);")
        for name, cases in (("vk_prop", cases_p), ("vk_trigger", cases_t)):
            body = "\n".join(cases)
            out.append(f"static int {name}(int i, const uint64_t *s, int *holds) {{\n"
                       f"  *holds = 0;\n  switch (i) {{\n{body}\n  }}\n  return VK_OK;\n}}")  # fmt: skip
        return out

    def _predicate(self, name: str, e: ir.Expr) -> str:
        w, ex = self._function()
        w.line("vk_out *o = 0; VKS st;")
        for i in sorted(state_vars(e)):
            w.line(f"vk_unpack_{i}(s, &st);")
        value = ex.expr(e, Scope("st"))
        w.line(f"*holds = ({value}) != 0;")
        code = "\n".join(w.lines)
        return (f"static int {name}(const uint64_t *s, int *holds) {{\n{code}\n"
                "  return VK_OK;\n}")  # fmt: skip


def _names(name: str, count: str, items: list[str]) -> str:
    if not items:
        return f"static const char *const {name}[1] = {{0}};"
    return f"static const char *const {name}[{count}] = {{{', '.join(map(_c_string, items))}}};"


# ---------------------------------------------------------------- statements


class _Body:
    """Writes statement blocks; `finish(scope)` writes the end of a fork (emit a successor)."""

    def __init__(self, ex: CExprs, finish: Callable[[Scope], None]) -> None:
        self.ex = ex
        self.w = ex.w
        self.finish = finish

    def run(self, work: list[tuple[ir.Stmt, ...]], sc: Scope) -> None:
        """Blocks innermost first (each continues with the ones after it)."""
        w, ex = self.w, self.ex
        while work:
            stmts, work = work[0], work[1:]
            for i, st in enumerate(stmts):
                rest = [stmts[i + 1 :], *work]
                match st:
                    case ir.Choose(var=var, domain=dom, body=body):
                        with ex.loop(dom, sc, st.span, snapshot=True) as x:
                            inner = self._fork(sc).bind(var, x)
                            self.run([body, *rest], inner)
                        return
                    case ir.If(cond=cond, then=then, else_=else_) if forks((st,)):
                        with w.block(f"if ({ex.expr(cond, sc)})"):
                            self.run([then, *rest], self._fork(sc))
                        with w.block("else"):
                            self.run([else_, *rest], self._fork(sc))
                        return
                    case ir.Require(cond=cond):
                        with w.block(f"if ({ex.expr(cond, sc)})"):
                            self.run(rest, sc)
                        return
                    case _:
                        sc = self.simple(st, sc)
        self.finish(sc)

    def _fork(self, sc: Scope) -> Scope:
        """Private copies of the state and of the block's assignable locals for one fork."""
        n = self.ex.fresh("n")
        self.w.line(f"VKS {n} = {sc.state};")
        names = dict(sc.names)
        for var, text in sc.names.items():
            if var in self._mutable and text.isidentifier():
                copy = self.ex.fresh("l")
                self.w.line(f"__typeof__({text}) {copy} = {text};")
                names[var] = copy
        return Scope(n, names)

    _mutable: set[str] = set()

    def simple(self, st: ir.Stmt, sc: Scope) -> Scope:
        """A statement that does not fork: written in place; returns the scope after it."""
        w, ex = self.w, self.ex
        match st:
            case ir.LetStmt(var=var, value=value):
                text = ex.expr(value, sc)
                name = ex.fresh(var if var.isidentifier() else "l")
                w.line(f"{ex.ct.c(value.type, st.span)} {name} = {text};")
                self._mutable = self._mutable | {var}
                return sc.bind(var, name)
            case ir.Assign():
                self.assign(st, sc)
                return sc
            case ir.If(cond=cond, then=then, else_=else_):
                with w.block(f"if ({ex.expr(cond, sc)})"):
                    self.block(then, sc)
                if else_:
                    with w.block("else"):
                        self.block(else_, sc)
                return sc
            case ir.ForEach(var=var, domain=dom, body=body):
                with ex.loop(dom, sc, st.span, snapshot=True) as x:
                    self.block(body, sc.bind(var, x))
                return sc
            case ir.Assert(cond=cond):  # C detects the fault; compile words it on replay
                w.line(f"if (!({ex.expr(cond, sc)})) {FAULT}")
                return sc
        raise NativeRefusal(f"the statement {type(st).__name__} here", st.span)

    def block(self, stmts: tuple[ir.Stmt, ...], sc: Scope) -> None:
        for st in stmts:
            sc = self.simple(st, sc)

    def assign(self, st: ir.Assign, sc: Scope) -> None:
        w, ex = self.w, self.ex
        target = st.target_type
        value = ex.value(st.value, target, sc, outside=FAULT)
        if is_scalar(target):
            value = ex.scalar(value)
        elif "." in value or "[" in value:
            value = ex.copy(target, value, st.span)
        # storing a value outside the location's type faults at any depth (core/stored.py),
        # checked after the value and before the path's keys, as compile checks it
        self.within(value, target)
        root = st.root
        cur = f"{sc.state}.v{root.index}" if isinstance(root, ir.StateVar) else sc.names[root.name]
        t: Type = root.type
        for j, step in enumerate(st.path):
            last = j == len(st.path) - 1
            if isinstance(step, ir.FieldStep):
                cur, t = self._field_step(cur, t, step.index, st)
            elif isinstance(t, MapType):
                o = ex.ordinal(t.key, ex.expr(step.key, sc), st.span)
                w.line(f"if ({o} < 0) {FAULT}")
                if last:
                    w.line(f"{cur}.has[{o}] = 1;")
                else:
                    w.line(f"if (!{cur}.has[{o}]) {FAULT}")
                cur, t = f"{cur}.v[{o}]", t.value
            else:
                assert isinstance(t, SeqType), t
                i = ex.scalar(ex.expr(step.key, sc))
                w.line(f"if ({i} < 1 || {i} > {cur}.len) {FAULT}")
                cur, t = f"{cur}.v[{i} - 1]", t.elem
        w.line(f"{cur} = {value};")

    def within(self, v: str, t: Type) -> None:
        """Fault unless the value `v` (already in t's representation) lies within `t`."""
        if not _constrained(t, self.ex.ct.universe):
            return
        w, ex = self.w, self.ex
        match t:
            case IntType(lo=lo, hi=hi):
                conds = [f"{v} < {lo}"] if lo is not None else []
                conds += [f"{v} > {hi}"] if hi is not None else []
                w.line(f"if ({' || '.join(conds)}) {FAULT}")
            case OptionType(inner=inner):
                with w.block(f"if ({v}.has)"):
                    self.within(f"{v}.v", inner)
            case RecordType(fields=fields):
                for i, (_, ft) in enumerate(fields):
                    self.within(f"{v}.f{i}", ft)
            case MessageType(variants=variants):
                with w.block(f"switch ({v}.tag)"):
                    for var in variants:
                        u = ex.ct.utag[var.name]
                        w.line(f"case {u}:")
                        for i, (_, ft) in enumerate(var.fields):
                            self.within(f"{v}.v{u}.f{i}", ft)
                        w.line("  break;")
                    w.line(f"default: {FAULT}")  # a message this type does not have
            case SeqType(elem=elem, max_len=n):
                if n is not None:
                    w.line(f"if ({v}.len > {n}) {FAULT}")
                if _constrained(elem, ex.ct.universe):
                    j = ex.fresh("j")
                    with w.block(f"for (int64_t {j} = 0; {j} < {v}.len; {j}++)"):
                        self.within(f"{v}.v[{j}]", elem)
            case MapType(value=vt):
                j = ex.fresh("j")
                entries = w.block(f"for (int64_t {j} = 0; {j} < {ex.ct.map_size(t)}; {j}++)")
                with entries, w.block(f"if ({v}.has[{j}])"):
                    self.within(f"{v}.v[{j}]", vt)
            case BagType(elem=elem):
                j = ex.fresh("j")
                with w.block(f"for (int64_t {j} = 0; {j} < {v}.n; {j}++)"):
                    self.within(f"{v}.v[{j}]", elem)

    def _field_step(self, cur: str, t: Type, index: int, st: ir.Assign) -> tuple[str, Type]:
        if isinstance(t, RecordType):
            return f"{cur}.f{index}", t.fields[index][1]
        assert isinstance(t, MessageType), t
        fits = [v for v in t.variants if index < len(v.fields)]
        if len(fits) != 1:
            raise NativeRefusal("assigning a field of a message of several variants", st.span)
        tag = self.ex.ct.utag[fits[0].name]
        self.w.line(f"if ({cur}.tag != {tag}) FAIL(VK_UNREPRESENTABLE);")
        return f"{cur}.v{tag}.f{index}", fits[0].fields[index][1]


def _constrained(t: Type, universe: tuple[RecordType, ...]) -> bool:
    """Whether a value held in t's representation may lie outside `t` (a set holds only
    elements of its domain, all within its element type)."""
    match t:
        case IntType(lo=lo, hi=hi):
            return lo is not None or hi is not None
        case OptionType(inner=x) | BagType(elem=x):
            return _constrained(x, universe)
        case SeqType(elem=x, max_len=n):
            return n is not None or _constrained(x, universe)
        case MapType(value=x):
            return _constrained(x, universe)
        case RecordType(fields=fields):
            return any(_constrained(ft, universe) for _, ft in fields)
        case MessageType(variants=variants):
            names = [v.name for v in variants]
            return names != [v.name for v in universe] or any(
                _constrained(v, universe) for v in variants
            )
    return False


def _needs_range_check(target: IntType, value: ir.Expr) -> bool:
    """As compile: a bounded int target is checked unless the value (a constant, or its
    type) already lies within it."""
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
    """As compile: a sequence target with a max_len is checked unless the value is a literal
    that fits."""
    if target.max_len is None:
        return False
    if isinstance(value, ir.Lit) and isinstance(value.value, tuple):
        return len(value.value) > target.max_len
    if isinstance(value, ir.SeqLit):
        return len(value.elems) > target.max_len
    return True


# ---------------------------------------------------------------- guards


def _guard_levels(action: Action) -> list[tuple[ir.Expr, int]]:
    """Each conjunct of the guard with the parameter loop depth it is evaluated at, exactly as
    compile places it (see compile/codegen.py): a conjunct rises to just below the loops
    binding what it reads, never past a loop whose domain might be empty or computed."""
    params = action.params
    floor = len(params)
    while floor > 0 and constant_nonempty(params[floor - 1].domain):
        floor -= 1
    level, out = 0, []
    for c in _conjuncts(action.guard):
        deps = free_locals(c)
        need = max((j + 1 for j, p in enumerate(params) if p.name in deps), default=0)
        level = max(level, need, floor)
        out.append((c, level))
    return out


def _conjuncts(e: ir.Expr) -> list[ir.Expr]:
    match e:
        case ir.Binary(op="and", left=left, right=right):
            return _conjuncts(left) + _conjuncts(right)
        case ir.Lit(value=True):
            return []
    return [e]


def _and(conds: list[ir.Expr]) -> ir.Expr:
    """The conjunction of `conds`, balanced (a guard's conjuncts may be thousands: a
    left-leaning chain would nest that deep and exhaust the recursion of cexprs)."""
    if len(conds) == 1:
        return conds[0]
    mid = len(conds) // 2
    left, right = _and(conds[:mid]), _and(conds[mid:])
    return ir.Binary("and", left, right, left.type)


_ = (domain, is_finite)
