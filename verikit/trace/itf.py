"""The Informal Trace Format (ITF) of Apalache and Quint, in and out.

Format: https://apalache-mc.org/docs/adr/015adr-trace.html. Values are encoded by their core
type, so decoding inverts encoding exactly:

    bool        true / false                enum      "Working"
    int         {"#bigint": "5"}            node id   "Participant[2]" / "Coordinator"
    set         {"#set": [...]}             seq       [...]
    map         {"#map": [[k, v], ...]}     (keys with an entry only)
    bag         {"#map": [[elem, {"#bigint": count}], ...]}
    record      {"field": value, ...}       message   {"tag": "Vote", "value": {record}}
    option      {"tag": "Some", "value": x} / {"tag": "None", "value": {"#tup": []}}

Every state slot is one ITF variable named `Var.name` (a node's variable is a map from node
to value). Each state's "#meta" tells the step that led to it (action, kind, node, message,
params); the document's "#meta" names the property and the constants the spec was run with.
A lasso (liveness counterexample) sets ITF's "loop" to the index of the state where its loop
starts; the last state is that state again (or, when "loop" is the last index, the behavior
stutters there), as in `Trace.loop_start`.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from verikit.compile.compiled import State
from verikit.core.model import Model
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
    is_tuple,
    node_name,
    ordinal,
)
from verikit.semantics.consts import const_text
from verikit.trace.text import headline
from verikit.trace.trace import Step, Trace

FORMAT_URL = "https://apalache-mc.org/docs/adr/015adr-trace.html"
NONE = {"tag": "None", "value": {"#tup": []}}

Json = Any


class ItfError(ValueError):
    """An ITF document that does not fit the model (says where and what was expected)."""


def to_itf(trace: Trace, model: Model) -> dict[str, Json]:
    doc: dict[str, Json] = {
        "#meta": {
            "format": "ITF",
            "format-description": FORMAT_URL,
            "source": model.span.file,
            "description": headline(trace),
            "verikit": {
                "spec": trace.spec,
                "property": trace.property,
                "kind": trace.kind,
                # real constants only feed timing queries: they never shape a trace
                "consts": {k: _const(v) for k, v in model.consts if not isinstance(v, Fraction)},
                **({"bases": list(model.bases)} if model.bases else {}),
            },
        },
        "vars": [v.name for v in model.vars],
        "states": [_state(model, step) for step in trace.steps],
    }
    if trace.loop_start is not None:
        doc["loop"] = trace.loop_start
    return doc


def _state(model: Model, step: Step) -> dict[str, Json]:
    meta: dict[str, Json] = {"index": step.index, "action": step.action, "kind": step.kind}
    meta |= {"node": step.node} if step.node else {}
    meta |= {"message": step.message} if step.message else {}
    meta |= {"params": dict(step.params)} if step.params else {}
    out: dict[str, Json] = {"#meta": meta}
    for var, value in zip(model.vars, step.state, strict=True):
        out[var.name] = encode(var.type, value)
    return out


def spec_of(doc: dict[str, Json]) -> str | None:
    """The name of the spec a trace was made from, if the file says."""
    meta = doc.get("#meta")
    verikit = meta.get("verikit") if isinstance(meta, dict) else None
    name = verikit.get("spec") if isinstance(verikit, dict) else None
    return name if isinstance(name, str) else None


def bases_of(doc: dict[str, Json]) -> tuple[str, ...]:
    """The specs the trace's spec extends (a bug variant's base), if the file says."""
    meta = doc.get("#meta")
    verikit = meta.get("verikit") if isinstance(meta, dict) else None
    bases = verikit.get("bases") if isinstance(verikit, dict) else None
    if not isinstance(bases, list):
        return ()
    return tuple(b for b in bases if isinstance(b, str))


def _const(value: object) -> Json:
    """A constant in #meta: a set or tuple as the spec would write it (consts_of reads it)."""
    return const_text(value) if isinstance(value, frozenset | tuple) else value  # type: ignore[return-value]


def consts_of(doc: dict[str, Json]) -> dict[str, int | bool | str]:
    """The constants a trace was made with (so a replay loads the spec the same way); a set
    or tuple constant comes as its text, for the loader to read."""
    meta = doc.get("#meta")
    verikit = meta.get("verikit") if isinstance(meta, dict) else None
    consts = verikit.get("consts") if isinstance(verikit, dict) else None
    if not isinstance(consts, dict):
        return {}
    for name, value in consts.items():
        if not isinstance(value, int | str):  # bool is an int too
            raise ItfError(
                f"constant {name} must be an int, a bool or a set's text, got {json.dumps(value)}"
            )
    return dict(consts)


def loop_of(doc: dict[str, Json]) -> int | None:
    """The index of the state where a lasso's loop starts (ITF's "loop"), if the trace is
    one: the last state is that state again, or, when it is the last, the run stutters."""
    loop = doc.get("loop")
    if loop is None:
        return None
    if not isinstance(loop, int) or isinstance(loop, bool) or loop < 0:
        raise ItfError(f'"loop" must be the index of a state, got {json.dumps(loop)}')
    return loop


def from_itf(doc: dict[str, Json], model: Model) -> list[State]:
    """The states of an ITF document, in the runtime representation of `model`."""
    states = doc.get("states")
    if not isinstance(states, list):
        raise ItfError('expected a "states" list')
    out = []
    for i, entry in enumerate(states):
        values = []
        for var in model.vars:
            if var.name not in entry:
                raise ItfError(f"state {i}: variable {var.name} is missing")
            try:
                values.append(decode(var.type, entry[var.name]))
            except (ItfError, KeyError, TypeError, ValueError, IndexError) as error:
                raise ItfError(f"state {i}, variable {var.name}: {error}") from None
        out.append(tuple(values))
    return out


# ---------------------------------------------------------------- values


def encode(t: Type, v: Any) -> Json:
    match t:
        case BoolType() | EnumType():
            return v
        case IntType():
            return {"#bigint": str(v)}
        case NodeType(groups=groups):
            return node_name(groups, v)
        case OptionType(inner=inner):
            return NONE if v is None else {"tag": "Some", "value": encode(inner, v)}
        case RecordType(fields=fields) if is_tuple(t):
            return {"#tup": [encode(ft, x) for (_, ft), x in zip(fields, v, strict=True)]}
        case RecordType(fields=fields):
            return {name: encode(ft, x) for (name, ft), x in zip(fields, v, strict=True)}
        case MessageType():
            return {"tag": v[0], "value": encode(t.variant(v[0]), v[1:])}
        case SetType(elem=elem):
            return {"#set": _sorted([encode(elem, x) for x in v])}
        case BagType(elem=elem):
            return {"#map": _sorted([[encode(elem, x), {"#bigint": str(n)}] for x, n in v])}
        case MapType(key=key, value=vt):
            slots = zip(domain(key), v, strict=True)
            return {"#map": [[encode(key, k), encode(vt, x)] for k, x in slots if x is not MISSING]}
        case SeqType(elem=elem):
            return [encode(elem, x) for x in v]
    raise TypeError(f"cannot encode a value of type {t}")


def decode(t: Type, j: Json) -> Any:
    match t:
        case BoolType():
            return _expect(j, bool, "true or false")
        case IntType():
            return _int(j)
        case EnumType(members=members):
            if j not in members:
                raise ItfError(f"expected one of {', '.join(members)}, got {j!r}")
            return j
        case NodeType(groups=groups):
            ids = {node_name(groups, i): i for g in groups for i in g.ids}
            if j not in ids:
                raise ItfError(f"expected a node ({', '.join(ids)}), got {j!r}")
            return ids[j]
        case OptionType(inner=inner):
            return None if _tag(j) == "None" else decode(inner, _variant(j, "Some"))
        case RecordType(fields=fields) if is_tuple(t):
            items = _wrapped(j, "#tup")
            if len(items) != len(fields):
                raise ItfError(f"expected a tuple of {len(fields)}, got {len(items)} items")
            return tuple(decode(ft, x) for (_, ft), x in zip(fields, items, strict=True))
        case RecordType(fields=fields):
            return tuple(decode(ft, _expect(j, dict, "a record")[name]) for name, ft in fields)
        case MessageType():
            name = _tag(j)
            return (name, *decode(t.variant(name), _variant(j, name)))
        case SetType(elem=elem):
            return frozenset(decode(elem, x) for x in _wrapped(j, "#set"))
        case BagType(elem=elem):
            return frozenset((decode(elem, k), _int(n)) for k, n in _wrapped(j, "#map"))
        case MapType(key=key, value=vt):
            slots: list[Any] = [MISSING] * len(domain(key))
            for k, x in _wrapped(j, "#map"):
                slots[ordinal(key, decode(key, k))] = decode(vt, x)
            return tuple(slots)
        case SeqType(elem=elem):
            return tuple(decode(elem, x) for x in _expect(j, list, "a list"))
    raise TypeError(f"cannot decode a value of type {t}")


def _expect(j: Json, kind: type, what: str) -> Json:
    if not isinstance(j, kind):
        raise ItfError(f"expected {what}, got {json.dumps(j)}")
    return j


def _int(j: Json) -> int:
    if isinstance(j, int) and not isinstance(j, bool):
        return j  # ITF also allows plain JSON numbers for small ints
    return int(_expect(j, dict, 'an int {"#bigint": "…"}')["#bigint"])


def _wrapped(j: Json, key: str) -> list[Json]:
    items = _expect(j, dict, f'{{"{key}": […]}}').get(key)
    return list(_expect(items, list, f'{{"{key}": […]}}'))


def _tag(j: Json) -> str:
    return str(_expect(j, dict, 'a variant {"tag": …, "value": …}')["tag"])


def _variant(j: Json, tag: str) -> Json:
    if _tag(j) != tag:
        raise ItfError(f"expected variant {tag}, got {_tag(j)}")
    return j["value"]


def _sorted(items: list[Json]) -> list[Json]:
    """A canonical order for set and map entries, so equal values give equal JSON."""
    return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
