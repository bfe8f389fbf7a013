"""Seeded mutators over spec text: the hostile user's edits, made reproducible.

Each mutator takes a `random.Random` and a spec's text and returns the mutated text with a
one-line description of what it did, so a failure report says how its mutant was made. Text is
a `str`; a raw byte that is not UTF-8 is carried as a lone surrogate (`surrogateescape`), so
`encode` turns the mutant back into exactly the bytes a user's editor could have saved.

The mutators follow the hardening issue (issue 10): delete, duplicate or swap tokens, replace
numbers by huge ones, deep nesting of `if`s, parentheses, `not`, `and`/`or` and `+` chains,
truncation, random bytes and unicode, duplicate declarations and swapped keywords.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|\#[^\n]*)
  | (?P<space>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\.|->|=>|==|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)

GRAMMAR = Path(__file__).resolve().parents[2] / "verikit" / "syntax" / "grammar.lark"
_RULES = re.sub(r"//[^\n]*", "", GRAMMAR.read_text(encoding="utf-8"))
KEYWORDS = sorted(set(re.findall(r'"([a-z_]+)"', _RULES)))  # every keyword of the grammar

# A line that starts a declaration or a member of a node.
DECLARATION = re.compile(
    r"\s*(const|type|message|network|var|durable|init|action|fn|node|symmetric|on|invariant"
    r"|reachable|lemma|constraint|property|fair|strong|terminal|expect|query)\b"
)

HUGE_NUMBERS = (
    "1000000",
    "1000000000",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999",
    "100000000000000000000",
    "1" + "0" * 400,
    "0",
)

SMALL_NUMBERS = ("0", "1", "2", "3", "7", "0.5")

OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "&", "..") + (
    ("and", "or", "not", "implies", "=>", "in", "subset", "?", ":", ",", ".", "->", "=")
)

NESTING_DEPTHS = (20, 60, 98, 120, 250, 500, 1000, 3000)

# Odd bytes and characters: NUL, controls, a byte that is not UTF-8 (as a surrogate escape),
# a BOM, a zero-width space, a right-to-left override, letters outside ASCII, an emoji, a
# digit that is not ASCII, CR line ends, a tab and a form feed.
ODD_CHARACTERS = (
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\udcff",
    "\udcc3",
    "\ufeff",
    "\u200b",
    "\u202e",
    "é",
    "Ж",
    "𝔸",
    "\U0001f600",
    "٣",
    "\r",
    "\r\n",
    "\t",
    "\x0c",
    "\u2028",
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True)
class Mutation:
    """A mutant's text, what was done to make it, and extra `--const` overrides (NAME=VALUE)
    for the command line."""

    text: str
    description: str
    consts: tuple[str, ...] = ()


def tokenize(text: str) -> list[Token]:
    return [Token(m.lastgroup or "op", m.group()) for m in TOKEN.finditer(text)]


def join(tokens: list[Token]) -> str:
    return "".join(token.text for token in tokens)


def significant(tokens: list[Token]) -> list[int]:
    """Indices of the tokens that are neither space nor comment."""
    return [i for i, token in enumerate(tokens) if token.kind not in ("space", "comment")]


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


# ------------------------------------------------------------------ token edits


def delete_tokens(rng: random.Random, text: str) -> Mutation:
    tokens = tokenize(text)
    indices = significant(tokens)
    chosen = sorted(rng.sample(indices, min(rng.randint(1, 3), len(indices))))
    gone = [tokens[i].text for i in chosen]
    for i in reversed(chosen):
        del tokens[i]
    return Mutation(join(tokens), f"delete tokens {gone!r}")


def duplicate_token(rng: random.Random, text: str) -> Mutation:
    tokens = tokenize(text)
    i = rng.choice(significant(tokens))
    tokens.insert(i, Token("space", " "))
    tokens.insert(i, tokens[i + 1])
    return Mutation(join(tokens), f"duplicate token {tokens[i].text!r}")


def swap_tokens(rng: random.Random, text: str) -> Mutation:
    tokens = tokenize(text)
    indices = significant(tokens)
    if len(indices) < 2:
        return duplicate_token(rng, text)
    at = rng.randrange(len(indices) - 1)
    i, j = indices[at], indices[at + 1] if rng.random() < 0.6 else rng.choice(indices)
    tokens[i], tokens[j] = tokens[j], tokens[i]
    return Mutation(join(tokens), f"swap tokens {tokens[j].text!r} and {tokens[i].text!r}")


def swap_keyword(rng: random.Random, text: str) -> Mutation:
    tokens = tokenize(text)
    keywords = [i for i in significant(tokens) if tokens[i].text in KEYWORDS]
    i = rng.choice(keywords or significant(tokens))
    old = tokens[i].text
    new = rng.choice([keyword for keyword in KEYWORDS if keyword != old])
    tokens[i] = Token("word", new)
    return Mutation(join(tokens), f"keyword {old!r} -> {new!r}")


def huge_number(rng: random.Random, text: str) -> Mutation:
    tokens = tokenize(text)
    numbers = [i for i, token in enumerate(tokens) if token.kind == "number"]
    if not numbers:
        return append_declaration(text, f"const FuzzHuge = {rng.choice(HUGE_NUMBERS)}")
    chosen = rng.sample(numbers, min(rng.choice((1, 1, 2, 3)), len(numbers)))
    huge = rng.choice(HUGE_NUMBERS)
    for i in chosen:
        tokens[i] = Token("number", huge)
    return Mutation(join(tokens), f"{len(chosen)} number(s) -> {_short(huge)}")


def small_number(rng: random.Random, text: str) -> Mutation:
    """A number made small or empty-making (`1..0`, a group of 0 nodes, `max_in_flight: 0`)."""
    tokens = tokenize(text)
    numbers = [i for i, token in enumerate(tokens) if token.kind == "number"]
    if not numbers:
        return huge_number(rng, text)
    i = rng.choice(numbers)
    old = tokens[i].text
    tokens[i] = Token("number", rng.choice([n for n in SMALL_NUMBERS if n != old]))
    return Mutation(join(tokens), f"number {old} -> {tokens[i].text}")


def swap_operator(rng: random.Random, text: str) -> Mutation:
    """An operator replaced by another: the spec still parses more often than not, so the
    mutant reaches the type checker, the engines and the trace display."""
    tokens = tokenize(text)
    operators = [i for i in significant(tokens) if tokens[i].text in OPERATORS]
    if not operators:
        return swap_keyword(rng, text)
    i = rng.choice(operators)
    old = tokens[i].text
    new = rng.choice([op for op in OPERATORS if op != old])
    tokens[i] = Token("op", f" {new} ")
    return Mutation(join(tokens), f"operator {old!r} -> {new!r}")


def swap_name(rng: random.Random, text: str) -> Mutation:
    """A name replaced by another name of the spec: a variable for a type, a node for an
    action, a message for a field — mix-ups that parse but must be refused by name."""
    tokens = tokenize(text)
    words = [i for i in significant(tokens) if tokens[i].kind == "word"]
    names = sorted({tokens[i].text for i in words if tokens[i].text not in KEYWORDS})
    if len(names) < 2:
        return swap_keyword(rng, text)
    i = rng.choice([i for i in words if tokens[i].text in names])
    old = tokens[i].text
    tokens[i] = Token("word", rng.choice([name for name in names if name != old]))
    return Mutation(join(tokens), f"name {old!r} -> {tokens[i].text!r}")


def huge_const_override(rng: random.Random, text: str) -> Mutation:
    """A constant set from the command line (`--const N=10^20`), as in issue 10 item 2."""
    names = re.findall(r"^\s*const\s+([A-Za-z_]\w*)", text, re.MULTILINE)
    name = rng.choice(names) if names else "N"
    value = rng.choice(HUGE_NUMBERS + ("-1", "true", "x" * 50))
    return Mutation(text, f"--const {name}={_short(value)}", consts=(f"{name}={value}",))


# ------------------------------------------------------------------ whole-text edits


def truncate(rng: random.Random, text: str) -> Mutation:
    cut = rng.randrange(len(text))
    return Mutation(text[:cut], f"truncate at char {cut} of {len(text)}")


def odd_characters(rng: random.Random, text: str) -> Mutation:
    inserted = []
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text) + 1)
        odd = rng.choice(ODD_CHARACTERS) if rng.random() < 0.8 else _random_bytes(rng)
        text = text[:at] + odd + text[at:]
        inserted.append(odd)
    return Mutation(text, f"insert {inserted!r}")


def duplicate_declaration(rng: random.Random, text: str) -> Mutation:
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if DECLARATION.match(line)]
    if not starts:
        return duplicate_token(rng, text)
    start = rng.choice(starts)
    end = _declaration_end(lines, start)
    copy = lines[start:end]
    if copy and not copy[-1].endswith("\n"):
        copy[-1] += "\n"
    mutated = lines[:end] + ["\n"] + copy + lines[end:]
    return Mutation("".join(mutated), f"duplicate declaration {lines[start].strip()[:60]!r}")


# ------------------------------------------------------------------ deep nesting


NESTING_KINDS = ("if", "paren", "not", "and", "or", "plus", "neg", "if-expr")


def deep_nesting(rng: random.Random, text: str) -> Mutation:
    kind = rng.choice(NESTING_KINDS + ("if",))  # statements nest twice as often
    return nest(rng, text, kind, rng.choice(NESTING_DEPTHS))


def nest(rng: random.Random, text: str, kind: str, depth: int) -> Mutation:
    """`depth` levels of `kind` where the grammar allows them: in place around a number, a
    boolean or an action's body, or in a new declaration when the spec offers no such place."""
    if kind == "if":
        return _nested_ifs(rng, text, depth)
    tokens = tokenize(text)
    if kind in ("paren", "plus", "neg"):
        numbers = [i for i, token in enumerate(tokens) if token.kind == "number"]
        if numbers and rng.random() < 0.7:
            i = rng.choice(numbers)
            tokens[i] = Token("op", _nested_int(kind, tokens[i].text, depth))
            return Mutation(join(tokens), f"nest {kind} x{depth} around a number")
        return append_declaration(
            text, f"invariant FuzzDeep: {_nested_int(kind, '1', depth)} == 1", f"{kind} x{depth}"
        )
    booleans = [i for i, token in enumerate(tokens) if token.text in ("true", "false")]
    if booleans and rng.random() < 0.7:
        i = rng.choice(booleans)
        tokens[i] = Token("op", "(" + _nested_bool(kind, tokens[i].text, depth) + ")")
        return Mutation(join(tokens), f"nest {kind} x{depth} around a boolean")
    return append_declaration(
        text, f"invariant FuzzDeep: {_nested_bool(kind, 'true', depth)}", f"{kind} x{depth}"
    )


def _nested_int(kind: str, number: str, depth: int) -> str:
    if kind == "paren":
        return "(" * depth + number + ")" * depth
    if kind == "neg":
        return "(" + "- " * (depth - depth % 2) + number + ")"
    return "(" + number + " + 0" * depth + ")"


def _nested_bool(kind: str, value: str, depth: int) -> str:
    if kind == "not":
        return "not " * (depth - depth % 2) + value
    if kind == "and":
        return " and ".join([value] + ["true"] * depth)
    if kind == "or":
        return " or ".join([value] + ["false"] * depth)
    return "if true then " * depth + value + " else false" * depth


def _nested_ifs(rng: random.Random, text: str, depth: int) -> Mutation:
    """`depth` nested `if true { … }` around the body of an existing action, or a new
    global action with that body when the spec has none to wrap."""
    tokens = tokenize(text)
    opens = _action_block_opens(tokens)
    if opens and rng.random() < 0.7:
        i = rng.choice(opens)
        close = _matching_brace(tokens, i)
        if close is not None:
            tokens.insert(close, Token("op", " }" * depth + "\n"))
            tokens.insert(i + 1, Token("op", " if true {" * depth + "\n"))
            return Mutation(join(tokens), f"wrap an action body in {depth} nested ifs")
    body = "fuzz_v = true"
    nested = "if true { " * depth + body + " }" * depth
    declarations = f"var fuzz_v: bool = false\naction fuzz_deep {{ {nested} }}"
    return append_declaration(text, declarations, f"{depth} nested ifs")


def _action_block_opens(tokens: list[Token]) -> list[int]:
    """Indices of the `{` that opens each action's or handler's block."""
    opens: list[int] = []
    pending = False
    depth = 0
    for i, token in enumerate(tokens):
        if token.text in ("action", "on") and token.kind == "word":
            pending, depth = True, 0
        elif pending and token.text == "{" and depth == 0 and _opens_block(tokens, i):
            opens.append(i)
            pending = False
        elif pending and token.text in "([":
            depth += 1
        elif pending and token.text in ")]":
            depth -= 1
    return opens


def _opens_block(tokens: list[Token], i: int) -> bool:
    """A `{` opens a block unless it starts a record literal (`Name { field: …` or `{ }`)."""
    following = [t for t in tokens[i + 1 : i + 4] if t.kind not in ("space", "comment")]
    return not (len(following) >= 2 and following[0].kind == "word" and following[1].text == ":")


def _matching_brace(tokens: list[Token], open_index: int) -> int | None:
    depth = 0
    for i in range(open_index, len(tokens)):
        if tokens[i].text == "{":
            depth += 1
        elif tokens[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


# ------------------------------------------------------------------ helpers


def append_declaration(text: str, declaration: str, what: str = "") -> Mutation:
    return Mutation(
        text.rstrip("\n") + "\n\n" + declaration + "\n", f"append {what or declaration}"
    )


def _declaration_end(lines: list[str], start: int) -> int:
    """The line after a declaration: its own line, or up to the line closing its braces."""
    depth = 0
    for i in range(start, len(lines)):
        code = re.sub(r"(//|#).*", "", lines[i])
        depth += code.count("{") - code.count("}")
        if depth <= 0:
            return i + 1
    return len(lines)


def _random_bytes(rng: random.Random) -> str:
    raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return raw.decode("utf-8", errors="surrogateescape")


def _short(value: str) -> str:
    return value if len(value) <= 24 else f"{value[:10]}…({len(value)} chars)"


Mutator = Callable[[random.Random, str], Mutation]

MUTATORS: dict[str, Mutator] = {
    "delete": delete_tokens,
    "duplicate": duplicate_token,
    "swap": swap_tokens,
    "keyword": swap_keyword,
    "huge-number": huge_number,
    "huge-const": huge_const_override,
    "small-number": small_number,
    "operator": swap_operator,
    "name": swap_name,
    "nesting": deep_nesting,
    "truncate": truncate,
    "odd-bytes": odd_characters,
    "duplicate-declaration": duplicate_declaration,
}


MUTATOR_NAMES = sorted(MUTATORS)


def mutate(rng: random.Random, text: str, first: str | None = None) -> Mutation:
    """One to three mutations in a row, `first` (if given) then others chosen by `rng`; their
    descriptions joined by `; `."""
    count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    names = ([first] if first else []) + [rng.choice(MUTATOR_NAMES) for _ in range(count)]
    descriptions: list[str] = []
    consts: list[str] = []
    for name in names[:count]:
        if not significant(tokenize(text)):
            break
        mutation = MUTATORS[name](rng, text)
        text = mutation.text
        consts.extend(mutation.consts)
        descriptions.append(f"{name}: {mutation.description}")
    return Mutation(text, "; ".join(descriptions), tuple(consts))
