"""C representations of core.types values in the native engine's working state.

A state is unpacked once into a struct of these (`VKS`), successors are computed on copies
and packed back. Every member is a 64-bit integer or an array/struct of them, so there is no
padding, and every value is kept canonical (inactive message variants, absent map entries,
sequence and bag positions past the end are all zero): equal values have equal bytes and
compare with memcmp.

    bool, int, enum (ordinal), node id     int64_t
    option                                 { has, v }
    record                                 { f0, f1, ... }
    message                                { tag, union { v0, v1, ... } } (a record per variant)
    set                                    { w[K] }: a bitmask over the element domain
    map                                    { has[N], v[N] }: one entry per key of the domain
    sequence                               { len, v[CAP] }
    bag                                    { n, c[CAP], v[CAP] }: entries in compile's order
"""

from __future__ import annotations

from functools import cache
from typing import Any

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
    domain,
    is_finite,
)
from verikit.errors import NO_SPAN, Span
from verikit.native.layout import (
    MAP_LIMIT,
    SET_LIMIT,
    NativeRefusal,
    finite_size,
    scalar_count,
    sort_key,
)

SCALAR = "int64_t"


def is_scalar(t: Type) -> bool:
    return isinstance(t, BoolType | IntType | EnumType | NodeType)


@cache
def ident(t: Type) -> Any:
    """Values of types with the same ident share one C representation."""
    match t:
        case BoolType() | IntType() | NodeType():
            return "i"
        case EnumType(members=members):
            return ("enum", members)
        case OptionType(inner=inner):
            return ("opt", ident(inner))
        case RecordType(fields=fields):
            return ("rec", tuple(ident(ft) for _, ft in fields))
        case MessageType():
            return ("msg",)  # every message type is held as the model's one universe
        case SetType(elem=elem):
            return ("set", _domain_or_none(elem))
        case MapType(key=key, value=value):
            return ("map", _domain_or_none(key), ident(value))
        case SeqType(elem=elem):
            return ("seq", ident(elem))
        case BagType(elem=elem):
            return ("bag", ident(elem))
    return ("other", str(t))


INT_WINDOW = 128  # a computed set of unbounded ints holds values of one window this wide


def int_window(t: IntType) -> tuple[int, int]:
    """The values a set of `t` can hold: its range, or a window of INT_WINDOW values around
    zero when unbounded (a value outside is unrepresentable)."""
    if t.lo is not None and t.hi is not None:
        return t.lo, t.hi
    if t.lo is not None:
        return t.lo, t.lo + INT_WINDOW - 1
    if t.hi is not None:
        return t.hi - INT_WINDOW + 1, t.hi
    return -INT_WINDOW // 2, INT_WINDOW // 2 - 1


def _domain_or_none(t: Type) -> Any:
    if isinstance(t, IntType):
        return ("int", *int_window(t))
    size = finite_size(t, SET_LIMIT)
    return None if size is None else ("dom", domain(t))


def ordinal_types_ok(t: Type) -> bool:
    """Whether values of `t` have an ordinal the C code can compute (mixed radix)."""
    match t:
        case BoolType() | IntType() | EnumType() | NodeType():
            return scalar_count(t) is not None
        case OptionType(inner=inner):
            return ordinal_types_ok(inner)
        case RecordType(fields=fields):
            return all(ordinal_types_ok(ft) for _, ft in fields)
        case MessageType(variants=variants):
            return all(ordinal_types_ok(v) for v in variants)
        case MapType(key=key, value=value):
            return ordinal_types_ok(key) and ordinal_types_ok(value)
        case SetType(elem=elem):
            size = finite_size(elem, 62)
            return size is not None and ordinal_types_ok(elem)
    return False


class CTypes:
    """Hands out the C type of each core type and the helper functions values need; keeps
    their definitions in dependency order."""

    def __init__(self, seq_cap: int, bag_cap: int, universe: tuple[RecordType, ...] = ()) -> None:
        self.universe = universe  # every message variant of the model; tags index it
        self.utag = {v.name: i for i, v in enumerate(universe)}
        self.seq_cap = seq_cap  # working capacity of every sequence
        self.bag_cap = bag_cap  # working capacity of every bag (distinct entries)
        self.decls: list[str] = []
        self.funcs: list[str] = []
        self.tables: list[str] = []
        self._names: dict[Any, str] = {}
        self._helpers: dict[Any, str] = {}
        self._consts: dict[Any, str] = {}

    # ------------------------------------------------------------ types

    def c(self, t: Type, span: Span = NO_SPAN) -> str:
        """The C type of values of `t`."""
        if is_scalar(t):
            return SCALAR
        key = ident(t)
        if key in self._names:
            return self._names[key]
        members = self._members(t, span)
        name = f"T{len(self._names)}"
        self._names[key] = name
        body = " ".join(f"{ct} {m};" for ct, m in members)
        if isinstance(t, MessageType):  # the variants share their storage (an anonymous union)
            body = (
                f"{members[0][0]} {members[0][1]}; union {{ "
                + " ".join(f"{ct} {m};" for ct, m in members[1:])
                + " };"
            )
        self.decls.append(f"typedef struct {{ {body} }} {name}; /* {_comment(t)} */")
        return name

    def _members(self, t: Type, span: Span) -> list[tuple[str, str]]:
        match t:
            case OptionType(inner=inner):
                return [(SCALAR, "has"), (self.c(inner, span), "v")]
            case RecordType(fields=fields):
                if not fields:
                    return [(SCALAR, "_empty")]
                return [(self.c(ft, span), f"f{i}") for i, (_, ft) in enumerate(fields)]
            case MessageType():
                return [(SCALAR, "tag")] + [
                    (self.c(v, span), f"v{i}") for i, v in enumerate(self.universe)
                ]
            case SetType(elem=elem):
                return [("uint64_t", f"w[{self.set_words(t, span)}]")]
            case MapType(value=value):
                n = self.map_size(t, span)
                return [(SCALAR, f"has[{n}]"), (self.c(value, span), f"v[{n}]")]
            case SeqType(elem=elem):
                return [(SCALAR, "len"), (self.c(elem, span), f"v[{self.seq_cap}]")]
            case BagType(elem=elem):
                cap = self.bag_cap
                return [(SCALAR, "n"), (SCALAR, f"c[{cap}]"), (self.c(elem, span), f"v[{cap}]")]
        raise NativeRefusal(f"a value of type {t}", span)

    def c_bytes(self, t: Type, span: Span = NO_SPAN) -> int:
        """About the bytes of `t`'s C value (as `c` declares it), counted without declaring it:
        a working state too large for a thread's stack must be refused before any C exists."""
        match t:
            case _ if is_scalar(t):
                return 8
            case OptionType(inner=inner):
                return 8 + self.c_bytes(inner, span)
            case RecordType(fields=fields):
                return max(8, sum(self.c_bytes(ft, span) for _, ft in fields))
            case MessageType():
                return 8 + max([0, *(self.c_bytes(v, span) for v in self.universe)])
            case SetType():
                return 8 * self.set_words(t, span)
            case MapType(value=value):
                return self.map_size(t, span) * (8 + self.c_bytes(value, span))
            case SeqType(elem=elem):
                return 8 + self.seq_cap * self.c_bytes(elem, span)
            case BagType(elem=elem):
                return 8 + self.bag_cap * (8 + self.c_bytes(elem, span))
        raise NativeRefusal(f"a value of type {t}", span)

    def set_size(self, t: SetType, span: Span = NO_SPAN) -> int:
        if isinstance(t.elem, IntType):
            lo, hi = int_window(t.elem)
            if hi - lo + 1 <= SET_LIMIT:
                return hi - lo + 1
        size = finite_size(t.elem, SET_LIMIT)
        if size is None or not ordinal_types_ok(t.elem):
            raise NativeRefusal(f"a set over {t.elem} (not a finite domain of at most "
                                f"{SET_LIMIT} values)", span)  # fmt: skip
        return size

    def set_words(self, t: SetType, span: Span = NO_SPAN) -> int:
        return max(1, (self.set_size(t, span) + 63) // 64)

    def map_size(self, t: MapType, span: Span = NO_SPAN) -> int:
        size = finite_size(t.key, MAP_LIMIT)
        if size is None or not ordinal_types_ok(t.key):
            raise NativeRefusal(f"a map keyed by {t.key} (not a finite domain of at most "
                                f"{MAP_LIMIT} keys)", span)  # fmt: skip
        return size

    # ------------------------------------------------------------ constants

    def const(self, t: Type, value: Any, span: Span = NO_SPAN) -> str:
        """A C expression for the constant `value` of type `t` (a static const for
        aggregates)."""
        if is_scalar(t):
            number = scalar_value(t, value)
            if not -(1 << 62) <= number < 1 << 62:
                raise NativeRefusal(f"the constant {number} (beyond 62 bits)", span)
            return str(number)
        key = (ident(t), _hashable(value), str(t))
        if key not in self._consts:
            name = f"K{len(self._consts)}"
            self._consts[key] = name
            init = self.initializer(t, value, span)
            self.tables.append(f"static const {self.c(t, span)} {name} = {init};")
        return self._consts[key]

    def initializer(self, t: Type, value: Any, span: Span = NO_SPAN) -> str:
        """A C initializer of `value` (runtime representation) as a `t`."""
        if is_scalar(t):
            return str(scalar_value(t, value))
        match t:
            case OptionType(inner=inner):
                if value is None:
                    return "{0}"
                return f"{{1, {self.initializer(inner, value, span)}}}"
            case RecordType(fields=fields):
                if not fields:
                    return "{0}"
                items = [
                    self.initializer(ft, v, span) for (_, ft), v in zip(fields, value, strict=True)
                ]
                return "{" + ", ".join(items) + "}"
            case MessageType():
                tag = self.utag[value[0]]
                variant = self.initializer(self.universe[tag], value[1:], span)
                return f"{{.tag = {tag}, .v{tag} = {variant}}}"
            case SetType(elem=elem):
                words = [0] * self.set_words(t, span)
                if isinstance(elem, IntType):
                    lo, hi = int_window(elem)
                    ords = {v: v - lo for v in value if lo <= v <= hi}
                else:
                    ords = _ordinal_table(elem)
                for x in value:
                    if x not in ords:
                        raise NativeRefusal(f"a constant {x!r} outside {elem}", span)
                    words[ords[x] // 64] |= 1 << (ords[x] % 64)
                return "{{" + ", ".join(f"{w:#x}ULL" for w in words) + "}}"
            case MapType(value=vt):
                n = self.map_size(t, span)
                has = ["0" if v is MISSING else "1" for v in value]
                vals = ["{0}" if v is MISSING else self.initializer(vt, v, span) for v in value]
                assert len(value) == n
                return "{{" + ", ".join(has) + "}, {" + ", ".join(vals) + "}}"
            case SeqType(elem=elem):
                if len(value) > self.seq_cap:
                    raise NativeRefusal(f"a constant sequence longer than {self.seq_cap}", span)
                vals = [self.initializer(elem, v, span) for v in value] or ["{0}"]
                return f"{{{len(value)}, {{" + ", ".join(vals) + "}}"
            case BagType(elem=elem):
                entries = sorted(value, key=lambda item: sort_key(elem)(item[0]))
                if len(entries) > self.bag_cap:
                    raise NativeRefusal(f"a constant bag of more than {self.bag_cap}", span)
                if not entries:
                    return "{0}"
                numbers = ", ".join(str(n) for _, n in entries)
                members = ", ".join(self.initializer(elem, x, span) for x, _ in entries)
                return f"{{{len(entries)}, {{{numbers}}}, {{{members}}}}}"
        raise NativeRefusal(f"a constant of type {t}", span)

    # ------------------------------------------------------------ helper functions

    def helper(self, key: Any, make: Any) -> str:
        """The name of a helper function, defined on first use by `make(name) -> code`."""
        if key not in self._helpers:
            name = f"h{len(self._helpers)}_{key[0]}"
            self._helpers[key] = name
            self.funcs.append(make(name))
        return self._helpers[key]

    def ord_fn(self, t: Type, span: Span = NO_SPAN) -> str:
        """`int64_t f(const C *v)`: the ordinal of v in domain(t), or -1 outside it."""
        self.c(t, span)
        return self.helper(("ord", t), lambda name: self._ord_code(name, t, span))

    def ordinal(self, t: Type, text: str, span: Span = NO_SPAN) -> str:
        """C expression: the ordinal of the value `text` in domain(t), -1 outside it."""
        if is_scalar(t):
            return self._scalar_ord(t, text)
        return f"{self.ord_fn(t, span)}(&{text})"

    def _scalar_ord(self, t: Type, x: str) -> str:
        match t:
            case BoolType():
                return f"({x} == 0 || {x} == 1 ? {x} : -1)"
            case IntType():
                lo, hi = int_window(t)
                return f"({x} >= {lo} && {x} <= {hi} ? {x} - ({lo}) : -1)"
            case EnumType(members=members):
                return f"((uint64_t){x} < {len(members)} ? {x} : -1)"
            case NodeType():
                ids = list(domain(t))
                if ids == list(range(ids[0], ids[0] + len(ids))):
                    return f"({x} >= {ids[0]} && {x} <= {ids[-1]} ? {x} - {ids[0]} : -1)"
                return f"{self.helper(('nodeord', t), lambda n: _node_ord(n, ids))}({x})"
        raise TypeError(t)

    def _ord_code(self, name: str, t: Type, span: Span) -> str:
        ct = self.c(t, span)
        lines = [f"static int64_t {name}(const {ct} *v) {{", "  int64_t o, r = 0;"]
        match t:
            case OptionType(inner=inner):
                lines.append("  if (!v->has) return 0;")
                lines.append(f"  o = {self.ordinal(inner, 'v->v', span)};")
                lines.append("  return o < 0 ? -1 : o + 1;")
            case RecordType(fields=fields):
                for i, (_, ft) in enumerate(fields):
                    n = finite_size(ft, 1 << 40)
                    lines.append(
                        f"  o = {self.ordinal(ft, f'v->f{i}', span)}; if (o < 0) return -1;"
                    )
                    lines.append(f"  r = r * {n} + o;")
                lines.append("  return r;")
            case MessageType(variants=variants):
                lines.append("  switch (v->tag) {")
                offset = 0
                for var in variants:
                    u = self.utag[var.name]
                    lines.append(f"  case {u}: o = {self.ordinal(var, f'v->v{u}', span)};"
                                 f" return o < 0 ? -1 : o + {offset};")  # fmt: skip
                    offset += finite_size(var, 1 << 40) or 0
                lines.append("  }")
                lines.append("  return -1;")
            case MapType(value=vt):
                n = self.map_size(t, span)
                size = finite_size(vt, 1 << 40)
                lines.append(f"  for (int i = 0; i < {n}; i++) {{")
                lines.append("    if (!v->has[i]) return -1;")
                lines.append(f"    o = {self.ordinal(vt, 'v->v[i]', span)}; if (o < 0) return -1;")
                lines.append(f"    r = r * {size} + o;")
                lines.append("  }")
                lines.append("  return r;")
            case SetType():
                # domain order: by size, then the combinations of that size in lex order
                n = self.set_size(t, span)
                binom = self._binomials(n)
                lines += [
                    "  uint64_t m = v->w[0]; int k = __builtin_popcountll(m), i = 0, prev = -1;",
                    f"  for (int j = 0; j < k; j++) r += {binom}[{n} * 64 + j];",
                    "  for (; m; m &= m - 1) {",
                    "    int c = __builtin_ctzll(m); i++;",
                    f"    for (int u = prev + 1; u < c; u++) r += {binom}[({n} - u - 1) * 64 + k - i];",
                    "    prev = c;",
                    "  }",
                    "  (void)o; return r;",
                ]
            case _:
                raise NativeRefusal(f"an ordinal of a value of type {t}", span)
        lines.append("}")
        return "\n".join(lines)

    def decode(self, t: Type, o: str, out: str, span: Span = NO_SPAN) -> str:
        """C statement(s): store the value with ordinal `o` of domain(t) into lvalue `out`."""
        if is_scalar(t):
            return f"{out} = {self._scalar_dec(t, o)};"
        fn = self.helper(("dec", t), lambda name: self._dec_code(name, t, span))
        return f"{fn}({o}, &{out});"

    def decode_expr(self, t: Type, o: str) -> str:
        """C expression: the scalar of `t` with ordinal `o`."""
        return self._scalar_dec(t, o)

    def _scalar_dec(self, t: Type, o: str) -> str:
        match t:
            case BoolType() | EnumType():
                return o
            case IntType():
                return f"({o} + ({int_window(t)[0]}))"
            case NodeType():
                ids = list(domain(t))
                if ids == list(range(ids[0], ids[0] + len(ids))):
                    return f"({o} + {ids[0]})"
                return f"{self.helper(('nodedec', t), lambda n: _node_dec(n, ids))}({o})"
        raise TypeError(t)

    def _dec_code(self, name: str, t: Type, span: Span) -> str:
        ct = self.c(t, span)
        lines = [f"static void {name}(int64_t o, {ct} *out) {{", "  memset(out, 0, sizeof *out);"]
        match t:
            case OptionType(inner=inner):
                lines.append("  if (o == 0) return;")
                lines.append("  out->has = 1; o -= 1;")
                lines.append("  " + self.decode(inner, "o", "out->v", span))
            case RecordType(fields=fields):
                for i in reversed(range(len(fields))):
                    ft = fields[i][1]
                    n = finite_size(ft, 1 << 40)
                    lines.append(f"  {{ int64_t q = o % {n}; o /= {n}; "
                                 f"{self.decode(ft, 'q', f'out->f{i}', span)} }}")  # fmt: skip
            case MessageType(variants=variants):
                for var in variants:
                    n, u = finite_size(var, 1 << 40), self.utag[var.name]
                    lines.append(
                        f"  if (o < {n}) {{ out->tag = {u}; "
                        f"{self.decode(var, 'o', f'out->v{u}', span)} return; }}"
                    )
                    lines.append(f"  o -= {n};")
            case MapType(value=vt):
                n = self.map_size(t, span)
                size = finite_size(vt, 1 << 40)
                lines.append(f"  for (int i = {n} - 1; i >= 0; i--) {{")
                lines.append(f"    int64_t q = o % {size}; o /= {size}; out->has[i] = 1;")
                lines.append("    " + self.decode(vt, "q", "out->v[i]", span))
                lines.append("  }")
            case SetType():
                n = self.set_size(t, span)
                binom = self._binomials(n)
                lines += [
                    "  int k = 0, u = 0;",
                    f"  while (o >= {binom}[{n} * 64 + k]) {{ o -= {binom}[{n} * 64 + k]; k++; }}",
                    "  for (int i = 1; i <= k; i++, u++) {",
                    f"    while (o >= {binom}[({n} - u - 1) * 64 + k - i]) "
                    f"{{ o -= {binom}[({n} - u - 1) * 64 + k - i]; u++; }}",
                    "    out->w[0] |= 1ULL << u;",
                    "  }",
                ]
            case _:
                raise NativeRefusal(f"a value of type {t} from its ordinal", span)
        lines.append("}")
        return "\n".join(lines)

    # ------------------------------------------------------------ order (bag entries)

    def cmp_fn(self, t: Type, span: Span = NO_SPAN) -> str:
        """`int f(const C *a, const C *b)`: <0, 0, >0 in the order compile iterates values of
        `t` in (runtime.sort_key)."""
        self.c(t, span)
        return self.helper(("cmp", t), lambda name: self._cmp_fn_code(name, t, span))

    def _cmp_fn_code(self, name: str, t: Type, span: Span) -> str:
        ct = self.c(t, span)
        body = self._cmp(t, "(*a)", "(*b)", is_finite(t), span, 0)
        return (f"static int {name}(const {ct} *a, const {ct} *b) {{\n"
                f"  int64_t x, y; (void)x; (void)y;\n{body}  return 0;\n}}")  # fmt: skip

    def _cmp(self, t: Type, a: str, b: str, by_ordinal: bool, span: Span, depth: int) -> str:
        """Statements returning early when a and b differ in the order; fall through if equal."""
        pad = "  " * (depth + 1)
        ret = f"{pad}if (x != y) return x < y ? -1 : 1;\n"
        match t:
            case BoolType() | IntType():
                return f"{pad}x = {a}; y = {b};\n{ret}"
            case EnumType(members=members):
                if by_ordinal or list(members) == sorted(members):
                    return f"{pad}x = {a}; y = {b};\n{ret}"
                rank = self._rank_table(members)
                return f"{pad}x = {rank}[{a}]; y = {rank}[{b}];\n{ret}"
            case NodeType():
                if by_ordinal:
                    return (
                        f"{pad}x = {self._scalar_ord(t, a)}; y = {self._scalar_ord(t, b)};\n{ret}"
                    )
                return f"{pad}x = {a}; y = {b};\n{ret}"
            case OptionType(inner=inner):
                nested = self._cmp(inner, f"{a}.v", f"{b}.v", by_ordinal, span, depth + 1)
                return (f"{pad}x = {a}.has; y = {b}.has;\n{ret}"
                        f"{pad}if ({a}.has) {{\n{nested}{pad}}}\n")  # fmt: skip
            case RecordType(fields=fields):
                return "".join(
                    self._cmp(ft, f"{a}.f{i}", f"{b}.f{i}", by_ordinal, span, depth)
                    for i, (_, ft) in enumerate(fields)
                )
            case MessageType(variants=variants):
                names = [v.name for v in variants]
                if by_ordinal:  # the variant's position in this type, by universe tag
                    ranks = [names.index(v.name) if v.name in names else len(names)
                             for v in self.universe]  # fmt: skip
                else:  # by name
                    ranks = [sorted(names).index(v.name) if v.name in names else len(names)
                             for v in self.universe]  # fmt: skip
                rank = self._table(tuple(ranks))
                out = f"{pad}x = {rank}[{a}.tag]; y = {rank}[{b}.tag];\n{ret}"
                out += f"{pad}switch ({a}.tag) {{\n"
                for var in variants:
                    u = self.utag[var.name]
                    nested = self._cmp(var, f"{a}.v{u}", f"{b}.v{u}", by_ordinal, span, depth + 1)
                    out += f"{pad}case {u}:\n{nested}{pad}  break;\n"
                return out + f"{pad}}}\n"
            case SetType(elem=elem):
                if not (by_ordinal or _value_order_is_ordinal(elem)):
                    raise NativeRefusal(f"ordering sets of {elem} by value", span)
                k = self.set_words(t, span)
                fn = self.helper(("setcmp", k), lambda n: _set_cmp(n, k))
                return f"{pad}x = {fn}({a}.w, {b}.w); y = 0;\n{ret}"
            case MapType(value=vt):
                n = self.map_size(t, span)
                nested = self._cmp(vt, f"{a}.v[i{depth}]", f"{b}.v[i{depth}]", by_ordinal, span,
                                  depth + 1)  # fmt: skip
                return (f"{pad}for (int i{depth} = 0; i{depth} < {n}; i{depth}++) {{\n"
                        f"{pad}  x = {a}.has[i{depth}]; y = {b}.has[i{depth}];\n"
                        f"{pad}  if (x != y) return x < y ? -1 : 1;\n"
                        f"{pad}  if (x) {{\n{nested}{pad}  }}\n{pad}}}\n")  # fmt: skip
            case SeqType(elem=elem):
                i = f"i{depth}"
                nested = self._cmp(elem, f"{a}.v[{i}]", f"{b}.v[{i}]", by_ordinal, span, depth + 1)
                return (f"{pad}for (int64_t {i} = 0; {i} < {a}.len && {i} < {b}.len; {i}++) {{\n"
                        f"{nested}{pad}}}\n{pad}x = {a}.len; y = {b}.len;\n{ret}")  # fmt: skip
        raise NativeRefusal(f"ordering values of type {t}", span)

    def _binomials(self, n: int) -> str:
        """A table of C(a, b) at [a * 64 + b] for a, b <= n."""
        values = [0] * ((n + 1) * 64)
        for a in range(n + 1):
            for b in range(a + 1):
                values[a * 64 + b] = _binom(a, b)
        return self._table(tuple(values))

    def _rank_table(self, names: tuple[str, ...]) -> str:
        """rank[ordinal] = position of the name in alphabetical order."""
        return self._table(tuple(sorted(names).index(n) for n in names))

    def table(self, values: tuple[int, ...]) -> str:
        """A static const int64_t array holding `values`."""
        return self._table(values)

    def _table(self, values: tuple[int, ...]) -> str:
        key = ("table", values)
        if key not in self._consts:
            name = f"R{len(self._consts)}"
            self._consts[key] = name
            body = ", ".join(map(str, values)) or "0"
            self.tables.append(f"static const int64_t {name}[{max(len(values), 1)}] = {{{body}}};")
        return self._consts[key]


def _binom(a: int, b: int) -> int:
    from math import comb

    return comb(a, b)


def _value_order_is_ordinal(t: Type) -> bool:
    """Whether comparing values of `t` by value gives their domain order."""
    match t:
        case BoolType() | IntType():
            return True
        case EnumType(members=members):
            return list(members) == sorted(members)
        case NodeType():
            ids = list(domain(t))
            return ids == sorted(ids)
        case OptionType(inner=inner):
            return _value_order_is_ordinal(inner)
        case RecordType(fields=fields):
            return all(_value_order_is_ordinal(ft) for _, ft in fields)
    return False


def _set_cmp(name: str, k: int) -> str:
    """Sets by size, then by their elements in ascending order (lexicographically)."""
    return "\n".join([
        f"static int64_t {name}(const uint64_t *a, const uint64_t *b) {{",
        "  int64_t na = 0, nb = 0;",
        f"  for (int i = 0; i < {k}; i++) {{ na += __builtin_popcountll(a[i]); "
        "nb += __builtin_popcountll(b[i]); }",
        "  if (na != nb) return na < nb ? -1 : 1;",
        f"  for (int i = 0; i < {k}; i++) {{",
        "    uint64_t d = a[i] ^ b[i];",
        "    if (d) { uint64_t low = d & -d; return (a[i] & low) ? -1 : 1; }",
        "  }",
        "  return 0;",
        "}",
    ])  # fmt: skip


def _node_ord(name: str, ids: list[int]) -> str:
    cases = " ".join(f"case {v}: return {i};" for i, v in enumerate(ids))
    return f"static inline int64_t {name}(int64_t x) {{ switch (x) {{ {cases} }} return -1; }}"


def _node_dec(name: str, ids: list[int]) -> str:
    table = ", ".join(map(str, ids))
    return (f"static inline int64_t {name}(int64_t o) {{ static const int64_t ids[] = "
            f"{{{table}}}; return ids[o]; }}")  # fmt: skip


def scalar_value(t: Type, value: Any) -> int:
    """The C int64 of a scalar value: bools 0/1, ints as is, enums by ordinal, node ids."""
    match t:
        case BoolType():
            return int(bool(value))
        case EnumType(members=members):
            return members.index(value)
        case _:
            return int(value)


@cache
def _ordinal_table(t: Type) -> dict[Any, int]:
    return {v: i for i, v in enumerate(domain(t))}


def _hashable(value: Any) -> Any:
    return (type(value).__name__, value)


def _comment(t: Type) -> str:
    return str(t).replace("*/", "* /")[:80]
