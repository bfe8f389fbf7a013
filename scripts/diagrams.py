"""`make diagrams`: redraw the counterexample of every spec that shows a bug, for the docs.

    python scripts/diagrams.py [specs_dir] [docs_dir]

A spec shows a bug when it is a buggy variant (`*_buggy.dsl`) or says `expect violation`.
Each is checked by `verikit check <spec> --diagram <docs>/specs/img/<name>.svg --force`, so
the docs show exactly what the command line draws (a liveness counterexample as a lasso).
The spec's page is `<docs>/specs/<name>.md`, or for a variant the page of the spec it varies:
the name without its last `_word`s (`raft_election_split` → `raft_election.md`). A page
without its image gets one line, `![counterexample](img/<name>.svg)`, under its
counterexample heading. A bug spec that no longer shows a counterexample fails the target.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from verikit import api
from verikit.errors import SpecError
from verikit.syntax import ast

ROOT = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^#+ .*counterexample", re.IGNORECASE)


def shows_a_bug(spec: Path) -> bool:
    """A buggy variant, or one expecting a violation a search finds (a timing query's is a
    witness from `verikit query`, not a trace to draw)."""
    text = spec.read_text(encoding="utf-8")
    expected = set(re.findall(r"^expect violation (\w+)", text, re.M))
    return spec.stem.endswith("_buggy") or bool(expected - queries_of(spec))


def queries_of(spec: Path) -> set[str]:
    """The queries a spec asks, its own and those of the spec it extends (a variant)."""
    try:
        parsed = api.parse_source(api.read_source(spec))
    except (SpecError, api.UsageError):
        return set()  # `verikit check` reports the error when it draws
    return {decl.name for decl in parsed.decls if isinstance(decl, ast.QueryDecl)}


def draw(spec: Path, image: Path) -> bool:
    """Run `verikit check --diagram`; True when the image was written."""
    image.unlink(missing_ok=True)
    command = [sys.executable, "-m", "verikit", "check", str(spec)]
    command += ["--diagram", str(image), "--force"]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    if run.returncode > 1 or not image.exists():
        detail = run.stderr.strip().splitlines()
        print(f"{_shown(spec)}: no diagram ({detail[-1] if detail else run.returncode})")
        return False
    print(f"{_shown(spec)}: drew {_shown(image)}")
    return True


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def with_image(page: str, image: str) -> str | None:
    """The page with `![counterexample](image)` under its counterexample heading; None when it
    already shows the image or has no such heading."""
    if f"]({image})" in page:
        return None
    lines = page.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if HEADING.match(line):
            block = ["\n", f"![counterexample]({image})\n"]
            return "".join(lines[: number + 1] + block + lines[number + 1 :])
    return None


def page_for(stem: str, pages: Path) -> Path | None:
    """The page about spec `stem`: its own, else the nearest one named by a prefix of it."""
    words = stem.split("_")
    for n in range(len(words), 0, -1):
        page = pages / ("_".join(words[:n]) + ".md")
        if page.exists():
            return page
    return None


def link(page: Path | None, image: str) -> None:
    if page is None:
        return
    text = page.read_text(encoding="utf-8")
    updated = with_image(text, image)
    if updated is not None:
        page.write_text(updated, encoding="utf-8")
        print(f"{_shown(page)}: now shows {image}")
    elif f"]({image})" not in text:
        print(f"{_shown(page)}: no counterexample heading, {image} not linked")


def main(specs: Path = ROOT / "specs", docs: Path = ROOT / "docs") -> int:
    images = docs / "specs" / "img"
    images.mkdir(parents=True, exist_ok=True)
    failed = 0
    for spec in sorted(p for p in specs.glob("*.dsl") if shows_a_bug(p)):
        if draw(spec, images / f"{spec.stem}.svg"):
            link(page_for(spec.stem, docs / "specs"), f"img/{spec.stem}.svg")
        else:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*(Path(a) for a in sys.argv[1:3])))
