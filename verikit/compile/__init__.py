"""The compiler: core.Model -> Python source -> CompiledModel, the engine's hot path.

`build(model)` generates one Python module per model (codegen.py, with stmts.py, exprs.py
and calls.py for statements, expressions and builtins), compiles and executes it (load.py)
and returns the `CompiledModel` of compiled.py. Generated code calls only the names listed in
runtime.EXPORTED. The source is kept on the result (`CompiledModel.source`), readable and
deterministic, for `verikit compile --emit-python`.
"""

from __future__ import annotations

from verikit.compile.codegen import generate
from verikit.compile.compiled import CompiledModel, Successor
from verikit.compile.load import load
from verikit.core.model import Model


def build(model: Model) -> CompiledModel:
    """Compile `model`; runtime faults of the spec surface as SpecFault from its callables."""
    return load(model, generate(model))


__all__ = ["CompiledModel", "Successor", "build", "generate"]
