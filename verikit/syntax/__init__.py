"""The syntax stage: spec text <-> surface AST (verikit.syntax.ast).

`parse(text, filename="<spec>") -> ast.Spec` reads one `.dsl` file; on bad syntax it raises
`verikit.errors.SpecError` with one diagnostic at the exact line:col of the offending token,
saying what was found and what was expected. `format_spec(spec) -> str` prints any AST as
canonical text, and `parse(format_spec(spec)) == spec` (spans do not take part in equality).

    >>> from verikit.syntax import parse, format_spec
    >>> spec = parse("spec Tiny\\nvar x: 0..3 = 0\\naction inc when x < 3 { x = x + 1 }")
    >>> spec.decls[1].guard
    BinOp(op='<', left=Name(id='x'), right=IntLit(value=3))
    >>> print(format_spec(spec), end="")
    spec Tiny
    <BLANKLINE>
    var x: 0..3 = 0
    <BLANKLINE>
    action inc when x < 3 {
      x = x + 1
    }

Names are not resolved here: `Participant` in `forall p in Participant` is just
`Name("Participant")`; semantics/ decides what it means.
"""

from verikit.syntax.parser import parse
from verikit.syntax.printer import format_spec

__all__ = ["format_spec", "parse"]
