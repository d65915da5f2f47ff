"""The department's staff and the table of ratios through the page (kernel.core.versioned.VersionedTableView): the
two forms chosen by ``action``, bad input answered beside the field with what was typed kept, only the county's
responsible change them, and the workbook's address takes no post."""
import pytest
from django.urls import reverse

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def installed(shipped):
    """The shipped rule and ratios."""


NORM = {"action": "norm", "full_time_share": "80", "part_time_share": "100", "grassroots_share": "35",
        "effective_from": "2025-01-01", "note": "市委组织部文件"}


def test_the_staff_and_the_ratios_recorded_through_the_page(client, users, county):
    client.force_login(users["county"])
    page = client.get(reverse("staffing:staff"), **ZH).content.decode()
    assert 'id="staff-form"' in page and 'id="norm-form"' in page
    staff = {"action": "staff", "owner": county.county.pk, "year": 2025, "total": 26, "grassroots": 9}
    assert client.post(reverse("staffing:staff"), staff).status_code == 302
    assert client.post(reverse("staffing:staff"), {**NORM, "owner": county.county.pk}).status_code == 302
    page = client.get(reverse("staffing:staff") + "?year=2025", **ZH).content.decode()
    assert "市委组织部文件" in page and "35%" in page
    staff_row = page.split('id="staff-table"')[1].split("</table>")[0]
    assert "<td>26</td><td>9</td>" in staff_row
    # the same day again: refused by the service beside its field, what was typed kept, nothing written
    again = client.post(reverse("staffing:staff"), {**NORM, "owner": county.county.pk, "note": "重复"}, **ZH)
    assert again.status_code == 422
    form = again.content.decode().split('id="norm-form"')[1].split("</form>")[0]
    assert "is-invalid" in form and 'value="重复"' in form
    assert again.content.decode().count("重复") == 1
    # a share beyond 100 is the form's own refusal, in Chinese
    over = client.post(reverse("staffing:staff"), {**NORM, "owner": county.county.pk, "full_time_share": "150",
                                                   "effective_from": "2025-03-01"}, **ZH)
    assert over.status_code == 422 and "is-invalid" in over.content.decode()
    # no action: the staff form (the page's main one)
    assert client.post(reverse("staffing:staff"), {"owner": county.county.pk, "year": 2024, "total": 20,
                                                   "grassroots": 25}, **ZH).status_code == 422


def test_only_those_responsible_for_the_county_change_them(client, users, county):
    client.force_login(users["township_a"])
    page = client.get(reverse("staffing:staff"), **ZH).content.decode()
    assert 'id="norm-form"' not in page
    assert client.post(reverse("staffing:staff"), {**NORM, "owner": county.county.pk}).status_code == 403
    client.force_login(users["county"])
    assert client.post(reverse("staffing:staff"), {**NORM, "owner": county.township_a.pk}).status_code == 403
    assert client.post(reverse("staffing:staff_xlsx"), {**NORM, "owner": county.county.pk}).status_code == 405
    assert "市委组织部文件" not in client.get(reverse("staffing:staff"), **ZH).content.decode()
