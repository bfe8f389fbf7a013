"""Writing Python source deterministically: literals, names, indented lines, module constants.

The same Model must always give the same text (tests diff it, users read it), so nothing here
iterates a set or depends on hash order: frozenset literals are sorted by their text, and
constants are numbered in the order the generator first asks for them.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from verikit.core.types import MISSING, Type
from verikit.errors import Span


def literal(value: Any) -> str:
    """Python source evaluating to `value` (a runtime value of core.types)."""
    if value is MISSING:
        return "MISSING"
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, frozenset):
        if not value:
            return "frozenset()"
        return "frozenset({" + ", ".join(sorted(literal(v) for v in value)) + "})"
    raise TypeError(f"no literal for {value!r}")


def folds(value: Any) -> bool:
    """True when CPython compiles `literal(value)` to a single constant (scalars and tuples of
    them), so inlining it costs nothing; anything else is hoisted to a module constant."""
    if value is None or isinstance(value, bool | int | str):
        return True
    return isinstance(value, tuple) and all(folds(v) for v in value)


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONSTANT = re.compile(r"[A-Z]+_\d+")  # the shape of Constants' names


def identifier(text: str) -> str:
    """A readable Python identifier from a spec name (`Participant.state` -> `Participant_state`)."""
    name = re.sub(r"\W", "_", text) or "x"
    if not _IDENT.fullmatch(name) or keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = "x_" + name
    return name


class Namer:
    """Fresh local names for one generated function: a spec name when it is free, else with a
    numeric suffix. Module-level names (constants, runtime helpers) are never handed out, nor
    any other `reserved` name (the state slots' names, which every function shares)."""

    def __init__(self, *reserved: frozenset[str]) -> None:
        self._reserved = reserved  # shared by every function of a module: never copied
        self._used: set[str] = set()

    def fresh(self, hint: str) -> str:
        base = identifier(hint)
        name, n = base, 1
        while self._taken(name) or _CONSTANT.fullmatch(name):
            n += 1
            name = f"{base}_{n}"
        self._used.add(name)
        return name

    def _taken(self, name: str) -> bool:
        return name in self._used or any(name in names for names in self._reserved)


# CPython's own limits on one module's code: 99 levels of indentation, and 20 nested blocks
# (`for`, `while`, `try`, `with`) in one function. Generated code nests a level per `if`,
# parameter, `choose` and `for` (and statements after a `choose` run inside its loop).
MAX_INDENT = 99
MAX_BLOCKS = 20
_BLOCKS = ("for ", "while ", "try:", "with ")


class CodeTooDeep(Exception):
    """The generated code would nest beyond CPython's limits (`MAX_INDENT`, `MAX_BLOCKS`)."""


class Writer:
    """Indented source lines; refuses to nest beyond what CPython compiles (CodeTooDeep)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._depth = 0
        self._blocks: list[bool] = []  # per open indentation: does it open a block?

    def line(self, text: str = "") -> None:
        self.lines.append("    " * self._depth + text if text else "")

    @contextmanager
    def indent(self) -> Iterator[None]:
        opener = self.lines[-1].lstrip() if self.lines else ""
        self._blocks.append(opener.startswith(_BLOCKS))
        self._depth += 1
        try:
            if self._depth > MAX_INDENT:
                raise CodeTooDeep(f"more than {MAX_INDENT} levels of indentation")
            if sum(self._blocks) > MAX_BLOCKS:
                raise CodeTooDeep(f"more than {MAX_BLOCKS} nested loops and `try` blocks")
            yield
        finally:
            self._depth -= 1
            self._blocks.pop()

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class Constants:
    """Module-level constants of a generated module, deduplicated by their source text."""

    def __init__(self) -> None:
        self._by_text: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}  # constants per prefix: the next one's number
        self.defs: list[tuple[str, str, str]] = []  # (name, source text, comment)

    def add(self, prefix: str, text: str, comment: str = "") -> str:
        key = (prefix, text)
        if key not in self._by_text:
            number = self._counts.get(prefix, 0)
            self._counts[prefix] = number + 1
            name = f"{prefix}_{number}"
            self._by_text[key] = name
            self.defs.append((name, text, comment))
        return self._by_text[key]

    def value(self, value: Any, comment: str = "") -> str:
        return self.add("K", literal(value), comment)

    def span(self, span: Span) -> str:
        text = f"Span({span.file!r}, {span.line}, {span.col}, {span.end_line}, {span.end_col})"
        return self.add("SPAN", text, str(span))

    def type(self, t: Type) -> str:
        return self.add("TYPE", repr(t), str(t))

    @staticmethod
    def line(name: str, text: str, comment: str) -> str:
        """The definition of one constant, with its comment when the line stays short."""
        line = f"{name} = {text}"
        return f"{line}  # {comment}" if comment and len(line) + len(comment) < 96 else line
