"""Items other apps add to a user's to-do list.

The to-do page belongs to the duties engine, but other engines (workflow stage deadlines, say) have things a
user must act on too. Each registers a source here; the page shows what every source returns.
"""
import datetime
from dataclasses import dataclass

SOURCES: list = []


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    due_on: datetime.date | None = None
    kind: str = "reminder"  # reminder | overdue | escalation | review
    source: str = ""        # a short label of the app the item comes from, translated


def todo_source(fn):
    """Registers ``fn(user, today) -> iterable of TodoItem``; use as a decorator in an AppConfig.ready()."""
    if fn not in SOURCES:
        SOURCES.append(fn)
    return fn


def collect(user, today: datetime.date) -> list[TodoItem]:
    items = [item for source in SOURCES for item in source(user, today)]
    return sorted(items, key=lambda item: (item.due_on or datetime.date.max, item.title))
