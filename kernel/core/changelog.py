"""Change records, written by services inside their transaction."""
import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.dispatch import Signal

from .actor import current_actor
from .models import ChangeRecord
from .services import user_or_none

# Sent after each recorded change, inside the service's transaction: obj, action, before.
change_recorded = Signal()


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


# Secrets, and what changes at every login, stay out of every record.
NEVER_RECORDED = frozenset({"password", "last_login"})


def snapshot(obj: models.Model) -> dict:
    """The concrete field values of ``obj`` (foreign keys as ids), JSON-ready; never a password's hash."""
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in ("created_at", "updated_at") or f.name in NEVER_RECORDED:
            continue
        data[f.name] = _jsonable(getattr(obj, f.attname))
    return data


def record_change(obj: models.Model, action: str, *, before: dict | None = None, message: str = "") -> ChangeRecord | None:
    """Records ``action`` on ``obj``; an update that changed nothing records nothing."""
    actor = current_actor()
    after = None if action == ChangeRecord.Action.DELETE else snapshot(obj)
    if action == ChangeRecord.Action.UPDATE and before == after and not message:
        return None
    if before is not None and after is not None and action == ChangeRecord.Action.UPDATE:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    user = user_or_none(actor.user)
    record = ChangeRecord.objects.create(
        user=user,
        source=actor.source,
        request_id=actor.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        org_path=_scope_path(obj),
        before=before,
        after=after,
        message=message[:500],
    )
    change_recorded.send(sender=type(obj), obj=obj, action=action, before=before)
    return record


def _scope_path(obj) -> str:
    field = getattr(obj, "scope_path_field", None)
    return getattr(obj, field, "") if field else ""


def history_for(obj: models.Model):
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ChangeRecord.objects.filter(content_type=ct, object_id=obj.pk).select_related("user")
