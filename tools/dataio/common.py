"""What both importers share: row errors, the plan they show before writing, and bulk change records."""

from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kernel.core.actor import current_actor
from kernel.core.models import ChangeRecord
from kernel.core.sheets import PREVIEW_ROWS, PROGRESS_EVERY, Plan, RowError, Sheet, jsonable, no_progress  # noqa: F401
from kernel.core.text import pinyin_initials, simplified

from . import store


class ChangeLog:
    """Change records written in bulk, shaped exactly as core.changelog.record_change writes them one by one."""

    def __init__(self):
        self.actor = current_actor()
        self.user_id = getattr(self.actor.user, "pk", None)
        self.rows: list[dict] = []
        self.now = timezone.now()

    def add(self, model, action: str, row: dict, *, before: dict | None = None, repr_: str, path: str,
            message: str = "") -> None:
        after = {k: jsonable(v) for k, v in row.items() if k not in ("created_at", "updated_at")}
        if before is not None:
            before = {k: jsonable(v) for k, v in before.items()}
            changed = [k for k in after if before.get(k) != after[k]]
            before = {k: before.get(k) for k in changed}
            after = {k: after[k] for k in changed}
        self.rows.append({
            "time": self.now, "user": self.user_id, "source": self.actor.source,
            "request_id": self.actor.request_id, "action": action,
            "content_type": ContentType.objects.get_for_model(model).pk, "object_id": row["id"],
            "object_repr": repr_[:200], "org_path": path, "before": before, "after": after, "message": message[:500],
        })

    def write(self) -> None:
        ids = store.reserve_ids(ChangeRecord, len(self.rows))
        for pk, row in zip(ids, self.rows):
            row["id"] = pk
        store.write(ChangeRecord, self.rows)


@lru_cache(maxsize=200_000)
def search_keys(name: str) -> tuple[str, str]:
    return simplified(name)[:50], pinyin_initials(name)[:30]


def _registry_mark():
    """The last change record: every write to the registries leaves one, so a new one means they changed."""
    return ChangeRecord.objects.aggregate(last=Max("pk"))["last"]


def checked_then_written(prepare, apply, file, *, dry_run: bool) -> Plan:
    """Reads and checks the file (``prepare() -> Plan``), then, when every row is right and it is no dry run,
    writes it (``apply(plan)``) in one transaction: all or nothing.

    On SQLite a write transaction holds the database's only write lock, so the file is read and checked first,
    outside any transaction, and only the writing holds the lock (briefly): other users' logins and saves go on
    meanwhile. If the registries changed in between, the file is checked again inside the transaction. Elsewhere
    the check and the write share one transaction (PostgreSQL stages the rows in temporary tables)."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            plan = prepare()
            if plan.ok and not dry_run:
                apply(plan)
        return plan
    mark = _registry_mark()
    plan = prepare()
    if not plan.ok or dry_run:
        return plan
    with transaction.atomic():
        if _registry_mark() != mark:
            file.seek(0)
            plan = prepare()
            if not plan.ok:
                return plan
        apply(plan)
    return plan
