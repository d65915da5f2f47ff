"""Two years of a 五个好 campaign's naming decisions (命名授牌), over HTTP only from an empty county
(tests/scenario.py; README "Naming decisions and their withdrawal").

Year 1 (2025): every village scored from the county's workbook, one of them short of 达标; the decision names the
others. Year 2 (2026): only one village scored (at half marks, so it falls short): closing the evaluation asks
for confirmation with the count of unscored sheets; the naming preview names nobody, lists the unscored villages
as not assessed keeping their titles and removes only the assessed village's; a decision without ``confirm`` is
refused and writes nothing; confirmed, it removes that title; withdrawn with a reason, the title registry is
exactly as before (ids and statuses); a second withdrawal is refused with its reason in Chinese.
"""
import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from .scenario import api, new_county, upload
from .scenario_once import built_once
from .test_moving_in import fill_scores

TOWNSHIPS, VILLAGES = 2, 3
ALL = [f"T{t}V{v}" for t in range(1, TOWNSHIPS + 1) for v in range(1, VILLAGES + 1)]
SHORT_IN_YEAR_ONE = {"T2V3"}
SCORED_IN_YEAR_TWO = "T1V1"


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:3000]
    return response.json()


def only_rows(workbook: io.BytesIO, codes) -> io.BytesIO:
    """The filled workbook with the rows of the subjects in ``codes`` alone (the others not scored at all)."""
    book = load_workbook(workbook)
    sheet = book["评分"]
    for row in range(sheet.max_row, 3, -1):
        if sheet.cell(row, 3).value not in codes:
            sheet.delete_rows(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def titles(client) -> list[tuple]:
    answer = ok(api(client, "get", "/standards/titles?limit=200"))
    assert answer["count"] == len(answer["items"])
    return sorted((row["id"], row["status"], row["subject"]["name"], row["period_label"]) for row in answer["items"])


class Campaign:
    """A 五个好 campaign of a year, driven through /api/campaigns/."""

    def __init__(self, county, year: int, standard_id: int):
        self.county, self.admin = county, county.admin
        top = county.org(county.code)
        created = ok(api(self.admin, "post", "/campaigns", {"owner": top["id"], "name": f"{year}年“五个好”创建",
                                                             "year": year, "standards": [standard_id]}), 201)
        self.id = created["id"]
        self.assessment = created["assessments"][0]["id"]
        detail = ok(api(self.admin, "get", f"/standards/assessments/{self.assessment}"))
        version = ok(api(self.admin, "get", f"/standards/versions/{detail['version_id']}"))
        self.items = {item["code"]: item for section in version["sections"] for item in section["items"]}

    def stage(self, kind: str, action: str, **body):
        return api(self.admin, "post", f"/campaigns/{self.id}/stages/{kind}/{action}", body if action == "close"
                   else None)

    def detail(self) -> dict:
        return ok(api(self.admin, "get", f"/campaigns/{self.id}"))

    def status(self) -> dict:
        return {stage["kind"]: stage["status"] for stage in self.detail()["stages"]}

    def score(self, codes, *, low=()):
        """The county scores ``codes`` as the inspectors (考核组) from its workbook: full marks, half for ``low``."""
        base = f"/standards/assessments/{self.assessment}/workbook?rater=inspectors"
        sheet = self.admin.get("/api" + base)
        assert sheet.status_code == 200
        filled = only_rows(fill_scores(sheet.content, self.items, low=low), codes)
        return ok(upload(self.admin, base, "inspectors.xlsx", filled))

    def through_declaration(self):
        ok(self.stage("declaration", "open"))
        asked = self.stage("declaration", "close")
        assert asked.status_code == 409 and asked.json()["counts"]["undeclared"] == len(ALL)
        ok(self.stage("declaration", "close", confirm=True))
        ok(self.stage("evaluation", "open"))


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker, tmp_path_factory):
    """The county with its first year named: every village scored, all but one named."""
    with built_once(django_db_blocker, tmp_path_factory):
        county = new_county(townships=TOWNSHIPS, villages=VILLAGES, members=1)
        standard = next(row for row in ok(api(county.admin, "get", "/standards?q=five-good-village"))["items"]
                        if row["code"] == "five-good-village")
        county.standard = standard["id"]
        first = Campaign(county, 2025, standard["id"])
        first.through_declaration()
        assert first.score(ALL, low=SHORT_IN_YEAR_ONE)["sheets_changed"] == len(ALL)
        ok(first.stage("evaluation", "close"))  # nothing unscored: no confirmation asked
        ok(first.stage("naming", "open"))
        preview = ok(api(county.admin, "get", f"/campaigns/{first.id}/naming"))
        county.year_one_preview = preview["counts"]
        county.year_one = ok(api(county.admin, "post", f"/campaigns/{first.id}/naming", {
            "decided_on": "2025-12-20", "decided_by": "中共某县委", "decision_no": "某组〔2025〕18号",
            "confirm": True}), 201)
        yield county


@pytest.mark.django_db
def test_year_one_names_every_village_that_reached_the_standard(county):
    named = [code for code in ALL if code not in SHORT_IN_YEAR_ONE]
    assert county.year_one_preview == {"granted": len(named), "kept": 0, "not_assessed": 0, "revoked": 0,
                                       "unassessed_sheets": 0}
    assert county.year_one["status"] == "active" and county.year_one["revoked"] == []
    held = titles(county.admin)
    assert [(status, period) for _, status, _, period in held] == [("active", "2025")] * len(named)
    assert sorted(name for _, _, name, _ in held) == sorted(county.org(code)["name"] for code in named)


@pytest.mark.django_db
def test_year_two_names_from_one_scored_village_and_the_decision_is_withdrawn(county):
    admin = county.admin
    held = titles(admin)
    second = Campaign(county, 2026, county.standard)
    second.through_declaration()
    assert second.score([SCORED_IN_YEAR_TWO], low={SCORED_IN_YEAR_TWO})["sheets_changed"] == 1

    # Closing the evaluation with 5 sheets unscored asks first, and closes nothing until confirmed.
    asked = second.stage("evaluation", "close")
    assert asked.status_code == 409, asked.content
    body = asked.json()
    assert (body["code"], body["counts"]["unscored"]) == ("confirmation_required", len(ALL) - 1)
    assert sorted(sheet["subject"]["name"] for sheet in body["sheets"] if sheet["unscored"]) == sorted(
        county.org(code)["name"] for code in ALL if code != SCORED_IN_YEAR_TWO)
    assert second.status()["evaluation"] == "open"
    ok(second.stage("evaluation", "close", confirm=True))
    assert second.status()["evaluation"] == "closed"
    ok(second.stage("naming", "open"))

    # The preview: nobody named; the unscored titled villages keep their titles, not assessed; only the scored
    # village, assessed and short, loses its title.
    preview = ok(api(admin, "get", f"/campaigns/{second.id}/naming"))
    titled = {county.org(code)["name"] for code in ALL if code not in SHORT_IN_YEAR_ONE}
    scored = county.org(SCORED_IN_YEAR_TWO)["name"]
    assert preview["counts"] == {"granted": 0, "kept": 0, "not_assessed": len(titled) - 1, "revoked": 1,
                                 "unassessed_sheets": len(ALL) - 1}
    plan = preview["assessments"][0]
    assert plan["named"] == [] and plan["kept"] == []
    assert sorted(line["subject"]["name"] for line in plan["not_assessed"]) == sorted(titled - {scored})
    assert {line["reason"] for line in plan["not_assessed"]} == {"not_assessed"}
    assert [(line["subject"]["name"], line["reason"]) for line in plan["revoked"]] == [(scored, "failed")]

    # Without confirm: 409 with the preview's counts, and nothing written.
    decision = {"decided_on": "2026-12-18", "decided_by": "中共某县委", "decision_no": "某组〔2026〕21号"}
    refused = api(admin, "post", f"/campaigns/{second.id}/naming", decision)
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["counts"]["revoked"]) == ("confirmation_required", 1)
    assert titles(admin) == held
    assert second.detail()["decision"] is None and second.status()["naming"] == "open"

    # Confirmed: one act, removing the one title.
    made = ok(api(admin, "post", f"/campaigns/{second.id}/naming", {**decision, "confirm": True}), 201)
    assert made["granted"] == [] and [row["subject"]["name"] for row in made["revoked"]] == [scored]
    assert second.detail()["decision"] == made["id"] and second.status()["naming"] == "closed"
    after = titles(admin)
    assert [(name, status) for _, status, name, _ in after if status != "active"] == [(scored, "revoked")]
    assert len(after) == len(held)

    # Withdrawn with its reason: the registry exactly as it was; the naming stage open again.
    url = f"/campaigns/decisions/{made['id']}/withdraw"
    withdrawn = ok(api(admin, "post", url, {"reason": "考核组评分有误，重新评定"}))
    assert (withdrawn["status"], withdrawn["withdraw_reason"]) == ("withdrawn", "考核组评分有误，重新评定")
    assert withdrawn["withdrawn_at"]
    assert titles(admin) == held
    assert second.detail()["decision"] is None and second.status()["naming"] == "open"

    # Twice: refused, saying why, in Chinese (the default language); still as it was.
    again = api(admin, "post", url, {"reason": "再次撤销"})
    assert again.status_code == 422
    assert "该决定已撤销" in json.dumps(again.json(), ensure_ascii=False)
    assert titles(admin) == held
    assert ok(api(admin, "get", f"/campaigns/decisions/{made['id']}"))["withdraw_reason"] == "考核组评分有误，重新评定"
    assert datetime.date.fromisoformat(made["decided_on"]) == datetime.date(2026, 12, 18)
