"""Collecting diagnostics: semantics reports every problem it finds, then raises once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from verikit.errors import Diagnostic, Span, SpecError


class Diagnostics:
    """An append-only list of errors; `raise_if_any` raises one SpecError holding them all,
    de-duplicated (a type may be resolved more than once) and ordered by position."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(span, message, hint=hint))

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        unique = list(dict.fromkeys(self.items))
        unique.sort(key=lambda d: (d.span.file, d.span.line, d.span.col))
        raise SpecError(unique)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """` — did you mean `term`?` for the closest candidate, or "" when nothing is close."""
    names = sorted(set(candidates) - {name})
    same = [c for c in names if c.lower() == name.lower()]
    close = same or difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f" — did you mean `{close[0]}`?" if close else ""


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
