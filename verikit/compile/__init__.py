"""The compiler: core.Model -> Python source -> CompiledModel, the engine's hot path.

`build(model)` generates one Python module per model and executes it:

* codegen.py lays out the module (constants, one function per action, `next_states` with
  every action inlined, `labelled_successors`, init, property predicates, `fingerprint`);
* stmts.py compiles statement blocks (forks in continuation style, single assignment),
  exprs.py expressions (inline, faults raised in place) and calls.py the builtins;
* analysis.py and rewrite.py hold the static facts and quantifier rewrites that let the
  generated code skip checks and loops; source.py writes literals, names and lines;
* load.py compiles and executes the text; runtime.py is all generated code may call
  (its EXPORTED list is the contract between the generator and its output).

The source is kept on the result (`CompiledModel.source`), readable and deterministic, for
`verikit compile --emit-python`.
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
