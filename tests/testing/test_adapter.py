"""A bad adapter is told what is missing or wrong, by name, before or while it runs."""

import pytest

from tests.testing import tiny
from verikit.api import load
from verikit.testing import AdapterError, conformance_test
from verikit.testing.adapter import bind, method_names, observe


def model(tmp_path):
    return load(tiny.write_spec(tmp_path)).model


def test_method_names_follow_the_action_names():
    crdt = load("specs/crdt_counter.dsl").model
    assert method_names(crdt) == (
        "increment", "decrement", "gossip", "on_Gossip", "drop", "duplicate",
    )  # fmt: skip


def test_every_missing_method_is_named_with_the_call_it_should_accept(tmp_path):
    class Partial:
        def inc(self) -> None: ...

        def observe(self) -> dict[str, object]:
            return {}

    with pytest.raises(AdapterError) as error:
        conformance_test(tiny.write_spec(tmp_path), Partial)
    text = str(error.value)
    assert "adapter Partial does not fit spec Tiny" in text
    assert "no method reset(self, to) for action reset" in text
    assert "no method flip(self) for action flip" in text
    assert "inc" not in text.replace("inc(self", "")  # inc fits


def test_a_method_with_the_wrong_parameters_is_named(tmp_path):
    class WrongReset(tiny.Counter):
        def reset(self, value: int) -> None: ...  # type: ignore[override]

    with pytest.raises(AdapterError, match=r"reset for action reset must be reset\(self, to\)"):
        bind(model(tmp_path), WrongReset)


def test_no_observe_method_is_named(tmp_path):
    class Blind:
        def inc(self) -> None: ...
        def reset(self, to: int) -> None: ...
        def flip(self) -> None: ...

    with pytest.raises(AdapterError, match=r"no method observe\(self\)"):
        bind(model(tmp_path), Blind)


def test_an_unknown_variable_lists_the_specs_variables(tmp_path):
    class Misnamed(tiny.Counter):
        def observe(self) -> dict[str, object]:
            return {"count": self.x}

    with pytest.raises(AdapterError) as error:
        observe(Misnamed(), model(tmp_path))
    assert "returned 'count', which is not a variable of spec Tiny (its variables: x, heads)" in (
        str(error.value)
    )


def test_a_value_of_the_wrong_type_names_the_variable(tmp_path):
    class Stringly(tiny.Counter):
        def observe(self) -> dict[str, object]:
            return {"x": str(self.x)}

    with pytest.raises(AdapterError, match=r"x: expected an int, got '0' \(str\)"):
        observe(Stringly(), model(tmp_path))


def test_observe_must_return_a_dict(tmp_path):
    class Tuple(tiny.Counter):
        def observe(self):  # type: ignore[override]
            return (self.x, self.heads)

    with pytest.raises(AdapterError, match="must return a non-empty dict"):
        observe(Tuple(), model(tmp_path))


def test_an_adapter_error_during_a_test_is_not_reported_as_a_mismatch(tmp_path):
    class LateTypo(tiny.Counter):
        def observe(self) -> dict[str, object]:
            return {"x": self.x} if self.x < 2 else {"X": self.x}

    test = conformance_test(tiny.write_spec(tmp_path), LateTypo, trace_out=tmp_path / "t.json")
    with pytest.raises(AdapterError, match="'X', which is not a variable"):
        test()
    assert not (tmp_path / "t.json").exists()
