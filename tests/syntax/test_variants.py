"""Variants: `spec B extends "a.dsl"` is a.dsl's spec with B's declarations merged in by
name (syntax/variants.py). What replaces what, what is added, what is never inherited, and
the errors a variant can make, each at its span."""

from __future__ import annotations

from pathlib import Path

import pytest

from verikit import api
from verikit.errors import SpecError, render_all
from verikit.syntax import ast as a
from verikit.syntax import format_spec

BASE = """spec Counter
const Max = 3
var x: 0..5 = 0
message Ping {}
network { max_in_flight: 2 }
node Server[2] {
  var got: int = 0
  action ping { send Ping {} to self }
  on Ping when got < 1 { got = got + 1 }
  on Ping when got >= 1 { skip }
}
action inc when x < Max { x = x + 1 }
invariant Bounded: x <= Max
lemma Small: x <= 5
terminal when x == Max
expect violation Bounded
"""


def variant(tmp_path: Path, text: str, base: str = BASE) -> a.Spec:
    (tmp_path / "base.dsl").write_text(base)
    path = tmp_path / "sub" / "variant.dsl"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return api.parse_source(api.read_source(path))


def decl_texts(spec: a.Spec) -> list[str]:
    return [format_spec(a.Spec("S", (d,))).split("\n\n", 1)[1].strip() for d in spec.decls]


def test_a_declaration_replaces_the_base_one_of_the_same_name_in_its_place(
    tmp_path: Path,
) -> None:
    spec = variant(tmp_path, 'spec Buggy extends "../base.dsl"\nconst Max = 4\n')
    texts = decl_texts(spec)
    assert spec.name == "Buggy" and spec.bases == ("Counter",)
    assert texts[0] == "const Max = 4"
    assert "const Max = 3" not in texts


def test_new_declarations_come_after_the_base_ones(tmp_path: Path) -> None:
    spec = variant(tmp_path, 'spec Buggy extends "../base.dsl"\ninvariant Tiny: x < 2\n')
    assert decl_texts(spec)[-1] == "invariant Tiny: x < 2"


def test_expect_violation_is_never_inherited(tmp_path: Path) -> None:
    spec = variant(tmp_path, 'spec Fixed extends "../base.dsl"\n')
    assert not any(isinstance(d, a.ExpectDecl) for d in spec.decls)


def test_a_node_merges_member_by_member_and_handlers_by_message(tmp_path: Path) -> None:
    text = 'spec Buggy extends "../base.dsl"\nnode Server[2] {\n  on Ping { got = 0 }\n}\n'
    spec = variant(tmp_path, text)
    (node,) = [d for d in spec.decls if isinstance(d, a.NodeDecl)]
    kinds = [type(m).__name__ for m in node.members]
    assert kinds == ["VarDecl", "ActionDecl", "HandlerDecl"]  # both base handlers replaced
    handler = node.members[2]
    assert isinstance(handler, a.HandlerDecl) and handler.guard is None


def test_spans_of_inherited_declarations_point_into_the_base_file(tmp_path: Path) -> None:
    spec = variant(tmp_path, 'spec Buggy extends "../base.dsl"\n')
    assert spec.decls[0].span.file == str(tmp_path / "base.dsl")


def test_a_variant_checks_as_its_merged_spec(tmp_path: Path) -> None:
    (tmp_path / "base.dsl").write_text(BASE.replace("expect violation Bounded\n", ""))
    path = tmp_path / "buggy.dsl"
    path.write_text(
        'spec Buggy extends "base.dsl"\naction inc when x < Max { x = x + 2 }\n'
        "expect violation Bounded\n"
    )
    report = api.check_file(path, backend="python")
    assert report.verdict == "expected"
    assert report.result is not None
    assert {d.property for d in report.result.violations} == {"Bounded"}


def errors(tmp_path: Path, text: str, base: str = BASE) -> str:
    with pytest.raises(SpecError) as caught:
        source = api.read_source(_write(tmp_path, text, base))
        api.load_source(source)
    return render_all(caught.value, source)


def _write(tmp_path: Path, text: str, base: str) -> Path:
    (tmp_path / "base.dsl").write_text(base)
    path = tmp_path / "variant.dsl"
    path.write_text(text)
    return path


def test_a_missing_base_is_an_error_at_the_extends(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        variant(tmp_path, 'spec Buggy extends "nope.dsl"\n')
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.span.line, diagnostic.span.col) == (1, 12)  # at `extends`
    assert 'cannot read the base spec "nope.dsl"' in diagnostic.message


def test_a_spec_cannot_extend_itself(tmp_path: Path) -> None:
    path = tmp_path / "loop.dsl"
    path.write_text('spec Loop extends "loop.dsl"\n')
    with pytest.raises(SpecError, match=r"a spec cannot extend itself \(.*loop.dsl → .*loop.dsl\)"):
        api.parse_source(api.read_source(path))


def test_replacing_with_another_kind_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="`Max` is a const in the base spec .* not a var"):
        variant(tmp_path, 'spec Buggy extends "../base.dsl"\nvar Max: 0..1 = 0\n')


def test_a_node_header_must_be_restated_as_in_the_base(tmp_path: Path) -> None:
    text = 'spec Buggy extends "../base.dsl"\nnode Server[3] {\n  on Ping { got = 0 }\n}\n'
    with pytest.raises(SpecError, match=r"declared `node Server\[2\]` in the base spec"):
        variant(tmp_path, text)


def test_errors_in_inherited_code_are_shown_from_the_base_file(tmp_path: Path) -> None:
    text = 'spec Buggy extends "base.dsl"\nvar x: bool = false\n'
    shown = errors(tmp_path, text)
    assert f"{tmp_path / 'base.dsl'}:12:17: error:" in shown
    assert "  12 | action inc when x < Max { x = x + 1 }" in shown


def test_the_extends_header_round_trips_through_the_printer() -> None:
    from verikit.syntax import parse

    spec = parse('spec B extends "a.dsl"\nvar x: 0..1 = 0\n')
    assert spec.extends is not None and spec.extends.path == "a.dsl"
    assert format_spec(spec).startswith('spec B extends "a.dsl"\n')
    assert parse(format_spec(spec)) == spec


def test_drop_leaves_out_the_base_declaration_of_that_kind_and_name(tmp_path: Path) -> None:
    text = 'spec Buggy extends "../base.dsl"\ndrop lemma Small\ndrop invariant Bounded\n'
    spec = variant(tmp_path, text)
    names = [d.name for d in spec.decls if isinstance(d, a.PropertyDecl)]
    assert names == []


def test_drop_on_in_a_node_leaves_out_its_handlers_of_that_message(tmp_path: Path) -> None:
    text = 'spec Quiet extends "../base.dsl"\nnode Server[2] {\n  drop on Ping\n}\n'
    (node,) = [d for d in variant(tmp_path, text).decls if isinstance(d, a.NodeDecl)]
    assert [type(m).__name__ for m in node.members] == ["VarDecl", "ActionDecl"]


def test_dropping_what_the_base_does_not_have_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="the base spec has no invariant Small to drop"):
        variant(tmp_path, 'spec Buggy extends "../base.dsl"\ndrop invariant Small\n')


def test_drop_outside_a_variant_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "plain.dsl"
    path.write_text("spec Plain\nvar x: 0..1 = 0\ndrop lemma Small\n")
    with pytest.raises(SpecError, match="`drop` leaves out a declaration of a base spec"):
        api.parse_source(api.read_source(path))


def test_the_bundled_2pc_bug_variant_drops_the_lemmas_of_the_fixed_protocol() -> None:
    root = Path(__file__).parents[2] / "specs"
    spec = api.parse_source(api.read_source(root / "two_phase_commit_buggy.dsl"))
    assert spec.bases == ("TwoPhaseCommit",)
    assert not [d for d in spec.decls if isinstance(d, a.PropertyDecl) and d.kind == "lemma"]


def test_drop_fair_leaves_out_the_base_fairness_of_that_kind_and_target(tmp_path: Path) -> None:
    base = BASE + "fair delivery\nstrong fair action inc\nfair node Server\n"
    text = 'spec Unfair extends "../base.dsl"\ndrop fair delivery\ndrop fair action inc\n'
    spec = variant(tmp_path, text, base)
    left = [(d.kind, d.target) for d in spec.decls if isinstance(d, a.FairnessDecl)]
    assert left == [("node", "Server")]  # weak or strong, the target decides


def test_dropping_fairness_the_base_does_not_declare_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="the base spec has no fair delivery to drop"):
        variant(tmp_path, 'spec Unfair extends "../base.dsl"\ndrop fair delivery\n')
