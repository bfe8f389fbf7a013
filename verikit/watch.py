"""`verikit check --watch`: check, then check again each time a spec file changes, until
Ctrl-C (exit 130). Changes come from watchfiles (an optional dependency: `pip install
'verikit[watch]'`), which batches a burst of writes (an editor's save) into one re-check."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import typer

INSTALL = "pip install 'verikit[watch]'"

Changes = Iterable[set[tuple[Any, str]]]  # watchfiles' batches: {(Change, path), ...}


class WatchUnavailable(Exception):
    """watchfiles is not installed; the message says how to install it."""


def spec_changes(target: Path) -> Changes:
    """Batches of changes to the spec files (`.dsl`) under `target` (a file or directory)."""
    try:
        import watchfiles
    except ImportError:
        raise WatchUnavailable(f"--watch needs watchfiles: {INSTALL}") from None
    root = target if target.is_dir() else target.parent

    def relevant(_: object, path: str) -> bool:
        return path.endswith(".dsl") and (target.is_dir() or Path(path) == target.resolve())

    return watchfiles.watch(root.resolve(), watch_filter=relevant, raise_interrupt=True)


def loop(run: Callable[[], int], changes: Changes) -> int:
    """Run, then run again after each batch of changes; Ctrl-C ends the watch (exit 130)."""
    run()
    try:
        for batch in changes:
            names = sorted({Path(path).name for _, path in batch})
            typer.echo(f"\n--- {', '.join(names)} changed: checking again ---\n", err=True)
            run()
    except KeyboardInterrupt:
        pass
    typer.echo("watch stopped", err=True)
    return 130
