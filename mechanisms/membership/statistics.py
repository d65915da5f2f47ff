"""The party statistics annual report (党内统计年报, MEMBERSHIP.md) of any organization's subtree and year, computed
from the registry and its history, and reconciling itself.

Where a member stood on a day is read back from the records: the member's organization then is the current one
unless a transfer within the system was received after that day (then it is the organization the first such
transfer left from); the member was in the party on a day if they had joined by then, had come in from outside the
system by then (when they did), and had not left (the registry's 死亡/出党 with its date) nor been transferred out
of the system (the receipt's date). The category on a day is full from the full-membership date on.

The movements of the year, each counted where the member stood on its day:
- joined: members who joined the party that year (not those who came in from outside having joined elsewhere);
- transferred in and out: transfers within the system received that year, across the organization's border (a move
  between two of its branches is a move for each branch, none for the whole), and transfers in from outside and
  out of the system;
- left, by the way of leaving (the registry's date, the standing's recorded reason; 死亡 by its status);
- made full: probationary members made full that year (a move between the categories, not in or out).

opening + joined + transferred in − transferred out − left = closing, per organization and category, holds for
every organization and year by these definitions; each figure opens the list of people behind it (``people``).
A transfer made by moving the record by hand (a correction, no letter) leaves no trace: the member then counts as
having always been where they are now.
"""
import dataclasses
import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kernel.core.tree import SEGMENT_WIDTH, subtree_q
from kernel.orgs.models import Domain, Organization, OrgType
from kernel.people.choices import Classification, Education, MemberCategory, MemberStatus, Occupation
from kernel.people.models import Member

from .models import ExitReason, Kind, StandingChange, Transfer, TransferKind, TransferStatus

UNRECORDED = "unrecorded"
LEAVING = [*ExitReason.values, UNRECORDED]
CATEGORIES = [MemberCategory.PROBATIONARY.value, MemberCategory.FULL.value]
MOVEMENTS = ("opening", "joined", "moved_in", "came_in", "moved_out", "went_out", "left", "made_full", "closing")

AGE_BANDS = [("30", None, 30), ("31_35", 31, 35), ("36_40", 36, 40), ("41_45", 41, 45), ("46_50", 46, 50),
             ("51_55", 51, 55), ("56_60", 56, 60), ("61", 61, None)]
EDUCATION_GROUPS = [("graduate", [Education.GRADUATE]), ("university", [Education.UNIVERSITY]),
                    ("college", [Education.COLLEGE]), ("secondary", [Education.SECONDARY, Education.HIGH_SCHOOL]),
                    ("junior", [Education.JUNIOR, Education.PRIMARY])]
JOINING_ERAS = [("before_1949", None, datetime.date(1949, 9, 30)),
                ("1949_1966", datetime.date(1949, 10, 1), datetime.date(1966, 4, 30)),
                ("1966_1976", datetime.date(1966, 5, 1), datetime.date(1976, 10, 31)),
                ("1976_1978", datetime.date(1976, 11, 1), datetime.date(1978, 12, 31)),
                ("1979_2002", datetime.date(1979, 1, 1), datetime.date(2002, 10, 31)),
                ("2002_2012", datetime.date(2002, 11, 1), datetime.date(2012, 10, 31)),
                ("since_2012", datetime.date(2012, 11, 1), None)]

TOTAL = pgettext_lazy("report row", "Total")
CATEGORY_LABELS = {"all": _("All members"), MemberCategory.PROBATIONARY.value: _("Probationary members"),
                   MemberCategory.FULL.value: _("Full members")}
ROW_LABELS = {
    "opening": _("At the start of the year"), "joined": _("Joined the party"),
    "moved_in": _("Transferred in within the system"), "came_in": _("Transferred in from outside"),
    "moved_out": _("Transferred out within the system"), "went_out": _("Transferred out of the system"),
    "left": _("Left the party"), "made_full": _("Made full members"), "closing": _("At the end of the year"),
}


@dataclasses.dataclass
class Period:
    root: Organization
    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def before(self) -> datetime.date:
        return datetime.date(self.year - 1, 12, 31)

    @property
    def width(self) -> int:
        """The length of the paths of the root's children: a row of the report is a child (or the root itself,
        for its own members)."""
        return len(self.root.path) + SEGMENT_WIDTH


# --- where each member stood ---------------------------------------------------------------------------------------

def _moved(period: Period) -> tuple[list[int], list[int]]:
    """The members with a transfer within the system received touching the subtree, and those come in from
    outside into it: the few whose place on a day must be read back from their transfers (the others stood where
    they are now)."""
    accepted = Transfer.objects.filter(status=TransferStatus.ACCEPTED)
    within = (accepted.filter(kind=TransferKind.WITHIN)
              .filter(subtree_q("from_path", [period.root.path]) | subtree_q("to_path", [period.root.path])))
    came_in = accepted.filter(subtree_q("to_path", [period.root.path]), kind=TransferKind.IN)
    return (sorted(set(within.values_list("member_id", flat=True))),
            sorted(set(came_in.values_list("member_id", flat=True))))


def _path_at(day, moved: list[int]):
    """The member's organization path on ``day`` (a date, or an OuterRef to one of the member's dates): the
    current one, unless a transfer within the system was received after ``day``."""
    later = (Transfer.objects.filter(member=OuterRef("pk"), kind=TransferKind.WITHIN, status=TransferStatus.ACCEPTED,
                                     accepted_on__gt=day).order_by("accepted_on", "pk").values("from_path")[:1])
    return Case(When(pk__in=moved, then=Coalesce(Subquery(later), F("org_path"))), default=F("org_path"),
                output_field=CharField())


def _members(period: Period):
    """Every member who may have stood in the root's subtree during the year or at its ends, with the dates that
    place them: when they came in from outside, left, went out of the system."""
    moved, came_in_ids = _moved(period)
    came_in = (Transfer.objects.filter(member=OuterRef("pk"), kind=TransferKind.IN, status=TransferStatus.ACCEPTED)
               .order_by("-accepted_on", "-pk").values("accepted_on")[:1])
    exit_reason = (StandingChange.objects.filter(member=OuterRef("pk"), kind=Kind.EXIT, withdrawn_on__isnull=True)
                   .order_by("-on", "-pk").values("reason")[:1])
    rows = (Member.objects.filter(subtree_q("org_path", [period.root.path]) | Q(pk__in=moved))
            .annotate(came_in_on=Case(When(pk__in=came_in_ids, then=Subquery(came_in)), output_field=DateField()),
                      exit_on=Case(When(status__in=[MemberStatus.LEFT, MemberStatus.DECEASED],
                                        then=F("status_changed_on")), output_field=DateField()),
                      out_on=Case(When(status=MemberStatus.TRANSFERRED_OUT, then=F("status_changed_on")),
                                  output_field=DateField()),
                      way_of_leaving=Case(When(status=MemberStatus.DECEASED, then=Value(ExitReason.DECEASED.value)),
                                          default=Coalesce(Subquery(exit_reason), Value(UNRECORDED)),
                                          output_field=CharField())))
    rows.moved = moved
    return rows


def _in_party(day) -> Q:
    """In the party on ``day`` (a date or an F of one of the member's dates)."""
    return (Q(joined_on__lte=day) & (Q(came_in_on__isnull=True) | Q(came_in_on__lte=day))
            & (Q(exit_on__isnull=True) | Q(exit_on__gt=day)) & (Q(out_on__isnull=True) | Q(out_on__gt=day)))


def _category_at(day):
    return Case(When(full_on__lte=day, then=Value(MemberCategory.FULL.value)),
                default=Value(MemberCategory.PROBATIONARY.value), output_field=CharField())


def _at(period: Period, day: datetime.date):
    """The members in the party on ``day`` who stood in the subtree then, with their row and category."""
    return (_members(period).filter(_in_party(day))
            .annotate(stood=_path_at(Value(day, output_field=DateField()), _moved(period)[0]),
                      category_then=_category_at(day))
            .filter(subtree_q("stood", [period.root.path])))


def event_sets(period: Period) -> dict:
    """Each member movement's queryset: its members, each with ``stood`` (the path where it counts) and
    ``category_then``."""
    members = _members(period)
    moved = members.moved
    joined = (members.filter(joined_on__year=period.year)
              .filter(Q(came_in_on__isnull=True) | Q(came_in_on__lte=F("joined_on")))
              .annotate(stood=_path_at(OuterRef("joined_on"), moved),
                        category_then=Value(MemberCategory.PROBATIONARY.value, output_field=CharField())))
    made_full = (members.filter(full_on__year=period.year, full_on__gt=F("joined_on"))
                 .filter(Q(exit_on__isnull=True) | Q(exit_on__gt=F("full_on")))
                 .filter(Q(out_on__isnull=True) | Q(out_on__gt=F("full_on")))
                 .annotate(stood=_path_at(OuterRef("full_on"), moved),
                           category_then=Value(MemberCategory.PROBATIONARY.value, output_field=CharField())))
    left = (members.filter(exit_on__year=period.year)
            .annotate(stood=F("org_path"), category_then=_category_at(F("exit_on"))))
    went_out = (members.filter(out_on__year=period.year)
                .annotate(stood=F("org_path"), category_then=_category_at(F("out_on"))))
    came_in = (members.filter(came_in_on__year=period.year)
               .annotate(stood=_path_at(OuterRef("came_in_on"), moved), category_then=_category_at(F("came_in_on"))))
    sets = {"opening": _at(period, period.before), "closing": _at(period, period.end), "joined": joined,
            "made_full": made_full, "left": left, "went_out": went_out, "came_in": came_in}
    return {name: (rows if name in ("opening", "closing") else rows.filter(subtree_q("stood", [period.root.path])))
            for name, rows in sets.items()}


def _moves(period: Period) -> list[dict]:
    """The transfers within the system received in the year that cross the root's border or one of its rows."""
    rows = []
    for transfer in (Transfer.objects.filter(kind=TransferKind.WITHIN, status=TransferStatus.ACCEPTED,
                                             accepted_on__year=period.year)
                     .filter(subtree_q("from_path", [period.root.path]) | subtree_q("to_path", [period.root.path]))
                     .select_related("member")):
        full_on = transfer.member.full_on
        category = (MemberCategory.FULL.value if full_on and full_on <= transfer.accepted_on
                    else MemberCategory.PROBATIONARY.value)
        rows.append({"member_id": transfer.member_id, "from": transfer.from_path, "to": transfer.to_path,
                     "category": category})
    return rows


def _row_of(period: Period, path: str) -> str | None:
    """The report row a path in the subtree falls in: the root's child it lies under, or the root itself."""
    if not path.startswith(period.root.path):
        return None
    return path[: period.width] if len(path) >= period.width else period.root.path


# --- the reconciling form -------------------------------------------------------------------------------------------

def _blank() -> dict:
    counts = {name: 0 for name in MOVEMENTS if name != "left"}
    counts["left"] = {reason: 0 for reason in LEAVING}
    return counts


def blank_cell() -> dict:
    """A row and category with nothing in it, as ``reconciliation`` completes its cells."""
    return {**_blank(), "left_total": 0, "expected": 0, "balanced": True}


def reconciliation(period: Period, closing: list[dict] | None = None) -> dict:
    """{row path: {category: counts}} with "all" as a category and the root's path as the total row; counts holds
    each movement (``left`` by way of leaving), ``left_total`` and ``balanced``. ``closing``: the end of the year
    as ``closing_groups`` counted it (else counted here)."""
    table: dict = {}

    def add(row: str, category: str, name: str, n: int = 1, reason: str | None = None):
        for key in (row, "total"):
            for cat in (category, "all"):
                cell = table.setdefault(key, {}).setdefault(cat, _blank())
                if reason is None:
                    cell[name] += n
                else:
                    cell["left"][reason] += n

    width = period.width
    sets = event_sets(period)
    if closing is not None:
        del sets["closing"]
        for group in closing:
            add(group["row"], group["category_then"], "closing", group["n"])
    for name, rows in sets.items():
        grouped = (rows.order_by().annotate(row=Substr("stood", 1, width))
                   .values("row", "category_then", *(["way_of_leaving"] if name == "left" else []))
                   .annotate(n=Count("pk")))
        for group in grouped:
            row = group["row"] if len(group["row"]) == width else period.root.path
            add(row, group["category_then"], name, group["n"], group.get("way_of_leaving") if name == "left" else None)
            if name == "made_full":  # out of the probationary members, into the full ones
                for key in (row, "total"):
                    table[key].setdefault(MemberCategory.FULL.value, _blank())["made_full"] += group["n"]
    for move in _moves(period):
        source, target = _row_of(period, move["from"]), _row_of(period, move["to"])
        if source == target:
            continue
        for row, name in ((source, "moved_out"), (target, "moved_in")):
            if row is None:
                continue
            table.setdefault(row, {})
            for cat in (move["category"], "all"):
                table[row].setdefault(cat, _blank())[name] += 1
        if (source is None) != (target is None):  # across the root's border: the total moves too
            name = "moved_in" if source is None else "moved_out"
            for cat in (move["category"], "all"):
                table.setdefault("total", {}).setdefault(cat, _blank())[name] += 1
    for cells in table.values():
        for category, cell in cells.items():
            cell["left_total"] = sum(cell["left"].values())
            change = {MemberCategory.PROBATIONARY.value: -cell["made_full"], MemberCategory.FULL.value: cell["made_full"],
                      "all": 0}[category]
            cell["expected"] = (cell["opening"] + cell["joined"] + cell["moved_in"] + cell["came_in"]
                                - cell["moved_out"] - cell["went_out"] - cell["left_total"] + change)
            cell["balanced"] = cell["expected"] == cell["closing"]
    return table


# --- the tables of the closing members -----------------------------------------------------------------------------

def _age_q(day: datetime.date, low: int | None, high: int | None) -> Q:
    q = Q(person__birth_date__isnull=False)
    if low is not None:  # at least ``low`` years old on ``day``: born on or before ``day`` minus low years
        q &= Q(person__birth_date__lte=_years_before(day, low))
    if high is not None:  # at most ``high``: born after ``day`` minus (high + 1) years
        q &= Q(person__birth_date__gt=_years_before(day, high + 1))
    return q


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def table_filters(period: Period) -> dict:
    """Every column of the closing members' tables: {table: [(column key, label, Q)]}."""
    end = period.end
    education = [(key, label, Q(person__education__in=values)) for (key, values), label in zip(
        EDUCATION_GROUPS, [_("Postgraduate"), _("University"), _("Junior college"),
                           _("Technical secondary or senior high school"), _("Junior high school or below")])]
    joining = []
    for key, low, high in JOINING_ERAS:
        q = Q()
        if low:
            q &= Q(joined_on__gte=low)
        if high:
            q &= Q(joined_on__lte=high)
        joining.append((key, JOINING_LABELS[key], q))
    ages = [(key, AGE_LABELS[key], _age_q(end, low, high)) for key, low, high in AGE_BANDS]
    women, probationary = Q(person__gender="female"), Q(category_then=MemberCategory.PROBATIONARY)
    rural, community = Q(person__organization__domain=Domain.RURAL), Q(person__organization__domain=Domain.COMMUNITY)
    student = Q(person__occupation=Occupation.STUDENT)
    return {
        "basic": [("total", _("Members"), Q()), ("women", _("Women"), Q(person__gender="female")),
                  ("minority", _("Ethnic minorities"), ~Q(person__ethnicity="01")),
                  ("probationary", _("Probationary members"), Q(category_then=MemberCategory.PROBATIONARY)),
                  ("college", _("Junior college or above"),
                   Q(person__education__in=[Education.GRADUATE, Education.UNIVERSITY, Education.COLLEGE])),
                  ("suspended", _("Standing suspended"), Q(status=MemberStatus.SUSPENDED)),
                  ("lost", _("Out of contact"), Q(lost_contact_on__isnull=False, lost_contact_on__lte=end))],
        "age": ages,
        "education": education,
        "joining": joining,
        # 乡镇村党员: the members of rural (township and village) organizations, by occupation
        "rural": [("total", _("Members"), rural), ("women", _("Women"), rural & women),
                  ("probationary", _("Probationary members"), rural & probationary),
                  ("young", _("35 or under"), rural & _age_q(end, None, 35)),
                  ("farmer", _("Farmers, herders and fishers"), rural & Q(person__occupation=Occupation.FARMER)),
                  ("migrant", _("Away for work or business"), rural & Q(no_post_class=Classification.MIGRANT)),
                  ("worker", _("Workers"), rural & Q(person__occupation=Occupation.WORKER)),
                  ("retired", _("Retired"), rural & Q(person__occupation=Occupation.RETIRED)),
                  ("other", _("Other occupations"), rural & ~Q(person__occupation__in=[
                      Occupation.FARMER, Occupation.WORKER, Occupation.RETIRED]))],
        # 街道社区党员: the members of community organizations
        "community": [("total", _("Members"), community), ("women", _("Women"), community & women),
                      ("probationary", _("Probationary members"), community & probationary),
                      ("retired", _("Retired"), community & Q(person__occupation=Occupation.RETIRED)),
                      ("worker", _("Workers"), community & Q(person__occupation=Occupation.WORKER)),
                      ("professional", _("Professionals"), community & Q(person__occupation=Occupation.PROFESSIONAL)),
                      ("lost", _("Out of contact"), community & Q(lost_contact_on__isnull=False,
                                                                  lost_contact_on__lte=end)),
                      ("other", _("Other occupations"), community & ~Q(person__occupation__in=[
                          Occupation.RETIRED, Occupation.WORKER, Occupation.PROFESSIONAL]))],
        # 学生党员: the registry has no school type; the level of study is read from the education recorded
        "student": [("total", _("Members"), student), ("women", _("Women"), student & women),
                    ("probationary", _("Probationary members"), student & probationary),
                    ("graduate", _("Postgraduate"), student & Q(person__education=Education.GRADUATE)),
                    ("university", _("University"), student & Q(person__education=Education.UNIVERSITY)),
                    ("college", _("Junior college"), student & Q(person__education=Education.COLLEGE)),
                    ("other", _("Other or not recorded"), student & ~Q(person__education__in=[
                        Education.GRADUATE, Education.UNIVERSITY, Education.COLLEGE]))],
    }


AGE_LABELS = {"30": _("30 or under"), "31_35": _("31–35"), "36_40": _("36–40"), "41_45": _("41–45"),
              "46_50": _("46–50"), "51_55": _("51–55"), "56_60": _("56–60"), "61": _("61 or over")}
JOINING_LABELS = {"before_1949": _("Before October 1949"), "1949_1966": _("October 1949 – April 1966"),
                  "1966_1976": _("May 1966 – October 1976"), "1976_1978": _("November 1976 – December 1978"),
                  "1979_2002": _("January 1979 – October 2002"), "2002_2012": _("November 2002 – October 2012"),
                  "since_2012": _("Since November 2012")}
TABLE_TITLES = {"basic": _("Members' basic situation"), "age": _("Members by age"),
                "education": _("Members by education"), "joining": _("Members by time of joining"),
                "rural": _("Township and village members"), "community": _("Street and community members"),
                "student": _("Student members")}


def closing_groups(period: Period, only: tuple[str, ...] | None = None) -> list[dict]:
    """The members at the end of the year counted once by row and category, with every table's columns
    (``<table>__<column>``; ``only`` those tables) and ``n``."""
    counts = {f"{table}__{key}": Count("pk", filter=q)
              for table, found in table_filters(period).items() if only is None or table in only
              for key, _label, q in found}
    closing = _at(period, period.end).annotate(row=Substr("stood", 1, period.width))
    groups = list(closing.order_by().values("row", "category_then").annotate(n=Count("pk"), **counts))
    for group in groups:
        group["row"] = group["row"] if len(group["row"]) == period.width else period.root.path
    return groups


def tables(period: Period, groups: list[dict] | None = None, only: tuple[str, ...] | None = None) -> dict:
    """{table: {row path or "total": {column key: count}}} of the members at the end of the year (from
    ``closing_groups``, counted here if not given; ``only`` those tables)."""
    columns = {table: found for table, found in table_filters(period).items() if only is None or table in only}
    found: dict = {table: {"total": {key: 0 for key, _label, _q in cols}} for table, cols in columns.items()}
    for group in groups if groups is not None else closing_groups(period, only):
        for name, n in group.items():
            if "__" not in name:
                continue
            table, key = name.split("__", 1)
            cell = found[table].setdefault(group["row"], {k: 0 for k, _label, _q in columns[table]})
            cell[key] += n
            found[table]["total"][key] += n
    return found


def organizations(period: Period) -> dict:
    """The organizations of the subtree now, by type, and the branches by domain."""
    rows = Organization.objects.filter(subtree_q("path", [period.root.path]))
    by_type = dict(rows.order_by().values_list("org_type").annotate(n=Count("pk")))
    by_domain = dict(rows.filter(org_type=OrgType.BRANCH).order_by().values_list("domain").annotate(n=Count("pk")))
    return {"by_type": by_type, "by_domain": by_domain}


# --- the people behind a figure -------------------------------------------------------------------------------------

def people(period: Period, figure: str, *, row: str | None = None, category: str = "", extra_people=None):
    """The members behind one figure of the report: a movement (``left`` or ``left:<reason>``), a column of the
    closing tables (``<table>:<column>``), or a figure of the further tables (``extra_people``, which
    ``statistics_tables.people`` passes: the persons of another app's source are persons, not members); within a
    row (a child's path) and a category. None for an unknown figure."""
    sets = event_sets(period)
    name, _sep, detail = figure.partition(":")
    extra = extra_people(period, sets, name, detail, row) if extra_people is not None else None
    if extra is not None:  # a figure of the further tables: members (filtered below), or persons (done)
        if extra is False:
            return None
        if extra.model is not Member:
            return extra
        rows = extra
    elif name in sets:
        rows = sets[name]
        if name == "left" and detail:
            rows = rows.filter(way_of_leaving=detail)
    elif name in ("moved_in", "moved_out"):
        ids = [move["member_id"] for move in _moves(period)
               if _row_of(period, move["from"]) != _row_of(period, move["to"])
               and (row is None or _row_of(period, move["to" if name == "moved_in" else "from"]) == row)
               and (not category or move["category"] == category)
               and (row is not None or (_row_of(period, move["from"]) is None) == (name == "moved_in"))]
        return Member.objects.filter(pk__in=ids).select_related("person__organization")
    elif name in table_filters(period):
        columns = {key: q for key, _label, q in table_filters(period)[name]}
        if detail not in columns:
            return None
        rows = sets["closing"].filter(columns[detail])
    else:
        return None
    if row is not None:  # a child's subtree, or the root's own members
        rows = rows.filter(stood=row) if row == period.root.path else rows.filter(subtree_q("stood", [row]))
    if category:
        rows = rows.filter(category_then=category)
    return rows.select_related("person__organization").order_by("person__name_search", "pk")


# --- the report, its checks and its submission -----------------------------------------------------------------------

def rows_of(period: Period) -> list[tuple[str, str]]:
    """The report's rows: (path, name) of each child of the root, and the root itself for its own members."""
    children = list(Organization.objects.filter(parent=period.root).order_by("path").values_list("path", "name"))
    return [*children, (period.root.path, period.root.name)]


def closing_figures(data: dict) -> dict:
    """What a submission keeps for next year's check: each row's members at the end of the year, by category."""
    return {row: {category: cell["closing"] for category, cell in cells.items()}
            for row, cells in data["reconciliation"].items()}


def checks(period: Period, data: dict, last_submitted: dict | None) -> list[dict]:
    """The reviewers' checks, as warnings to read before submitting: {"kind", "message", "people" (names)}."""
    found = []
    total = data["reconciliation"].get("total", {}).get("all") or blank_cell()
    names = {**dict(data["rows"]), "total": TOTAL}
    for row, cells in data["reconciliation"].items():
        for category, cell in cells.items():
            if not cell["balanced"]:
                found.append({"kind": "unbalanced", "message": _(
                    "%(row)s (%(category)s): the movements give %(expected)s, the members at the end are %(closing)s.")
                    % {"row": names.get(row, row), "category": CATEGORY_LABELS.get(category, category),
                       "expected": cell["expected"], "closing": cell["closing"]}, "people": []})
    if last_submitted is not None:
        last = last_submitted.get("total", {}).get("all")
        if last is not None and last != total["opening"]:
            found.append({"kind": "opening", "message": _(
                "The members at the start of the year (%(opening)s) differ from last year's report at its end "
                "(%(last)s): records of last year were changed after it was submitted.") % {
                "opening": total["opening"], "last": last}, "people": []})
    elif period.year > 2000:
        found.append({"kind": "no_last", "message": _("Last year's report was not submitted here: the opening figure "
                                                      "cannot be checked against it."), "people": []})
    changes = (StandingChange.objects.filter(subtree_q("org_path", [period.root.path]), on__year=period.year,
                                             kind__in=[Kind.SUSPEND, Kind.RESTORE], withdrawn_on__isnull=True)
               .select_related("person").order_by("on", "pk"))
    for kind, label in ((Kind.SUSPEND, _("Standing suspended this year: %(n)s (name list below).")),
                        (Kind.RESTORE, _("Standing restored this year: %(n)s (name list below)."))):
        listed = [f"{change.person.name}（{change.on:%Y-%m-%d}）" for change in changes if change.kind == kind]
        if listed:
            found.append({"kind": kind, "message": label % {"n": len(listed)}, "people": listed})
    unrecorded = total["left"].get(UNRECORDED, 0)
    if unrecorded:
        found.append({"kind": "unrecorded", "message": _(
            "%(n)s members left the party without a recorded way of leaving: record it on their standing.") % {
            "n": unrecorded}, "people": []})
    for row, cells in data["reconciliation"].items():
        cell = cells.get("all")
        if row == "total" or cell is None or cell["opening"] < 20:
            continue
        change = cell["closing"] - cell["opening"]
        if abs(change) * 10 > cell["opening"]:
            found.append({"kind": "unusual", "message": _(
                "%(row)s: %(opening)s members at the start of the year, %(closing)s at its end (more than a tenth "
                "changed): explain it.") % {"row": names.get(row, row), "opening": cell["opening"],
                                            "closing": cell["closing"]}, "people": []})
    return found
