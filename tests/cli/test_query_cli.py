"""`verikit query`: exit codes, witnesses in text and JSON; `verikit check` leaves queries
(and Z3) alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verikit import api
from verikit.cli import app
from verikit.syntax import ast

SPECS = Path(__file__).resolve().parents[2] / "specs"
SAFE = SPECS / "lease_timing.dsl"
UNSAFE = SPECS / "lease_timing_no_drift_margin.dsl"

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def spec(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "q.dsl"
    path.write_text("spec Q\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_proved_query_exits_0() -> None:
    code, out, _ = run("query", str(SAFE))
    assert code == 0
    assert "LeaseTiming — every query is impossible (proved by Z3)" in out
    assert "impossible  BothHoldLease (L = 10.0, Rho = 0.001, D = 0.1, Guard = 0.15;" in out


def test_a_possible_query_exits_1_with_its_witness() -> None:
    code, out, _ = run("query", str(SAFE), "--const", "Rho=0.005")
    assert code == 1
    assert "— POSSIBLE: BothHoldLease" in out
    assert "witness (Z3, re-checked with exact arithmetic):" in out
    assert "grant_a = 0.0" in out and "a_holds = true  (let)" in out


def test_a_bug_variant_whose_query_is_possible_as_expected_exits_0() -> None:
    code, out, _ = run("query", str(UNSAFE))
    assert code == 0
    assert "expected violation found (this spec demonstrates a bug): BothHoldLease" in out


def test_a_bug_variant_that_became_safe_exits_1() -> None:
    code, out, _ = run("query", str(UNSAFE), "--const", "Guard=0.2")
    assert code == 1
    assert "the expected violation of BothHoldLease was not found" in out


def test_json_has_the_verdicts_constants_and_exact_witness(tmp_path: Path) -> None:
    code, out, _ = run("query", str(UNSAFE), "--format", "json")
    assert code == 0
    (line,) = out.splitlines()
    doc = json.loads(line)
    assert (doc["verdict"], doc["name"], doc["expected"]) == (
        "expected", "LeaseTimingNoDriftMargin", ["BothHoldLease"]
    )  # fmt: skip
    (query,) = doc["queries"]
    assert query["verdict"] == "possible" and query["checked"] is True
    assert query["consts"] == {"L": "10.0", "Rho": "0.001", "D": "0.1", "Guard": "0.1"}
    witness = {w["name"]: w for w in query["witness"]}
    assert witness["grant_a"] == {"name": "grant_a", "kind": "real", "exact": "0.0", "text": "0.0"}
    assert witness["a_holds"]["exact"] is True


def test_a_division_by_zero_exits_2_pointing_at_the_division(tmp_path: Path) -> None:
    path = spec(tmp_path, "query Q {\n  real x\n  never 1 / x > 2\n}\n")
    code, out, _ = run("query", str(path))
    assert code == 2
    assert "division by zero possible in Q" in out
    assert f"{path}:4:9: error: this division may divide by zero" in out
    assert "x = 0.0" in out


def test_z3_running_out_of_time_exits_3(tmp_path: Path) -> None:
    hard = (
        "x * x * x * y + y * y * x == 7 and x * y * y * y - x * x > 3"
        " and x * x * x * x * x + y * y * y * y * y * y * y == 13 * x * y + 1"
    )
    path = spec(tmp_path, f"query Hard {{\n  real x, y\n  never {hard}\n}}\n")
    code, out, _ = run("query", str(path), "--timeout", "0.01")
    assert code == 3
    assert "UNKNOWN: Hard (Z3 could not decide; nothing proved)" in out


def test_a_spec_error_exits_2(tmp_path: Path) -> None:
    path = spec(tmp_path, "var x: bool = true\nquery Q {\n  real a\n  never x\n}\n")
    code, out, _ = run("query", str(path))
    assert code == 2
    assert f"{path}:5:9: error: `x` is a state variable" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--const", "Rho=.5"], "must be an integer, a decimal or true/false"),
        (["--timeout", "0"], "--timeout must be a positive number of seconds, got 0.0"),
        (["--timeout", "inf"], "--timeout must be a positive number of seconds, got inf"),
        (["--timeout", "nan"], "--timeout must be a positive number of seconds, got nan"),
        (["--format", "yaml"], "--format must be text or json"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str) -> None:
    code, out, err = run("query", str(SAFE), *args)
    assert code == 2
    assert message in out + err


def asks_a_query(path: Path) -> bool:
    """Whether the spec declares a query or inherits one from the spec it extends."""
    spec = api.parse_source(api.read_source(path))
    return any(isinstance(decl, ast.QueryDecl) for decl in spec.decls)


def test_a_directory_answers_only_the_specs_with_queries() -> None:
    code, out, _ = run("query", str(SPECS))
    assert code == 0
    with_queries = sorted(str(path) for path in SPECS.glob("*.dsl") if asks_a_query(path))
    assert {str(SAFE), str(UNSAFE)} <= set(with_queries)
    answered = sorted(line.split(":")[0] for line in out.splitlines() if ".dsl: " in line)
    assert answered == with_queries


def test_check_leaves_queries_to_verikit_query_and_never_loads_z3() -> None:
    program = textwrap.dedent(f"""\
        import sys
        from typer.testing import CliRunner
        from verikit.cli import app
        result = CliRunner().invoke(app, ["check", {str(UNSAFE)!r}])
        print(result.exit_code)
        print(result.stdout)
        print("z3 loaded" if "z3" in sys.modules else "z3 not loaded")
    """)
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[0] == "0"
    assert "note: 1 query (BothHoldLease) answered by `verikit query`" in done.stdout
    assert done.stdout.rstrip().endswith("z3 not loaded")


def test_a_spec_mixing_real_constants_and_a_state_machine_checks_and_replays(
    tmp_path: Path,
) -> None:
    path = spec(
        tmp_path,
        """\
        const Rho = 0.5
        var x: 0..3 = 0
        action step when x < 3 { x = x + 1 }
        invariant Small: x < 2
        query Q {
          real r
          never r > Rho
        }
        """,
    )
    trace = tmp_path / "cex.itf.json"
    code, out, _ = run("check", str(path), "--format", "json", "--trace-out", str(trace))
    assert code == 1
    doc = json.loads(out)
    assert doc["consts"] == {"Rho": "0.5"}
    assert json.loads(trace.read_text())["#meta"]["verikit"]["consts"] == {}
    code, out, _ = run("replay", str(path), str(trace))
    assert (code, out.strip()) == (0, f"{trace}: confirmed, 2 steps replayed")


@pytest.mark.parametrize("expect", ["", "expect violation Q\n"])
def test_a_vacuous_query_is_called_vacuous_in_the_headline(tmp_path: Path, expect: str) -> None:
    body = "query Q {\n  real x\n  assume x > 1\n  assume x < 0\n  never x == 5\n}\n" + expect
    code, out, _ = run("query", str(spec(tmp_path, body)))
    assert code == 1
    assert out.splitlines()[0].endswith("— VACUOUS: Q (its assumptions contradict each other)")


def test_a_directory_without_queries_says_so(tmp_path: Path) -> None:
    for name in ("a.dsl", "b.dsl"):
        (tmp_path / name).write_text("spec S\nvar x: bool = false\naction a { x = not x }\n")
    code, out, err = run("query", str(tmp_path))
    assert (code, out) == (0, "")
    assert f"{tmp_path}: no spec here has a timing query" in err
