"""Which action a runtime fault belongs to, so a fault found by any pass is named alike."""

from __future__ import annotations

import sys

from verikit.core.model import Model
from verikit.errors import Span


def action_at(model: Model, span: Span) -> str | None:
    """The one action whose source span contains `span`, if exactly one does."""
    found = [a.name for a in model.actions if _contains(a.span, span)]
    return found[0] if len(found) == 1 else None


def _contains(outer: Span, inner: Span) -> bool:
    if outer.file != inner.file or outer.line == 0:
        return False
    end = (outer.end_line, outer.end_col) if outer.end_line else (outer.line, sys.maxsize)
    return (outer.line, outer.col) <= (inner.line, inner.col) <= end
