"""Who is acting right now: a web request, an API call, a command or a background job.

Services read the actor to record changes; the request middleware, commands and
tasks set it. Context variables keep it per thread and per task.
"""
import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    source: str = "system"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("jiceng_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or Actor()


@contextmanager
def acting_as(user=None, *, source: str, request_id: str | None = None):
    token = _current.set(Actor(user=user, source=source, request_id=request_id or uuid.uuid4().hex))
    try:
        yield current_actor()
    finally:
        _current.reset(token)
