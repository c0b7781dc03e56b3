"""Running checks concurrently with a bound on live workers and a deadline per check.

The runner works on plain ``Job`` values (resolved from the CMDB in the calling thread) and
never touches the ORM in a worker. Each job gets its check's timeout; a job that is still
running ``GRACE_SECONDS`` after its deadline is abandoned with an ``error`` result and its
worker no longer counts against the bound (it ends on its own when its driver's timeout
fires). So a run never hangs, and one dead target never holds up the others.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yunwei.inspections.checks import ERROR, OK, CheckError, CheckType, Target

GRACE_SECONDS = 2.0
POLL_SECONDS = 0.05


@dataclass
class Job:
    key: object  # whatever the caller needs to match the finished job (a PlanItem id)
    check: CheckType
    target: Target
    params: dict
    thresholds: dict
    timeout: float
    previous: dict | None = None


@dataclass
class Finished:
    job: Job
    status: str
    values: dict = field(default_factory=dict)
    message: str = ""
    details: dict = field(default_factory=dict)
    duration_ms: int = 0


def run_one(job: Job) -> Finished:
    """Collect and evaluate one job; every failure becomes an ``error`` result."""
    started = time.perf_counter()
    try:
        outcome = job.check.collect(job.target, job.params, job.timeout)
        job.check.derive(outcome.values, job.previous)
        evaluation = job.check.evaluate(outcome.values, job.thresholds)
        message = outcome.message
        if evaluation.breaches:
            message = "；".join(evaluation.breaches) + ("。" + message if message else "")
        return Finished(
            job,
            evaluation.status,
            outcome.values,
            message,
            outcome.details,
            _elapsed_ms(started),
        )
    except CheckError as exc:
        return Finished(job, ERROR, message=str(exc), duration_ms=_elapsed_ms(started))
    except Exception as exc:  # a bug in a check must not stop the run
        return Finished(
            job,
            ERROR,
            message=_("The check failed unexpectedly: %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"[:300]},
            duration_ms=_elapsed_ms(started),
        )


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def execute(
    jobs: list[Job], concurrency: int = 8, work: Callable[[Job], Finished] = run_one
) -> Iterator[Finished]:
    """Yield one ``Finished`` per job, in the order they finish."""
    queue = deque(jobs)
    active: dict[int, tuple[threading.Thread, Job, float, list]] = {}
    concurrency = max(1, concurrency)
    while queue or active:
        while queue and len(active) < concurrency:
            job = queue.popleft()
            box: list = []
            thread = threading.Thread(
                target=lambda j=job, b=box: b.append(work(j)),
                name=f"inspection-{job.key}",
                daemon=True,
            )
            thread.start()
            active[id(box)] = (thread, job, time.monotonic(), box)
        time.sleep(POLL_SECONDS)
        now = time.monotonic()
        for ident, (thread, job, started, box) in list(active.items()):
            if box:
                del active[ident]
                yield box[0]
            elif not thread.is_alive():  # died without a result: cannot happen, but be safe
                del active[ident]
                yield Finished(job, ERROR, message=_("The check ended without a result."))
            elif now - started > job.timeout + GRACE_SECONDS:
                del active[ident]
                yield Finished(
                    job,
                    ERROR,
                    message=_("No result within the time limit of %(seconds)s s; abandoned.")
                    % {"seconds": job.timeout},
                    duration_ms=int((now - started) * 1000),
                )


__all__ = ["ERROR", "OK", "Finished", "Job", "execute", "run_one"]
