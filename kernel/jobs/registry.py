"""Job kinds: each app registers the handlers of its jobs here (in its ``jobs`` module).

A handler is ``handler(job, progress)``. It reads ``job.params`` and ``job.input_file``, reports
``progress(done, total, phase)``, and leaves its outcome on the job: ``job.counts``, ``job.errors``,
``job.result_file``, ``job.message``. Raising ``JobFailed`` ends the job failed with that message and
those errors; whatever the handler wrote to the database is rolled back.
"""
from collections.abc import Callable
from dataclasses import dataclass


class JobFailed(Exception):
    """The job cannot finish: ``message`` says why; ``errors`` are row errors {row, column, code, message}."""

    def __init__(self, message, errors=None):
        super().__init__(str(message))
        self.message = str(message)
        self.errors = list(errors or [])


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable
    label: object  # a lazily translated name
    atomic: bool


_kinds: dict[str, JobKind] = {}


def job_kind(name: str, *, label=None, atomic: bool = True):
    """Registers the decorated function as the handler of jobs of kind ``name``.

    ``atomic`` (the default) runs the handler in one transaction, so a job that fails or whose worker is
    killed leaves nothing half-written. A handler that only reads (an export) passes ``atomic=False`` so
    that it holds no write lock while it runs.
    """

    def register(handler: Callable) -> Callable:
        _kinds[name] = JobKind(name=name, handler=handler, label=label or name, atomic=atomic)
        return handler

    return register


def get_kind(name: str) -> JobKind | None:
    return _kinds.get(name)


def kind_label(name: str) -> str:
    kind = _kinds.get(name)
    return str(kind.label) if kind else name
