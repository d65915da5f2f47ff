"""The daily run of rectification measures: a reminder ``Upgrading.measure_remind_days`` before a measure's
deadline and an overdue notice after it, each once per measure, to the actors of the stage its plan is in —
written by the workflow engine as notices of the plan's case (engines.workflows.reminders.send_item_notices), so they
are e-mailed, listed on the to-do list until the measure is done and read under ``/api/workflows/notices``."""
import datetime

from django.db.models import Max
from django.utils.translation import gettext as _

from .models import Measure, Upgrading


def measure_key(measure_id: int) -> str:
    return f"measure:{measure_id}"


def tick(*, today: datetime.date | None = None) -> dict:
    from engines.workflows.reminders import Item, send_item_notices
    from kernel.core import clock

    day = today or clock.today()
    horizon = Upgrading.objects.aggregate(n=Max("measure_remind_days"))["n"] or 0
    rows = (Measure.objects.filter(done_on=None, plan__case__status="open",
                                   deadline__lte=day + datetime.timedelta(days=horizon))
            .values_list("pk", "plan__case_id", "content", "deadline", "plan__upgrading__measure_remind_days")
            .order_by("deadline", "pk"))
    items = [Item(case_id=case_id, key=measure_key(pk), label=_("measure: %(content)s") % {"content": content[:100]},
                  due_on=deadline, remind_days=remind_days)
             for pk, case_id, content, deadline, remind_days in rows.iterator(chunk_size=2000)]
    return {f"measure_{kind}": count for kind, count in send_item_notices(day, items).items()}
