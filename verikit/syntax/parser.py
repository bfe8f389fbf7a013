"""`parse`: spec text -> `ast.Spec`, or a `SpecError` whose message a user can act on.

The Lark LALR parser is built once per process (and cached on disk by Lark). Every Lark
error is translated here into one `Diagnostic` at the exact line:col of the offending token,
saying what was found and, in words, what was expected; no Lark exception escapes.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.lexer import PatternStr

from verikit.errors import Diagnostic, Span, SpecError
from verikit.syntax import ast
from verikit.syntax.depth import shape
from verikit.syntax.heap import paused_gc
from verikit.syntax.transform import ToAst


@cache
def _lark() -> Lark:
    return Lark.open(
        "grammar.lark",
        rel_to=__file__,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        cache=True,
    )


def parse(text: str, filename: str = "<spec>") -> ast.Spec:
    """Parse one spec file; raise `SpecError` (one diagnostic) on the first syntax error."""
    with paused_gc():  # linear time in the size of the spec (syntax/heap.py)
        return _parse(text, filename)


def _parse(text: str, filename: str) -> ast.Spec:
    try:
        tree: Tree[Token] = _parse_tree(text)
    except UnexpectedInput as error:
        raise SpecError([_diagnose(error, text, filename)]) from None
    try:
        spec = ToAst(filename).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, SpecError):
            raise error.orig_exc from None
        raise
    return shape(spec)  # balanced chains, bounded depth: every later stage may recurse


# ---------------------------------------------------------------- error messages

# Expected terminals, grouped: when a group's marker terminals are all expected, the whole
# group is reported as one phrase ("a declaration") instead of a dozen keywords.
_GROUPS: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    ("a declaration", frozenset({"action", "var", "fn"}), frozenset({
        "const", "type", "message", "network", "durable", "var", "init", "action", "fn",
        "node", "symmetric", "on", "invariant", "reachable", "constraint", "terminal", "expect",
        "lemma", "property", "fair", "strong", "query", "deadlock", "drop", "extends"})),
    ("a statement", frozenset({"let", "choose", "skip"}), frozenset({
        "if", "choose", "for", "let", "require", "assert", "send", "broadcast", "skip", "NAME"})),
    ("a type", frozenset({"enum", "record", "set"}), frozenset({
        "NAME", "INT", "DECIMAL", "RECORD_NAME", "(", "{", "[", "-", "true", "false", "none",
        "self", "all", "enum", "record", "set", "map", "seq", "tuple"})),
    ("an expression", frozenset({"INT", "NAME", "("}), frozenset({
        "INT", "DECIMAL", "NAME", "RECORD_NAME", "(", "{", "[", "-", "not", "true", "false", "none",
        "self", "all", "forall", "exists", "if", "let", "pick"})),
    ("an operator", frozenset({"*"}), frozenset({
        "==", "!=", "<", "<=", ">", ">=", "in", "not", "subset", "+", "-", "*", "/", "%", "&",
        "and", "or", "implies", "=>", ".", "[", "(", "..", "?", "'"})),
)  # fmt: skip

_WORDS = {
    "NAME": "a name",
    "INT": "a number",
    "DECIMAL": "a decimal number",
    "RECORD_NAME": "a record literal `Name { field: value }`",
    "$END": "end of file",
}

_CLOSERS = ("}", ")", "]", ">")
_MAX_LISTED = 5


# Keywords that stay usable as names everywhere (the grammar expects them after `property
# Name:` only, where a name cannot stand).
_SOFT_KEYWORDS = frozenset({"eventually", "always"})


@cache
def keywords() -> frozenset[str]:
    """The words the lexer may read as keywords instead of names (where the grammar could
    accept the keyword); field names are always fine (`m.from`, `Transfer { to: b }`)."""
    words = {
        t.pattern.value
        for t in _lark().terminals
        if isinstance(t.pattern, PatternStr) and re.fullmatch(r"[a-z_]+", t.pattern.value)
    }
    return frozenset(words - _SOFT_KEYWORDS)


def _parse_tree(text: str) -> Tree[Token]:
    return _lark().parse(text, on_error=_KeywordAsName(text))


_BETWEEN_TOKENS = re.compile(r"(?:\s|//[^\n]*|#[^\n]*)*")


class _KeywordAsName:
    """A keyword where a name is expected and the keyword is not is that name: LALR merges
    the states after an expression, so the lexer may read `network` at the start of the next
    statement as the keyword (a declaration may follow an expression elsewhere). Feeding it
    as a NAME lets parsing go on. When the very next token fails too, the keyword was not a
    name after all (`invariant I: …` after a missing `}`): the error is the keyword's."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.fed: UnexpectedToken | None = None  # the last keyword fed as a name

    def __call__(self, error: UnexpectedInput) -> bool:
        if not isinstance(error, UnexpectedToken):
            return False
        token, fed = error.token, self.fed
        if fed is not None and _BETWEEN_TOKENS.fullmatch(
            self.text, fed.token.end_pos or 0, token.start_pos or 0
        ):
            raise fed  # the token right after it failed: report the keyword itself
        if str(token) not in keywords() or "NAME" not in _accepted(error):
            return False
        error.interactive_parser.feed_token(Token.new_borrow_pos("NAME", str(token), token))
        self.fed = error
        return True


def _accepted(error: UnexpectedToken) -> set[str]:
    try:
        return set(error.accepts or error.expected)
    except LarkError:  # pragma: no cover - accepts() replays the parser; be safe
        return set(error.expected)


_NAME_PROBE = """spec Probe
var {w}: int = 0
var other: int = 0
action a {{
  other = 1
  {w} = {w} + 1
  {w} = 2
}}
action b when {w} > 0 {{ other = {w} }}
invariant I: {w} == other or other != {w}
"""


@cache
def unusable_as_name(word: str) -> bool:
    """Whether a keyword fails as a variable's name somewhere it would be used: a statement
    starting with `network` reads as the start of a `network` declaration. (LALR merges the
    states after an expression, so what may follow one anywhere is a keyword there.)"""
    if word not in keywords():
        return False
    if word in ("true", "false", "none", "self"):  # parses, but reads as the literal
        return True
    try:
        _parse_tree(_NAME_PROBE.format(w=word))
    except LarkError:
        return True
    return False


_DECLARED_AS = r"\b(?:var|let|const|fn|type|node|message|choose|for)\s+{}\b"


def _keyword_hint(text: str, pos: int, found: str) -> str | None:
    """A keyword used as a name (declared as one, which parses) fails where the lexer reads
    it as the keyword: name the declaration and say to rename it."""
    word = _LAST_WORD.search(text[:pos].rstrip())
    for candidate in (found, word.group(1) if word else ""):
        if candidate in keywords():
            declared = re.search(_DECLARED_AS.format(candidate), text)
            if declared is not None:
                line = text.count("\n", 0, declared.start()) + 1
                return (f"`{candidate}` is a keyword, so it cannot name a variable (declared at "
                        f"line {line}); rename it, e.g. `{candidate}_`")  # fmt: skip
    return None


def _diagnose(error: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    if isinstance(error, UnexpectedToken):
        return _unexpected_token(error, text, filename)
    if isinstance(error, UnexpectedCharacters):
        pos = error.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        span = Span(filename, error.line, error.column, error.line, error.column + 1)
        shown = f"`{char}`" if char.isprintable() else f"U+{ord(char or chr(0)):04X}"
        return Diagnostic(span, f"unexpected character {shown}")
    if isinstance(error, UnexpectedEOF):  # only Earley raises it; kept for completeness
        line = text.count("\n") + 1
        span = Span(filename, line, len(text) - text.rfind("\n"))
        return Diagnostic(span, "unexpected end of file")
    return _fallback(error, filename)


def _fallback(error: LarkError, filename: str) -> Diagnostic:
    line = getattr(error, "line", 1)
    col = getattr(error, "column", 1)
    return Diagnostic(Span(filename, line, col), f"syntax error: {error}")


def _unexpected_token(error: UnexpectedToken, text: str, filename: str) -> Diagnostic:
    token = error.token
    expected = _expected_terminals(error)
    phrase = _expected_phrase(expected)
    if token.type == "$END":
        line, col = _end_position(token)
        span = Span(filename, line, col, line, col + 1)
        hint = _hint(text, len(text), "", expected)
        return Diagnostic(span, f"unexpected end of file; expected {phrase}", hint=hint)
    end_line = token.end_line or token.line or 1
    end_col = token.end_column or (token.column or 1) + len(token)
    span = Span(filename, token.line or 1, token.column or 1, end_line, end_col)
    pos = token.start_pos or 0
    hint = _keyword_hint(text, pos, str(token)) or _hint(text, pos, str(token), expected)
    return Diagnostic(span, f"unexpected `{token}`; expected {phrase}", hint=hint)


_EMPTY_RECORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\{\s*\}\s*$")
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "subset"}
_COMPARISON = re.compile(r"==|!=|<|>|\bin\b|\bsubset\b")


def _hint(text: str, pos: int, found: str, expected: set[str]) -> str | None:
    """Advice for mistakes the grammar alone cannot word well."""
    empty = _EMPTY_RECORD.search(text, 0, pos)
    if "{" in expected and empty is not None:
        return (f"`{empty.group(1)} {{}}` reads as an empty record literal; "
                "write an empty block as `{ skip }`")  # fmt: skip
    if found == ">=" and ">" in expected:
        return "put a space between `>` and `=`: `>=` is the comparison"
    before = text[:pos].rstrip()
    if before.endswith(".") and before[-2:-1].isdigit():
        return "a decimal has digits on both sides of its point: `1.0`"
    if found == "." and "INT" in expected and text[pos + 1 : pos + 2].isdigit():
        return "a decimal has digits on both sides of its point: `0.5`"
    line_before = text[text.rfind("\n", 0, pos) + 1 : pos]
    if found in _COMPARISONS and found not in expected and _COMPARISON.search(line_before):
        return "comparisons do not chain: write `a < b and b < c`"
    return _temporal_hint(before, found)


_TEMPORAL = ("eventually", "always", "leads_to")
_LAST_WORD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)$")


def _temporal_hint(before: str, found: str) -> str | None:
    """`eventually` and `always` stay usable as names, so a misplaced or misspelt one parses
    as a name and the error lands on the next token: say what was probably meant."""
    word = _LAST_WORD.search(before)
    previous = word.group(1) if word else ""
    if previous in ("eventually", "always") and found not in _TEMPORAL:
        return ("`eventually` and `always` are temporal operators: they go in `property Name: "
                "…` (not in an invariant or lemma) and do not nest, except `always eventually` and "
                "`eventually always`")  # fmt: skip
    for name in (found, previous):
        close = difflib.get_close_matches(name, _TEMPORAL, n=1, cutoff=0.8)
        if close and close[0] != name:
            return f"did you mean `{close[0]}`?"
    return None


def _end_position(token: Token) -> tuple[int, int]:
    """Lark places the end-of-input token at the last real token; point just past it."""
    if token.end_line is None or token.end_column is None:
        return 1, 1
    return token.end_line, token.end_column


def _expected_terminals(error: UnexpectedToken) -> set[str]:
    """The terminals the parser would accept, as their text (`}`) or their name (`NAME`)."""
    try:
        names = set(error.accepts or error.expected)
    except LarkError:  # pragma: no cover - accepts() replays the parser; be safe
        names = set(error.expected)
    terminals = {t.name: t for t in _lark().terminals}
    out = set()
    for name in names:
        terminal = terminals.get(name)
        if terminal is not None and isinstance(terminal.pattern, PatternStr):
            out.add(terminal.pattern.value)
        else:
            out.add(name)
    return out


def _expected_phrase(expected: set[str]) -> str:
    """Human words for an expected set: closers, groups, other tokens, then "an operator"."""
    rest = expected - {";", "$END"}  # `;` is always optional: never worth saying
    groups = []
    for phrase, markers, members in _GROUPS:
        if markers <= rest:
            groups.append(phrase)
            rest -= members
    phrases = [f"`{c}`" for c in _CLOSERS if c in rest]
    phrases += [g for g in groups if g != "an operator"]
    phrases += sorted(_word(name) for name in rest - set(_CLOSERS))
    if "an operator" in groups:
        phrases.append("an operator")
    if "$END" in expected:
        phrases.append("end of file")
    if not phrases:
        return "something else"
    listed = phrases[:_MAX_LISTED]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]


def _word(name: str) -> str:
    return _WORDS.get(name, f"`{name}`")
