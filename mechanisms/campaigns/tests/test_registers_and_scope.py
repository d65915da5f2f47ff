"""十有六册 from the registers, the shipped standards, and the campaign pages' scope."""
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from engines.standards import services as engine
from engines.standards.format import parse
from engines.standards.models import ItemScore, Standard
from kernel.people.services import post_create
from mechanisms.campaigns.library import SHIPPED, shipped_path
from mechanisms.campaigns.services import campaign_create

YAMLS = sorted(Path(shipped_path("x")).parent.glob("*.yaml"))


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: p.stem)
def test_every_shipped_file_is_a_valid_standard(path):
    document = parse(path.read_text(encoding="utf-8"))
    assert document["code"] == path.stem


def test_shipped_standards_keep_the_seed_shapes(shipped):
    five = shipped["five-good-village"]
    items = list(five.items.all())
    assert len([i for i in items if i.kind != "pass_fail"]) == 50 and five.max_total == 100
    assert sorted(i.title for i in items if i.veto) == ["社会治安", "经济建设", "计划生育"]
    # the letter's acceptance bars 先进 (seed 000: 验收不合格的一律不得进入优秀档), read from the letters' check
    for standard in (five, shipped["six-good-township"]):
        letter = standard.items.get(code="L1")
        assert (letter.kind, letter.veto, letter.source, letter.max_points) == ("pass_fail", False,
                                                                                "letters.accepted", 0)
        assert standard.tiers.get(code="advanced").all_pass and not standard.tiers.get(code="qualified").all_pass
    sourced = {i.code: i.source for i in items if i.source}
    assert sourced == {"B05": "reserve.pool", "B15": "dues.collection.2", "L1": "letters.accepted"}
    assert {i.code: i.source for i in shipped["six-good-township"].items.exclude(source="")} == {
        "B07": "reserve.two_way.2", "C06": "economy.empty_reduced.2", "L1": "letters.accepted"}
    assert [s.title for s in five.sections.all()][0] == "党组织履行职责方面的措施要求"
    tiers = {t.code: t for t in five.tiers.all()}
    assert (tiers["qualified"].name, tiers["advanced"].name, tiers["advanced"].requires_tier) == ("达标", "先进", "qualified")
    assert shipped["six-good-township"].applies_to == {"org_types": ["party_committee"], "domains": ["rural"]}
    standardized, demonstration = shipped["standardized-branch"], shipped["demonstration-branch"]
    assert (standardized.sections.count(), standardized.items.count()) == (4, 13)
    assert (demonstration.sections.count(), demonstration.items.count()) == (6, 25)
    assert demonstration.tiers.get().requires_tier == "standardized-branch:standardized"
    assert shipped["activity-room"].items.count() == 18
    levels = {t.name: t.level for t in shipped["member-evaluation"].tiers.all()}
    assert levels == {"优秀": 4, "合格": 3, "基本合格": 2, "不合格": 1}


def test_install_standards_command_is_idempotent(county):
    call_command("install_standards", owner=county.county.code, stdout=open("/dev/null", "w"))
    call_command("install_standards", owner=county.county.code, stdout=open("/dev/null", "w"))
    assert Standard.objects.count() == len(SHIPPED)
    assert all(s.versions.count() == 1 for s in Standard.objects.all())


def test_registers_the_system_holds_fill_the_activity_room_items(county, shipped, users):
    post_create(user=None, person=county.people["zhangsan"], organization=county.village_a1, title="secretary",
                started_on=datetime.date(2020, 1, 1))
    campaign = campaign_create(user=users["county"], owner=county.county, name="2024年阵地检查", year=2024,
                               versions=[shipped["activity-room"]])
    assessment = campaign.assessments.get()
    engine.fill_from_sources(user=users["county"], assessment=assessment, rater_code="township")
    filled = {(s.sheet.organization_id, s.item.code): s.passed
              for s in ItemScore.objects.select_related("sheet", "item")}
    assert filled[(county.village_a1.pk, "R1")] is True  # members on record
    assert filled[(county.village_a1.pk, "R3")] is True  # a village cadre holds a post
    assert filled[(county.village_a2.pk, "R3")] is False  # no one holds a post there
    assert filled[(county.village_a1.pk, "R2")] is False  # no activists on record
    assert (county.village_a1.pk, "R4") not in filled  # meeting attendance is not kept: scored by hand


def test_branch_prints_its_member_roster_but_not_another_branchs(county, users, client):
    client.force_login(users["branch_a1"])
    response = client.get(f"/campaigns/registers/{county.village_a1.pk}/members.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"/campaigns/registers/{county.village_b1.pk}/members.pdf").status_code == 404
    assert client.get(f"/campaigns/registers/{county.village_a1.pk}/").status_code == 200


def test_campaign_pages_are_404_outside_the_subtree(campaign, users, client):
    client.force_login(users["county"])
    for url in (f"/campaigns/{campaign.pk}/", f"/campaigns/{campaign.pk}/teams/", "/campaigns/"):
        assert client.get(url).status_code == 200, url
    assert "2002年三级联创" in client.get("/campaigns/").content.decode()
    client.force_login(users["nobody"])
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404
    assert "2002年三级联创" not in client.get("/campaigns/").content.decode()


def test_a_township_sees_the_county_campaign_but_cannot_run_its_stages(campaign, users, client):
    client.force_login(users["township_a"])
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
    response = client.post(f"/campaigns/{campaign.pk}/stages/declaration/open/")
    assert response.status_code == 404
    assert campaign.stages.get(kind="declaration").status == "pending"


def test_the_county_runs_a_stage_from_the_page(campaign, users, client):
    client.force_login(users["county"])
    client.post(f"/campaigns/{campaign.pk}/stages/declaration/open/")
    assert campaign.stages.get(kind="declaration").status == "open"
    assert "self" not in campaign.assessments.first().locked_groups
