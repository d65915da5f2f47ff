"""Withdrawing a row recorded by mistake (a fund entry, a payment, a term change): the one way every mechanism
checks and records it. The row stays, marked with the day, the reason (and who, where the model keeps
``withdrawn_by``), and the change log has the before and after with the user who did it."""
import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from . import clock
from .changelog import record_change, snapshot
from .models import ChangeRecord
from .services import refuse, require_in_scope, user_or_none

REASON_LIMIT = 300


def withdrawal_reason(reason, *, what: str, field: str = "reason", limit: int = REASON_LIMIT) -> str:
    """The reason given for a withdrawal, trimmed: refused (under ``field``) with ``what`` when there is none, and
    when it is longer than ``limit``."""
    reason = (reason or "").strip()
    if not reason:
        refuse(what, field=field)
    if len(reason) > limit:
        refuse(_("At most %(count)s characters.") % {"count": limit}, field=field)
    return reason


def withdraw(obj, *, user, reason, what: str, already: str, check: Callable[[], None] | None = None,
             on: datetime.date | None = None, message: str = ""):
    """Withdraws ``obj`` (a ``kernel.core.models.Withdrawable``, locked by the caller inside its transaction):
    refused outside the user's scope, when withdrawn already (``already``), without a reason (``what``), or by
    the mechanism's own ``check()`` (run after these); then marked withdrawn ``on`` (today) with the reason and
    the user (``withdrawn_by``, where the model has it), and the change recorded."""
    realm = getattr(obj, "scope_realm", "org")
    require_in_scope(user, getattr(obj, obj.scope_path_field), realm=realm)
    if obj.withdrawn_on is not None:
        refuse(already)
    reason = withdrawal_reason(reason, what=what)
    if check is not None:
        check()
    before = snapshot(obj)
    obj.withdrawn_on, obj.withdraw_reason = on or clock.today(), reason
    fields = ["withdrawn_on", "withdraw_reason"]
    if any(f.name == "withdrawn_by" for f in obj._meta.concrete_fields):
        obj.withdrawn_by = user_or_none(user)
        fields.append("withdrawn_by")
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    record_change(obj, ChangeRecord.Action.UPDATE, before=before, message=message)
    return obj
