"""The builtins of core.ir.BUILTINS as C (see cexprs.py for the conventions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from verikit.core import ir
from verikit.core.types import (
    BagType,
    EnumType,
    IntType,
    MapType,
    MessageType,
    RecordType,
    SeqType,
    SetType,
    domain_size,
)
from verikit.errors import Span
from verikit.native.cvalues import ident, is_scalar
from verikit.native.layout import NativeRefusal

if TYPE_CHECKING:
    from verikit.native.cexprs import CExprs, Scope

FAULT = "FAIL(VK_FAULT);"
UNREP = "FAIL(VK_UNREPRESENTABLE);"


def call(ex: CExprs, e: ir.Call, sc: Scope) -> str:
    """C text of a builtin call (statements written first)."""
    name, args = e.name, e.args
    handler = _HANDLERS.get(name)
    if handler is None:
        raise NativeRefusal(f"the builtin {name}", e.span)
    return handler(ex, e, args, sc)


def _len(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    (x,) = args
    v = ex.expr(x, sc)
    t = x.type
    out = ex.fresh()
    match t:
        case SeqType():
            return f"{v}.len"
        case SetType():
            k = ex.ct.set_words(t, e.span)
            terms = " + ".join(f"__builtin_popcountll({v}.w[{j}])" for j in range(k))
            return f"((int64_t)({terms}))"
        case MapType():
            n = ex.ct.map_size(t, e.span)
            ex.w.line(f"int64_t {out} = 0;")
            ex.w.line(f"for (int j = 0; j < {n}; j++) {out} += {v}.has[j];")
            return out
        case BagType():
            ex.w.line(f"int64_t {out} = 0;")
            ex.w.line(f"for (int64_t j = 0; j < {v}.n; j++) {out} += {v}.c[j];")
            return out
    raise NativeRefusal(f"len of a {t}", e.span)


def _minmax(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    (x,) = args
    st = x.type
    assert isinstance(st, SetType)
    if not isinstance(st.elem, IntType):
        raise NativeRefusal(f"{e.name} of a {st}", e.span)
    v = ex.expr(x, sc)
    k = ex.ct.set_words(st, e.span)
    o = ex.fresh()
    ex.w.line(f"int64_t {o} = -1;")
    if e.name == "min":
        ex.w.line(f"for (int j = 0; j < {k}; j++) if ({v}.w[j]) "
                  f"{{ {o} = j * 64 + __builtin_ctzll({v}.w[j]); break; }}")  # fmt: skip
    else:
        ex.w.line(f"for (int j = {k} - 1; j >= 0; j--) if ({v}.w[j]) "
                  f"{{ {o} = j * 64 + 63 - __builtin_clzll({v}.w[j]); break; }}")  # fmt: skip
    ex.w.line(f"if ({o} < 0) {FAULT}")
    return f"({ex.ct.decode_expr(st.elem, o)})"


def _pick(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    """The first member in ordinal order (compile's iteration order); empty faults."""
    (x,) = args
    st = x.type
    assert isinstance(st, SetType)
    v = ex.expr(x, sc)
    k = ex.ct.set_words(st, e.span)
    o = ex.fresh()
    ex.w.line(f"int64_t {o} = -1;")
    ex.w.line(f"for (int j = 0; j < {k}; j++) if ({v}.w[j]) "
              f"{{ {o} = j * 64 + __builtin_ctzll({v}.w[j]); break; }}")  # fmt: skip
    ex.w.line(f"if ({o} < 0) {FAULT}")
    return ex._decoded(st.elem, o, e.span)


def _closure(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    """Warshall's algorithm on the bitmask of pairs: the pair (i, j) of a tuple<T, T> has
    ordinal i * n + j (records enumerate in product order)."""
    rt = e.type
    assert isinstance(rt, SetType) and isinstance(rt.elem, RecordType), rt
    n = domain_size(rt.elem.fields[0][1])
    if n is None or n > _CLOSURE_NODES:
        raise NativeRefusal(f"closure over more than {_CLOSURE_NODES} values", e.span)
    out = ex.copy(rt, ex.value(args[0], rt, sc), e.span)
    k, i, j = ex.fresh("k"), ex.fresh("i"), ex.fresh("j")

    def bit(o: str) -> str:
        return f"(({out}.w[({o}) >> 6] >> (({o}) & 63)) & 1)"

    middle = ex.w.block(f"for (int {k} = 0; {k} < {n}; {k}++)")
    start = ex.w.block(f"for (int {i} = 0; {i} < {n}; {i}++)")
    with middle, start:
        ex.w.line(f"if (!{bit(f'{i} * {n} + {k}')}) continue;")
        with ex.w.block(f"for (int {j} = 0; {j} < {n}; {j}++)"):
            o = f"{i} * {n} + {j}"
            ex.w.line(f"if ({bit(f'{k} * {n} + {j}')}) {out}.w[({o}) >> 6] |= 1ULL << (({o}) & 63);")
    return out


_CLOSURE_NODES = 64


def _seq_arg(ex: CExprs, x: ir.Expr, t: SeqType, sc: Scope) -> str:
    return ex.value(x, t, sc)


def _append(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    seq, x = args
    t = e.type
    assert isinstance(t, SeqType)
    s = _seq_arg(ex, seq, t, sc)
    v = ex.value(x, t.elem, sc)
    out = ex.temp(t, e.span, zero=False)
    ex.w.line(f"{out} = {s};")
    ex.w.line(f"if ({out}.len >= {ex.ct.seq_cap}) {UNREP}")
    ex.w.line(f"{out}.v[{out}.len++] = {v};")
    return out


def _head_last(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    s = ex.expr(args[0], sc)
    ex.w.line(f"if ({s}.len == 0) {FAULT}")
    return f"{s}.v[0]" if e.name == "head" else f"{s}.v[{s}.len - 1]"


def _tail(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    t = e.type
    assert isinstance(t, SeqType)
    s = _seq_arg(ex, args[0], t, sc)
    out = ex.temp(t, e.span)
    ex.w.line(f"if ({s}.len > 0) {{ {out}.len = {s}.len - 1; "
              f"for (int64_t j = 1; j < {s}.len; j++) {out}.v[j - 1] = {s}.v[j]; }}")  # fmt: skip
    return out


def _range_copy(ex: CExprs, t: SeqType, s: str, lo: str, hi: str, span: Span) -> str:
    """Positions lo..hi (0-based, inclusive, already clamped) of s."""
    out = ex.temp(t, span)
    ex.w.line(f"for (int64_t j = {lo}; j <= {hi}; j++) {out}.v[{out}.len++] = {s}.v[j];")
    return out


def _slice(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    t = e.type
    assert isinstance(t, SeqType)
    s = _seq_arg(ex, args[0], t, sc)
    lo, hi = ex.scalar(ex.expr(args[1], sc)), ex.scalar(ex.expr(args[2], sc))
    a, b = ex.fresh(), ex.fresh()
    ex.w.line(f"int64_t {a} = {lo} < 1 ? 0 : {lo} - 1;")
    ex.w.line(f"int64_t {b} = {hi} > {s}.len ? {s}.len - 1 : {hi} - 1;")
    return _range_copy(ex, t, s, a, b, e.span)


def _take(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    t = e.type
    assert isinstance(t, SeqType)
    s = _seq_arg(ex, args[0], t, sc)
    n = ex.scalar(ex.expr(args[1], sc))
    b = ex.fresh()
    ex.w.line(f"int64_t {b} = ({n} > {s}.len ? {s}.len : {n}) - 1;")
    return _range_copy(ex, t, s, "0", b, e.span)


def _to_set(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    st = e.type
    assert isinstance(st, SetType)
    seq = args[0]
    assert isinstance(seq.type, SeqType)
    if not is_scalar(st.elem):
        ex.check_same(seq.type.elem, st.elem, e.span)
    s = ex.expr(seq, sc)
    out = ex.temp(st, e.span)
    with ex.w.block(f"for (int64_t j = 0; j < {s}.len; j++)"):
        o = ex.ordinal(st.elem, f"{s}.v[j]", e.span)
        ex.w.line(f"if ({o} < 0) {UNREP}")
        ex.w.line(f"{out}.w[{o} >> 6] |= 1ULL << ({o} & 63);")
    return out


def _remove_at(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    t = e.type
    assert isinstance(t, SeqType)
    s = _seq_arg(ex, args[0], t, sc)
    i = ex.scalar(ex.expr(args[1], sc))
    ex.w.line(f"if ({i} < 1 || {i} > {s}.len) {FAULT}")
    out = ex.temp(t, e.span)
    ex.w.line(f"for (int64_t j = 0; j < {s}.len; j++) if (j != {i} - 1) "
              f"{out}.v[{out}.len++] = {s}.v[j];")  # fmt: skip
    return out


def _insert_at(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    t = e.type
    assert isinstance(t, SeqType)
    s = _seq_arg(ex, args[0], t, sc)
    i = ex.scalar(ex.expr(args[1], sc))
    x = ex.value(args[2], t.elem, sc)
    ex.w.line(f"if ({i} < 1 || {i} > {s}.len + 1) {FAULT}")
    ex.w.line(f"if ({s}.len + 1 > {ex.ct.seq_cap}) {UNREP}")
    out = ex.temp(t, e.span)
    with ex.w.block(f"for (int64_t j = 0; j <= {s}.len; j++)"):
        ex.w.line(f"if (j == {i} - 1) {out}.v[{out}.len++] = {x};")
        ex.w.line(f"if (j < {s}.len) {out}.v[{out}.len++] = {s}.v[j];")
    return out


def _keys(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    mt = args[0].type
    assert isinstance(mt, MapType)
    st = e.type
    assert isinstance(st, SetType)
    keys = SetType(mt.key)
    m = ex.expr(args[0], sc)
    n = ex.ct.map_size(mt, e.span)
    out = ex.temp(keys, e.span)
    ex.w.line(f"for (int j = 0; j < {n}; j++) if ({m}.has[j]) {out}.w[j >> 6] |= 1ULL << (j & 63);")
    if ident(keys) == ident(st):
        return out
    return ex.convert_set(out, keys, st, e.span, drop=False)


def _has(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    mt = args[0].type
    assert isinstance(mt, MapType)
    m = ex.expr(args[0], sc)
    o = ex.ordinal(mt.key, ex.expr(args[1], sc), e.span)
    return f"({o} >= 0 && {m}.has[{o}])"


def _delete(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    mt = args[0].type
    assert isinstance(mt, MapType)
    ex.check_same(mt, e.type, e.span)
    m = ex.expr(args[0], sc)
    o = ex.ordinal(mt.key, ex.expr(args[1], sc), e.span)
    out = ex.temp(mt, e.span, zero=False)
    ex.w.line(f"{out} = {m};")
    ex.w.line(f"if ({o} >= 0) {{ {out}.has[{o}] = 0; "
              f"memset(&{out}.v[{o}], 0, sizeof {out}.v[{o}]); }}")  # fmt: skip
    return out


def bag_find(ex: CExprs, bt: BagType, b: str, v: str, span: Span) -> str:
    """Bound variable: the position of element `v` in bag `b`, or -1."""
    at = ex.fresh()
    ex.w.line(f"int64_t {at} = -1;")
    same = f"{b}.v[j] == {v}" if is_scalar(bt.elem) else f"memcmp(&{b}.v[j], &{v}, sizeof {v}) == 0"
    ex.w.line(f"for (int64_t j = 0; j < {b}.n; j++) if ({same}) {{ {at} = j; break; }}")
    return at


def _bag_add(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    bt = e.type
    assert isinstance(bt, BagType)
    b = ex.value(args[0], bt, sc)
    v = ex.value(args[1], bt.elem, sc)
    if is_scalar(bt.elem):  # the comparison takes its address
        x = ex.fresh()
        ex.w.line(f"int64_t {x} = {v};")
        v = x
    out = ex.temp(bt, e.span, zero=False)
    ex.w.line(f"{out} = {b};")
    cmp = ex.ct.cmp_fn(bt.elem, e.span)
    cap = ex.ct.bag_cap
    c, at = ex.fresh(), ex.fresh()
    ex.w.line(f"int64_t {at} = {out}.n; int {c} = 1;")
    ex.w.line(f"for (int64_t j = 0; j < {out}.n; j++) {{ {c} = {cmp}(&{v}, &{out}.v[j]); "
              f"if ({c} <= 0) {{ {at} = j; break; }} }}")  # fmt: skip
    with ex.w.block(f"if ({at} < {out}.n && {c} == 0)"):
        ex.w.line(f"{out}.c[{at}] += 1;")
    with ex.w.block("else"):
        ex.w.line(f"if ({out}.n >= {cap}) {UNREP}")
        with ex.w.block(f"for (int64_t j = {out}.n; j > {at}; j--)"):
            ex.w.line(f"{out}.v[j] = {out}.v[j - 1]; {out}.c[j] = {out}.c[j - 1];")
        ex.w.line(f"{out}.v[{at}] = {v}; {out}.c[{at}] = 1; {out}.n += 1;")
    return out


def _bag_remove(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    bt = e.type
    assert isinstance(bt, BagType)
    b = ex.value(args[0], bt, sc)
    v = ex.value(args[1], bt.elem, sc)
    at = bag_find(ex, bt, b, v, e.span)
    ex.w.line(f"if ({at} < 0) {FAULT}")
    out = ex.temp(bt, e.span, zero=False)
    ex.w.line(f"{out} = {b};")
    with ex.w.block(f"if ({out}.c[{at}] > 1)"):
        ex.w.line(f"{out}.c[{at}] -= 1;")
    with ex.w.block("else"):
        with ex.w.block(f"for (int64_t j = {at}; j + 1 < {out}.n; j++)"):
            ex.w.line(f"{out}.v[j] = {out}.v[j + 1]; {out}.c[j] = {out}.c[j + 1];")
        ex.w.line(f"{out}.n -= 1;")
        ex.w.line(f"memset(&{out}.v[{out}.n], 0, sizeof {out}.v[0]); {out}.c[{out}.n] = 0;")
    return out


def _bag_count(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    bt = args[0].type
    assert isinstance(bt, BagType)
    b = ex.expr(args[0], sc)
    v = ex.value(args[1], bt.elem, sc)
    at = bag_find(ex, bt, b, v, e.span)
    return f"({at} < 0 ? 0 : {b}.c[{at}])"


def _msg_name(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    assert isinstance(args[0].type, MessageType)
    names = tuple(v.name for v in ex.ct.universe)
    if not isinstance(e.type, EnumType):
        raise NativeRefusal("msg_name onto a non-enum", e.span)
    if e.type.members == names:
        return f"{ex.expr(args[0], sc)}.tag"
    members = e.type.members
    table = ex.ct.table(tuple(members.index(n) if n in members else -1 for n in names))
    out = ex.scalar(f"{table}[{ex.expr(args[0], sc)}.tag]")
    ex.w.line(f"if ({out} < 0) {UNREP}")
    return out


def _total_len(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    mt = args[0].type
    assert isinstance(mt, MapType)
    m = ex.expr(args[0], sc)
    n = ex.ct.map_size(mt, e.span)
    out = ex.fresh()
    ex.w.line(f"int64_t {out} = 0;")
    ex.w.line(f"for (int j = 0; j < {n}; j++) if ({m}.has[j]) {out} += {m}.v[j].len;")
    return out


def _bag_items(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    """The set of a bag's elements, as a bitmask (iteration and `in` read the bag itself)."""
    st, bt = e.type, args[0].type
    assert isinstance(st, SetType) and isinstance(bt, BagType)
    ex.check_same(bt.elem, st.elem, e.span)
    b = ex.expr(args[0], sc)
    out = ex.temp(st, e.span)
    with ex.w.block(f"for (int64_t j = 0; j < {b}.n; j++)"):
        o = ex.ordinal(st.elem, f"{b}.v[j]", e.span)
        ex.w.line(f"if ({o} < 0) {UNREP}")
        ex.w.line(f"{out}.w[{o} >> 6] |= 1ULL << ({o} & 63);")
    return out


def _refuse(ex: CExprs, e: ir.Call, args: tuple[ir.Expr, ...], sc: Scope) -> str:
    raise NativeRefusal(f"{e.name}(...) as a value (only iterated or tested with `in`)", e.span)


_HANDLERS = {
    "len": _len,
    "min": _minmax,
    "max": _minmax,
    "pick": _pick,
    "closure": _closure,
    "append": _append,
    "head": _head_last,
    "last": _head_last,
    "tail": _tail,
    "slice": _slice,
    "take": _take,
    "to_set": _to_set,
    "keys": _keys,
    "has": _has,
    "delete": _delete,
    "remove_at": _remove_at,
    "insert_at": _insert_at,
    "bag_add": _bag_add,
    "bag_remove": _bag_remove,
    "bag_count": _bag_count,
    "msg_name": _msg_name,
    "total_len": _total_len,
    "bag_items": _bag_items,
    "range": _refuse,
}
