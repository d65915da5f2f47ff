"""Dues for the demo: the shipped bands, a base for every member in good standing (by occupation), this year's
ledger opened month by month (the current month only beyond 200,000 members), and most months paid, about one
member in twenty-five behind and a third of this month's dues in."""
import datetime

from django.db import connection
from django.utils import timezone

from kernel.core.tree import subtree_bounds
from kernel.orgs.models import Organization, OrgType
from kernel.people.choices import MemberStatus

from . import dues
from .models_dues import DuesBase

WHOLE_YEAR_UP_TO = 200_000


def generate_dues(root: Organization, today: datetime.date, progress=print) -> dict:
    if root.org_type != OrgType.COMMITTEE:
        return {}
    dues.install_dues_bands(user=None, owner=root)
    lo, hi = subtree_bounds(root.path)
    this_month = dues.month_of(today)
    with connection.cursor() as cursor:
        now = timezone.now()
        cursor.execute("""
            INSERT INTO membership_duesbase (created_at, updated_at, member_id, org_path, payer_kind, amount, from_month,
                                             note)
            SELECT %s, %s, m.id, m.org_path,
                   CASE p.occupation WHEN 'farmer' THEN 'farmer' WHEN 'student' THEN 'basic'
                                     WHEN 'retired' THEN 'retired' ELSE 'employed' END,
                   CASE p.occupation WHEN 'farmer' THEN 0.5 WHEN 'student' THEN 0.2
                                     WHEN 'retired' THEN 2000 + (m.id %% 40) * 100 ELSE 2500 + (m.id %% 60) * 150 END,
                   %s, ''
            FROM people_member m JOIN people_person p ON p.id = m.person_id
            WHERE m.status = %s AND m.org_path >= %s AND m.org_path < %s {missing}""".format(
                # asked only when the subtree has bases already: against a table empty when the statement began,
                # the planner scans the rows the statement itself writes once per member
                missing="AND NOT EXISTS (SELECT 1 FROM membership_duesbase x WHERE x.member_id = m.id)"
                if DuesBase.objects.filter(org_path__gte=lo, org_path__lt=hi).exists() else ""),
                       [now, now, this_month.replace(month=1), MemberStatus.ACTIVE, lo, hi])
        bases = cursor.rowcount
    months = (dues.months_between(this_month.replace(month=1), this_month)
              if root.subtree_member_count <= WHOLE_YEAR_UP_TO else [this_month])
    lines = sum(dues.generate(month, path=root.path) for month in months)
    with connection.cursor() as cursor:
        for month in months:
            share = "m.member_id %% 25 <> 0" if month < this_month else "m.member_id %% 3 = 0"
            cursor.execute(f"""
                UPDATE membership_duesline SET paid = owed, paid_on = %s, source = 'tap'
                WHERE month = %s AND owed IS NOT NULL AND org_path >= %s AND org_path < %s AND id IN (
                    SELECT m.id FROM membership_duesline m WHERE m.month = %s AND {share})""",
                           [min(month + datetime.timedelta(days=12), today), month, lo, hi, month])
    progress(f"  dues: {bases} bases, {lines} ledger lines over {len(months)} months")
    return {"bases": bases, "lines": lines}
