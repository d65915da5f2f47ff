"""Accounts from a workbook: every row checked, then all of them created in one transaction, or none.

The file format is the importers' (dataio): Chinese headers, a role given by its Chinese or English label or
its code, errors by row and column, the user's own file returned with the bad cells marked. Accounts are few
(a county has hundreds), and each needs its password hashed and its grant checked, so they are created one
by one through the account services rather than in bulk; the services stay the only place that writes them.
"""
import io
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.core import workbook_upload
from kernel.core.excel import UnreadableFile, clean_text, read_table
from kernel.core.sheets import CHOICE, Column, Plan, RowError, Sheet
from kernel.core.tree import in_subtree
from kernel.orgs.models import Organization, OrgStatus

from . import services
from .roles import RANK, Role
from .selectors import admin_grants

KIND = "accounts"
MAX_ROWS = 2000
SHEET_NAME = "账号"
TEMPLATE_NAME = "账号导入模板.xlsx"
MOBILE = re.compile(r"1[3-9]\d{9}")
_USERNAME = UnicodeUsernameValidator()

ACCOUNT_COLUMNS = (
    Column("username", "用户名", gettext_lazy("The login name: letters, digits and @ . + - _ only; unique."),
           required=True, max_length=150, aliases=("账号", "登录名", "username")),
    Column("full_name", "姓名", gettext_lazy("The account holder's full name."), required=True, max_length=150,
           aliases=("name", "full_name")),
    Column("phone", "手机号", gettext_lazy("An 11-digit mobile number; may be left blank."), max_length=20,
           aliases=("手机", "手机号码", "联系电话", "phone")),
    Column("organization", "组织代码", gettext_lazy("Code of the organization the role is granted on (it covers"
                                                 " the organization's whole subtree)."), required=True,
           aliases=("党组织代码", "所在党组织代码", "organization")),
    Column("role", "角色", gettext_lazy("The role, by its name or code."), CHOICE, required=True,
           choices=tuple(Role.choices), aliases=("role",),
           value_aliases={"县管理员": Role.COUNTY_ADMIN, "乡镇管理员": Role.TOWNSHIP_ADMIN, "书记": Role.BRANCH_SECRETARY,
                          "领导": Role.LEADER, "党员": Role.MEMBER}),
)
_HEADERS = {column.key: column.header for column in ACCOUNT_COLUMNS}
# The fields the account services name in their refusals, and the columns they come from.
SERVICE_FIELDS = {"username": "username", "full_name": "full_name", "phone": "phone", "home": "organization",
                  "organization": "organization", "role": "role"}
EXAMPLE = ["zhangsan", "张三", "13800001234", "TA", "乡镇管理员"]


@dataclass
class AccountRow:
    row: int
    username: str
    full_name: str
    phone: str
    organization: Organization
    role: str

    @property
    def label(self) -> str:
        return f"{self.username} · {self.full_name}"


@dataclass
class Created:
    """An account the import created, with the one-time password it was given (never stored)."""

    user_id: int
    username: str
    full_name: str
    organization: str
    role: str
    password: str
    role_code: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def import_accounts(file, name: str = "", *, user, dry_run: bool = False) -> tuple[Plan, list[Created]]:
    """Checks every row of ``file``; unless ``dry_run`` and only if all are right, creates every account with its
    grant in one transaction. Returns the plan (its errors by row and column) and the accounts created."""
    services.require_account_admin(user)
    file.seek(0)
    plan = Plan(kind=KIND, counts={"created": 0}, samples={"created": []})
    rows = _read(file, name, user=user, plan=plan)
    if not plan.ok or dry_run:
        return plan, []
    try:
        with transaction.atomic():
            created = [_create(row, user=user, plan=plan) for row in rows]
            if not plan.ok:
                raise _RolledBack
    except _RolledBack:
        return plan, []
    return plan, created


class _RolledBack(Exception):
    pass


def _create(row: AccountRow, *, user, plan: Plan) -> Created | None:
    try:
        with transaction.atomic():
            account, password = services.user_create_with_role(
                user=user, username=row.username, full_name=row.full_name, phone=row.phone, home=row.organization,
                role=row.role)
    except ValidationError as error:
        items = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
        for field, errors in items:
            column = _HEADERS.get(SERVICE_FIELDS.get(field), "")
            for item in errors:
                for message in item.messages:
                    plan.errors.append(RowError(row.row, column, item.code or "refused", str(message)))
        return None
    except PermissionDenied as error:
        plan.errors.append(RowError(row.row, _HEADERS["organization"], "outside", str(error)))
        return None
    return Created(account.pk, account.get_username(), row.full_name, row.organization.name,
                   str(Role(row.role).label), password, row.role)


def _read(file, name: str, *, user, plan: Plan) -> list[AccountRow]:
    sheet = Sheet(file, name, ACCOUNT_COLUMNS, plan)
    parsed = []
    for number, cells in sheet.rows:
        plan.total += 1
        if plan.total > MAX_ROWS:
            sheet.error(number, "", "too_many", _("At most %(n)d accounts per file.") % {"n": MAX_ROWS})
            return []
        raw = sheet.cells(cells)
        values = {key: sheet.value(number, raw, key) for key in sheet.columns if sheet.has(key)}
        parsed.append((number, values))
    if not plan.ok and not parsed:
        return []
    _check_usernames(sheet, parsed)
    organizations = _organizations(sheet, parsed)
    grants = admin_grants(user)
    grantable = {org.pk: grantable_roles(user, org.path, grants) for org in organizations.values()}
    rows = []
    for number, values in parsed:
        phone = values.get("phone") or ""
        if phone and not MOBILE.fullmatch(phone):
            sheet.error(number, "phone", "phone", _("%(value)s is not an 11-digit mobile number.") % {"value": phone})
        organization = organizations.get(values.get("organization"))
        role = values.get("role")
        if organization is not None and not grantable[organization.pk]:
            # The same answer as for a code that does not exist: a sheet must not tell what lies outside.
            sheet.error(number, "organization", "unknown", _("No organization has the code %(value)s.")
                        % {"value": organization.code})
            organization = None
        elif organization is not None and role and role not in grantable[organization.pk]:
            sheet.error(number, "role", "role_above", _("You may not grant the role %(role)s on %(org)s.") % {
                "role": Role(role).label, "org": organization.name})
        if all(values.get(k) for k in ("username", "full_name", "role")) and organization is not None:
            rows.append(AccountRow(number, values["username"], values["full_name"], phone, organization, role))
    if plan.ok:  # every row is listed in the preview, not only the first ones: an account file is short
        plan.counts["created"] = len(rows)
        plan.samples["created"] = [{"row": row.row, "label": row.label, "fields": [
            row.organization.name, str(Role(row.role).label)]} for row in rows]
    return rows


def grantable_roles(user, path: str, grants=None) -> set[str]:
    """The roles ``user`` may grant on the organization at ``path`` (``grants``: their admin_grants, if known)."""
    if user.is_superuser:
        return set(Role.values)
    grants = admin_grants(user) if grants is None else grants
    rank = max((RANK[role] for role, root in grants if in_subtree(path, [root])), default=0)
    return {role for role in Role.values if rank and RANK[role] <= rank}


def _check_usernames(sheet: Sheet, parsed) -> None:
    seen: dict[str, int] = {}
    for number, values in parsed:
        username = values.get("username")
        if not username:
            continue
        try:
            _USERNAME(username)
        except ValidationError:
            sheet.error(number, "username", "username", _("Letters, digits and @ . + - _ only."))
            values["username"] = None
            continue
        key = username.casefold()
        if key in seen:
            sheet.error(number, "username", "duplicate", _("%(value)s is also on row %(row)d.") % {
                "value": username, "row": seen[key]})
        else:
            seen[key] = number
    taken = _taken_usernames(list(seen))
    for number, values in parsed:
        username = values.get("username")
        if username and username.casefold() in taken:
            sheet.error(number, "username", "exists", _("The user name %(value)s is already taken.") % {
                "value": username})


def _taken_usernames(names: list[str]) -> set[str]:
    """The names already in use, compared without case (one query per 500 names)."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    taken = set()
    for start in range(0, len(names), 500):
        lowered = [name.lower() for name in names[start:start + 500]]
        taken |= {name.casefold() for name in User.objects.annotate(folded=Lower(field))
                  .filter(folded__in=lowered).values_list(field, flat=True)}
    return taken


def _organizations(sheet: Sheet, parsed) -> dict[str, Organization]:
    """The active organizations the file names, by code; unknown or closed codes are errors."""
    codes = {values.get("organization") for _number, values in parsed} - {None}
    found = {org.code: org for org in Organization.objects.filter(code__in=codes).only(
        "id", "code", "name", "path", "status", "depth")}
    for number, values in parsed:
        code = values.get("organization")
        if not code:
            continue
        org = found.get(code)
        if org is None:
            sheet.error(number, "organization", "unknown", _("No organization has the code %(value)s.") % {
                "value": code})
        elif org.status != OrgStatus.ACTIVE:
            sheet.error(number, "organization", "inactive", _("%(value)s is no longer active.") % {"value": code})
    return {code: org for code, org in found.items() if org.status == OrgStatus.ACTIVE}


# --- workbooks -----------------------------------------------------------------------------------------------------

def template() -> bytes:
    """The blank import template: the data sheet with its Chinese headers and a role dropdown, and instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    with translation.override("zh-hans"):
        roles = [str(label) for _code, label in Role.choices]
    for index, column in enumerate(ACCOUNT_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = workbook_upload.HEAD
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 18
        if column.key in ("username", "phone", "organization"):
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.kind == CHOICE:
            rule = DataValidation(type="list", formula1='"' + ",".join(roles) + '"', allow_blank=True,
                                  showErrorMessage=False)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("Instructions"))
    notes.append([_("How to fill in the template")])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        _("Fill in one row per account on the first sheet, below the headers; keep the headers as they are."),
        _("Nothing is created unless every row is right: the errors come back row by row, with the bad cells"
          " marked in a copy of your file."),
        _("You may grant roles only on organizations you manage, and no role above your own."),
        _("Each account gets a one-time password, printed once on a sheet after the import; it must be changed at"
          " the first login."),
    ):
        notes.append([line])
    notes.append([])
    notes.append([_("Column"), _("Required"), _("Explanation"), _("Accepted values"), _("Example")])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for column, example in zip(ACCOUNT_COLUMNS, EXAMPLE):
        values = "、".join(roles) if column.kind == CHOICE else ""
        notes.append([column.header, _("Yes") if column.required else "", str(column.help), values, example])
    for letter, width in zip("ABCDE", (12, 8, 60, 60, 16)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def errors_workbook(file, name: str, errors: list[dict]) -> bytes:
    """The uploaded values (never the file itself) with the bad cells filled red and commented, and a column
    listing each row's errors."""
    file.seek(0)
    try:
        table = read_table(file, name)
    except UnreadableFile:
        return workbook_upload.error_workbook([c.header for c in ACCOUNT_COLUMNS], [], errors, title=SHEET_NAME)
    header = [clean_text(cell) for cell in table.header]
    rows = []
    try:
        rows.extend(table.rows)
    except UnreadableFile:  # too large or broken part-way: the rows read so far, and the errors
        pass
    return workbook_upload.error_workbook(header, rows, errors, title=SHEET_NAME)
