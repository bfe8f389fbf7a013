"""`verikit check DIR -j N`: the spec files of a directory checked by N worker processes.

Each worker loads and checks whole spec files, one at a time, exactly as a sequential run
does (the search itself is not split); the parent prints each result in file order as soon
as it and every file before it are done, so the output is the sequential run's, only
sooner. Workers are spawned (a fresh interpreter each: no state forked from the parent, no
thread of a native search copied mid-run)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from verikit import api
from verikit.engine import CheckOptions
from verikit.report import InternalError, SpecReport
from verikit.report.reports import detached
from verikit.semantics import ConstValue


@dataclass(frozen=True)
class Job:
    """What every worker needs to check one file: check's options, minus the terminal."""

    consts: Mapping[str, ConstValue]
    options: CheckOptions
    strict: bool
    backend: str
    workers: int | None
    full_states: bool


def check_one(job: Job, file: Path) -> SpecReport | InternalError:
    """In a worker: one spec file checked; a crash becomes that file's internal error."""
    try:
        report = api.check_file(file, job.consts, job.options, strict=job.strict,
                                backend=job.backend, workers=job.workers,
                                full_states=job.full_states)  # fmt: skip
    except (api.UsageError, KeyboardInterrupt):
        raise
    except Exception as error:
        return api.internal_error(file, "check", error)
    return detached(report)


def check_all(
    files: list[Path],
    job: Job,
    jobs: int,
    show: Callable[[SpecReport | InternalError], None],
) -> list[SpecReport | InternalError]:
    """Check `files` on `jobs` processes; `show` each report in file order."""
    context = multiprocessing.get_context("spawn")
    reports: list[SpecReport | InternalError] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=context) as pool:
        futures: list[Future[SpecReport | InternalError]] = [
            pool.submit(check_one, job, file) for file in files
        ]
        try:
            for future in futures:
                report = future.result()
                show(report)
                reports.append(report)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return reports
