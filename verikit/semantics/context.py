"""What checking an expression or statement needs to know: the analysis-wide `Env` and the
per-body `Ctx` (which node we are in, which locals are bound, whether inside a `for`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from verikit.core import ir
from verikit.core.types import NodeGroup, NodeType, Type
from verikit.semantics.consts import Consts
from verikit.semantics.diagnostics import Diagnostics
from verikit.semantics.scope import Declarations, NodeScope
from verikit.semantics.types import Types

if TYPE_CHECKING:
    from verikit.semantics.fns import FnLibrary
    from verikit.semantics.network import Network

RESERVED_LOCALS = ("self", "envelope", "channel", "position", "node", "S")
"""IR names verikit binds itself in actions; a user local of the same name is renamed."""


@dataclass(frozen=True)
class Binding:
    """A local name: its IR name (renamed inside inlined fns), type, and what bound it
    ("let" locals are the only assignable ones)."""

    ir_name: str
    type: Type
    kind: str  # "let" | "param" | "choose" | "for" | "bound" | "message" | "sender"


@dataclass(frozen=True)
class NodeCtx:
    """Checking code inside node group `scope.name`, whose ids are `group`."""

    scope: NodeScope
    group: NodeGroup

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def type(self) -> NodeType:
        return NodeType((self.group,))

    def self_local(self) -> ir.Local:
        return ir.Local("self", self.type)


@dataclass(frozen=True)
class Ctx:
    node: NodeCtx | None = None
    scope: Mapping[str, Binding] = field(default_factory=dict)
    in_for: bool = False
    suffix: str = ""  # appended to the IR names of locals bound here (inlined fn bodies)
    in_property: bool = False  # a property may read the network (`in_flight`); code may not
    step_width: int | None = None  # an action property: `x'` reads slot index + step_width
    primed: bool = False  # inside `e'` (priming again is an error)
    narrowed: frozenset[str] = frozenset()  # optional places known not none here (narrowing.py)


@dataclass
class Env:
    """Everything analysis-wide: declarations, constants, types, state slots, the network."""

    decls: Declarations
    diags: Diagnostics
    consts: Consts
    types: Types
    groups: dict[str, NodeGroup]
    nodes: dict[str, NodeCtx]
    slots: dict[str, ir.StateVar]  # global var `x` and node var `G.x` → its slot
    senders: dict[str, NodeType]  # message → the groups that send it
    network: Network | None = None
    fns: FnLibrary | None = None
