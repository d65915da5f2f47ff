"""The member import writes the standing's rows (issue 18): a member it registers has a join in the standing's
history (on the day joined), a member whose status it changes a correction; the register of standing changes
lists them. Driven through the import pages (upload → preview → confirm) with a real workbook."""
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from kernel.core import clock
from tests.import_files import MEMBER_HEADER, id_number, member_row

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def today():
    with clock.today_is(datetime.date(2025, 6, 16)):
        yield


def workbook(rows: list[dict]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(MEMBER_HEADER)
    for row in rows:
        sheet.append([row.get(heading, "") for heading in MEMBER_HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "党员信息.xlsx"
    return buffer


def import_file(client, rows) -> None:
    response = client.post(reverse("dataio:upload", args=["members"]), {"file": workbook(rows)})
    assert response.status_code == 302
    preview = response["Location"]
    assert "confirm-import" in client.get(preview).content.decode()
    upload_pk = int(preview.rstrip("/").rsplit("/", 1)[1])
    client.post(reverse("dataio:confirm", args=[upload_pk]))


def person_id(client, name) -> int:
    (row,) = [row for row in client.get("/api/people", {"q": name}).json()["items"] if row["name"] == name]
    return row["id"]


def test_an_import_records_joins_and_corrections_in_the_standing(client, users, county):
    client.force_login(users["county"])
    rows = [member_row(1, "A1", **{"姓名": "赵一", "入党日期": "2010-07-01"}),
            member_row(2, "A2", **{"姓名": "钱二", "党员类别": "预备党员", "入党日期": "2024-12-01", "转正日期": ""}),
            member_row(3, "A1", **{"姓名": "孙三"})]
    import_file(client, rows)
    zhao = person_id(client, "赵一")
    standing = client.get(f"/api/membership/people/{zhao}/standing").json()
    (join,) = standing["changes"]
    assert (join["kind"], join["on"], join["category_after"], join["status_after"]) == ("join", "2010-07-01", "full",
                                                                                         "active")
    page = client.get(reverse("membership:standing", args=[zhao]), **ZH).content.decode()
    assert "2010-07-01" in page
    # a join recorded from the registry is changed there: it cannot be withdrawn here
    response = client.post(f"/api/membership/changes/{join['id']}/withdraw", {"reason": "误录"},
                           content_type="application/json")
    assert response.status_code == 422
    # the register lists the three joins, and only them
    register = client.get("/api/membership/changes", {"limit": 50}).json()
    assert sorted(row["person"]["name"] for row in register["items"] if row["kind"] == "join") == ["孙三", "赵一", "钱二"]
    page = client.get(reverse("membership:changes"), {"kind": "join"}, **ZH).content.decode()
    assert "赵一" in page and "钱二" in page and "孙三" in page
    # the same file again changes nothing and records nothing more; a status changed by a second file is a
    # correction, dated the day the import changed it
    import_file(client, rows)
    assert len(client.get(f"/api/membership/people/{zhao}/standing").json()["changes"]) == 1
    import_file(client, [member_row(1, "A1", **{"姓名": "赵一", "入党日期": "2010-07-01", "党员状态": "停止党籍"})])
    changes = client.get(f"/api/membership/people/{zhao}/standing").json()["changes"]
    assert [(c["kind"], c["on"], c["status_before"], c["status_after"]) for c in changes] == [
        ("join", "2010-07-01", "", "active"), ("correction", "2025-06-16", "active", "suspended")]
    # a township sees its own members' rows only
    client.force_login(users["township_b"])
    assert client.get(f"/api/membership/people/{zhao}/standing").status_code == 404
    assert not client.get("/api/membership/changes").json()["items"]
    assert id_number(1)  # the rows' ID numbers are the kit's, valid and unique
