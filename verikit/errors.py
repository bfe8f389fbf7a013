"""Source spans and diagnostics: the one error currency of every pipeline stage.

Every stage reports problems in a spec as `Diagnostic`s carrying a `Span`; a stage that
cannot continue raises `SpecError` with all the diagnostics it collected. `render` turns a
diagnostic into the ``file:line:col: error: …`` text with the source line and a caret that
users see, so no stage ever formats errors on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Span:
    """A region of a source file; lines and columns count from 1."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NO_SPAN = Span("<builtin>", 0, 0)


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a spec: where, what, and optionally a hint ("did you mean …")."""

    span: Span
    message: str
    severity: str = "error"  # "error" | "warning"
    hint: str | None = None


class SpecError(Exception):
    """The spec cannot be used; carries every diagnostic collected so far."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(f"{d.span}: {d.message}" for d in self.diagnostics))


@dataclass(frozen=True)
class SourceFile:
    """A spec's text with its display name; what `render` needs to show a line."""

    name: str
    text: str
    lines: tuple[str, ...] = field(init=False, repr=False)
    # the files a variant extends (`spec B extends "a.dsl"`), read with it: spans into them
    # are shown from them
    included: tuple[SourceFile, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.text.splitlines()))

    def line(self, number: int) -> str | None:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else None

    def file(self, name: str) -> SourceFile | None:
        """This file or an included one, by name."""
        if name == self.name:
            return self
        return next((f for f in self.included if f.name == name), None)


def render(diagnostic: Diagnostic, source: SourceFile | None = None) -> str:
    """``file:line:col: error: message``, then the source line and a caret under the column."""
    span = diagnostic.span
    out = [f"{span}: {diagnostic.severity}: {diagnostic.message}"]
    shown = source  # a span into a file the variant extends is shown from that file
    if source is not None and source.included:
        shown = source.file(span.file)
    text = shown.line(span.line) if shown is not None else None
    if text is not None:
        gutter = f"{span.line:>4} | "
        width = 1
        if span.end_line == span.line and span.end_col > span.col:
            width = span.end_col - span.col
        caret_pad = "".join(c if c == "\t" else " " for c in text[: max(span.col - 1, 0)])
        out.append(gutter + text)
        out.append(" " * (len(gutter) - 2) + "| " + caret_pad + "^" * width)
    if diagnostic.hint:
        out.append(f"  hint: {diagnostic.hint}")
    return "\n".join(out)


def render_all(error: SpecError, source: SourceFile | None = None) -> str:
    return "\n".join(render(d, source) for d in error.diagnostics)


class SpecFault(Exception):
    """A runtime fault while executing a spec (integer out of range, index past the end of a
    sequence, missing map key, …); the span is the spec text that caused it."""

    def __init__(self, message: str, span: Span = NO_SPAN) -> None:
        super().__init__(f"{span}: {message}")
        self.message = message
        self.span = span
