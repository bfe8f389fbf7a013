"""Generated source -> a live CompiledModel: compile() once, exec() into a fresh namespace."""

from __future__ import annotations

import linecache
import warnings
from typing import Any

from verikit.compile.compiled import CompiledModel
from verikit.core.model import Model


def load(model: Model, source: str) -> CompiledModel:
    """Execute `source` (from codegen.generate(model)) and pick out its entry points."""
    filename = f"<verikit {model.name}>"
    with warnings.catch_warnings():
        # CPython warns about constant expressions that must fail (`0[1]`); only ill-typed IR
        # produces those, and running them raises the error as a SpecFault where it happens.
        warnings.simplefilter("ignore", SyntaxWarning)
        code = compile(source, filename, "exec")
    # Tracebacks through generated code show its lines (useful when debugging the compiler).
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {"__name__": "verikit_generated"}
    exec(code, namespace)  # noqa: S102 - our own generated code, the point of this module
    properties = tuple(zip(model.properties, namespace["PROPERTIES"], strict=True))
    return CompiledModel(
        model=model,
        source=source,
        init_states=namespace["init_states"],
        next_states=namespace["next_states"],
        labelled_successors=namespace["labelled_successors"],
        properties=properties,
        fingerprint=namespace["fingerprint"],
        action_hits=namespace["action_hits"],
        triggers=namespace["TRIGGERS"],
        init_block=namespace["init_block"],
    )
