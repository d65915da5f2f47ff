"""A campaign's results across years and each subject's titles across years (逐步升创), over HTTP, from three yearly
五个好 / 六个好 campaigns of the small county run through the campaign services:

    2024: 陳家村 (A1) full marks, 李家村 (A2) half, 王家村 (B1) full     → A1, B1 named 达标
    2025: A1 full, A2 full, B1 half                                     → A1 named 先进, A2 达标, B1's 达标 removed
    2026: every village full                                            → A2 named 先进, B1 达标 again, A1 keeps 先进

The year-over-year page, its workbook and the API give the same figures; the organization's and the person's history
pages show the titles granted, kept and removed each year and the step up or down.
"""
import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from engines.standards import services as engine
from mechanisms.campaigns.models import StageKind
from mechanisms.campaigns.services import campaign_create, naming_decide, stage_close, stage_open
from tests.kit import county_built_once

from .test_stages import score_all

county, users = county_built_once()

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def run_year(user, county, shipped, year: int, shares: dict):
    """One campaign of ``year`` through its three stages; every sheet scored by the inspectors at ``shares`` of full
    marks (half for a subject not listed), named by decision on 20 December."""
    campaign = campaign_create(user=user, owner=county.county, name=f"{year}年三级联创", year=year,
                               versions=[shipped["six-good-township"], shipped["five-good-village"]])
    stage_open(user=user, campaign=campaign, kind=StageKind.DECLARATION)
    stage_close(user=user, campaign=campaign, kind=StageKind.DECLARATION, confirm=True)
    stage_open(user=user, campaign=campaign, kind=StageKind.EVALUATION)
    for assessment in campaign.assessments.all():
        score_all(user, assessment, "inspectors", lambda sheet: shares.get(sheet.organization_id, 0.5))
    stage_close(user=user, campaign=campaign, kind=StageKind.EVALUATION, confirm=True)
    stage_open(user=user, campaign=campaign, kind=StageKind.NAMING)
    naming_decide(user=user, campaign=campaign, decided_on=datetime.date(year, 12, 20), decided_by="中共示范县委",
                  decision_no=f"示发〔{year}〕1号", confirm=True)
    return campaign


@pytest.fixture
def three_years(county, users, shipped):
    a1, a2, b1 = county.village_a1.pk, county.village_a2.pk, county.village_b1.pk
    ta, tb = county.township_a.pk, county.township_b.pk
    plan = {2024: {a1: 1, b1: 1, ta: 1},
            2025: {a1: 1, a2: 1, ta: 1, tb: 1},
            2026: {a1: 1, a2: 1, b1: 1, ta: 1, tb: 1}}
    return [run_year(users["county"], county, shipped, year, shares) for year, shares in plan.items()]


def api(client, url):
    answer = client.get(url, **EN)
    assert answer.status_code == 200, answer.content.decode()[:2000]
    return answer.json()


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of a table's rows (header, body and footer) on a page, cell by cell."""
    from html.parser import HTMLParser

    class Table(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.rows, self.cell = 0, [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table" and (self.depth or dict(attrs).get("id") == table_id):
                self.depth += 1
            elif self.depth and tag == "tr":
                self.rows.append([])
            elif self.depth and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag == "table" and self.depth:
                self.depth -= 1
            elif self.depth and tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Table()
    parser.feed(html)
    assert parser.rows, f"no table {table_id}"
    return parser.rows


def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def test_the_api_gives_each_year_and_township(three_years, client, users, county):
    client.force_login(users["county"])
    latest = three_years[-1]
    data = api(client, f"/api/campaigns/{latest.pk}/years")
    assert data["standard"]["code"] == "five-good-village" and data["tier"]["code"] == "qualified"
    assert [s["code"] for s in data["standards"]] == ["five-good-village", "six-good-township"]
    assert [(y["year"], y["campaign"]) for y in data["years"]] == [(c.year, c.pk) for c in three_years]
    overall = [(y["subjects"], y["reached"], y["reached_percent"], y["named"], y["held"], y["held_percent"])
               for y in data["years"]]
    assert overall == [(3, 2, 66.7, 2, 2, 66.7),   # A1 and B1 named
                       (3, 2, 66.7, 2, 2, 66.7),   # A1 先进 and A2 达标 named, B1 removed: A1 counts once
                       (3, 3, 100.0, 2, 3, 100.0)]  # A2 先进 and B1 达标 named, A1 keeps its titles
    townships = {row["township"]["name"]: [(y["subjects"], y["reached_percent"], y["held_percent"])
                                           for y in row["years"]] for row in data["townships"]}
    assert townships == {county.township_a.name: [(2, 50.0, 50.0), (2, 100.0, 100.0), (2, 100.0, 100.0)],
                         county.township_b.name: [(1, 100.0, 100.0), (1, 0.0, 0.0), (1, 100.0, 100.0)]}
    advanced = api(client, f"/api/campaigns/{latest.pk}/years?tier=advanced")
    assert [(y["reached"], y["named"], y["held"]) for y in advanced["years"]] == [(0, 0, 0), (1, 1, 1), (2, 1, 2)]
    # The same series is read from any year's campaign.
    assert api(client, f"/api/campaigns/{three_years[0].pk}/years")["years"] == data["years"]
    townships = api(client, f"/api/campaigns/{latest.pk}/years?standard=six-good-township")
    assert [(y["subjects"], y["reached"]) for y in townships["years"]] == [(2, 1), (2, 2), (2, 2)]


def test_the_page_the_workbook_and_the_api_agree(three_years, client, users):
    client.force_login(users["county"])
    latest = three_years[-1]
    data = api(client, f"/api/campaigns/{latest.pk}/years")
    page = client.get(f"/campaigns/{latest.pk}/years/", **EN)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-years-chart="overall"' in html and "vendor/echarts/echarts.min.js" in html
    chart = json.loads(html.split('id="years-data" type="application/json">')[1].split("</script>")[0])
    assert chart["years"] == ["2024", "2025", "2026"]
    assert chart["overall"]["reached"] == [y["reached_percent"] for y in data["years"]]

    page_years = cells(html, "years-table")[1:]
    api_years = [[str(y["year"]), str(y["subjects"]), str(y["reached"]), percent(y["reached_percent"]),
                  str(y["named"]), str(y["held"]), percent(y["held_percent"])] for y in data["years"]]
    assert [row[:7] for row in page_years] == api_years
    page_reached = cells(html, "townships-reached")
    page_held = cells(html, "townships-named")
    api_reached = [[row["township"]["name"], *[percent(y["reached_percent"]) for y in row["years"]]]
                   for row in data["townships"]]
    api_held = [[row["township"]["name"], *[percent(y["held_percent"]) for y in row["years"]]]
                for row in data["townships"]]
    assert page_reached[1:-1] == api_reached and page_held[1:-1] == api_held
    assert page_reached[-1][1:] == [percent(y["reached_percent"]) for y in data["years"]]

    workbook = client.get(f"/campaigns/{latest.pk}/years.xlsx", **EN)
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(workbook.content))
    overall, reached, held = book.worksheets
    rows = [[str(value) for value in row[:7]] for row in overall.iter_rows(min_row=3, values_only=True)]
    assert rows == api_years
    assert [list(row) for row in reached.iter_rows(min_row=2, values_only=True)][:-1] == api_reached
    assert [list(row) for row in held.iter_rows(min_row=2, values_only=True)][:-1] == api_held
    assert [str(v) for v in next(reached.iter_rows(min_row=1, max_row=1, values_only=True))[1:]] == chart["years"]


def test_a_township_sees_its_own_villages_only(three_years, client, users, county):
    client.force_login(users["township_a"])
    data = api(client, f"/api/campaigns/{three_years[-1].pk}/years")
    assert [row["township"]["name"] for row in data["townships"]] == [county.township_a.name]
    assert [(y["subjects"], y["reached"]) for y in data["years"]] == [(2, 1), (2, 2), (2, 2)]
    page = client.get(f"/campaigns/{three_years[-1].pk}/years/", **EN).content.decode()
    assert county.township_a.name in page and county.township_b.name not in page
    client.force_login(users["nobody"])
    assert client.get(f"/campaigns/{three_years[-1].pk}/years/").status_code == 404
    assert client.get(f"/api/campaigns/{three_years[-1].pk}/years").status_code == 404


def test_the_page_is_in_chinese_and_english(three_years, client, users):
    client.force_login(users["county"])
    url = f"/campaigns/{three_years[-1].pk}/years/"
    zh = client.get(url, **ZH).content.decode()
    for words in ("逐年对比", "达标率", "命名率", "分乡镇情况", "年末持有称号"):
        assert words in zh, words
    for english in ("Year over year", "Pass rate", "Naming rate", "Holding a title"):
        assert english not in zh, english
    en = client.get(url, **EN).content.decode()
    assert "Year over year" in en and "Naming rate" in en
    detail = client.get(f"/campaigns/{three_years[-1].pk}/", **ZH).content.decode()
    assert f'href="/campaigns/{three_years[-1].pk}/years/"' in detail


def test_an_organizations_titles_year_by_year(three_years, client, users, county):
    client.force_login(users["county"])
    rows = api(client, f"/api/standards/titles/by-year?organization={county.village_a1.pk}")
    assert [row["year"] for row in rows] == [2024, 2025, 2026]
    events = [[(e["name"], e["event"]) for s in row["standards"] for e in s["events"]] for row in rows]
    assert events == [[("“五个好”村党支部（达标）", "granted")],
                      [("“五个好”村党支部（达标）", "kept"), ("“五个好”村党支部（先进）", "granted")],
                      [("“五个好”村党支部（达标）", "kept"), ("“五个好”村党支部（先进）", "kept")]]
    assert [(row["best_name"], row["step"]) for row in rows] == [
        ("“五个好”村党支部（达标）", ""), ("“五个好”村党支部（先进）", "up"), ("“五个好”村党支部（先进）", "same")]
    b1 = api(client, f"/api/standards/titles/by-year?organization={county.village_b1.pk}")
    assert [([(e["event"]) for s in row["standards"] for e in s["events"]], row["step"]) for row in b1] == [
        (["granted"], ""), (["removed"], "down"), (["granted"], "up")]

    page = client.get(f"/standards/history/org/{county.village_b1.pk}/", **ZH)
    assert page.status_code == 200
    table = cells(page.content.decode(), "titles-by-year-table")
    assert [row[0] for row in table[1:]] == ["2024", "2025", "2026"]
    assert "摘牌" in table[2][1] and "命名" in table[3][1], table
    assert "历年称号" in page.content.decode()
    org_page = client.get(f"/orgs/{county.village_b1.pk}/").content.decode()
    assert f"/standards/history/org/{county.village_b1.pk}/" in org_page


def test_standardized_then_demonstration_is_a_step_up(client, users, county, shipped):
    """示范化 needs 标准化: a branch named 标准化 in 2024 and 示范化 in 2025 steps up, and its person-free history says so."""
    standardized, demonstration = shipped["standardized-branch"].standard, shipped["demonstration-branch"].standard
    for standard, tier, year in ((standardized, "standardized", 2024), (demonstration, "demonstration", 2025)):
        engine.title_grant(user=None, standard=standard, tier_code=tier, subject=county.village_a2,
                           period_label=str(year), granted_on=datetime.date(year, 12, 20), granted_by="县委")
    client.force_login(users["township_a"])
    rows = api(client, f"/api/standards/titles/by-year?organization={county.village_a2.pk}")
    assert [(row["best_name"], row["step"]) for row in rows] == [("标准化党支部", ""), ("示范化党支部", "up")]
    assert [s["standard"]["code"] for s in rows[1]["standards"]] == ["standardized-branch", "demonstration-branch"]
    client.force_login(users["township_b"])
    assert client.get(f"/api/standards/titles/by-year?organization={county.village_a2.pk}").status_code == 404


def test_a_persons_titles_show_on_their_page_and_history(client, users, county, shipped):
    person = county.people["zhangsan"]
    cadre = shipped["village-cadre"].standard
    tier = cadre.current_version.tiers.order_by("level").first()
    award = engine.title_grant(user=None, standard=cadre, tier_code=tier.code, subject=person, period_label="2025",
                               granted_on=datetime.date(2025, 12, 20), granted_by="县委")
    engine.title_revoke(user=None, award=award, revoked_on=datetime.date(2026, 6, 1), reason="decision")
    engine.title_grant(user=None, standard=cadre, tier_code=tier.code, subject=person, period_label="2027",
                       granted_on=datetime.date(2027, 12, 20), granted_by="县委")
    client.force_login(users["county"])
    rows = api(client, f"/api/standards/titles/by-year?person={person.pk}")
    assert [(row["year"], [e["event"] for s in row["standards"] for e in s["events"]], row["step"]) for row in rows] \
        == [(2025, ["granted"], ""), (2026, ["removed"], "down"), (2027, ["granted"], "up")]
    page = client.get(f"/people/{person.pk}/", **ZH).content.decode()
    assert award.title in page and f"/standards/history/person/{person.pk}/#titles-by-year" in page
    history = client.get(f"/standards/history/person/{person.pk}/", **ZH).content.decode()
    assert [row[0] for row in cells(history, "titles-by-year-table")[1:]] == ["2025", "2026", "2027"]
    client.force_login(users["township_b"])
    assert client.get(f"/api/standards/titles/by-year?person={person.pk}").status_code == 404
