"""The account pages as a county and a township administrator: scoped lists, 404 outside, the forms' limits,
the confirmation steps, the export, and the accounts shown on a person's page."""
import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from kernel.accounts import services
from kernel.accounts.models import Grant, Profile
from tests.kit import county_built_once

county, users = county_built_once()

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
User = get_user_model()


@pytest.fixture
def accounts(county, users):
    """A clerk homed in village A1 and one in village B1, created by the county administrator."""
    clerk_a, _password = services.user_create(user=users["county"], username="clerk_a", full_name="甲村文书",
                                              phone="13900000001", home=county.village_a1)
    services.grant_add(user=users["county"], target=clerk_a, role="branch_secretary", organization=county.village_a1)
    clerk_b, _password = services.user_create(user=users["county"], username="clerk_b", full_name="乙村文书",
                                              phone="13900000002", home=county.village_b1)
    services.grant_add(user=users["county"], target=clerk_b, role="branch_secretary", organization=county.village_b1)
    return {"a": clerk_a, "b": clerk_b}


def usernames(response) -> set[str]:
    return {account.get_username() for account in response.context["accounts"]}


def test_the_list_is_scoped_to_the_administrators_subtree(client, users, accounts):
    client.force_login(users["county"])
    seen = usernames(client.get("/accounts/users/", **EN))
    assert {"clerk_a", "clerk_b", "township_a", "township_b", "branch_a1"} <= seen
    assert "admin" not in seen  # superusers are not listed to administrators
    client.force_login(users["township_a"])
    response = client.get("/accounts/users/", **EN)
    assert response.status_code == 200
    seen = usernames(response)
    assert "clerk_a" in seen and "branch_a1" in seen
    assert not seen & {"clerk_b", "township_b", "county", "leader"}
    assert "乙村文书" not in response.content.decode()


def test_the_list_filters(client, users, accounts, county):
    client.force_login(users["county"])
    assert usernames(client.get("/accounts/users/?q=13900000002")) == {"clerk_b"}
    assert usernames(client.get("/accounts/users/?q=甲村")) == {"clerk_a"}
    by_org = usernames(client.get(f"/accounts/users/?org={county.township_b.pk}"))
    assert by_org == {"clerk_b", "township_b"}
    assert usernames(client.get(f"/accounts/users/?org={county.township_a.pk}&role=branch_secretary")) == {
        "clerk_a", "branch_a1"}
    services.user_deactivate(user=users["county"], target=accounts["a"])
    assert "clerk_a" not in usernames(client.get("/accounts/users/"))
    assert usernames(client.get("/accounts/users/?state=inactive")) == {"clerk_a"}
    assert "clerk_a" in usernames(client.get("/accounts/users/?state=all"))


def test_an_organization_filter_outside_the_subtree_is_404(client, users, county):
    client.force_login(users["township_a"])
    assert client.get(f"/accounts/users/?org={county.township_b.pk}").status_code == 404


def test_non_administrators_are_refused_and_see_no_menu_entry(client, users):
    client.force_login(users["branch_a1"])
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/import/").status_code == 403
    assert 'id="nav-accounts"' not in client.get("/", **EN).content.decode()
    client.force_login(users["township_a"])
    assert 'id="nav-accounts"' in client.get("/", **EN).content.decode()


def test_an_account_outside_the_subtree_is_404_on_every_page(client, users, accounts):
    client.force_login(users["township_a"])
    pk = accounts["b"].pk
    for suffix in ("", "edit/", "deactivate/", "reactivate/", "reset-password/", "grants/add/"):
        assert client.get(f"/accounts/users/{pk}/{suffix}").status_code == 404, suffix
        if suffix:
            assert client.post(f"/accounts/users/{pk}/{suffix}").status_code == 404, suffix
    grant = Grant.objects.get(user=accounts["b"])
    assert client.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 404
    assert User.objects.get(pk=pk).is_active and Grant.objects.filter(pk=grant.pk).exists()


def test_the_account_page_shows_grants_person_and_history(client, users, accounts, county):
    services.user_update(user=users["county"], target=accounts["a"], person=county.people["chen"],
                         full_name="甲村文书张")
    client.force_login(users["township_a"])
    response = client.get(f"/accounts/users/{accounts['a'].pk}/", **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Branch secretary" in body and "陳家村党支部" in body
    assert "陳小紅" in body  # the linked person
    assert response.context["manageable"]
    assert len(response.context["history"]) >= 3
    labels = {str(change["label"]) for row in response.context["history"] for change in row["changes"]}
    assert "password" not in labels


def test_an_account_with_a_role_above_is_seen_but_not_managed(client, users):
    client.force_login(users["township_a"])
    response = client.get(f"/accounts/users/{users['township_a'].pk}/", **EN)
    assert response.status_code == 200 and not response.context["manageable"]


def test_create_shows_the_one_time_password_once(client, users, county):
    client.force_login(users["township_a"])
    response = client.post("/accounts/users/add/", {
        "username": "newclerk", "full_name": "新文书", "phone": "13911112222", "email": "",
        "home": county.village_a2.pk, "role": "branch_secretary"}, **EN)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    account = User.objects.get(username="newclerk")
    assert account.check_password(password)
    assert account.profile.must_change_password and account.profile.home == county.village_a2
    assert Grant.objects.filter(user=account, role="branch_secretary", organization=county.village_a2).exists()
    assert password not in client.get(f"/accounts/users/{account.pk}/").content.decode()


def test_the_forms_offer_and_accept_no_role_above_ones_own(client, users, county):
    client.force_login(users["township_a"])
    form = client.get("/accounts/users/add/", **EN).context["form"]
    assert "county_admin" not in dict(form.fields["role"].choices)
    assert set(form.fields["home"].queryset) == {county.township_a, county.village_a1, county.village_a2}
    response = client.post("/accounts/users/add/", {
        "username": "boss", "full_name": "县长", "home": county.village_a1.pk, "role": "county_admin"}, **EN)
    assert response.status_code == 400 and not User.objects.filter(username="boss").exists()
    response = client.post("/accounts/users/add/", {
        "username": "elsewhere", "full_name": "外人", "home": county.village_b1.pk}, **EN)
    assert response.status_code == 400 and "home" in response.context["form"].errors
    assert not User.objects.filter(username="elsewhere").exists()


def test_grant_form_limits_and_grants(client, users, accounts, county):
    client.force_login(users["township_a"])
    url = f"/accounts/users/{accounts['a'].pk}/grants/add/"
    form = client.get(url, **EN).context["form"]
    assert county.township_b not in form.fields["organization"].queryset
    assert "county_admin" not in dict(form.fields["role"].choices)
    refused = client.post(url, {"organization": county.village_b1.pk, "role": "inspector"}, **EN)
    assert refused.status_code == 400
    refused = client.post(url, {"organization": county.village_a1.pk, "role": "county_admin"}, **EN)
    assert refused.status_code == 400
    done = client.post(url, {"organization": county.township_a.pk, "role": "inspector"}, **EN)
    assert done.status_code == 302
    assert Grant.objects.filter(user=accounts["a"], role="inspector", organization=county.township_a).exists()


def test_revoke_asks_first_then_revokes(client, users, accounts):
    client.force_login(users["township_a"])
    grant = Grant.objects.get(user=accounts["a"])
    page = client.get(f"/accounts/grants/{grant.pk}/revoke/", **EN)
    assert page.status_code == 200 and "loses the role" in page.content.decode()
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert client.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()


def test_deactivate_reactivate_and_reset_ask_first(client, users, accounts):
    client.force_login(users["township_a"])
    pk = accounts["a"].pk
    page = client.get(f"/accounts/users/{pk}/deactivate/", **EN)
    assert page.status_code == 200 and "can no longer log in" in page.content.decode()
    assert User.objects.get(pk=pk).is_active
    assert client.post(f"/accounts/users/{pk}/deactivate/").status_code == 302
    assert not User.objects.get(pk=pk).is_active
    assert client.post(f"/accounts/users/{pk}/reactivate/").status_code == 302
    assert User.objects.get(pk=pk).is_active
    page = client.get(f"/accounts/users/{pk}/reset-password/", **EN)
    assert "shown once" in page.content.decode()
    response = client.post(f"/accounts/users/{pk}/reset-password/", **EN)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert User.objects.get(pk=pk).check_password(response.context["password"])


def test_edit_changes_name_and_phone(client, users, accounts, county):
    client.force_login(users["township_a"])
    pk = accounts["a"].pk
    response = client.post(f"/accounts/users/{pk}/edit/", {
        "full_name": "甲村新文书", "phone": "13900000009", "email": "a@example.org", "home": county.village_a1.pk})
    assert response.status_code == 302
    account = User.objects.get(pk=pk)
    assert account.get_full_name() == "甲村新文书" and account.profile.phone == "13900000009"
    bad = client.post(f"/accounts/users/{pk}/edit/", {"full_name": "x", "phone": "12", "home": county.village_a1.pk})
    assert bad.status_code == 400


def test_the_export_holds_the_filtered_list_with_chinese_headers(client, users, accounts, county):
    client.force_login(users["township_a"])
    response = client.get("/accounts/users/export.xlsx?role=branch_secretary")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:6] == ("用户名", "姓名", "手机号", "组织代码", "组织", "角色")
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"clerk_a", "branch_a1"}
    assert by_name["clerk_a"][1:6] == ("甲村文书", "13900000001", "A1", "陳家村党支部", "支部书记")


def test_the_person_page_shows_the_linked_account(client, users, accounts, county):
    person = county.people["zhangsan"]
    client.force_login(users["township_a"])
    body = client.get(f"/people/{person.pk}/", **EN).content.decode()
    assert 'id="person-accounts"' in body and "member" in body  # the fixture's self-service account
    Profile.objects.filter(user=users["member"]).update(person=None)
    services.user_update(user=users["county"], target=accounts["a"], person=person)
    body = client.get(f"/people/{person.pk}/", **EN).content.decode()
    assert "clerk_a" in body and "Branch secretary" in body
