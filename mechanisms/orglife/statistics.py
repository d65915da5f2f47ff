"""Member training as figures of the party statistics annual report (kernel.people.statistics_sources): the
person-times and the members trained in the year, in all and by the level of the class (province, city, county,
township, village). A class counts in the year it starts; a participant counts where their record was kept when
entered (``Participant.org_path``); only party members count (the registry's stage), not applicants or activists
who sat in."""
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from kernel.people.choices import Stage
from kernel.people.models import Person
from kernel.people.statistics_sources import StatisticsSource, grouped, statistics_source, within

from .models import Participant, TrainingLevel


def _columns():
    found = [("times", _("Person-times")), ("members", _("Members trained"))]
    for value, label in TrainingLevel.choices:
        found += [(f"times_{value}", _("%(level)s level: person-times") % {"level": label}),
                  (f"members_{value}", _("%(level)s level: members") % {"level": label})]
    return found


def _in_year(root_path, start, end, row=None):
    return within(Participant.objects.filter(training_class__start_on__gte=start, training_class__start_on__lte=end,
                                             person__stage=Stage.MEMBER), "org_path", root_path, row)


def _level_q(column: str) -> Q | None:
    kind, _sep, level = column.partition("_")
    if kind not in ("times", "members") or (level and level not in TrainingLevel.values):
        return None
    return Q(training_class__level=level) if level else Q()


def count_training(root_path, width, start, end) -> dict:
    counts = {"times": Count("pk"), "members": Count("person", distinct=True)}
    for level in TrainingLevel.values:
        counts[f"times_{level}"] = Count("pk", filter=Q(training_class__level=level))
        counts[f"members_{level}"] = Count("person", distinct=True, filter=Q(training_class__level=level))
    return grouped(_in_year(root_path, start, end), "org_path", width, counts)


def training_people(root_path, start, end, column, row=None):
    q = _level_q(column)
    if q is None:
        return None
    return Person.objects.filter(pk__in=_in_year(root_path, start, end, row).filter(q).values("person_id"))


statistics_source(StatisticsSource(
    key="training", title=_("Member training"), order=10, columns=_columns, count=count_training,
    people=training_people,
    note=_("Party members in training classes starting in the year; a member in two classes is two person-times.")))
