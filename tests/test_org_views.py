"""The organization pages: tree, search, organization page and forms, as each role sees them."""
import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from kernel.core.models import ChangeRecord, SensitiveAccess
from kernel.core.views import history_rows
from kernel.orgs.models import Organization
from kernel.orgs.services import org_create
from kernel.people.services import person_update, post_create
from tests.kit import county_built_once

county, users = county_built_once()


def get(client, user, url_name, *args, **query):
    client.force_login(user)
    return client.get(reverse(url_name, args=args), query)


def post(client, user, url_name, *args, **data):
    client.force_login(user)
    return client.post(reverse(url_name, args=args), data)


def org_pages(org):
    """Every organization page and fragment that takes the organization's id."""
    return [
        ("orgs:detail", org.pk), ("orgs:children", org.pk), ("orgs:create", org.pk), ("orgs:edit", org.pk),
        ("orgs:move", org.pk), ("orgs:merge", org.pk), ("orgs:dissolve", org.pk),
    ]


def test_anonymous_visitors_are_sent_to_login(client, county):
    for name, *args in [("core:home",), ("orgs:tree",), ("orgs:search",), *org_pages(county.village_a1)]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("user", ["county", "township_a"])
def test_every_page_opens_for_a_user_who_may_change_the_organization(client, county, users, user):
    for name, pk in org_pages(county.village_a1):
        assert get(client, users[user], name, pk).status_code == 200, name
    for name in ["core:home", "orgs:tree", "orgs:overview", "orgs:search"]:
        assert get(client, users[user], name, q="陈").status_code == 200, name


def test_pages_of_a_sibling_township_are_missing_for_a_township_user(client, county, users):
    for org in (county.township_b, county.village_b1):
        for name, pk in org_pages(org):
            assert get(client, users["township_a"], name, pk).status_code == 404, (name, org.code)
        response = post(client, users["township_a"], "orgs:dissolve", org.pk, reason="x")
        assert response.status_code == 404
    assert get(client, users["township_a"], "orgs:pick", county.village_b1.pk, field="target", q="A").status_code == 404


def test_readers_see_the_page_but_neither_the_buttons_nor_the_forms(client, county, users):
    edit_url = reverse("orgs:edit", args=[county.village_a1.pk])
    for reader in ("inspector", "leader"):
        response = get(client, users[reader], "orgs:detail", county.village_a1.pk)
        assert response.status_code == 200
        assert edit_url not in response.content.decode()
        assert get(client, users[reader], "orgs:edit", county.village_a1.pk).status_code == 404
    response = get(client, users["township_a"], "orgs:detail", county.village_a1.pk)
    assert edit_url in response.content.decode()


def test_the_tree_starts_at_the_top_of_the_users_scope(client, county, users):
    def roots(user):
        return [org.code for org in get(client, users[user], "orgs:tree").context["nodes"]]

    assert roots("admin") == ["C"]
    assert roots("county") == ["C"]
    assert roots("township_a") == ["TA"]
    assert roots("branch_a1") == ["A1"]
    assert roots("nobody") == []


def test_a_tree_level_lists_the_children_with_their_counts_and_keeps_ended_ones_marked(client, county, users):
    empty = org_create(user=None, parent=county.township_a, code="A9", name="旧支部", org_type="branch")
    post(client, users["county"], "orgs:dissolve", empty.pk, reason="撤并")
    response = get(client, users["township_a"], "orgs:children", county.township_a.pk)
    assert [org.code for org in response.context["nodes"]] == ["A1", "A2", "A9"]
    html = response.content.decode()
    assert reverse("orgs:children", args=[county.village_a1.pk]) not in html  # a leaf has nothing to expand
    assert 'class="org-node org-ended"' in html
    assert "陳家村党支部" in html


def test_a_tree_level_takes_a_fixed_number_of_queries(client, county, users, django_assert_num_queries):
    client.force_login(users["township_a"])
    url = reverse("orgs:children", args=[county.township_a.pk])
    client.get(url)
    # session, user, grants, profile, the parent, the children; then the session's save (3 with its savepoint)
    with django_assert_num_queries(9):
        assert len(client.get(url).context["nodes"]) == 2
    for n in range(5):
        org_create(user=None, parent=county.township_a, code=f"AX{n}", name=f"新村{n}党支部", org_type="branch")
    with django_assert_num_queries(9):
        assert len(client.get(url).context["nodes"]) == 7


def test_a_long_level_comes_in_pages(client, county, users, monkeypatch):
    monkeypatch.setattr("kernel.orgs.views.CHILDREN_PAGE", 2)
    for n in range(3):
        org_create(user=None, parent=county.township_a, code=f"AX{n}", name=f"新村{n}党支部", org_type="branch")
    first = get(client, users["township_a"], "orgs:children", county.township_a.pk)
    assert first.context["more"]
    seen = [org.code for org in first.context["nodes"]]
    after = first.context["next_after"]
    while after:
        page = get(client, users["township_a"], "orgs:children", county.township_a.pk, after=after)
        seen += [org.code for org in page.context["nodes"]]
        after = page.context["next_after"]
    assert seen == ["A1", "A2", "AX0", "AX1", "AX2"]


def test_the_organization_page_takes_a_fixed_number_of_queries(client, county, users, django_assert_num_queries):
    client.force_login(users["township_a"])
    url = reverse("orgs:detail", args=[county.township_a.pk])
    client.get(url)
    # session, user, grants, profile, organization, ancestors, children, posts, members, history, names in
    # history; then the session's save (3 with its savepoint)
    with django_assert_num_queries(14):
        client.get(url)
    for n in range(3):
        org_create(user=None, parent=county.township_a, code=f"AX{n}", name=f"新村{n}党支部", org_type="branch")
        post_create(user=None, person=county.people["lisi"], organization=county.township_a,
                    title="committee_member", started_on=datetime.date(2020 + n, 1, 1))
    post(client, users["township_a"], "orgs:edit", county.township_a.pk, code="TA", name="甲镇党委员会",
         org_type="party_committee", domain="rural")
    client.force_login(users["township_a"])
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["children"]) == 5
    assert len(response.context["current_posts"]) == 3


def test_the_organization_page_shows_overview_secretary_posts_members_and_history(client, county, users):
    post_create(user=None, person=county.people["zhangsan"], organization=county.village_a1, title="secretary",
                started_on=datetime.date(2021, 1, 1))
    post_create(user=None, person=county.people["chen"], organization=county.village_a1, title="secretary",
                started_on=datetime.date(2015, 1, 1), ended_on=datetime.date(2021, 1, 1))
    response = get(client, users["township_a"], "orgs:detail", county.village_a1.pk)
    context = response.context
    assert context["secretary"].person == county.people["zhangsan"]
    assert [p.person.name for p in context["past_posts"]] == ["陳小紅"]
    assert {m.person.name for m in context["members"]} == {"张三", "陳小紅"}
    assert [a.code for a in context["ancestors"]] == ["TA"]  # the county lies outside township A's scope
    assert context["history"][0]["record"].action == "create"
    assert f"?org={county.village_a1.pk}" in response.content.decode()


def test_search_finds_by_code_simplified_or_traditional_name_and_initials(client, county, users):
    def codes(user, q):
        return [org.code for org in get(client, users[user], "orgs:search", q=q).context["results"]]

    assert codes("county", "a1") == ["A1"]
    assert codes("county", "陈家") == ["A1"]
    assert codes("county", "陳家村") == ["A1"]
    assert codes("county", "cjc") == ["A1"]
    assert codes("county", "家村") == ["A1", "A2", "B1"]
    assert codes("township_a", "家村") == ["A1", "A2"]
    assert codes("township_a", "wjc") == []
    assert codes("township_a", "B1") == []
    assert codes("township_a", "") == []


def test_search_keeps_merged_organizations_findable_and_answers_htmx_with_a_fragment(client, county, users):
    post(client, users["township_a"], "orgs:merge", county.village_a2.pk, target=county.village_a1.pk)
    client.force_login(users["township_a"])
    response = client.get(reverse("orgs:search"), {"q": "李家"}, headers={"HX-Request": "true"})
    assert [org.code for org in response.context["results"]] == ["A2"]
    assert "<html" not in response.content.decode()
    assert 'org-ended-row' in response.content.decode()
    assert "陳家村党支部" in response.content.decode()  # where it went


def test_create_shows_the_services_refusals_on_their_fields(client, county, users):
    response = post(client, users["township_a"], "orgs:create", county.township_a.pk,
                    code="a1", name="重复村党支部", org_type="branch")
    assert response.status_code == 200
    assert "A1" in response.context["form"].errors["code"][0]
    assert "is-invalid" in response.content.decode()
    response = post(client, users["township_a"], "orgs:create", county.village_a1.pk,
                    code="G1", name="一组", org_type="party_committee")
    assert response.context["form"].errors["org_type"]
    response = post(client, users["township_a"], "orgs:create", county.township_a.pk, code="", name="", org_type="")
    assert set(response.context["form"].errors) == {"code", "name", "org_type"}
    assert not Organization.objects.filter(name__in=["重复村党支部", "一组"]).exists()


def test_create_and_edit_are_recorded(client, county, users):
    response = post(client, users["township_a"], "orgs:create", county.township_a.pk,
                    code="A3", name="张家村党支部", org_type="branch", domain="rural", founded_on="1998-07-01")
    created = Organization.objects.get(code="A3")
    assert response.url == reverse("orgs:detail", args=[created.pk])
    assert created.parent == county.township_a and created.founded_on == datetime.date(1998, 7, 1)
    post(client, users["township_a"], "orgs:edit", created.pk,
         code="A3", name="张家村党支部", short_name="张家村", org_type="branch", domain="rural", founded_on="1998-07-01")
    record = ChangeRecord.objects.filter(object_id=created.pk, action="update").get()
    assert record.user == users["township_a"]
    assert record.after == {"short_name": "张家村"}
    response = get(client, users["township_a"], "orgs:detail", created.pk)
    changes = response.context["history"][0]["changes"]
    assert [(c["before"], c["after"]) for c in changes] == [("", "张家村")]


def test_a_move_through_the_form_is_recorded_in_history(client, county, users):
    response = post(client, users["county"], "orgs:move", county.village_a1.pk, new_parent=county.township_b.pk)
    assert response.status_code == 302
    county.village_a1.refresh_from_db()
    assert county.village_a1.parent == county.township_b
    response = get(client, users["county"], "orgs:detail", county.village_a1.pk)
    move = response.context["history"][0]
    assert move["record"].action == "move" and move["record"].user == users["county"]
    assert ("甲镇党委", "乙镇党委") in [(c["before"], c["after"]) for c in move["changes"]]
    assert "乙镇党委" in response.content.decode()


def test_a_move_outside_the_scope_or_under_itself_is_refused_on_the_field(client, county, users):
    response = post(client, users["township_a"], "orgs:move", county.village_a1.pk, new_parent=county.township_b.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["new_parent"]
    response = post(client, users["county"], "orgs:move", county.township_a.pk, new_parent=county.village_a1.pk)
    assert response.context["form"].errors["new_parent"]
    response = post(client, users["county"], "orgs:move", county.village_a1.pk, new_parent=county.township_a.pk)
    assert "甲镇党委" in response.context["form"].errors["new_parent"][0]
    county.village_a1.refresh_from_db()
    assert county.village_a1.parent == county.township_a


def test_the_move_form_offers_nearby_organizations_and_finds_others(client, county, users):
    response = get(client, users["county"], "orgs:move", county.village_a1.pk)
    assert [o.code for o in response.context["candidates"]] == ["TB"]
    response = get(client, users["county"], "orgs:pick", county.village_a1.pk, field="new_parent", q="yz")
    assert [o.code for o in response.context["candidates"]] == ["TB"]
    response = get(client, users["county"], "orgs:pick", county.village_a1.pk, field="new_parent", q="家村")
    assert [o.code for o in response.context["candidates"]] == []  # a branch cannot sit under a branch
    response = get(client, users["township_a"], "orgs:pick", county.village_a1.pk, field="target", q="家村")
    assert [o.code for o in response.context["candidates"]] == ["A2"]  # not itself, not township B's


def test_a_merge_through_the_form_links_the_merged_organization_to_its_target(client, county, users):
    response = post(client, users["township_a"], "orgs:merge", county.village_a2.pk,
                    target=county.village_a1.pk, on="2024-03-01")
    assert response.status_code == 302
    county.village_a2.refresh_from_db()
    assert county.village_a2.status == "merged" and county.village_a2.ended_on == datetime.date(2024, 3, 1)
    response = get(client, users["township_a"], "orgs:detail", county.village_a2.pk)
    assert response.context["merged_into"] == county.village_a1
    assert reverse("orgs:detail", args=[county.village_a1.pk]) in response.content.decode()
    assert response.context["history"][0]["record"].action == "merge"
    assert reverse("orgs:edit", args=[county.village_a2.pk]) not in response.content.decode()
    response = post(client, users["township_a"], "orgs:merge", county.village_a1.pk, target=county.village_a1.pk)
    assert response.context["form"].errors["target"]


def test_dissolving_needs_a_reason_and_an_empty_organization(client, county, users):
    response = post(client, users["township_a"], "orgs:dissolve", county.village_a1.pk, reason="")
    assert response.context["form"].errors["reason"]
    response = post(client, users["township_a"], "orgs:dissolve", county.village_a1.pk, reason="撤村并居")
    assert response.context["form"].non_field_errors()
    empty = org_create(user=None, parent=county.township_a, code="A9", name="空支部", org_type="branch")
    response = post(client, users["township_a"], "orgs:dissolve", empty.pk, reason="撤村并居")
    assert response.status_code == 302
    record = ChangeRecord.objects.get(object_id=empty.pk, action="dissolve")
    assert record.message == "撤村并居"


def test_home_lists_the_grants_and_the_scopes_counters(client, county, users):
    response = get(client, users["township_a"], "core:home")
    assert [(g.role, g.organization.code) for g in response.context["grants"]] == [("township_admin", "TA")]
    response = get(client, users["township_a"], "orgs:overview")
    assert response.context["totals"] == {"organizations": 3, "members": 3}
    panel = response.context["panels"][0]
    assert panel["org"].code == "TA" and [count for _label, count in panel["children_by_type"]] == [2]
    assert get(client, users["admin"], "orgs:overview").context["totals"] == {"organizations": 6, "members": 4}
    assert get(client, users["nobody"], "orgs:overview").context["panels"] == []


def test_the_navigation_switches_language(client, users):
    client.force_login(users["county"])
    assert 'lang="zh-hans"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert 'value="zh-hans"' in html


def test_history_masks_personal_data_unless_the_user_may_see_it(county, users):
    person = county.people["zhangsan"]
    person_update(user=None, person=person, phone="13912345678")

    def phone_change(user):
        request = RequestFactory().get("/")
        request.user = user
        request.request_id = "test"
        update = next(row for row in history_rows(request, person) if row["record"].action == "update")
        return [(c["before"], c["after"]) for c in update["changes"]]

    assert phone_change(users["inspector"]) == [("138****1234", "139****5678")]
    assert not SensitiveAccess.objects.exists()
    assert phone_change(users["township_a"]) == [("13800001234", "13912345678")]
    assert SensitiveAccess.objects.filter(user=users["township_a"], object_id=person.pk).exists()


def test_home_links_a_member_to_their_own_record(client, users, county):
    client.force_login(users["member"])
    page = client.get("/").content.decode()
    assert f'/people/{county.people["zhangsan"].pk}/' in page
    client.force_login(users["county"])
    assert 'id="my-record"' not in client.get("/").content.decode()
