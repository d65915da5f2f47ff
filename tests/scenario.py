"""What the scenario tests do as users do it, over HTTP only: start an empty site with the documented commands,
sign in (a one-time password first changed), bring in organizations, members and accounts from workbooks, and
call the API. No ORM or service call: a scenario knows only what the answers tell it.

    county = new_county(townships=3, villages=4)      # setup_site, orgs, members, install_shipped
    county.admin                                      # the county administrator's signed-in client
    town1 = county.account("town1", "T1", "乡镇管理员")  # an imported account, signed in, password changed
"""
import datetime
import io
import json
from dataclasses import dataclass, field

from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from tests.kit import make_id_number

ADMIN_PASSWORD = "Zuzhibu-2027-strong"


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def api(client, method, path, body=None, **kwargs):
    """An API call in the default language (Chinese); ``body`` is sent as JSON."""
    if body is not None:
        kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
    return getattr(client, method)("/api" + path, headers={"accept-language": "zh-hans"}, **kwargs)


def upload(client, path, name, data, **fields):
    data.name = name
    return client.post("/api" + path, {"file": data, **fields}, headers={"accept-language": "zh-hans"})


def log_in(username, password) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def change_password(client, old, new) -> None:
    """A one-time password sends its holder to the new-password page; the API refuses them meanwhile."""
    assert client.get("/").url.startswith("/accounts/password/")
    assert api(client, "get", "/orgs").status_code == 403
    response = client.post("/accounts/password/", {"old_password": old, "new_password1": new, "new_password2": new})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/").status_code == 200
    assert api(client, "get", "/orgs").status_code == 200


def job_succeeded(response) -> dict:
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == "succeeded", job
    return job


def daily(today: str) -> str:
    """The documented daily run, on the given day (``manage.py daily --today YYYY-MM-DD``)."""
    out = io.StringIO()
    call_command("daily", "--today", today, "--again", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@dataclass
class County:
    admin: Client
    code: str
    townships: int
    villages: int
    ids: dict = field(default_factory=dict)  # organization code -> id, read through the API

    def org(self, code: str) -> dict:
        found = api(self.admin, "get", f"/orgs/by-code/{code}")
        assert found.status_code == 200, found.content
        return found.json()

    def account(self, username: str, org_code: str, role: str, *, name: str = "", phone: str = "") -> Client:
        """An account from the account sheet (role as its Chinese label or code), signed in with its one-time
        password, which it changes."""
        sheet = xlsx([("用户名", "姓名", "手机号", "组织代码", "角色"), (username, name or username, phone, org_code, role)])
        imported = upload(self.admin, "/users/import", "accounts.xlsx", sheet)
        assert imported.status_code == 201, imported.content
        secret = imported.json()["created"][0]["one_time_password"]
        client = log_in(username, secret)
        change_password(client, secret, f"{username.capitalize()}-new-password-1")
        return client


def new_county(*, townships: int = 3, villages: int = 4, members: int = 2, code: str = "430530",
               name: str = "某县委", committee_post: str = "党委委员", extra_orgs=(), extra_members=(),
               install: bool = True) -> County:
    """An empty site made a county: ``setup_site``, its first administrator signed in (password changed),
    townships T1… with villages T1V1… from the organization sheet, ``members`` members a village and one
    committee member a township (委员1…, holding ``committee_post``) from the member sheet, and what the system
    ships (``install_shipped``)."""
    out = io.StringIO()
    call_command("setup_site", "--org-code", code, "--org-name", name, "--admin", "zuzhibu", "--admin-name", "组织部",
                 stdout=out, stderr=io.StringIO())
    first = out.getvalue().strip().splitlines()[-1]
    admin = log_in("zuzhibu", first)
    change_password(admin, first, ADMIN_PASSWORD)
    orgs = [("组织代码", "名称", "组织类别", "所属领域", "上级组织代码", "成立日期")]
    for t in range(1, townships + 1):
        orgs.append((f"T{t}", f"第{t}镇党委", "党委", "农村", code, "1990-01-01"))
        orgs += [(f"T{t}V{v}", f"第{t}镇{v}村党支部", "支部", "农村", f"T{t}", "1990-01-01")
                 for v in range(1, villages + 1)]
    orgs += list(extra_orgs)
    assert job_succeeded(upload(admin, "/imports/orgs", "orgs.xlsx", xlsx(orgs)))["counts"]["created"] == len(orgs) - 1
    rows = [("姓名", "公民身份号码", "所在党组织代码", "党员类别", "入党日期", "转正日期", "职务", "任职日期")]
    for t in range(1, townships + 1):
        rows.append((f"委员{t}", make_id_number(datetime.date(1975, t, 3)), f"T{t}", "正式", "1998-07-01",
                     "1999-07-01", committee_post, "2024-01-01"))
        for v in range(1, villages + 1):
            for n in range(members):
                rows.append((f"党员{t}-{v}-{n}", make_id_number(datetime.date(1960 + v, 1 + n % 12, 1 + t)),
                             f"T{t}V{v}", "正式", "2001-07-01", "2002-07-01", "", ""))
    rows += list(extra_members)
    job = job_succeeded(upload(admin, "/imports/members", "members.xlsx", xlsx(rows)))
    assert job["counts"]["created"] == len(rows) - 1, job
    if install:
        call_command("install_shipped", "--as", "zuzhibu", stdout=io.StringIO())
    return County(admin=admin, code=code, townships=townships, villages=villages)
