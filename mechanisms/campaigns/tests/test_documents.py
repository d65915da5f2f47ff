"""The official documents of a campaign over HTTP, each read back from its PDF (text and PNG): the naming decision
and the removal decision of a recorded decision (page and API), the bulletin of its assessment with the 文号 filled on
the bulletin page, a title's certificate and removal decision, and the title register as workbook and PDF."""
import io

import pytest
from openpyxl import load_workbook

from engines.standards.models import TitleAward, TitleDecision
from kernel.core.models import DocumentNumber
from kernel.core.tests.official_pdf import assert_official, flat, pdf_text

from .test_naming_decision import DECISION, at_naming, call, held  # noqa: F401  the fixtures of a decision
from .test_stages import village_assessment

ISSUER = DECISION["decided_by"]  # 中共示范县委
NUMBER = DECISION["decision_no"]  # 示发〔2003〕3号
DATE = "2002年12月28日"


@pytest.fixture
def decision(at_naming, client):  # noqa: F811
    answer = call(client, "post", f"/api/campaigns/{at_naming.pk}/naming", {**DECISION, "confirm": True})
    assert answer.status_code == 201
    return TitleDecision.objects.get(pk=answer.json()["id"])


def test_the_naming_decision_lists_the_organizations_named_by_township(decision, client, county):
    page = client.get(f"/campaigns/decisions/{decision.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/campaigns/decisions/{decision.pk}/naming.pdf" in page and "Naming decision (PDF)" in page
    assert f"/campaigns/decisions/{decision.pk}/removal.pdf" in page
    response = client.get(f"/campaigns/decisions/{decision.pk}/naming.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = assert_official(response.content, "naming-decision", number=NUMBER, issuer=ISSUER, date=DATE,
                           title="关于命名2002年度“五个好”村党支部的决定",
                           names=(county.village_a1.name, county.township_a.name, "中共示范县委文件", "附件"),
                           absent=(county.village_b1.name, county.village_a2.name))
    assert "命名1个党组织为“‘五个好’村党支部（达标）”" in text  # the title quoted once, its own marks inside


def test_the_removal_decision_lists_the_titles_removed_and_why(decision, client, county):
    response = client.get(f"/campaigns/decisions/{decision.pk}/removal.pdf")
    assert response.status_code == 200
    text = assert_official(response.content, "removal-decision", number=NUMBER, issuer=ISSUER, date=DATE,
                           title="关于撤销2002年度考核中部分党组织“五个好”村党支部称号的决定",
                           names=(county.village_b1.name, county.township_b.name, "考核未达到所获称号标准"),
                           absent=(county.village_a1.name,))
    assert "收回所授牌匾" in text


def test_the_decisions_through_the_api_and_out_of_scope(decision, client, users):
    answer = client.get(f"/api/campaigns/decisions/{decision.pk}/naming.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    assert NUMBER in flat(pdf_text(answer.content))
    assert client.get(f"/api/campaigns/decisions/{decision.pk}/removal.pdf").status_code == 200
    assert client.get(f"/api/campaigns/decisions/{decision.pk}/other.pdf").status_code == 404
    client.force_login(users["township_b"])  # sees the county's decision, with the titles in its own township
    below = flat(pdf_text(client.get(f"/campaigns/decisions/{decision.pk}/removal.pdf").content))
    assert "王家村党支部" in below
    assert client.get(f"/campaigns/decisions/{decision.pk}/naming.pdf").status_code == 200
    client.force_login(users["nobody"])
    assert client.get(f"/campaigns/decisions/{decision.pk}/naming.pdf").status_code == 404
    assert client.get(f"/api/campaigns/decisions/{decision.pk}/naming.pdf").status_code == 404


def test_the_decision_number_is_suggested_from_the_year_s_register(at_naming, client):  # noqa: F811
    import datetime

    year = datetime.date.today().year
    page = client.get(f"/campaigns/{at_naming.pk}/naming/").content.decode()
    assert f"示发〔{year}〕1号" in page  # the county's abbreviation, 发, the first of the year
    DocumentNumber.objects.create(prefix="示发", year=year, sequence=11, number=f"示发〔{year}〕11号")
    assert f"示发〔{year}〕12号" in client.get(f"/campaigns/{at_naming.pk}/naming/").content.decode()


def test_the_bulletin_carries_its_number_issuer_date_and_named_list(decision, client, county):
    assessment = village_assessment(decision.campaigns.get())
    page = client.get(f"/standards/assessments/{assessment.pk}/bulletin/").content.decode()
    assert 'id="bulletin-document"' in page and "示通〔" in page  # the form and its default number
    response = client.post(f"/standards/assessments/{assessment.pk}/bulletin.pdf?under={county.county.pk}", {
        "number": "示通[2003]1号", "issuer": "中共示范县委组织部", "date": "2003-01-06", "addressee": "各乡镇党委"})
    assert response.status_code == 200
    text = assert_official(response.content, "bulletin", number="示通〔2003〕1号", issuer="中共示范县委组织部",
                           date="2003年1月6日", title="关于2002年度“五个好”村党支部考核评定情况的通报",
                           names=(county.village_a1.name, county.village_b1.name, county.township_a.name,
                                  "各乡镇党委：", "考核评定名单"))
    assert "2002年度" in text
    assert DocumentNumber.objects.filter(prefix="示通", year=2003, sequence=1).exists()
    again = client.get(f"/standards/assessments/{assessment.pk}/bulletin.pdf")  # the defaults
    assert again.status_code == 200 and "示范县委" in flat(pdf_text(again.content))


def test_the_certificate_quotes_the_title_once(decision, client, county):
    award = decision.granted.get()
    response = client.get(f"/standards/titles/{award.pk}/certificate.pdf")
    text = assert_official(response.content, "certificate", number=NUMBER, issuer=ISSUER, date=DATE,
                           title="“五个好”村党支部（达标）", names=(county.village_a1.name, "荣誉证书"),
                           page_numbers=False)
    assert "被命名为“‘五个好’村党支部（达标）”" in text and "2002年度" in text
    api = client.get(f"/api/standards/titles/{award.pk}/certificate")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")


def test_a_title_removed_has_its_removal_decision(decision, client, county):
    award = decision.revoked.get()
    page = client.get(f"/standards/titles/{award.pk}/").content.decode()
    assert f"/standards/titles/{award.pk}/removal.pdf" in page
    response = client.get(f"/standards/titles/{award.pk}/removal.pdf")
    assert_official(response.content, "title-removal", number=NUMBER, issuer="县委", date=DATE,
                    title=f"关于撤销{county.village_b1.name}“‘五个好’村党支部（达标）”称号的决定",
                    names=(county.village_b1.name,))
    assert client.get(f"/api/standards/titles/{award.pk}/removal").status_code == 200
    held_title = decision.granted.get()
    assert client.get(f"/standards/titles/{held_title.pk}/removal.pdf").status_code == 404


def test_the_title_register_as_workbook_and_pdf(decision, client, county):
    listing = client.get("/standards/titles/?status=", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/standards/titles/register.xlsx" in listing and "/standards/titles/register.pdf" in listing
    response = client.get("/standards/titles/register.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    awards = TitleAward.objects.count()
    assert len(rows) == awards + 1
    by_subject = {(row[1], row[3]): row for row in rows[1:]}
    removed = by_subject[(county.village_b1.name, "“五个好”村党支部（达标）")]
    assert removed[0] == county.township_b.name and removed[4] == "2001年度" and removed[11] == NUMBER
    named = by_subject[(county.village_a1.name, "“五个好”村党支部（达标）")]
    assert named[4] == "2002年度" and named[7] == NUMBER and named[6] == ISSUER
    pdf = client.get("/standards/titles/register.pdf")
    text = flat(pdf_text(pdf.content))
    for name in (county.village_a1.name, county.village_b1.name, county.village_a2.name, county.township_a.name,
                 "称号台账", NUMBER, DATE, "2001年度"):
        assert flat(name) in text, name
    from kernel.core.tests.official_pdf import pdf_pngs

    pdf_pngs(pdf.content, "title-register", pages=1)
    client.get("/standards/titles/register.pdf", {"under": county.township_a.pk})
    township = flat(pdf_text(client.get("/standards/titles/register.pdf", {"under": county.township_a.pk}).content))
    assert county.village_a1.name in township and county.village_b1.name not in township
