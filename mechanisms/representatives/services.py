"""Every write of the representatives' app: atomic, the scope checked again, the change recorded.

The duties: each representative in office owes the monthly activity day and the yearly "1+4" duties (the shipped
rules, library.RULES), one obligation per period made here through the duties engine (``obligations_for``; the daily
job makes the month's and the year's for everyone in office); recording an activity or submitting a proposal is the
submission that counts towards it."""
import calendar
import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from kernel.core import clock
from kernel.core.changelog import record_change, snapshot
from kernel.core.models import ChangeRecord
from kernel.core.services import NeedsConfirmation, refuse, require_in_scope, user_or_none
from kernel.core.tree import in_subtree
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.models import Person

from .library import ACTIVITY_DAY_RULE, RULE_OF_KIND, YEARLY_RULES
from .models import (
    Activity,
    ActivityKind,
    Congress,
    EndReason,
    Household,
    HouseholdRequest,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RepImport,
    Representative,
    RepStatus,
    RequestState,
    Satisfaction,
    Studio,
)

HOUSEHOLDS = 10          # each representative is linked to ten households (seed 001)
MAX_BULK = 2000
DEFAULT_ANSWER_DAYS = 90  # a proposal's answer is due within three months of its assignment by default
DEFAULT_REQUEST_DAYS = 15


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def _active(org: Organization, field: str) -> None:
    if org.status != OrgStatus.ACTIVE:
        refuse(_("The organization is no longer active."), field=field)


# --- congresses and studios ------------------------------------------------------------------------------------

@transaction.atomic
def congress_create(*, user, organization: Organization, number: int, opened_on: datetime.date,
                    term_ends_on: datetime.date, name: str = "") -> Congress:
    require_in_scope(user, organization.path, realm="org")
    _active(organization, "organization")
    if number < 1:
        refuse(_("The congress number must be at least 1."), field="number")
    if term_ends_on <= opened_on:
        refuse(_("The term must end after the congress opens."), field="term_ends_on")
    if Congress.objects.filter(organization=organization, number=number).exists():
        refuse(_("That congress is already recorded."), field="number")
    name = (name or "").strip() or _("%(org)s, congress %(number)s") % {"org": organization.name, "number": number}
    congress = Congress.objects.create(organization=organization, org_path=organization.path, number=number,
                                       name=name[:100], opened_on=opened_on, term_ends_on=term_ends_on)
    record_change(congress, ChangeRecord.Action.CREATE)
    return congress


@transaction.atomic
def studio_create(*, user, organization: Organization, name: str, address: str = "",
                  activity_day: int | None = None) -> Studio:
    require_in_scope(user, organization.path, realm="org")
    _active(organization, "organization")
    name = (name or "").strip()
    if not name:
        refuse(_("Give the studio a name."), field="name")
    if activity_day is not None and not 1 <= activity_day <= 31:
        refuse(_("The activity day is a day of the month, 1 to 31."), field="activity_day")
    if Studio.objects.filter(organization=organization, name=name).exists():
        refuse(_("A studio of that name is already there."), field="name")
    studio = Studio.objects.create(organization=organization, org_path=organization.path, name=name[:100],
                                   address=(address or "")[:200], activity_day=activity_day)
    record_change(studio, ChangeRecord.Action.CREATE)
    return studio


@transaction.atomic
def congress_update(*, user, congress: Congress, number: int, opened_on: datetime.date, term_ends_on: datetime.date,
                    name: str = "") -> Congress:
    """Corrects a congress's number, name or term; a term that would leave out what its representatives recorded
    (activities, proposals) or the days their office ended is refused."""
    congress = Congress.objects.select_for_update().select_related("organization").get(pk=congress.pk)
    require_in_scope(user, congress.org_path, realm="org")
    if number < 1:
        refuse(_("The congress number must be at least 1."), field="number")
    if term_ends_on <= opened_on:
        refuse(_("The term must end after the congress opens."), field="term_ends_on")
    if Congress.objects.filter(organization=congress.organization, number=number).exclude(pk=congress.pk).exists():
        refuse(_("That congress is already recorded."), field="number")
    outside = (Activity.objects.filter(representative__congress=congress)
               .exclude(occurred_on__gte=opened_on, occurred_on__lte=term_ends_on).count()
               + Proposal.objects.filter(representative__congress=congress)
               .exclude(submitted_on__gte=opened_on, submitted_on__lte=term_ends_on).count())
    if outside:
        refuse(_("%(n)d records of its representatives lie outside that term: keep the term around them.")
               % {"n": outside}, field="opened_on")
    if Representative.objects.filter(congress=congress, ended_on__lt=opened_on).exists():
        refuse(_("An office of its representatives ended before that day."), field="opened_on")
    before = snapshot(congress)
    name = (name or "").strip() or _("%(org)s, congress %(number)s") % {"org": congress.organization.name,
                                                                         "number": number}
    congress.number, congress.name, congress.opened_on, congress.term_ends_on = (number, name[:100], opened_on,
                                                                                 term_ends_on)
    congress.save()
    record_change(congress, ChangeRecord.Action.UPDATE, before=before)
    return congress


def _check_leader(studio: Studio, leader: Representative | None) -> None:
    if leader is not None and (leader.studio_id != studio.pk or leader.status != RepStatus.IN_OFFICE):
        refuse(_("The leader is chosen among the studio's representatives in office."), field="leader")


def studio_move_preview(studio: Studio, organization: Organization) -> dict:
    reps = Representative.objects.filter(studio=studio)
    return {"studio": studio.name, "from": studio.organization.name, "to": organization.name,
            "representatives": reps.count(), "households": Household.objects.filter(representative__in=reps).count()}


@transaction.atomic
def studio_update(*, user, studio: Studio, name: str, organization: Organization, address: str = "",
                  activity_day: int | None = None, leader: Representative | None = None,
                  confirm: bool = False) -> Studio:
    """Corrects a studio (its name, address, activity day and leader), or moves it to another organization: its
    representatives and their records then lie under the new one (without ``confirm``: NeedsConfirmation with what
    moves, when anyone is stationed there)."""
    studio = Studio.objects.select_for_update().select_related("organization").get(pk=studio.pk)
    require_in_scope(user, studio.org_path, realm="org")
    name = (name or "").strip()
    if not name:
        refuse(_("Give the studio a name."), field="name")
    if activity_day is not None and not 1 <= activity_day <= 31:
        refuse(_("The activity day is a day of the month, 1 to 31."), field="activity_day")
    if Studio.objects.filter(organization=organization, name=name).exclude(pk=studio.pk).exists():
        refuse(_("A studio of that name is already there."), field="name")
    _check_leader(studio, leader)
    moved = organization.pk != studio.organization_id
    reps = Representative.objects.filter(studio=studio)
    if moved:
        require_in_scope(user, organization.path, realm="org")
        _active(organization, "organization")
        for congress_path in set(reps.values_list("congress__org_path", flat=True)):
            if not in_subtree(organization.path, [congress_path]):
                refuse(_("Its representatives' congress is held by a committee above the studio: the studio stays "
                         "under that committee."), field="organization")
        if reps.exists() and not confirm:
            raise NeedsConfirmation(_("Move the studio and its representatives?"),
                                    studio_move_preview(studio, organization))
    before = snapshot(studio)
    studio.name, studio.address, studio.activity_day, studio.leader = (name[:100], (address or "").strip()[:200],
                                                                       activity_day, leader)
    if moved:
        studio.organization, studio.org_path = organization, organization.path
        ids = list(reps.values_list("pk", flat=True))
        reps.update(org_path=organization.path)
        for model in (Household, Activity, Proposal, HouseholdRequest):
            model.objects.filter(representative_id__in=ids).update(org_path=organization.path)
    studio.save()
    record_change(studio, ChangeRecord.Action.UPDATE, before=before)
    return studio


# --- representatives ---------------------------------------------------------------------------------------------

PHONE_CHARS = set("0123456789+- ")


def household_errors(households) -> list[tuple[int, str, str]]:
    """Each wrong household as (its place from 1, field, reason); the rule of ten as place 0."""
    errors = []
    entries = list(households or [])
    for place, entry in enumerate(entries, start=1):
        name = (entry.get("name") or "").strip()
        if not name:
            errors.append((place, "name", _("Each linked household needs the name of its head.")))
        elif len(name) > 50:
            errors.append((place, "name", _("The name of the head is at most 50 characters.")))
        phone = (entry.get("phone") or "").strip()
        if phone and (len(phone) > 20 or not set(phone) <= PHONE_CHARS):
            errors.append((place, "phone", _("A phone number is made of digits (up to 20).")))
        if len((entry.get("address") or "").strip()) > 200:
            errors.append((place, "address", _("The address is at most 200 characters.")))
    if len(entries) > HOUSEHOLDS:
        errors.append((0, "households", _("A representative is linked to at most %(n)d households.")
                       % {"n": HOUSEHOLDS}))
    return errors


def _clean_households(households) -> list[dict]:
    errors = household_errors(households)
    if errors:
        place, _field, message = errors[0]
        refuse(_("Household %(n)d: %(reason)s") % {"n": place, "reason": message} if place else message,
               field="households")
    return [{**({"id": entry["id"]} if entry.get("id") else {}), "name": entry["name"].strip()[:50],
             "address": (entry.get("address") or "").strip()[:200], "phone": (entry.get("phone") or "").strip()[:20]}
            for entry in households or []]


def _households_replace(rep: Representative, rows: list[dict], path: str) -> None:
    """The representative's households become ``rows``: each kept (by its id, else by its head's name) and
    corrected, new ones added, the others removed; one with a request recorded cannot be removed."""
    existing = {h.pk: h for h in rep.households.all()}
    by_name: dict = {}
    for h in existing.values():
        by_name.setdefault(h.name, []).append(h)
    kept, new = set(), []
    for row in rows:
        found = existing.get(row.get("id"))
        if row.get("id") and found is None:
            refuse(_("That household is not linked to this representative."), field="households")
        if found is None:
            found = next((h for h in by_name.get(row["name"], []) if h.pk not in kept), None)
        if found is None:
            new.append(Household(representative=rep, org_path=path, name=row["name"], address=row["address"],
                                 phone=row["phone"]))
            continue
        kept.add(found.pk)
        if (found.name, found.address, found.phone, found.org_path) != (row["name"], row["address"], row["phone"],
                                                                        path):
            Household.objects.filter(pk=found.pk).update(name=row["name"], address=row["address"],
                                                         phone=row["phone"], org_path=path)
    gone = [h for pk, h in existing.items() if pk not in kept]
    busy = [h.name for h in gone if h.requests.exists()]
    if busy:
        refuse(_("%(names)s: a request of the household is recorded, so it stays linked.") % {
            "names": "、".join(busy)}, field="households")
    Household.objects.filter(pk__in=[h.pk for h in gone]).delete()
    Household.objects.bulk_create(new)


def _check_placement(user, congress: Congress, constituency: Organization, studio: Studio | None,
                     village: Organization | None) -> str:
    """The representative's path (the studio's organization, else the constituency), after the checks."""
    if not in_subtree(constituency.path, [congress.org_path]):
        refuse(_("The constituency must lie under the committee that holds the congress."), field="constituency")
    if studio is not None and not in_subtree(studio.org_path, [congress.org_path]):
        refuse(_("The studio must lie under the committee that holds the congress."), field="studio")
    if studio is not None and studio.closed_on is not None:
        refuse(_("The studio is closed."), field="studio")
    if village is not None:
        if not in_subtree(village.path, [congress.org_path]):
            refuse(_("The linked village must lie under the committee that holds the congress."), field="village")
        _active(village, "village")
    path = studio.org_path if studio is not None else constituency.path
    require_in_scope(user, path, realm="org")
    return path


@transaction.atomic
def representative_register(*, user, congress: Congress, person: Person, constituency: Organization,
                            studio: Studio | None = None, village: Organization | None = None,
                            households=()) -> Representative:
    path = _check_placement(user, congress, constituency, studio, village)
    rows = _clean_households(households)
    if Representative.objects.filter(congress=congress, person=person).exists():
        refuse(_("This person is already a representative of that congress."), field="person")
    rep = Representative.objects.create(congress=congress, person=person, constituency=constituency, studio=studio,
                                        village=village, org_path=path)
    Household.objects.bulk_create([Household(representative=rep, org_path=path, name=row["name"],
                                             address=row["address"], phone=row["phone"]) for row in rows])
    record_change(rep, ChangeRecord.Action.CREATE)
    return rep


def find_person(user, row: dict, constituency: Organization) -> Person | None:
    """The person a row names: by id, else by ID number, else by a name found once in the constituency; None when
    there is none (the row then adds them)."""
    if row.get("person"):
        person = Person.objects.restrict(user).filter(pk=row["person"]).first()
        if person is None:
            refuse(_("No such person."), field="person")
        return person
    id_number = (row.get("id_number") or "").strip().upper()
    if id_number:
        person = Person.objects.filter(id_number=id_number).first()
        if person is not None:
            return person
    name = (row.get("name") or "").strip()
    if not name:
        refuse(_("Give the representative's name or choose the person."), field="name")
    if not id_number:
        found = list(Person.objects.filter(organization=constituency, name=name)[:2])
        if len(found) == 1:
            return found[0]
    return None


def _person_for(user, row: dict, constituency: Organization) -> Person:
    """The person a bulk row names (find_person); added in the constituency if none is found."""
    return find_person(user, row, constituency) or _person_add(user, row, constituency)


def _person_add(user, row: dict, constituency: Organization) -> Person:
    from kernel.people.services import person_create

    id_number = (row.get("id_number") or "").strip().upper()
    return person_create(user=user, organization=constituency, name=(row.get("name") or "").strip(),
                         id_number=id_number or None, gender=row.get("gender") or ("" if id_number else "male"))


def bulk_preview(rows: list[dict]) -> dict:
    studios = {row["studio"].pk: row["studio"].name for row in rows if row.get("studio")}
    return {"representatives": len(rows), "studios": len(studios),
            "villages": len({row["village"].pk for row in rows if row.get("village")}),
            "households": sum(len(row.get("households") or []) for row in rows)}


@transaction.atomic
def representatives_bulk(*, user, congress: Congress, rows: list[dict], confirm: bool = False) -> list[Representative]:
    """Registers many representatives at once (a congress's list): each row has the person (or name and ID number),
    the constituency, the studio, the linked village and the households. All or nothing: the first bad row refuses
    the whole list, naming its line. Without ``confirm``: NeedsConfirmation with what it would register."""
    if not rows:
        refuse(_("The list is empty."), field="rows")
    if len(rows) > MAX_BULK:
        refuse(_("At most %(n)d representatives at once.") % {"n": MAX_BULK}, field="rows")
    if not confirm:
        raise NeedsConfirmation(_("Register these representatives?"), bulk_preview(rows))
    created = []
    for line, row in enumerate(rows, start=1):
        try:
            person = _person_for(user, row, row["constituency"])
            created.append(representative_register(
                user=user, congress=congress, person=person, constituency=row["constituency"],
                studio=row.get("studio"), village=row.get("village"), households=row.get("households") or ()))
        except Exception as error:
            from django.core.exceptions import ValidationError

            if isinstance(error, ValidationError):
                raise ValidationError({"rows": [_("Line %(line)d: %(reason)s") % {
                    "line": line, "reason": " ".join(error.messages)}]}) from error
            raise
    return created


@transaction.atomic
def representative_update(*, user, rep: Representative, studio: Studio | None, village: Organization | None,
                          households=None) -> Representative:
    rep = Representative.objects.select_for_update().get(pk=rep.pk)
    require_in_scope(user, rep.org_path, realm="org")
    before = snapshot(rep)
    path = _check_placement(user, rep.congress, rep.constituency, studio, village)
    if rep.studio_id and (studio is None or studio.pk != rep.studio_id):
        Studio.objects.filter(pk=rep.studio_id, leader=rep).update(leader=None)
    rep.studio, rep.village = studio, village
    moved = path != rep.org_path
    rep.org_path = path
    rep.save()
    if households is not None:
        _households_replace(rep, _clean_households(households), path)
    if moved:
        for model in (Household, Activity, Proposal, HouseholdRequest):
            model.objects.filter(representative=rep).update(org_path=path)
    record_change(rep, ChangeRecord.Action.UPDATE, before=before)
    return rep


# --- the workbook import ------------------------------------------------------------------------------------------

def import_row(user, congress: Congress, row: dict) -> tuple[Representative, bool]:
    """One checked row of a workbook registered: (the representative, whether the person was added)."""
    person = find_person(user, row, row["constituency"])
    added = person is None
    if added:
        person = _person_add(user, row, row["constituency"])
    rep = representative_register(user=user, congress=congress, person=person, constituency=row["constituency"],
                                  studio=row.get("studio"), village=row.get("village"),
                                  households=row.get("households") or ())
    return rep, added


@transaction.atomic
def import_apply(*, user, congress: Congress, rows: list[dict], file_name: str = "") -> RepImport:
    """Registers a workbook's checked rows (imports.read_rows) all or nothing: the first refusal names its row and
    nothing is written. The import is kept, so it can be withdrawn."""
    from django.core.exceptions import ValidationError

    require_in_scope(user, congress.org_path, realm="org")
    if not rows:
        refuse(_("The workbook has no representative in it."))
    if len(rows) > MAX_BULK:
        refuse(_("At most %(n)d representatives at once.") % {"n": MAX_BULK})
    batch = RepImport.objects.create(congress=congress, org_path=congress.org_path, file_name=(file_name or "")[:200],
                                     created_by=user_or_none(user))
    made, added = [], []
    for row in rows:
        try:
            rep, person_added = import_row(user, congress, row)
        except ValidationError as error:
            raise ValidationError(_("Row %(row)d: %(reason)s") % {"row": row.get("line", 0),
                                                                  "reason": " ".join(error.messages)}) from error
        made.append(rep.pk)
        if person_added:
            added.append(rep.pk)
    Representative.objects.filter(pk__in=made).update(batch=batch)
    Representative.objects.filter(pk__in=added).update(person_added=True)
    batch.representatives_count, batch.people_added = len(made), len(added)
    batch.households_count = Household.objects.filter(representative_id__in=made).count()
    batch.save(update_fields=["representatives_count", "households_count", "people_added", "updated_at"])
    record_change(batch, ChangeRecord.Action.CREATE, message=f"{len(made)} representatives, {len(added)} people added")
    return batch


def _busy(reps):
    """The representatives with something recorded (activities, proposals, requests)."""
    return reps.filter(Exists(Activity.objects.filter(representative=OuterRef("pk")))
                       | Exists(Proposal.objects.filter(representative=OuterRef("pk")))
                       | Exists(HouseholdRequest.objects.filter(representative=OuterRef("pk"))))


def import_withdraw_preview(batch: RepImport) -> dict:
    reps = Representative.objects.filter(batch=batch)
    busy = list(_busy(reps).select_related("person").order_by("pk")[:20])
    return {"file_name": batch.file_name, "congress": batch.congress.name, "representatives": reps.count(),
            "households": Household.objects.filter(representative__batch=batch).count(),
            "people_added": reps.filter(person_added=True).count(),
            "ended": reps.filter(status=RepStatus.ENDED).count(),
            "busy": [rep.person.name for rep in busy]}


@transaction.atomic
def import_withdraw(*, user, batch: RepImport, confirm: bool = False) -> RepImport:
    """Withdraws an import: its representatives and their households go (their duties not yet begun with them). A
    representative with something recorded since refuses it (withdraw those records, or end the office instead).
    Without ``confirm``: NeedsConfirmation with what goes. The people added to the register stay there."""
    from engines.duties.models import Obligation, Submission

    from .library import RULES

    batch = RepImport.objects.select_for_update().select_related("congress").get(pk=batch.pk)
    require_in_scope(user, batch.org_path, realm="org")
    if batch.withdrawn_on is not None:
        refuse(_("This import was withdrawn already."))
    reps = Representative.objects.filter(batch=batch)
    preview = import_withdraw_preview(batch)
    if preview["busy"]:
        refuse(_("These representatives have records since the import: %(names)s. Withdraw their records first, or "
                 "end their office instead.") % {"names": "、".join(preview["busy"])})
    for rep in reps.only("org_path"):
        require_in_scope(user, rep.org_path, realm="org")
    if not confirm:
        raise NeedsConfirmation(_("Withdraw this import?"), preview)
    ids = list(reps.values_list("pk", flat=True))
    persons = set(reps.values_list("person_id", flat=True))
    still = set(Representative.objects.filter(person_id__in=persons, status=RepStatus.IN_OFFICE)
                .exclude(pk__in=ids).values_list("person_id", flat=True))
    untouched = (Obligation.objects.filter(person_id__in=persons - still, rule__code__in=RULES, done_count=0,
                                           period_start__gte=datetime.date(batch.congress.opened_on.year, 1, 1))
                 .exclude(Exists(Submission.objects.filter(obligation=OuterRef("pk")))))
    untouched.delete()
    Studio.objects.filter(leader_id__in=ids).update(leader=None)
    Household.objects.filter(representative_id__in=ids).delete()
    Representative.objects.filter(pk__in=ids).delete()
    before = snapshot(batch)
    batch.withdrawn_on, batch.withdrawn_by = clock.today(), user_or_none(user)
    batch.save(update_fields=["withdrawn_on", "withdrawn_by", "updated_at"])
    record_change(batch, ChangeRecord.Action.UPDATE, before=before, message=_("Import withdrawn."))
    return batch


def end_preview(rep: Representative, today: datetime.date) -> dict:
    return {"representative": rep.person.name, "congress": rep.congress.name,
            "households": rep.households.count(),
            "open_proposals": rep.proposals.exclude(status=ProposalStatus.CLOSED).count(),
            "open_requests": rep.requests.filter(state=RequestState.OPEN).count()}


@transaction.atomic
def representative_end(*, user, rep: Representative, on: datetime.date, reason: str, note: str = "",
                       confirm: bool = False) -> Representative:
    """Ends a representative's office (moved, resigned, removed...). Without ``confirm``: NeedsConfirmation with what
    it ends. Withdrawn by ``representative_reinstate``."""
    rep = Representative.objects.select_for_update().select_related("congress", "person").get(pk=rep.pk)
    require_in_scope(user, rep.org_path, realm="org")
    if rep.status != RepStatus.IN_OFFICE:
        refuse(_("The representative is no longer in office."))
    if reason not in EndReason.values:
        refuse(_("Choose why the office ends."), field="reason")
    if on < rep.congress.opened_on:
        refuse(_("The office cannot end before the congress opened."), field="on")
    if on > clock.today():
        refuse(_("The day lies in the future."), field="on")
    if not confirm:
        raise NeedsConfirmation(_("End this representative's office?"), end_preview(rep, on))
    before = snapshot(rep)
    rep.status, rep.ended_on, rep.end_reason, rep.end_note = RepStatus.ENDED, on, reason, (note or "")[:300]
    rep.save()
    record_change(rep, ChangeRecord.Action.UPDATE, before=before)
    return rep


@transaction.atomic
def representative_reinstate(*, user, rep: Representative) -> Representative:
    """Withdraws a mistaken end of office: the representative is in office again."""
    rep = Representative.objects.select_for_update().get(pk=rep.pk)
    require_in_scope(user, rep.org_path, realm="org")
    if rep.status != RepStatus.ENDED:
        refuse(_("The representative is in office."))
    before = snapshot(rep)
    rep.status, rep.ended_on, rep.end_reason, rep.end_note = RepStatus.IN_OFFICE, None, "", ""
    rep.save()
    record_change(rep, ChangeRecord.Action.UPDATE, before=before, message=_("End of office withdrawn."))
    return rep


# --- duties ------------------------------------------------------------------------------------------------------

def _rule(code: str):
    from engines.duties.models import DutyRule

    return DutyRule.objects.filter(code=code, active=True).first()


def _owed_to(rep: Representative) -> Organization:
    return rep.studio.organization if rep.studio_id else rep.constituency


def obligation_for(rep: Representative, code: str, day: datetime.date):
    """The representative's obligation of rule ``code`` for the period containing ``day`` (its month for the
    activity day, its year for the others), made if missing; None when the rule is not installed."""
    from engines.duties.services import obligation_once

    rule = _rule(code)
    if rule is None:
        return None
    if code == ACTIVITY_DAY_RULE:
        start, end = month_bounds(day.year, day.month)
    else:
        start, end = datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    return obligation_once(user=None, rule=rule, subject=rep.person, due_on=end, period_start=start,
                           owed_to=_owed_to(rep))


def obligations_for(rep: Representative, day: datetime.date) -> int:
    made = 0
    for code in (ACTIVITY_DAY_RULE, *YEARLY_RULES):
        made += obligation_for(rep, code, day) is not None
    return made


def _periods(code: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if code == ACTIVITY_DAY_RULE:
        return month_bounds(day.year, day.month)
    return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)


def obligations_bulk(reps, day: datetime.date) -> int:
    """The obligations of ``day``'s month (activity day) and year ("1+4") of each representative that has none yet,
    written in bulk as obligation_once would write them one by one (the database keeps the tallies)."""
    from engines.duties import clock as duties_clock
    from engines.duties.models import Obligation, RuleVersion
    from engines.duties.periods import deadline, once_period

    reps = list(reps)
    made = 0
    for code in (ACTIVITY_DAY_RULE, *YEARLY_RULES):
        rule = _rule(code)
        if rule is None or not reps:
            continue
        start, end = _periods(code, day)
        version = (rule.versions.filter(effective_from__lte=start).order_by("-effective_from", "-number").first()
                   or rule.current_version)
        period = once_period(end, start)
        due, missed_after = deadline(version.cadence, period, due_days=version.due_days,
                                     grace_days=version.grace_days, due_on=end)
        state = duties_clock.state_of(due_on=due, missed_after=missed_after, completed_on=None,
                                      today_=clock.today())
        have = set(Obligation.objects.filter(rule=rule, period_start=start, person_id__in=[r.person_id for r in reps])
                   .values_list("person_id", flat=True))
        rows = [Obligation(rule=rule, version=version, person_id=rep.person_id, org_path=rep.person.org_path,
                           owed_to=_owed_to(rep), period_start=start, period_end=period.end,
                           period_label=period.label, due_on=due, missed_after=missed_after,
                           required_count=version.min_count, state=state)
                for rep in reps if rep.person_id not in have]
        have.update(rep.person_id for rep in reps)
        Obligation.objects.bulk_create(rows, batch_size=500)
        RuleVersion.objects.filter(pk=version.pk, frozen=False).update(frozen=True)
        made += len(rows)
    return made


def obligations_follow(*, today: datetime.date | None = None) -> dict:
    """The daily job: every representative in office owes this month's activity day and this year's duties."""
    day = today or clock.today()
    reps = list(Representative.objects.filter(status=RepStatus.IN_OFFICE, congress__opened_on__lte=day,
                                              congress__term_ends_on__gte=day)
                .select_related("person", "studio__organization", "constituency"))
    with transaction.atomic():
        made = obligations_bulk(reps, day)
    return {"representatives": len(reps), "obligations": made}


def _submit(rep: Representative, code: str, day: datetime.date, title: str, record) -> None:
    from engines.duties.services import submit

    obligation = obligation_for(rep, code, day)
    if obligation is None:
        return
    submit(user=None, rule=obligation.rule, subject=rep.person, occurred_on=day, title=title, record=record,
           period_start=obligation.period_start)


def _withdraw_submissions(record) -> None:
    from django.contrib.contenttypes.models import ContentType

    from engines.duties.models import Submission
    from engines.duties.services import submission_withdraw

    for submission in Submission.objects.filter(record_type=ContentType.objects.get_for_model(record),
                                                record_id=record.pk):
        submission_withdraw(user=None, submission=submission)


# --- activities --------------------------------------------------------------------------------------------------

def _require_in_office(rep: Representative, day: datetime.date) -> None:
    if rep.status != RepStatus.IN_OFFICE and (rep.ended_on is None or day > rep.ended_on):
        refuse(_("The representative was not in office on that day."), field="occurred_on")
    if day < rep.congress.opened_on or day > rep.congress.term_ends_on:
        refuse(_("The day lies outside the congress's term."), field="occurred_on")


@transaction.atomic
def activity_record(*, user, rep: Representative, kind: str, occurred_on: datetime.date, content: str,
                    studio: Studio | None = None, household: Household | None = None) -> Activity:
    """Records what a representative did; it counts towards the duty of its kind (a visit to a household towards
    none: the monthly standard counts it)."""
    require_in_scope(user, rep.org_path, realm="org")
    if kind not in ActivityKind.values:
        refuse(_("Choose the kind of activity."), field="kind")
    if occurred_on > clock.today():
        refuse(_("A record cannot be entered before the day it took place."), field="occurred_on")
    _require_in_office(rep, occurred_on)
    content = (content or "").strip()
    if not content:
        refuse(_("Say what was done."), field="content")
    if kind == ActivityKind.ACTIVITY_DAY:
        studio = studio or rep.studio
        if studio is None:
            refuse(_("Choose the studio where the activity day was held."), field="studio")
    if household is not None and household.representative_id != rep.pk:
        refuse(_("That household is not linked to this representative."), field="household")
    if kind == ActivityKind.HOUSEHOLD_VISIT and household is None:
        refuse(_("Choose the household visited."), field="household")
    activity = Activity.objects.create(representative=rep, studio=studio, household=household, org_path=rep.org_path,
                                       kind=kind, occurred_on=occurred_on, content=content[:500],
                                       recorded_by=user if getattr(user, "pk", None) else None)
    record_change(activity, ChangeRecord.Action.CREATE)
    code = RULE_OF_KIND.get(kind)
    if code:
        _submit(rep, code, occurred_on, content[:200], activity)
    return activity


@transaction.atomic
def activity_withdraw(*, user, activity: Activity) -> None:
    """Removes a mistaken record; its duty is recounted."""
    require_in_scope(user, activity.org_path, realm="org")
    _withdraw_submissions(activity)
    record_change(activity, ChangeRecord.Action.DELETE)
    activity.delete()


def studio_activity_day(*, user, studio: Studio, occurred_on: datetime.date, content: str, attendees) -> list:
    """The studio's activity day: one record for each representative who attended."""
    require_in_scope(user, studio.org_path, realm="org")
    attendees = list(attendees)
    if not attendees:
        refuse(_("Choose who attended."), field="attendees")
    with transaction.atomic():
        return [activity_record(user=user, rep=rep, kind=ActivityKind.ACTIVITY_DAY, occurred_on=occurred_on,
                                content=content, studio=studio) for rep in attendees]


# --- proposals ---------------------------------------------------------------------------------------------------

def _proposal(pk) -> Proposal:
    return Proposal.objects.select_for_update().select_related("representative").get(pk=pk)


@transaction.atomic
def proposal_submit(*, user, rep: Representative, kind: str, title: str, content: str,
                    submitted_on: datetime.date) -> Proposal:
    require_in_scope(user, rep.org_path, realm="org")
    if kind not in ProposalKind.values:
        refuse(_("Choose motion or suggestion."), field="kind")
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        refuse(_("Give the proposal a title."), field="title")
    if not content:
        refuse(_("Write what the proposal asks."), field="content")
    if submitted_on > clock.today():
        refuse(_("The day lies in the future."), field="submitted_on")
    _require_in_office(rep, submitted_on)
    proposal = Proposal.objects.create(representative=rep, org_path=rep.org_path, kind=kind, title=title[:200],
                                       content=content, submitted_on=submitted_on)
    record_change(proposal, ChangeRecord.Action.CREATE)
    _submit(rep, "rep-proposal", submitted_on, title[:200], proposal)
    return proposal


@transaction.atomic
def proposal_assign(*, user, proposal: Proposal, handling_unit: str, assigned_on: datetime.date,
                    deadline: datetime.date | None = None) -> Proposal:
    proposal = _proposal(proposal.pk)
    require_in_scope(user, proposal.org_path, realm="org")
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.ASSIGNED):
        refuse(_("The proposal is already answered."))
    handling_unit = (handling_unit or "").strip()
    if not handling_unit:
        refuse(_("Name the handling unit."), field="handling_unit")
    if assigned_on < proposal.submitted_on:
        refuse(_("It cannot be assigned before it was submitted."), field="assigned_on")
    deadline = deadline or assigned_on + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)
    if deadline < assigned_on:
        refuse(_("The deadline cannot come before the assignment."), field="deadline")
    before = snapshot(proposal)
    proposal.handling_unit, proposal.assigned_on, proposal.deadline = handling_unit[:100], assigned_on, deadline
    proposal.status = ProposalStatus.ASSIGNED
    proposal.save()
    record_change(proposal, ChangeRecord.Action.UPDATE, before=before)
    return proposal


@transaction.atomic
def proposal_answer(*, user, proposal: Proposal, answer: str, answered_on: datetime.date) -> Proposal:
    proposal = _proposal(proposal.pk)
    require_in_scope(user, proposal.org_path, realm="org")
    if proposal.status != ProposalStatus.ASSIGNED:
        refuse(_("Only a proposal assigned to a handling unit is answered."))
    answer = (answer or "").strip()
    if not answer:
        refuse(_("Write the answer."), field="answer")
    if answered_on < proposal.assigned_on or answered_on > clock.today():
        refuse(_("The answer's day must lie between the assignment and today."), field="answered_on")
    before = snapshot(proposal)
    proposal.answer, proposal.answered_on, proposal.status = answer, answered_on, ProposalStatus.ANSWERED
    proposal.save()
    record_change(proposal, ChangeRecord.Action.UPDATE, before=before)
    return proposal


@transaction.atomic
def proposal_close(*, user, proposal: Proposal, satisfaction: str, closed_on: datetime.date | None = None) -> Proposal:
    """The representative's view of the answer closes the proposal; not satisfied sends it back to its handling
    unit (assigned again, a new deadline of the default length)."""
    proposal = _proposal(proposal.pk)
    require_in_scope(user, proposal.org_path, realm="org")
    if proposal.status != ProposalStatus.ANSWERED:
        refuse(_("Only an answered proposal takes the representative's view."))
    if satisfaction not in Satisfaction.values:
        refuse(_("Choose the representative's view."), field="satisfaction")
    day = closed_on or clock.today()
    before = snapshot(proposal)
    proposal.satisfaction = satisfaction
    if satisfaction == Satisfaction.UNSATISFIED:
        proposal.status, proposal.assigned_on = ProposalStatus.ASSIGNED, day
        proposal.deadline = day + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)
        proposal.answered_on = None
    else:
        proposal.status, proposal.closed_on = ProposalStatus.CLOSED, day
    proposal.save()
    record_change(proposal, ChangeRecord.Action.UPDATE, before=before)
    return proposal


@transaction.atomic
def proposal_withdraw(*, user, proposal: Proposal) -> None:
    """Removes a proposal entered by mistake (only before it is assigned)."""
    proposal = _proposal(proposal.pk)
    require_in_scope(user, proposal.org_path, realm="org")
    if proposal.status != ProposalStatus.SUBMITTED:
        refuse(_("Only a proposal not yet assigned can be withdrawn."))
    _withdraw_submissions(proposal)
    record_change(proposal, ChangeRecord.Action.DELETE)
    proposal.delete()


# --- households' requests ----------------------------------------------------------------------------------------

@transaction.atomic
def request_create(*, user, household: Household, matter: str, received_on: datetime.date,
                   deadline: datetime.date | None = None) -> HouseholdRequest:
    require_in_scope(user, household.org_path, realm="org")
    matter = (matter or "").strip()
    if not matter:
        refuse(_("Say what the household asks."), field="matter")
    if received_on > clock.today():
        refuse(_("The day lies in the future."), field="received_on")
    deadline = deadline or received_on + datetime.timedelta(days=DEFAULT_REQUEST_DAYS)
    if deadline < received_on:
        refuse(_("The deadline cannot come before the request was received."), field="deadline")
    request = HouseholdRequest.objects.create(household=household, representative=household.representative,
                                              org_path=household.org_path, matter=matter[:300],
                                              received_on=received_on, deadline=deadline)
    record_change(request, ChangeRecord.Action.CREATE)
    return request


@transaction.atomic
def request_done(*, user, row: HouseholdRequest, done_on: datetime.date, result: str,
                 satisfaction: str = "") -> HouseholdRequest:
    request = HouseholdRequest.objects.select_for_update().get(pk=row.pk)
    require_in_scope(user, request.org_path, realm="org")
    if request.state == RequestState.DONE:
        refuse(_("The request is already done."))
    result = (result or "").strip()
    if not result:
        refuse(_("Say how it was handled."), field="result")
    if done_on < request.received_on or done_on > clock.today():
        refuse(_("The day must lie between the request and today."), field="done_on")
    if satisfaction and satisfaction not in Satisfaction.values:
        refuse(_("Choose the household's view."), field="satisfaction")
    before = snapshot(request)
    request.state, request.done_on, request.result, request.satisfaction = (RequestState.DONE, done_on,
                                                                            result[:300], satisfaction)
    request.save()
    record_change(request, ChangeRecord.Action.UPDATE, before=before)
    return request


@transaction.atomic
def request_reopen(*, user, row: HouseholdRequest) -> HouseholdRequest:
    """Withdraws a request's completion recorded by mistake."""
    request = HouseholdRequest.objects.select_for_update().get(pk=row.pk)
    require_in_scope(user, request.org_path, realm="org")
    if request.state != RequestState.DONE:
        refuse(_("The request is open."))
    before = snapshot(request)
    request.state, request.done_on, request.result, request.satisfaction = RequestState.OPEN, None, "", ""
    request.save()
    record_change(request, ChangeRecord.Action.UPDATE, before=before)
    return request


# --- the monthly ranking -----------------------------------------------------------------------------------------

def monthly_standard():
    from engines.standards.models import Standard

    from .library import MONTHLY_STANDARD

    standard = Standard.objects.filter(code=MONTHLY_STANDARD).select_related("current_version").first()
    if standard is None or standard.current_version is None:
        refuse(_("The standard “%(code)s” is not installed (manage.py install_shipped).") % {
            "code": MONTHLY_STANDARD})
    return standard


def monthly_subjects(congress: Congress, year: int, month: int):
    """The people in office as the congress's representatives at some time in the month."""
    start, end = month_bounds(year, month)
    reps = Representative.objects.filter(congress=congress).exclude(ended_on__lt=start)
    return Person.objects.filter(pk__in=reps.values("person_id")).order_by("org_path", "pk")


@transaction.atomic
def monthly_assessment(*, user, congress: Congress, year: int, month: int):
    """The month's score sheets of the congress's representatives, every item counted from the records, ranked within
    each studio. An existing one is counted again while open."""
    from engines.standards.models import Assessment
    from engines.standards.services import assessment_create, compute_results, fill_from_sources

    from .library import CLASSIFIER, RATER

    require_in_scope(user, congress.org_path, realm="org")
    if not 1 <= month <= 12:
        refuse(_("Choose a month."), field="month")
    start, end = month_bounds(year, month)
    if start > clock.today():
        refuse(_("That month has not begun."), field="month")
    standard = monthly_standard()
    label = f"{year}-{month:02d}"
    assessment = Assessment.objects.filter(version__standard=standard, owner=congress.organization,
                                           period_label=label).first()
    if assessment is None:
        assessment = assessment_create(
            user=user, version=standard.current_version, owner=congress.organization,
            name=f"{standard.name} · {label}", period_kind="month", period_start=start, period_end=end,
            period_label=label, subjects=list(monthly_subjects(congress, year, month)), class_by=CLASSIFIER)
    if assessment.status == Assessment.Status.OPEN and RATER not in (assessment.locked_groups or []):
        fill_from_sources(user=user, assessment=assessment, rater_code=RATER)
        compute_results(user=user, assessment=assessment)
    return assessment
