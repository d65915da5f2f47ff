"""Open score sheets on the to-do list (kernel.core.todo).

A sheet is the user's to fill while its assessment is open and one of its rater groups that the subject scores
itself (no ``scored_by`` roles: 自评, a self-declaration) is unlocked, until that group has scores on the sheet and,
where the standard has tiers, the tier sought is declared. A group with no weight is a self-declaration."""
import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.accounts.own import own_organization_ids
from kernel.core.todo import TodoItem

from .models import Assessment, ItemScore, RaterGroup, Sheet, Tier


def todo_items(user, today: datetime.date) -> list[TodoItem]:
    own = own_organization_ids(user)  # none for an anonymous user, a leader or an inspector
    if not own:
        return []
    sheets = list(Sheet.objects.restrict(user).filter(
        organization_id__in=own, assessment__status=Assessment.Status.OPEN)
        .select_related("assessment__version__standard", "organization").order_by("assessment_id", "pk"))
    if not sheets:
        return []
    versions = {sheet.assessment.version_id for sheet in sheets}
    groups = defaultdict(list)
    for group in RaterGroup.objects.filter(version_id__in=versions).order_by("order"):
        if not group.scored_by:
            groups[group.version_id].append(group)
    tiered = set(Tier.objects.filter(version_id__in=versions).values_list("version_id", flat=True))
    scored = set(ItemScore.objects.filter(sheet__in=sheets).values_list("sheet_id", "rater_id").distinct())
    items = []
    for sheet in sheets:
        assessment = sheet.assessment
        own_groups = [g for g in groups[assessment.version_id] if g.code not in (assessment.locked_groups or [])]
        if not own_groups:
            continue
        unscored = [g for g in own_groups if (sheet.pk, g.pk) not in scored]
        undeclared = assessment.version_id in tiered and not sheet.declared_tier
        if not unscored and not undeclared:
            continue
        group = (unscored or own_groups)[0]
        declaration = any(not g.weight for g in own_groups)
        items.append(TodoItem(
            title=f"{assessment.version.standard.name} · {assessment.period_label}",
            url=f"{reverse('standards:sheet', args=[sheet.pk])}?rater={group.code}", due_on=None, kind="open",
            source=_("Self-declaration") if declaration else _("Score sheet"), organization=sheet.organization.name,
            state=_("tier not declared") if undeclared and not unscored else _("%(group)s to score") % {
                "group": group.name},
            action=_("Declare") if declaration else _("Score"), key=f"standards.sheet:{sheet.pk}"))
    return items
