"""Member import (with posts): read → check every row → plan → apply, all or nothing.

People are matched on the ID number. The checks are the services' own (kernel.people.services), the writes
set-based (tools.dataio.store) with change records shaped like the services' ones.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from kernel.core import clock, idcard
from kernel.core.excel import parse_date
from kernel.core.scope import CHANGE, scope_for
from kernel.core.tree import SEGMENT_WIDTH
from kernel.orgs.counters import move_member_counts
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.choices import MemberStatus, PostTitle, Stage
from kernel.people.models import Member, Person, Post
from kernel.people.services import (
    MEMBERSHIP_FIELDS,
    members_imported,
    membership_refusals,
    validate_member_dates,
    validate_person_fields,
)

from . import bulk, store
from .columns import MEMBER_COLUMNS
from .common import (
    PROGRESS_EVERY,
    ChangeLog,
    Plan,
    RowError,
    Sheet,
    checked_then_written,
    no_progress,
    search_keys,
)

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation", "phone")
MEMBER_FIELDS = ("category", "applied_on", "joined_on", "full_on", "status", "no_post_class")
PERSON_DEFAULTS = {"ethnicity": "01", "education": "", "occupation": "", "phone": ""}
MEMBER_DEFAULTS = {"status": MemberStatus.ACTIVE, "no_post_class": "", "applied_on": None, "full_on": None}
_SEPARATORS = re.compile(r"[;；,，、/\n]+")
_POSTS_COLUMN = next(c for c in MEMBER_COLUMNS if c.key == "posts")


def _chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _chunk_size() -> int:
    return 20_000 if connection.vendor == "postgresql" else 900


class MemberImport:
    def __init__(self, *, user, progress=no_progress, today: datetime.date | None = None):
        self.user = user
        self.progress = progress
        self.today = today or clock.today()
        self.scope = scope_for(user) if user is not None else None

    def may_change(self, path: str) -> bool:
        return self.scope is None or self.scope.covers(path, realm="people", action=CHANGE)

    # --- read and check each row on its own -------------------------------------------------------------------

    def prepare(self, file, name: str = "") -> Plan:
        plan = Plan(kind="members")
        sheet = self.sheet = Sheet(file, name, MEMBER_COLUMNS, plan)
        if plan.errors:
            return plan
        self.orgs = {code: (pk, path, status) for code, pk, path, status in
                     Organization.objects.values_list("code", "id", "path", "status")}
        records, first_row = [], {}
        for number, cells in sheet.rows:
            plan.total += 1
            record = self.clean(number, sheet.cells(cells))
            if record is not None:
                previous = first_row.setdefault(record["id_number"], number)
                if previous != number:
                    sheet.error(number, "id_number", "duplicate",
                                _("The same ID number is on row %(row)d.") % {"row": previous})
                else:
                    records.append(record)
            if plan.total % PROGRESS_EVERY == 0:
                self.progress(plan.total, sheet.estimated, _("Checking rows"))
        if plan.total == 0:
            plan.errors.append(RowError(2, "", "empty", _("The file has no data rows.")))
        self.progress(plan.total, plan.total, _("Comparing with the registry"))
        existing = self.existing_people([r["id_number"] for r in records])
        posts = self.existing_posts([e["id"] for e in existing.values()]) if sheet.has("posts") else {}
        writes = Writes()
        self.refusals = membership_refusals([e["id"] for e in existing.values()], MEMBERSHIP_FIELDS)
        for record in records:
            self.plan_row(plan, writes, record, existing.get(record["id_number"]), posts)
        if plan.errors:
            return plan
        plan.writes = writes
        return plan

    def clean(self, row: int, raw: dict) -> dict | None:
        sheet = self.sheet
        errors_before = len(sheet.plan.errors)
        record = {"row": row}
        for key in ("name", "gender", "ethnicity", "birth_date", "education", "occupation", "phone", "category",
                    "applied_on", "joined_on", "full_on", "status", "no_post_class"):
            if sheet.has(key):
                record[key] = sheet.value(row, raw, key)
        number = sheet.value(row, raw, "id_number")
        record["id_number"] = number
        if number:
            person = {"name": record.get("name") or "", "id_number": number, "birth_date": record.get("birth_date"),
                      "gender": record.get("gender")}
            try:
                person = validate_person_fields(person)
            except ValidationError as exc:
                if "name" in exc.message_dict and record.get("name") is None:
                    exc = ValidationError({k: v for k, v in exc.message_dict.items() if k != "name"} or {})
                if exc.message_dict:
                    sheet.service_errors(row, exc, "id_number")
            else:
                record.update(id_number=person["id_number"], birth_date=person["birth_date"], gender=person["gender"])
        code = sheet.value(row, raw, "organization")
        if code:
            org = self.orgs.get(code)
            if org is None or not self.may_change(org[1]):
                sheet.error(row, "organization", "organization",
                            _("No organization with the code %(code)s lies within your organizations.") % {"code": code})
            elif org[2] != OrgStatus.ACTIVE:
                sheet.error(row, "organization", "organization",
                            _("The organization %(code)s is no longer active.") % {"code": code})
            else:
                record["organization"], record["org_path"] = org[0], org[1]
        if sheet.has("posts"):
            record["posts"] = self.clean_posts(row, raw)
        if len(sheet.plan.errors) > errors_before:
            return None
        return record

    def clean_posts(self, row: int, raw: dict) -> list | None:
        sheet = self.sheet
        text = str(raw.get("posts") or "").strip()
        titles = []
        for part in _SEPARATORS.split(text):
            part = part.strip()
            if not part:
                continue
            code = _POSTS_COLUMN.to_code(part)
            if code is None:
                sheet.error(row, "posts", "choice", _("%(value)s is not one of: %(choices)s.") % {
                    "value": part, "choices": "、".join(_POSTS_COLUMN.labels())})
                return None
            if code not in titles:
                titles.append(code)
        dates = [None]
        if sheet.has("posts_started_on") and raw.get("posts_started_on") not in (None, ""):
            cell = raw["posts_started_on"]
            parts = [cell] if not isinstance(cell, str) else [p for p in _SEPARATORS.split(cell) if p.strip()]
            try:
                dates = [parse_date(p) for p in parts]
            except (ValueError, OverflowError):
                sheet.error(row, "posts_started_on", "date", _("Write the dates as 2015-06-01, separated by ;."))
                return None
            if len(dates) not in (1, len(titles)):
                sheet.error(row, "posts_started_on", "count", _("Give one date, or one date for each post."))
                return None
        if len(dates) == 1:
            dates = dates * len(titles)
        return list(zip(titles, dates))

    # --- compare with the registry --------------------------------------------------------------------------------

    def existing_people(self, numbers) -> dict:
        found = {}
        values = ("id", "organization", "org_path", "stage", *PERSON_FIELDS)
        member_values = ("membership__id", *(f"membership__{k}" for k in (*MEMBER_FIELDS, "status_changed_on",
                                                                            "holds_post")))
        for chunk in _chunks(numbers, _chunk_size()):
            for row in Person.objects.filter(id_number__in=chunk).values(*values, *member_values):
                found[row["id_number"]] = row
        return found

    def existing_posts(self, person_ids) -> dict:
        posts = {}
        for chunk in _chunks(person_ids, _chunk_size()):
            for post in Post.objects.current(self.today).filter(person_id__in=chunk).values(
                    "id", "person", "organization", "org_path", "title", "started_on", "ended_on"):
                posts.setdefault(post["person"], []).append(post)
        return posts

    def plan_row(self, plan: Plan, writes, record: dict, old: dict | None, posts: dict) -> None:
        sheet, row = self.sheet, record["row"]
        if old is not None and not self.may_change(old["org_path"]):
            sheet.error(row, "id_number", "scope",
                        _("This ID number belongs to a person kept by an organization outside yours."))
            return
        person = {k: record[k] if record.get(k) not in (None, "") else
                  (old[k] if old is not None else PERSON_DEFAULTS.get(k)) for k in PERSON_FIELDS}
        has_member = old is not None and old["membership__id"] is not None
        member = {k: record[k] if record.get(k) not in (None, "") else
                  (old[f"membership__{k}"] if has_member else MEMBER_DEFAULTS.get(k)) for k in MEMBER_FIELDS}
        try:
            validate_member_dates(birth_date=person["birth_date"], applied_on=member["applied_on"],
                                  joined_on=member["joined_on"], full_on=member["full_on"], category=member["category"])
        except ValidationError as exc:
            sheet.service_errors(row, exc, "joined_on")
            return
        reason = self.refusals.get(old["id"]) if old is not None else None
        if reason and (not has_member or old["stage"] != Stage.MEMBER
                       or any(member[k] != old[f"membership__{k}"] for k in ("category", "joined_on", "applied_on",
                                                                             "full_on"))):
            sheet.error(row, "joined_on", "standing", reason)
            return
        if sheet.plan.errors:
            return  # once a row is wrong nothing will be written: only keep checking
        writes.add(self, plan, record, old, person, member, posts)


class Writes:
    """The rows an import writes, gathered while planning so that applying is a handful of statements."""

    def __init__(self):
        self.person_new, self.person_changed = [], []
        self.member_new, self.member_changed = [], []
        self.post_new, self.post_changed = [], []
        self.log = []  # (model, action, row, before, repr, path)
        self.deltas: dict[int, int] = {}  # organization id -> change of active members
        self.touched: set[str] = set()  # paths of the organizations whose people change
        self.links = []  # (row, person row): the row's "person" is the person's id once it has one
        self.standing = []  # (member row, category before, status before): registered ("" before) or changed
        self.user = None

    def add(self, importer: MemberImport, plan: Plan, record, old, person_values, member_values, posts) -> None:
        today, self.user = importer.today, importer.user
        org_id, org_path = record["organization"], record["org_path"]
        name_search, name_initials = search_keys(person_values["name"])
        person = {"id": old["id"] if old else None, **person_values, "stage": Stage.MEMBER,
                  "organization": org_id, "org_path": org_path, "name_search": name_search,
                  "name_initials": name_initials}
        changed = []
        if old is None:
            self.person_new.append(person)
            self.log.append((Person, "create", person, None, person["name"], org_path))
        else:
            before = {k: old[k] for k in ("id", *PERSON_FIELDS, "stage", "organization", "org_path")}
            changed = [k for k in (*PERSON_FIELDS, "stage", "organization") if before[k] != person[k]]
            if changed:
                before["name_search"], before["name_initials"] = search_keys(old["name"])
                self.person_changed.append(person)
                self.log.append((Person, "update", person, before, person["name"], org_path))
        member_old = None
        if old is not None and old["membership__id"] is not None:
            member_old = {"id": old["membership__id"], "person": old["id"], "org_path": old["org_path"],
                          **{k: old[f"membership__{k}"] for k in (*MEMBER_FIELDS, "status_changed_on", "holds_post")}}
        member = {"id": member_old["id"] if member_old else None, "person": person["id"], "org_path": org_path,
                  **member_values,
                  "status_changed_on": member_old["status_changed_on"] if member_old else None,
                  "holds_post": member_old["holds_post"] if member_old else False}
        if member_old and member_old["status"] != member["status"]:
            member["status_changed_on"] = today
        post_changes = self.plan_posts(record, person, posts.get(old["id"], []) if old else [], today)
        if post_changes is not None:
            member["holds_post"] = post_changes
        if member_old is None:
            self.member_new.append(member)
            if old is None:
                self.links.append((member, person))
            self.log.append((Member, "create", member, None, person["name"], org_path))
            self.standing.append((member, "", ""))
            changed += ["membership"]
        else:
            if (member_old["status"], member_old["category"]) != (member["status"], member["category"]):
                self.standing.append((member, member_old["category"], member_old["status"]))
            member_changed = [k for k in member if member[k] != member_old[k]]
            if member_changed:
                self.member_changed.append(member)
                self.log.append((Member, "update", member, member_old, person["name"], org_path))
                changed += [k for k in member_changed if k not in ("org_path", "status_changed_on", "holds_post")]
        if record.get("_posts_changed"):
            changed.append("posts")
        was = (old["organization"] if member_old and member_old["status"] == MemberStatus.ACTIVE else None)
        now = org_id if member["status"] == MemberStatus.ACTIVE else None
        if was != now:
            if was is not None:
                self.deltas[was] = self.deltas.get(was, 0) - 1
            if now is not None:
                self.deltas[now] = self.deltas.get(now, 0) + 1
        if old is None or changed:
            self.touched.add(org_path)
            if old is not None:
                self.touched.add(old["org_path"])
        label = f"{person['name']} {idcard.mask_id(person['id_number'] or '')}"
        headings = [importer.sheet.heading(k) if k in importer.sheet.columns else k for k in changed]
        if old is None:
            plan.note("created", record["row"], label)
        elif changed:
            plan.note("updated", record["row"], label, dict.fromkeys(headings))
        else:
            plan.note("unchanged", record["row"], label)

    def plan_posts(self, record, person, current: list, today) -> bool | None:
        """Creates, re-dates or ends posts so that the member's posts in their organization are those listed.

        Returns the member's 任职 afterwards, or None when the file says nothing about posts.
        """
        wanted = record.get("posts")
        if wanted is None:
            return None
        org_id, org_path = person["organization"], person["org_path"]
        mine = {p["title"]: p for p in current if p["organization"] == org_id}
        changed = False
        for title, started in wanted:
            post = mine.pop(title, None)
            if post is None:
                new = {"id": None, "person": person["id"], "organization": org_id, "org_path": org_path,
                       "title": title, "started_on": started, "ended_on": None}
                self.post_new.append(new)
                if person["id"] is None:
                    self.links.append((new, person))
                self.log.append((Post, "create", new, None, f"{person['name']} · {PostTitle(title).label}", org_path))
                changed = True
            elif started is not None and post["started_on"] != started:
                after = {**post, "started_on": started}
                self.post_changed.append(after)
                self.log.append((Post, "update", after, post, f"{person['name']} · {PostTitle(title).label}", org_path))
                changed = True
        for post in mine.values():
            ended = max(today, (post["started_on"] or today) + datetime.timedelta(days=1))
            after = {**post, "ended_on": ended}
            self.post_changed.append(after)
            self.log.append((Post, "update", after, post, f"{person['name']} · {PostTitle(post['title']).label}",
                             post["org_path"]))
            changed = True
        record["_posts_changed"] = changed
        others = [p for p in current if p["organization"] != org_id]
        return bool(others) or any(started is None or started <= today for _t, started in wanted)

    # --- apply ----------------------------------------------------------------------------------------------------

    def apply(self, progress=no_progress, row_count: int = 0) -> None:
        for rows, model in ((self.person_new, Person), (self.member_new, Member), (self.post_new, Post)):
            for row, pk in zip(rows, store.reserve_ids(model, len(rows))):
                row["id"] = pk
        for row, person in self.links:  # rows of people who had no id yet when planned
            row["person"] = person["id"]
        progress(row_count, row_count, _("Writing people"))
        store.write(Person, self.person_new, self.person_changed)
        progress(row_count, row_count, _("Writing memberships and posts"))
        store.write(Member, self.member_new, self.member_changed)
        store.write(Post, self.post_new, self.post_changed)
        move_member_counts(self.deltas)
        refresh_stats(self.touched)
        progress(row_count, row_count, _("Writing the change log"))
        log = ChangeLog()
        for model, action, row, before, repr_, path in self.log:
            log.add(model, action, row, before=before, repr_=repr_, path=path)
        log.write()
        if self.standing:
            members_imported.send(sender=Member, user=self.user, rows=[
                (m["id"], m["person"], m["org_path"], m["joined_on"], m["full_on"], category, m["category"], status,
                 m["status"], m["status_changed_on"]) for m, category, status in self.standing])


def refresh_stats(touched) -> None:
    """Rebuilds the summary counts (kernel.orgs.stats) of the smallest subtrees holding every path in ``touched``."""
    try:
        from kernel.orgs import stats
    except ImportError:
        return
    roots = {}
    for path in touched:
        top = path[:SEGMENT_WIDTH]
        common = roots.get(top, path)
        while not path.startswith(common):
            common = common[:-SEGMENT_WIDTH]
        roots[top] = common
    for path in roots.values():
        stats.refresh(Organization.objects.get(path=path))


def import_members(file, name: str = "", *, user, dry_run: bool = False, progress=no_progress) -> Plan:
    """Checks every row and, when all are right and it is not a dry run, writes them in one transaction."""
    def prepare() -> Plan:
        importer = MemberImport(user=user, progress=progress)
        return bulk.prepare(importer, file, name) or importer.prepare(file, name)

    return checked_then_written(prepare, lambda plan: plan.writes.apply(progress, plan.total), file, dry_run=dry_run)
