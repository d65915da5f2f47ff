"""Organization import: read → check every row → plan → apply through the tree services, all or nothing.

Organizations are matched on their code. A county has a few hundred of them and each new one needs a
path under its parent, so they are written by kernel.orgs.services (one transaction for the whole file), which
keeps the tree's rules and counters exactly as on the pages. A changed parent is refused: moving a
subtree is done on its page.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel.core.scope import CHANGE, scope_for
from kernel.orgs.models import Organization, OrgType
from kernel.orgs.services import ALLOWED_PARENTS, org_create, org_update

from .columns import ORG_COLUMNS
from .common import PROGRESS_EVERY, Plan, RowError, Sheet, checked_then_written, no_progress

FIELDS = ("name", "short_name", "org_type", "domain", "founded_on", "place")
DEFAULTS = {"short_name": "", "domain": "", "place": "", "founded_on": None}


class OrgImport:
    def __init__(self, *, user, progress=no_progress):
        self.user = user
        self.progress = progress
        self.scope = scope_for(user) if user is not None else None

    def may_change(self, path: str) -> bool:
        return self.scope is None or self.scope.covers(path, realm="org", action=CHANGE)

    def prepare(self, file, name: str = "") -> Plan:
        plan = Plan(kind="orgs")
        sheet = self.sheet = Sheet(file, name, ORG_COLUMNS, plan)
        if plan.errors:
            return plan
        records, first_row = [], {}
        for number, cells in sheet.rows:
            plan.total += 1
            raw = sheet.cells(cells)
            before = len(plan.errors)
            record = {"row": number, **{k: sheet.value(number, raw, k) for k in ("code", *FIELDS, "parent")
                                         if sheet.has(k) or k == "code"}}
            if len(plan.errors) > before or not record["code"]:
                continue
            previous = first_row.setdefault(record["code"], number)
            if previous != number:
                sheet.error(number, "code", "duplicate", _("The same code is on row %(row)d.") % {"row": previous})
                continue
            records.append(record)
            if plan.total % PROGRESS_EVERY == 0:
                self.progress(plan.total, sheet.estimated, _("Checking rows"))
        if plan.total == 0:
            plan.errors.append(RowError(2, "", "empty", _("The file has no data rows.")))
        codes = {r["code"] for r in records} | {r.get("parent") for r in records if r.get("parent")}
        existing = {o.code: o for o in Organization.objects.filter(code__in=codes).select_related("parent")}
        in_file = {r["code"]: r for r in records}
        writes = []
        for record in records:
            self.plan_row(plan, writes, record, existing, in_file)
        if not plan.errors:
            plan.writes = self.ordered(writes, in_file)
        return plan

    def plan_row(self, plan, writes, record, existing, in_file) -> None:
        sheet, row, code = self.sheet, record["row"], record["code"]
        old = existing.get(code)
        if old is not None and not self.may_change(old.path):
            sheet.error(row, "code", "scope", _("No organization with the code %(code)s lies within your"
                                                " organizations.") % {"code": code})
            return
        values = {k: record[k] if record.get(k) not in (None, "") else
                  (getattr(old, k) if old is not None else DEFAULTS.get(k)) for k in FIELDS}
        if not values["name"]:
            sheet.error(row, "name", "required", _("This column must be filled in."))
        if not values["org_type"]:
            sheet.error(row, "org_type", "required", _("This column must be filled in."))
            return
        parent_code = record.get("parent") or (old.parent.code if old is not None and old.parent else "")
        parent_type = None
        if parent_code:
            parent = existing.get(parent_code)
            if parent is not None:
                if not parent.is_active:
                    sheet.error(row, "parent", "parent", _("The parent organization is no longer active."))
                    return
                if old is None and not self.may_change(parent.path):
                    sheet.error(row, "parent", "scope", _("No organization with the code %(code)s lies within your"
                                                          " organizations.") % {"code": parent_code})
                    return
                parent_type = parent.org_type
            elif parent_code in in_file and parent_code != code:
                parent_type = in_file[parent_code].get("org_type")
            else:
                sheet.error(row, "parent", "parent", _("No organization with the code %(code)s lies within your"
                                                       " organizations.") % {"code": parent_code})
                return
        elif old is None and self.user is not None and not self.user.is_superuser:
            sheet.error(row, "parent", "required", _("Only a system administrator can add a top-level"
                                                     " organization."))
            return
        if old is not None and (old.parent.code if old.parent else "") != parent_code:
            sheet.error(row, "parent", "move", _("The parent differs from the registry's: move the organization on"
                                                 " its page."))
            return
        if parent_type not in ALLOWED_PARENTS[OrgType(values["org_type"])]:
            sheet.error(row, "org_type", "placement", _("A %(child)s cannot be placed under a %(parent)s.") % {
                "child": OrgType(values["org_type"]).label,
                "parent": OrgType(parent_type).label if parent_type else _("nothing (top level)")})
            return
        label = f"{code} {values['name']}"
        if old is None:
            plan.note("created", row, label)
            writes.append(("create", record, parent_code, values))
            return
        changed = {k: v for k, v in values.items() if getattr(old, k) != v}
        if changed:
            plan.note("updated", row, label, [sheet.heading(k) for k in changed])
            writes.append(("update", record, old, changed))
        else:
            plan.note("unchanged", row, label)

    @staticmethod
    def ordered(writes, in_file):
        """Creations with parents before their children; updates after."""
        creates = {w[1]["code"]: w for w in writes if w[0] == "create"}
        done, ordered = set(), []

        def visit(code):
            if code in done or code not in creates:
                return
            done.add(code)
            visit(creates[code][2])
            ordered.append(creates[code])

        for code in creates:
            visit(code)
        return ordered + [w for w in writes if w[0] == "update"]

    def apply(self, writes) -> None:
        created = {}
        for index, write in enumerate(writes):
            if write[0] == "create":
                _action, record, parent_code, values = write
                parent = created.get(parent_code) or (
                    Organization.objects.get(code=parent_code) if parent_code else None)
                created[record["code"]] = org_create(user=self.user, parent=parent, code=record["code"], **values)
            else:
                _action, record, old, changed = write
                org_update(user=self.user, org=old, **changed)
            if index % 500 == 0:
                self.progress(index, len(writes), _("Writing organizations"))


def import_orgs(file, name: str = "", *, user, dry_run: bool = False, progress=no_progress) -> Plan:
    importer = OrgImport(user=user, progress=progress)

    def apply(plan: Plan) -> None:
        try:
            importer.apply(plan.writes)
        except (ValidationError, PermissionDenied) as exc:  # the checks above should have caught it
            plan.errors.append(RowError(0, "", "refused", "; ".join(getattr(exc, "messages", [str(exc)]))))
            transaction.set_rollback(True)

    return checked_then_written(lambda: importer.prepare(file, name), apply, file, dry_run=dry_run)
