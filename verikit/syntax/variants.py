"""Variants: `spec RaftBuggy extends "raft.dsl"` restates only what differs from its base.

A bug variant used to be a near-copy of its spec; now it names its base and declares what it
changes. `resolve` turns a variant into the one plain spec the later stages see, by merging
the declarations (see `merge`). The base's text comes from `SourceFile.included`, which
`verikit.api.read_source` fills by following the `extends` headers, so this stage stays free
of file I/O and every diagnostic keeps the span, and the file, of the text it is about.

Merge rules, all by name:
  * a declaration replaces the base's declaration of the same kind and name, in the base's
    place: `const`, `type`, `message`, `var`, `fn`, `action`, named properties (`invariant`,
    `reachable`, `lemma`, `property`, named `constraint`), `query`, `network`, `terminal`
    (the variant's `terminal` declarations replace all of the base's), and fairness
    declarations with the same target;
  * a `node` merges member by member: `var`, `fn`, `action` by name, `on M` handlers by
    message (the variant's handlers of M replace all of the base's), `init` blocks added;
    its header (`[symmetric] node G[N]`) must be the base's;
  * anything else (new names, `init` blocks, unnamed constraints) is added after the base's;
  * `expect violation` is never inherited: it says what this spec, not its base, shows.
`drop lemma Name` (any declaration keyword, or `drop on M` in a node) leaves the base's
declaration out; dropping what the base does not have is an error. Replacing a declaration
with one of another kind (a `var` by a `fn`) is an error.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace

from verikit.errors import Diagnostic, SourceFile, Span, SpecError
from verikit.syntax import ast as a
from verikit.syntax.parser import parse
from verikit.syntax.printer import format_expr

MAX_CHAIN = 16  # variants of variants: deeper than this is surely a mistake

Key = tuple[str, ...]


def base_path(variant_file: str, written: str) -> str:
    """The base's file name as the variant's `extends "…"` names it: relative to the
    variant's directory, as the variant's own name is to the working directory."""
    if posixpath.isabs(written):
        return posixpath.normpath(written)
    return posixpath.normpath(posixpath.join(posixpath.dirname(variant_file), written))


def resolve(spec: a.Spec, source: SourceFile) -> a.Spec:
    """`spec` with its base merged in (recursively); a spec without `extends` as it is."""
    return _resolve(spec, source, (source.name,))


def _resolve(spec: a.Spec, source: SourceFile, chain: tuple[str, ...]) -> a.Spec:
    if spec.extends is None:
        drops = [d for d in _with_members(spec.decls) if isinstance(d, a.DropDecl)]
        if drops:
            message = '`drop` leaves out a declaration of a base spec: it needs `extends "…"`'
            raise SpecError([Diagnostic(d.span, message) for d in drops])
        return spec
    where = spec.extends.span
    name = base_path(source.name, spec.extends.path)
    if name in chain:
        cycle = " → ".join([*chain[chain.index(name) :], name])
        raise SpecError([Diagnostic(where, f"a spec cannot extend itself ({cycle})")])
    if len(chain) >= MAX_CHAIN:
        raise SpecError([Diagnostic(where, f"variants nest more than {MAX_CHAIN} deep")])
    base_source = source.file(name)
    if base_source is None:
        message = f'cannot read the base spec "{spec.extends.path}" ({name})'
        raise SpecError([Diagnostic(where, message, hint="the path is relative to this file")])
    base = _resolve(parse(base_source.text, base_source.name), source, (*chain, name))
    return merge(base, spec)


def merge(base: a.Spec, variant: a.Spec) -> a.Spec:
    """The variant's declarations over the base's (module docstring); named `variant.name`."""
    decls = _merged(base.decls, [d for d in variant.decls], top=True)
    lineage = (base.name, *base.bases)
    return replace(variant, decls=tuple(decls), bases=lineage)


def _with_members(decls: Iterable[a.Decl]) -> Iterable[a.Decl]:
    for decl in decls:
        yield decl
        if isinstance(decl, a.NodeDecl):
            yield from decl.members


def _merged(base: Iterable[a.Decl], edits: list[a.Decl], top: bool) -> list[a.Decl]:
    drops = [d for d in edits if isinstance(d, a.DropDecl)]
    changes = [d for d in edits if not isinstance(d, a.DropDecl)]
    by_key: dict[Key, list[a.Decl]] = {}
    for change in changes:
        key = _key(change)
        if key is not None:
            by_key.setdefault(key, []).append(change)
    errors: list[Diagnostic] = []
    out: list[a.Decl] = []
    used: set[Key] = set()
    dropped: set[a.DropDecl] = set()
    for decl in base:
        if top and isinstance(decl, a.ExpectDecl):
            continue
        drop = next((d for d in drops if _drops(d, decl)), None)
        if drop is not None:
            dropped.add(drop)
            continue
        key = _key(decl)
        if key is None or key not in by_key:
            out.append(decl)
        elif key not in used:
            used.add(key)
            out += _replaced(decl, by_key[key], errors)
    out += [c for c in changes if _key(c) is None or _key(c) not in used]
    for drop in drops:
        if drop not in dropped:
            what = f"handlers of {drop.name}" if drop.kind == "on" else f"{drop.kind} {drop.name}"
            if drop.fairness is not None:
                what = f"fair {drop.fairness.kind} {drop.name}".rstrip()
            errors.append(Diagnostic(drop.span, f"the base spec has no {what} to drop"))
    if errors:
        raise SpecError(errors)
    return out


def _replaced(old: a.Decl, new: list[a.Decl], errors: list[Diagnostic]) -> list[a.Decl]:
    """What takes the place of `old`: the variant's declarations of the same key."""
    first = new[0]
    if _kind(first) != _kind(old):
        errors.append(Diagnostic(
            _head(first),
            f"`{_label(old)}` is a {_kind(old)} in the base spec (at {old.span}); a variant "
            f"replaces it with a {_kind(old)}, not a {_kind(first)}",
        ))  # fmt: skip
        return [old]
    if isinstance(old, a.NodeDecl) and isinstance(first, a.NodeDecl):
        return [_merged_node(old, first, errors)]
    return new


def _merged_node(old: a.NodeDecl, new: a.NodeDecl, errors: list[Diagnostic]) -> a.NodeDecl:
    if _header(old) != _header(new):
        errors.append(Diagnostic(
            _head(new),
            f"node {new.name} is declared `{_header(old)}` in the base spec (at {old.span}); "
            f"a variant restates its header as it is there, not `{_header(new)}`",
        ))  # fmt: skip
        return old
    members = _merged(old.members, list(new.members), top=False)
    return replace(old, members=tuple(members))


_DROPPED: dict[str, type] = {
    "const": a.ConstDecl, "type": a.TypeDecl, "message": a.MessageDecl, "var": a.VarDecl,
    "fn": a.FnDecl, "action": a.ActionDecl, "node": a.NodeDecl, "on": a.HandlerDecl,
    "query": a.QueryDecl,
}  # fmt: skip


def _drops(drop: a.DropDecl, decl: a.Decl) -> bool:
    """Whether `drop kind Name` leaves out `decl`."""
    if drop.fairness is not None:
        return isinstance(decl, a.FairnessDecl) and (decl.kind, decl.target) == (
            drop.fairness.kind,
            drop.fairness.target,
        )
    if isinstance(decl, a.PropertyDecl):
        kind = "property" if decl.kind in a.TEMPORAL_KINDS else decl.kind
        return drop.kind == kind and drop.name == decl.name
    if not isinstance(decl, _DROPPED.get(drop.kind, ())):
        return False
    return _label(decl) == drop.name


def _header(node: a.NodeDecl) -> str:
    count = "" if node.count is None else f"[{format_expr(node.count)}]"
    return f"{'symmetric ' if node.symmetric else ''}node {node.name}{count}"


def _key(decl: a.Decl) -> Key | None:
    """What a declaration is known by, or None when it cannot be replaced (only added)."""
    match decl:
        case a.ConstDecl() | a.TypeDecl() | a.MessageDecl() | a.VarDecl() | a.FnDecl():
            return ("name", decl.name)
        case a.NodeDecl():
            return ("name", decl.name)
        case a.ActionDecl():
            return ("action", decl.name)
        case a.HandlerDecl():
            return ("on", decl.message)
        case a.PropertyDecl(name=str() as name):
            return ("property", name)
        case a.QueryDecl():
            return ("query", decl.name)
        case a.NetworkDecl():
            return ("network",)
        case a.TerminalDecl():
            return ("terminal",)
        case a.DeadlockDecl():
            return ("deadlock",)
        case a.FairnessDecl():
            return ("fair", decl.kind, decl.target or "")
    return None


def _kind(decl: a.Decl) -> str:
    if isinstance(decl, a.PropertyDecl):
        return "property"
    return {
        a.ConstDecl: "const", a.TypeDecl: "type", a.MessageDecl: "message", a.VarDecl: "var",
        a.FnDecl: "fn", a.NodeDecl: "node",
    }.get(type(decl), type(decl).__name__)  # fmt: skip


def _label(decl: a.Decl) -> str:
    return str(getattr(decl, "name", None) or getattr(decl, "message", ""))


def _head(decl: a.Decl) -> Span:
    """The first character of a declaration: where a caret points without underlining a
    whole node."""
    span = decl.span
    return Span(span.file, span.line, span.col, span.line, span.col + 1)
