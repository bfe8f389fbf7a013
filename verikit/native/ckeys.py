"""Fairness keys of successors, for the state graph the native search builds for liveness.

A transition belongs to a fairness obligation (declaration, key) where the key is made of the
values of some of the action's parameters (its `node_param` for `fair node`, its
`message_param` for `fair delivery`; core/model.py, Fairness). The C search learns the action
of each successor from `vk_push`; for an action whose fairness is keyed by parameters, the
generated code also packs the values of every such parameter (in declaration order, each in
its type's layout, layout.py) into VK_KEY_WORDS words and hands them to the search through
`vk_out.key`. The search interns (action, key words) into binding ids; `decode` turns a
binding's words back into those parameter values, so engine/graph.py labels a binding exactly
as it labels a transition of the Python engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verikit.core.model import Action, Model
from verikit.core.types import Type
from verikit.native.cpack import Packer
from verikit.native.layout import Layout, _Reader, _unpack, layout_of


@dataclass(frozen=True)
class KeyParam:
    """One keyed parameter of an action: its position, name and layout in the key words."""

    position: int
    name: str
    type: Type
    layout: Layout
    offset: int  # bit offset in the key words


def keyed_params(model: Model) -> dict[int, tuple[KeyParam, ...]]:
    """Per action index: the parameters its fairness obligations are keyed by (actions with
    none are left out). NativeRefusal when a parameter's type has no bounded layout."""
    wanted: dict[int, set[str]] = {}
    for fairness in model.fairness:
        for a in fairness.actions:
            names = fairness.key_names(model.actions[a])
            if names:
                wanted.setdefault(a, set()).update(names)
    return {a: _layouts(model, model.actions[a], names) for a, names in sorted(wanted.items())}


def _layouts(model: Model, action: Action, names: set[str]) -> tuple[KeyParam, ...]:
    bound = model.network.max_in_flight if model.network is not None else None
    keyed, offset = [], 0
    for position, p in enumerate(action.params):
        if p.name in names:
            lay = layout_of(p.type, action.span, bound)
            keyed.append(KeyParam(position, p.name, p.type, lay, offset))
            offset += lay.bits
    return tuple(keyed)


def key_words(keyed: dict[int, tuple[KeyParam, ...]]) -> int:
    """Words of the widest key (at least 1)."""
    bits = [sum(k.layout.bits for k in ks) for ks in keyed.values()]
    return max([1, *((b + 63) // 64 for b in bits)])


class KeyPacker(Packer):
    """The state packer, with loop variables of its own (the parameter values it packs are
    expressions over the action function's loop variables)."""

    def _var(self) -> str:
        self._loop += 1
        return f"vk_k{self._loop}"


def defines(keyed: dict[int, tuple[KeyParam, ...]], n_actions: int, ok: bool) -> list[str]:
    """VK_KEY_WORDS, VK_KEYS_OK (0: a keyed parameter has no layout, the graph cannot be
    labelled natively) and VK_ACTION_KEYED (1 for an action whose successors carry a key)."""
    flags = ", ".join("1" if a in keyed else "0" for a in range(n_actions)) or "0"
    return [
        f"#define VK_KEY_WORDS {key_words(keyed)}",
        f"#define VK_KEYS_OK {int(ok)}",
        f"static const unsigned char VK_ACTION_KEYED[{max(n_actions, 1)}] = {{{flags}}};",
    ]


def key_code(packer: Packer, keys: tuple[KeyParam, ...], names: dict[str, str], words: int
             ) -> list[str]:  # fmt: skip
    """C statements (inside an action function, after its vk_push) handing the keyed
    parameters' packed values to the search, when it asks for them (`o->key` set)."""
    lines = [f"if (o->key) {{ uint64_t w[{words}]; memset(w, 0, sizeof w);"]
    for key in keys:
        lines += packer.pack(key.layout, key.type, names[key.name], str(key.offset), "  ")
    return [*lines, "  o->key(o, w); }"]


def decode(keys: tuple[KeyParam, ...], n_params: int, words: tuple[int, ...]) -> tuple[Any, ...]:
    """The action's parameter values as far as its fairness keys tell them (None elsewhere)."""
    acc = 0
    for i, word in enumerate(words):
        acc |= int(word) << (64 * i)
    params: list[Any] = [None] * n_params
    for key in keys:
        reader = _Reader(acc)
        reader.pos = key.offset
        params[key.position] = _unpack(key.layout, reader)
    return tuple(params)
