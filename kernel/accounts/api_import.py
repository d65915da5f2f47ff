"""Accounts from a workbook over the API: POST the xlsx file, get back the accounts created with their one-time
passwords, or 422 with every row's errors and nothing written."""
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from kernel.core.api import ErrorOut, choice, error_body, run_service, scope_exempt

from . import imports
from .roles import Role

router = Router(tags=["accounts"])


class ImportedOut(Schema):
    id: int
    username: str
    full_name: str
    organization: str
    role: choice(Role)
    one_time_password: str


class ImportOut(Schema):
    dry_run: bool
    count: int
    created: list[ImportedOut]


def _import(*, user, file, dry_run):
    return imports.import_accounts(file, file.name, user=user, dry_run=dry_run)


@router.post("/users/import", response={201: ImportOut, 200: ImportOut, 422: ErrorOut})
@scope_exempt("every row is checked against the caller's administrator subtrees and the roles it may grant")
def users_import(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    """An account workbook (the template of ``/accounts/import/template.xlsx``: 用户名, 姓名, 手机号, 组织代码,
    角色): every row checked, then every account created with its role, or none. The answer holds each account's
    one-time password, shown only here. ``dry_run`` checks and writes nothing. A refused file answers 422 with
    each error located as ``["body", "file", row, column]`` (row 1: the header or the file as a whole)."""
    if not file.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
        return Status(422, error_body(422, [{"loc": ["body", "file"], "code": "invalid",
                                             "message": _("Choose an xlsx workbook or a CSV file.")}]))
    plan, created = run_service(request, _import, file=file, dry_run=dry_run)
    if not plan.ok:
        return Status(422, error_body(422, [
            {"loc": ["body", "file", error["row"], *([error["column"]] if error["column"] else [])],
             "code": error["code"], "message": error["message"]} for error in plan.error_dicts()]))
    rows = [{"id": c.user_id, "username": c.username, "full_name": c.full_name, "organization": c.organization,
             "role": c.role_code, "one_time_password": c.password} for c in created]
    return Status(200 if dry_run else 201, {"dry_run": dry_run, "count": plan.counts["created"], "created": rows})
