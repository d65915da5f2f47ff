"""The warnings of 自行脱党 in the demo: the members at risk of the demo county today (mostly those the attendance
ledger shows absent from organization life for six months and the few behind with their dues), a handful of them
warned, in different states: talk owed, talked, resumed after the talk, dismissed for a good reason."""
import datetime

from django.db import transaction

from kernel.core import clock
from kernel.orgs.models import Organization

from . import lapse
from .models_lapse import LapseOutcome

WARNINGS = 6


def generate_lapse(root: Organization, today: datetime.date, progress=print) -> dict:
    with transaction.atomic(), clock.today_is(today):
        rule = lapse.lapse_rule()
        warnings = [lapse.warn(None, risk, rule, today) for risk in lapse.at_risk(root.path, today)[:WARNINGS]]
        for n, warning in enumerate(warnings[1:4], start=1):
            lapse.talk_record(user=None, warning=warning, on=today, place="村党群服务中心", others="支部书记",
                              topic="了解未参加组织生活、未交党费的原因", summary="本人表示外出务工，今后按时参加组织生活、交纳党费")
            if n == 2:
                lapse.decide(user=None, warning=warning, outcome=LapseOutcome.RESUMED, on=today,
                             note="已补交党费，参加本月主题党日")
        if len(warnings) > 4:
            lapse.dismiss(user=None, warning=warnings[4], on=today, reason="长期患病住院，经支部核实属正当理由")
    progress(f"  lapse warnings: {len(warnings)} members at risk warned")
    return {"warnings": len(warnings)}
