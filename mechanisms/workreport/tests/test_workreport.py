"""The work report over HTTP from an empty county: drafted from the data, refused twice for the same year, edited
(what is typed stays text), final and reopened, drafting again with its preview, and each township seeing only
its own reports. The figures against their pages are checked on the county demo (tests/test_demo_data.py)."""
import pytest

from kernel.core import clock
from mechanisms.workreport import text
from tests.scenario import api, new_county

pytestmark = pytest.mark.django_db


def test_a_county_drafts_edits_and_finishes_its_report():
    county = new_county(townships=2, villages=2)
    admin, year = county.admin, clock.today().year
    root = county.org(county.code)
    drafted = api(admin, "post", "/workreport/reports", {"organization": root["id"], "year": year})
    assert drafted.status_code == 201, drafted.content
    report = drafted.json()
    # a new county has no assessment, no development and no training yet: nothing to say, and it says so
    page = admin.get(f"/workreport/{report['id']}/").content.decode()
    assert "report-body" in page
    again = api(admin, "post", "/workreport/reports", {"organization": root["id"], "year": year})
    assert again.status_code == 422 and "已有" in again.json()["message"]
    bad_year = api(admin, "post", "/workreport/reports", {"organization": root["id"], "year": 1800})
    assert bad_year.status_code == 422
    # what is typed stays text: only links to the site's own pages become links
    body = "## 一、主要成效\n\n全县[15](/orgs/)个乡镇<script>alert(1)</script>，见[外站](https://example.com/)。"
    edited = api(admin, "put", f"/workreport/reports/{report['id']}", {"title": "县委2026年工作总结", "body": body})
    assert edited.status_code == 200 and edited.json()["links"] == [{"label": "15", "url": "/orgs/"}]
    page = admin.get(f"/workreport/{report['id']}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert '<a href="/orgs/" class="report-figure">15</a>' in page and 'href="https://example.com/"' not in page
    empty_title = api(admin, "put", f"/workreport/reports/{report['id']}", {"title": " ", "body": body})
    assert empty_title.status_code == 422 and api(admin, "get", f"/workreport/reports/{report['id']}").json()[
        "body"] == body  # nothing lost
    # drafting again would lose the hand-made text: a preview first, then it is replaced only when confirmed
    preview = api(admin, "post", f"/workreport/reports/{report['id']}/redraft", {})
    assert preview.status_code == 409 and preview.json()["current"] == body
    assert api(admin, "get", f"/workreport/reports/{report['id']}").json()["body"] == body
    confirm_page = admin.post(f"/workreport/{report['id']}/redraft/").content.decode()
    assert 'name="confirm"' in confirm_page and "&lt;script&gt;" in confirm_page
    # final: fixed until reopened
    final = api(admin, "post", f"/workreport/reports/{report['id']}/status", {"status": "final"})
    assert final.status_code == 200 and final.json()["status"] == "final"
    locked = api(admin, "put", f"/workreport/reports/{report['id']}", {"title": "改", "body": ""})
    assert locked.status_code == 422
    reopened = api(admin, "post", f"/workreport/reports/{report['id']}/status", {"status": "draft"})
    assert reopened.json()["status"] == "draft"
    replaced = api(admin, "post", f"/workreport/reports/{report['id']}/redraft", {"confirm": True})
    assert replaced.status_code == 200 and "script" not in replaced.json()["body"]
    pdf = admin.get(f"/workreport/{report['id']}/report.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    # a township drafts its own, and sees neither the county's report nor another township's
    t1 = county.account("t1admin", "T1", "乡镇管理员")
    t1_id, t2_id = county.org("T1")["id"], county.org("T2")["id"]
    own = api(t1, "post", "/workreport/reports", {"organization": t1_id, "year": year})
    assert own.status_code == 201
    assert api(t1, "post", "/workreport/reports", {"organization": t2_id, "year": year}).status_code == 404
    assert [r["id"] for r in api(t1, "get", "/workreport/reports").json()["items"]] == [own.json()["id"]]
    assert api(t1, "get", f"/workreport/reports/{report['id']}").status_code == 404
    assert t1.get(f"/workreport/{report['id']}/").status_code == 404


def test_the_text_is_escaped_and_only_own_links_are_links():
    blocks = text.blocks("## 标题<b>\n\n甲[3](/x/?a=1&b=2#k)乙[4](javascript:alert(1))\n第二行")
    assert blocks[0].heading and "&lt;b&gt;" in blocks[0].html
    assert '<a href="/x/?a=1&amp;b=2#k" class="report-figure">3</a>' in blocks[1].html
    assert "javascript" in blocks[1].html and 'href="javascript' not in blocks[1].html and "<br>" in blocks[1].html
    assert text.links("[3](/x/#k) [a](http://x/)") == [("3", "/x/#k")]
