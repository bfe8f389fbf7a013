"""Run verikit on mutated specs in a subprocess under a wall-clock cap and a memory cap, and
judge the run by the promises of issue 10: exit 0, 1, 2 or 3 within the caps, and no traceback.

A case is fully determined by (seed, index): which bundled or corpus spec it mutates, how, and
which command runs it. `make_case` builds it, `run_case` runs it, and `Outcome.failure` says
what, if anything, broke. Used by the pytest slice (tests/fuzz/test_fuzz.py) and by the long run
(scripts/fuzz.py, `make fuzz`).
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.mutate import MUTATOR_NAMES, encode, mutate

ROOT = Path(__file__).resolve().parents[2]
TRACEBACK = "Traceback (most recent call last)"
GOOD_EXITS = frozenset({0, 1, 2, 3})
INTERNAL_ERROR = 4

# Case i runs COMMANDS[i % 20] with MUTATOR_NAMES[(i + i // 20) % 13] as its first mutation:
# any 20 cases in a row run every command, eleven of them `check`, and 260 cases pair every
# command with every mutator.
_OTHERS = ("prove", "bmc", "graph", "query", "compile", "prove", "bmc", "graph", "simulate")
COMMANDS = tuple(name for other in _OTHERS for name in ("check", other)) + ("check",) * 2
OUTPUTS = ("text", "json", "trace-out")  # for check and simulate
BACKENDS = ("auto", "auto", "python")  # for check and simulate: auto is native when it can


@dataclass(frozen=True)
class Limits:
    """What each case may use: verikit's own --timeout and --max-states, and the harness's caps
    (wall-clock seconds and address space) past which the run counts as a hang or a blow-up."""

    timeout: float = 5.0
    max_states: int = 5000
    wall_cap: float = 60.0
    memory_mb: int = 2048


@dataclass(frozen=True)
class Case:
    seed: int
    index: int
    base: Path
    description: str
    text: str
    command: str
    output: str
    consts: tuple[str, ...]
    backend: str = "auto"

    @property
    def name(self) -> str:
        return f"s{self.seed}-c{self.index:04d}-{self.base.stem}"

    def argv(self, mutant: Path, limits: Limits) -> list[str]:
        """The verikit command line (after `verikit`) for this case's mutant file."""
        spec = str(mutant)
        timeout = str(limits.timeout)
        consts = [arg for const in self.consts for arg in ("--const", const)]
        output = mutant.with_suffix("")
        if self.command in ("check", "simulate"):
            if self.command == "check":
                args = ["check", spec, "--max-states", str(limits.max_states)]
            else:
                args = ["simulate", spec, "--runs", "50", "--depth", "30", "--seed", "1"]
            args += ["--timeout", timeout, *consts]
            if self.backend != "auto":
                args += ["--backend", self.backend]
            if self.output == "json":
                args += ["--format", "json"]
            elif self.output == "trace-out":
                args += ["--trace-out", f"{output}.trace.json", "--diagram", f"{output}.dot"]
            return args
        if self.command == "prove":
            return ["prove", spec, "--timeout", timeout, "--k", "2", *consts]
        if self.command == "bmc":
            return ["bmc", spec, "--depth", "3", "--timeout", timeout, *consts]
        if self.command == "query":
            return ["query", spec, "--timeout", timeout, *consts]
        if self.command == "graph":
            return ["graph", spec, "-o", f"{output}.graph.dot", "--max-states", "50", *consts]
        return ["compile", spec, "--emit-python", *consts]


@dataclass(frozen=True)
class Outcome:
    case: Case
    exit_code: int | None  # None: killed at the wall-clock cap
    seconds: float
    output: str  # stdout and stderr, as text
    crash_report: str = ""  # the file an internal error (exit 4) points to, if any

    @property
    def failure(self) -> str | None:
        """Why this run breaks a promise, or None when it keeps them all."""
        if self.exit_code is None:
            return "hang"
        if TRACEBACK in self.output:
            return "traceback"
        if self.exit_code == INTERNAL_ERROR:
            return "internal-error"
        if self.exit_code < 0:
            return f"signal {signal.Signals(-self.exit_code).name}"
        if self.exit_code not in GOOD_EXITS:
            return f"exit {self.exit_code}"
        return None

    @property
    def exit_label(self) -> str:
        """The histogram bucket: the exit code, `hang`, or the signal that killed the run."""
        if self.exit_code is None:
            return "hang"
        if self.exit_code < 0:
            return f"signal {signal.Signals(-self.exit_code).name}"
        return str(self.exit_code)

    @property
    def signature(self) -> str:
        """A short key that groups failures of one cause: the failure kind, the innermost
        verikit frame and the exception's type (numbers and names blurred)."""
        kind = self.failure or "ok"
        text = self.output + "\n" + self.crash_report
        frames = re.findall(r'File "[^"]*?/(verikit/[^"]+)", line \d+, in (\w+)', text)
        where = f"{frames[-1][0]}:{frames[-1][1]}" if frames else ""
        errors = re.findall(r"^([\w.]+(?:Error|Exception|Interrupt|Exit)\b)", text, re.M)
        if not errors:
            errors = re.findall(r"\b(\w+Error)\b", text)
        error = errors[-1] if errors else ""
        return " | ".join(part for part in (kind, error, where) if part)


def spec_paths(root: Path = ROOT) -> list[Path]:
    """The bundled specs and the corpus specs, in a fixed order."""
    found = set(root.glob("specs/**/*.dsl")) | set(root.glob("tests/corpus/**/*.dsl"))
    return sorted(found)


def make_case(seed: int, index: int, bases: list[Path]) -> Case:
    """Case `index` of the run seeded `seed`: the same spec, mutation and command every time."""
    rng = random.Random(f"verikit-fuzz:{seed}:{index}")
    base = rng.choice(bases)
    original = base.read_text(encoding="utf-8")
    first = MUTATOR_NAMES[(index + index // len(COMMANDS)) % len(MUTATOR_NAMES)]
    mutation = mutate(rng, original, first)
    command = COMMANDS[index % len(COMMANDS)]
    output = rng.choice(OUTPUTS)
    backend = rng.choice(BACKENDS)
    return Case(
        seed,
        index,
        base,
        mutation.description,
        mutation.text,
        command,
        output,
        mutation.consts,
        backend,
    )


def run_case(case: Case, workdir: Path, limits: Limits) -> Outcome:
    """Write the mutant into `workdir` and run its command under the caps, with CI=true."""
    mutant = workdir / f"{case.name}.dsl"
    mutant.write_bytes(encode(case.text))
    argv = [sys.executable, "-m", "verikit", *case.argv(mutant, limits)]
    # Crash reports, native builds and simulation's example database stay in the workdir.
    env = {**os.environ, "CI": "true", "TMPDIR": str(workdir), "VERIKIT_CACHE": str(workdir)}
    started = time.monotonic()
    process = subprocess.Popen(
        argv,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_capped(limits.memory_mb),
        start_new_session=True,
    )
    try:
        raw, _ = process.communicate(timeout=limits.wall_cap)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raw, _ = process.communicate()
        code = None
    seconds = time.monotonic() - started
    output = raw.decode("utf-8", errors="replace")
    return Outcome(case, code, seconds, output, _crash_report(output))


def _crash_report(output: str) -> str:
    match = re.search(r'([^\s"]*verikit-crash-[^\s"]*\.txt)', output)
    if not match:
        return ""
    try:
        return Path(match.group(1)).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _capped(memory_mb: int) -> Callable[[], None]:
    def cap() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return cap


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def repro_command(outcome: Outcome, mutant: Path, limits: Limits) -> str:
    """The shell command that reruns a saved mutant by hand, as the case ran it."""
    args = outcome.case.argv(mutant, limits)
    return "CI=true verikit " + " ".join(_quote(arg) for arg in args)


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"
