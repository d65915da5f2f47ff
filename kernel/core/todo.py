"""What a user's organizations owe or must decide, gathered from every app: the to-do list.

The to-do page belongs to the duties engine, but every engine and mechanism has things a user must act on (an
obligation, an open score sheet or self-declaration, a workflow stage, a supervision notice to rectify, a
submission to review or a late entry to approve). Each registers a source here, usually in its ``hooks`` module
or ``AppConfig.connect``; the page merges what every source returns, sorted by deadline, and pages it.

An item is one line: the kind of work (``source``, a translated label such as "Self-declaration"), the title
(the rule's or standard's human name, never its code and version), the organization, the due date, the state
(overdue days when past due), the URL of the page where the work is done and the label of the button there.

Two sources may describe the same thing (a supervision notice is an obligation of the duties engine; a campaign's
self-declaration is a score sheet of the standards engine): both give it the same ``key``, and the item of the
higher ``weight`` — the mechanism's, which knows the page where the work is done — is the one listed.
"""
import datetime
from dataclasses import dataclass

SOURCES: list = []


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    due_on: datetime.date | None = None
    kind: str = "reminder"  # reminder | overdue | escalation | review | approval | open
    source: str = ""        # the kind of work, a short translated label ("Report", "Supervision notice")
    organization: str = ""  # the organization (or person) that owes it
    state: str = ""         # a short translated state ("Rectification submitted"); overdue days are counted apart
    action: str = ""        # the label of the button that opens the page where it is done
    key: str = ""           # the thing it stands for ("duties.obligation:12"), to merge two sources' items
    weight: int = 0         # of two items with one key, the heavier is listed
    overdue_days: int = 0   # days past due_on, filled in by collect()
    hidden: bool = False    # with a key and a greater weight: the thing is not the user's to act on now

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def todo_source(fn):
    """Registers ``fn(user, today) -> iterable of TodoItem``; use as a decorator or call it from a hooks module."""
    if fn not in SOURCES:
        SOURCES.append(fn)
    return fn


def _sort_key(item: TodoItem):
    return (item.due_on or datetime.date.max, item.title, item.organization, item.url)


def collect(user, today: datetime.date, *, exclude=()) -> list[TodoItem]:
    """Every source's items for ``user`` (but the sources in ``exclude``), one per key, with their overdue days,
    sorted by due date (undated last). An item with ``hidden`` set takes its key off the list."""
    keyed: dict[str, TodoItem] = {}
    items: list[TodoItem] = []
    for source in SOURCES:
        if source in exclude:
            continue
        for item in source(user, today):
            if item.due_on is not None and item.due_on < today and not item.overdue_days:
                item = _with_overdue(item, (today - item.due_on).days)
            if not item.key:
                items.append(item)
            elif item.key not in keyed or item.weight > keyed[item.key].weight:
                keyed[item.key] = item
    return sorted([*items, *(item for item in keyed.values() if not item.hidden)], key=_sort_key)


def _with_overdue(item: TodoItem, days: int) -> TodoItem:
    from dataclasses import replace

    return replace(item, overdue_days=days)
