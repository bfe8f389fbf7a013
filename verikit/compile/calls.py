"""The builtins of core.ir.BUILTINS as Python expressions: inline where a Python operator does
the job (`len`, `tail`, `append`, `to_set`), a runtime helper where a check or a loop is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from verikit.core import ir
from verikit.core.types import BagType, MapType

if TYPE_CHECKING:
    from verikit.compile.exprs import Exprs, Scope

ATOM, ADD = 14, 10  # the precedences of exprs.py, repeated to avoid an import cycle


def compile_call(ex: Exprs, e: ir.Call, sc: Scope) -> tuple[str, int]:
    """(Python text, precedence) of a builtin call."""
    args = [ex.arg(a, sc) for a in e.args]
    types = [a.type for a in e.args]
    span = ex.span(e)
    match e.name, args:
        case "len", [x]:
            helper = {MapType: "map_len", BagType: "bag_len"}.get(type(types[0]), "len")
            return f"{helper}({x})", ATOM
        case "range", [lo, _]:
            return f"frozenset(range({lo}, {ex.expr(e.args[1], sc, ADD)} + 1))", ATOM
        case (("min" | "max"), [s]):
            return f"set_{e.name}({s}, {span})", ATOM
        case "pick", [s]:
            return f"set_pick({s}, {ex.sort_key_name(types[0])}, {span})", ATOM
        case "append", [seq, x]:
            return _append(ex, e, sc, x)
        case (("head" | "last"), [seq]):
            return _end(ex, e, sc, seq, span)
        case "tail", [seq]:
            return f"{ex.expr(e.args[0], sc, ATOM)}[1:]", ATOM
        case "slice", [seq, lo, hi]:
            return f"seq_slice({seq}, {lo}, {hi})", ATOM
        case "take", [seq, n]:
            if isinstance(e.args[1], ir.Lit) and e.args[1].value >= 0:  # type: ignore[operator]
                return f"{ex.expr(e.args[0], sc, ATOM)}[:{n}]", ATOM
            return f"seq_take({seq}, {n})", ATOM
        case "to_set", [seq]:
            return f"frozenset({seq})", ATOM
        case "closure", [pairs]:
            return f"closure({pairs})", ATOM
        case (("keys" | "has" | "delete"), _):
            return _map_call(ex, e, sc, args)
        case "remove_at", [seq, i]:
            return f"remove_at({seq}, {i}, {span})", ATOM
        case "insert_at", [seq, i, x]:
            return f"insert_at({seq}, {i}, {x}, {span})", ATOM
        case "bag_add", [bag, x]:
            return f"bag_add({bag}, {x})", ATOM
        case "bag_remove", [bag, x]:
            return f"bag_remove({bag}, {x}, {span})", ATOM
        case "bag_items", [bag]:
            return f"bag_items({bag})", ATOM
        case "bag_count", [bag, x]:
            return f"bag_count({bag}, {x})", ATOM
        case "msg_name", [_]:
            return f"{ex.expr(e.args[0], sc, ATOM)}[0]", ATOM
        case "total_len", [m]:
            return f"total_len({m})", ATOM
    raise TypeError(f"unknown builtin {e.name}/{len(e.args)}")


def _append(ex: Exprs, e: ir.Call, sc: Scope, x: str) -> tuple[str, int]:
    """`seq + (x,)`: never a fault (a too long sequence faults when it is assigned)."""
    return f"{ex.expr(e.args[0], sc, ADD)} + ({x},)", ADD


def _end(ex: Exprs, e: ir.Call, sc: Scope, seq: str, span: str) -> tuple[str, int]:
    """head/last: inline when `:=` may bind the sequence, else a helper."""
    first, again = ex.bind(seq, sc)
    if first == again and not sc.walrus:
        return f"seq_{e.name}({seq}, {span})", ATOM
    at, pos = ("0", "1") if e.name == "head" else ("-1", "0")
    return f"{again}[{at}] if {first} else index_fault({pos}, {again}, {span})", 1


def _map_call(ex: Exprs, e: ir.Call, sc: Scope, args: list[str]) -> tuple[str, int]:
    """keys/has/delete: the key's slot decides; a key outside the key type has no entry."""
    mt = e.args[0].type
    assert isinstance(mt, MapType), mt
    if e.name == "keys":
        return f"map_keys({args[0]}, {ex.domain_tuple(mt.key)})", ATOM
    slot = ex.slot(e.args[1], ex.expr(e.args[1], sc, ADD), mt.key, sc)
    m = ex.expr(e.args[0], sc, ATOM)
    if e.name == "has":
        if slot.safe:
            return f"{m}[{slot.text}] is not MISSING", 5
        return f"map_has({args[0]}, {slot.text})", ATOM
    return f"map_delete({args[0]}, {slot.text})", ATOM
