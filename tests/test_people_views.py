"""The people pages: member list filters and paging, person search, person page, masking and the forms."""
import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from kernel.core.idcard import mask_id
from kernel.core.models import SensitiveAccess
from kernel.people.models import Member, Person, Post
from kernel.people.services import member_create, member_update, person_create, post_create
from tests.kit import make_id_number, make_member


@pytest.fixture
def client_for(client):
    def login(user, language="en"):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client
    return login


def listed_names(response) -> set[str]:
    assert response.status_code == 200
    return {row["person"].name for row in response.context["rows"]}


def member_list(client, **params):
    return client.get(reverse("people:member_list"), params)


@pytest.fixture
def varied(county):
    """Members who differ from the fixture's in one attribute each."""
    graduate = make_member(county.village_a2, "赵大学", education="university", ethnicity="03",
                           birth=datetime.date(1995, 5, 5))
    probationer = person_create(user=None, organization=county.village_a2, name="孙预备", gender="female",
                                birth_date=datetime.date(2000, 1, 1),
                                id_number=make_id_number(datetime.date(2000, 1, 1), "female"))
    member_create(user=None, person=probationer, category="probationary", joined_on=datetime.date(2024, 7, 1),
                  applied_on=datetime.date(2022, 3, 1))
    secretary = make_member(county.village_a1, "何书记", birth=datetime.date(1970, 1, 1))
    post_create(user=None, person=secretary, organization=county.village_a1, title="secretary",
                started_on=datetime.date(2021, 1, 1))
    return {"graduate": graduate, "probationer": probationer, "secretary": secretary}


# --- member list --------------------------------------------------------------------------------------------

def test_member_list_shows_members_in_good_standing_by_default(county, users, client_for):
    member = county.people["lisi"].membership
    member_update(user=None, member=member, status="deceased", status_changed_on=datetime.date(2024, 1, 1))
    client = client_for(users["county"])
    assert listed_names(member_list(client)) == {"张三", "陳小紅", "王五"}
    assert listed_names(member_list(client, status="deceased")) == {"李四"}
    assert listed_names(member_list(client, status="any")) == {"张三", "陳小紅", "王五", "李四"}


@pytest.mark.parametrize(("params", "expected"), [
    ({"org": "village_a1"}, {"张三", "陳小紅", "何书记"}),
    ({"org": "township_a"}, {"张三", "陳小紅", "李四", "赵大学", "孙预备", "何书记"}),
    ({"gender": "female"}, {"陳小紅", "孙预备"}),
    ({"age_band": "71+"}, {"李四"}),
    ({"age_band": "35-"}, {"赵大学", "孙预备"}),
    ({"classification": "elderly"}, {"李四"}),
    ({"classification": "poor"}, {"王五"}),
    ({"classification": "office"}, {"何书记"}),
    ({"education": "university"}, {"赵大学"}),
    ({"ethnicity": "03"}, {"赵大学"}),
    ({"category": "probationary"}, {"孙预备"}),
    ({"q": "zs"}, {"张三"}),
    ({"q": "陈"}, {"陳小紅"}),
    ({"q": "張三"}, {"张三"}),
    ({"org": "township_a", "gender": "female", "q": "s"}, {"孙预备"}),
])
def test_each_member_filter_narrows_the_list(county, users, varied, client_for, params, expected):
    client = client_for(users["county"])
    params = {k: getattr(county, v).pk if k == "org" else v for k, v in params.items()}
    assert listed_names(member_list(client, **params)) == expected


def test_member_list_finds_by_id_number(county, users, client_for):
    person = county.people["chen"]
    assert listed_names(member_list(client_for(users["county"]), q=person.id_number)) == {"陳小紅"}


def test_member_list_masks_phones(county, users, client_for):
    response = member_list(client_for(users["county"]), q="zs")
    assert "138****1234" in response.content.decode()
    assert "13800001234" not in response.content.decode()


def test_member_list_pages_by_fifty_with_a_capped_count(county, users, client_for, monkeypatch):
    for i in range(55):
        make_member(county.village_b1, f"钱{i:02d}", birth=datetime.date(1960 + i % 30, 1, 1))
    client = client_for(users["county"])
    first = member_list(client, org=county.village_b1.pk)
    assert len(first.context["rows"]) == 50
    assert first.context["has_next"] and not first.context["has_previous"]
    assert first.context["total"] == 56
    second = member_list(client, org=county.village_b1.pk, page=2)
    assert len(second.context["rows"]) == 6
    assert not second.context["has_next"] and second.context["has_previous"]
    pages = listed_names(first) | listed_names(second)
    assert len(pages) == 56
    assert f"org={county.village_b1.pk}" in second.content.decode()  # the filter survives paging

    # A filtered list shows its page at once and counts afterwards, up to the cap.
    filtered = member_list(client, org=county.village_b1.pk, gender="male")
    assert filtered.context["total"] is None and 'id="deferred-count"' in filtered.content.decode()
    assert member_list(client, org=county.village_b1.pk, gender="male", count=1).context["total"] == 56
    monkeypatch.setattr("kernel.people.views.COUNT_CAP", 20)
    capped = member_list(client, org=county.village_b1.pk, gender="male", count=1)
    assert capped.context["total_capped"] and capped.context["total"] == 20
    assert "20" in capped.content.decode()


def test_unfiltered_totals_come_from_the_counters(county, users, client_for):
    from kernel.orgs.models import Organization

    for i in range(55):
        make_member(county.village_a2, f"孙{i:02d}")
    client = client_for(users["township_a"])
    assert member_list(client).context["total"] == 58  # township A: 2 + 1 + 55
    Organization.objects.filter(pk=county.township_a.pk).update(subtree_member_count=999)
    assert member_list(client).context["total"] == 999  # read from the counter, not counted


def test_member_list_query_count_does_not_grow_with_rows(county, users, client_for, django_assert_num_queries):
    client = client_for(users["county"])
    member_list(client)  # warms caches such as content types
    # session and user (2), grants and profile (2), the organization and the filter's choices (2),
    # the page of rows (1), the capped count (1), saving the session (3)
    with django_assert_num_queries(11):
        small = member_list(client, org=county.township_a.pk)
    for i in range(60):
        make_member(county.village_a1, f"吴{i:02d}")
    with django_assert_num_queries(11):
        full = member_list(client, org=county.township_a.pk)
    assert len(small.context["rows"]) == 3 and len(full.context["rows"]) == 50


# --- search --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("q", "expected"), [
    ("张三", {"张三"}), ("zs", {"张三"}), ("ZS", {"张三"}), ("陈", {"陳小紅", "陈红"}), ("陳", {"陳小紅", "陈红"}),
    ("李", {"李四"}),
])
def test_person_search_by_chinese_initials_and_either_script(county, users, client_for, q, expected):
    make_member(county.village_a2, "陈红", gender="female", birth=datetime.date(1985, 1, 1))
    response = client_for(users["county"]).get(reverse("people:person_search"), {"q": q})
    assert {p.name for p in response.context["results"]} == expected
    assert "<html" in response.content.decode()


def test_person_search_answers_htmx_with_a_fragment(county, users, client_for):
    response = client_for(users["county"]).get(reverse("people:person_search"), {"q": "zs"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert reverse("people:person_detail", args=[county.people["zhangsan"].pk]) in body


# --- scope ---------------------------------------------------------------------------------------------------

def test_township_a_never_sees_township_b(county, users, client_for):
    client = client_for(users["township_a"])
    wangwu = county.people["wangwu"]
    assert "王五" not in listed_names(member_list(client, status="any"))
    assert member_list(client, org=county.village_b1.pk).status_code == 404
    assert member_list(client, org=county.township_b.pk).status_code == 404
    for q in ("王五", "ww", wangwu.id_number):
        assert client.get(reverse("people:person_search"), {"q": q}).context["results"] == []
    for name in ("person_detail", "reveal", "person_edit", "person_transfer", "member_edit", "member_status",
                 "post_create"):
        assert client.get(reverse(f"people:{name}", args=[wangwu.pk])).status_code == 404, name
        assert client.post(reverse(f"people:{name}", args=[wangwu.pk]), {}).status_code == 404, name
    post = post_create(user=None, person=wangwu, organization=county.village_b1, title="secretary")
    assert client.post(reverse("people:post_end", args=[post.pk]), {"ended_on": "2025-01-01"}).status_code == 404
    assert client.get(reverse("people:person_create"), {"org": county.village_b1.pk}).status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_township_a_cannot_create_or_transfer_into_township_b(county, users, client_for):
    client = client_for(users["township_a"])
    response = client.post(reverse("people:person_create"), {
        "organization": county.village_b1.pk, "name": "越界", "gender": "male", "ethnicity": "01"})
    assert response.status_code == 400 and "organization" in response.context["form"].errors
    options = response.context["form"].fields["organization"].queryset
    assert set(options.values_list("code", flat=True)) == {"TA", "A1", "A2"}
    assert not Person.objects.filter(name="越界").exists()
    zhangsan = county.people["zhangsan"]
    response = client.post(reverse("people:person_transfer", args=[zhangsan.pk]),
                           {"organization": county.village_b1.pk})
    assert response.status_code == 400
    zhangsan.refresh_from_db()
    assert zhangsan.organization_id == county.village_a1.pk


def test_member_role_sees_only_their_own_page(county, users, client_for):
    client = client_for(users["member"])
    assert client.get(reverse("people:person_detail", args=[county.people["zhangsan"].pk])).status_code == 200
    assert client.get(reverse("people:person_detail", args=[county.people["chen"].pk])).status_code == 404
    assert client.get(reverse("people:person_edit", args=[county.people["zhangsan"].pk])).status_code == 404
    assert listed_names(member_list(client)) == {"张三"}


# --- masking -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["inspector", "leader", "county", "township_a", "branch_a1"])
def test_person_page_masks_id_number_and_phone(county, users, client_for, role):
    person = county.people["chen"]
    body = client_for(users[role]).get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert mask_id(person.id_number) in body and "138****1234" in body
    assert person.id_number not in body and "13800001234" not in body


@pytest.mark.parametrize("role", ["inspector", "leader"])
def test_read_only_roles_cannot_reveal(county, users, client_for, role):
    client = client_for(users[role])
    person = county.people["chen"]
    assert "reveal-button" not in client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert client.post(reverse("people:reveal", args=[person.pk])).status_code == 404
    assert not SensitiveAccess.objects.exists()


@pytest.mark.parametrize("role", ["county", "township_a", "branch_a1"])
def test_admins_may_reveal_and_each_reveal_is_logged(county, users, client_for, role):
    client = client_for(users[role])
    person = county.people["chen"]
    assert "reveal-button" in client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert not SensitiveAccess.objects.exists()
    body = client.post(reverse("people:reveal", args=[person.pk])).content.decode()
    assert person.id_number in body and "13800001234" in body
    client.get(reverse("people:reveal", args=[person.pk]))
    access = SensitiveAccess.objects.filter(object_id=person.pk, user=users[role])
    assert access.count() == 2
    assert set(access.first().fields.split(",")) == {"id_number", "phone"}


def test_history_masks_sensitive_values_unless_revealed(county, users, client_for):
    person = county.people["chen"]
    client = client_for(users["county"])
    masked = client.get(reverse("people:person_detail", args=[person.pk]))
    changes = [(str(c["label"]), c["before"], c["after"]) for row in masked.context["history"] for c in row["changes"]]
    assert (str(Person._meta.get_field("id_number").verbose_name), "", mask_id(person.id_number)) in changes
    assert person.id_number not in masked.content.decode()
    revealed = client.post(reverse("people:reveal", args=[person.pk]))
    changes = [(str(c["label"]), c["before"], c["after"]) for row in revealed.context["history"] for c in row["changes"]]
    assert (str(Person._meta.get_field("id_number").verbose_name), "", person.id_number) in changes


def test_history_covers_person_membership_and_posts(county, users, client_for):
    person = county.people["zhangsan"]
    post_create(user=users["county"], person=person, organization=county.village_a1, title="secretary")
    response = client_for(users["county"]).get(reverse("people:person_detail", args=[person.pk]))
    models = [str(row["model"]) for row in response.context["history"]]
    assert sorted(set(models)) == sorted({str(Person._meta.verbose_name), str(Member._meta.verbose_name),
                                          str(Post._meta.verbose_name)})


# --- forms ---------------------------------------------------------------------------------------------------

def test_change_buttons_only_for_change_scope(county, users, client_for):
    url = reverse("people:person_detail", args=[county.people["zhangsan"].pk])
    edit = reverse("people:person_edit", args=[county.people["zhangsan"].pk])
    assert edit in client_for(users["township_a"]).get(url).content.decode()
    assert edit not in client_for(users["inspector"]).get(url).content.decode()
    assert client_for(users["inspector"]).get(edit).status_code == 404
    add = reverse("people:person_create")
    assert add in member_list(client_for(users["branch_a1"])).content.decode()
    assert add not in member_list(client_for(users["leader"])).content.decode()


def test_create_person_then_register_membership(county, users, client_for):
    client = client_for(users["township_a"])
    birth = datetime.date(1988, 8, 8)
    number = make_id_number(birth, "female")
    form = client.get(reverse("people:person_create"), {"org": county.village_a2.pk})
    assert form.context["form"].initial["organization"] == county.village_a2
    response = client.post(reverse("people:person_create"), {
        "organization": county.village_a2.pk, "name": "钱多多", "ethnicity": "01", "id_number": number,
        "phone": "13912345678", "stage": "activist", "education": "college", "occupation": "farmer"})
    person = Person.objects.get(name="钱多多")
    assert response.status_code == 302 and response.url == reverse("people:person_detail", args=[person.pk])
    assert (person.organization_id, person.birth_date, person.gender) == (county.village_a2.pk, birth, "female")

    response = client.post(reverse("people:member_create", args=[person.pk]), {
        "category": "probationary", "applied_on": "2020-01-01", "joined_on": "2024-07-01", "no_post_class": "wealthy"})
    assert response.status_code == 302
    assert listed_names(member_list(client, q="qdd")) == {"钱多多"}


@pytest.mark.parametrize(("field", "change", "message"), [
    ("id_number", lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"), "check digit"),
    ("birth_date", lambda n: None, "birth date does not match"),
    ("gender", lambda n: None, "gender does not match"),
])
def test_person_form_shows_id_number_errors_next_to_the_field(county, users, client_for, field, change, message):
    number = make_id_number(datetime.date(1988, 8, 8), "female")
    data = {"organization": county.village_a2.pk, "name": "错号", "ethnicity": "01", "id_number": number,
            "birth_date": "1988-08-08", "gender": "female"}
    if field == "id_number":
        data["id_number"] = change(number)
    elif field == "birth_date":
        data["birth_date"] = "1988-08-09"
    else:
        data["gender"] = "male"
    response = client_for(users["township_a"]).post(reverse("people:person_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert "is-invalid" in response.content.decode()
    assert not Person.objects.filter(name="错号").exists()


def test_membership_dates_out_of_order_are_refused(county, users, client_for):
    person = person_create(user=None, organization=county.village_a1, name="郑无序", gender="male",
                           birth_date=datetime.date(1990, 1, 1))
    response = client_for(users["branch_a1"]).post(reverse("people:member_create", args=[person.pk]), {
        "category": "full", "applied_on": "2020-01-01", "joined_on": "2019-01-01", "full_on": "2021-01-01"})
    assert response.status_code == 400
    assert "joined_on" in response.context["form"].errors
    assert not Member.objects.filter(person=person).exists()


def test_membership_edit_shows_the_service_error_on_its_field(county, users, client_for):
    person = county.people["zhangsan"]
    response = client_for(users["branch_a1"]).post(reverse("people:member_edit", args=[person.pk]), {
        "category": "probationary", "applied_on": "2003-07-01", "joined_on": "2005-07-01", "full_on": "2006-07-01",
        "no_post_class": "farming"})
    assert response.status_code == 400
    assert "no date of full membership" in response.context["form"].errors["full_on"][0]
    person.membership.refresh_from_db()
    assert person.membership.category == "full"


def test_edit_person_logs_the_unmasked_form(county, users, client_for):
    person = county.people["zhangsan"]
    client = client_for(users["township_a"])
    assert person.id_number in client.get(reverse("people:person_edit", args=[person.pk])).content.decode()
    assert SensitiveAccess.objects.filter(object_id=person.pk).count() == 1
    response = client.post(reverse("people:person_edit", args=[person.pk]), {
        "name": "张叁", "gender": "male", "ethnicity": "01", "birth_date": "1980-01-01",
        "id_number": person.id_number, "phone": "13700000000", "education": "", "occupation": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.phone) == ("张叁", "13700000000")


def test_status_change_removes_member_from_default_list(county, users, client_for):
    client = client_for(users["township_a"])
    person = county.people["lisi"]
    response = client.post(reverse("people:member_status", args=[person.pk]),
                           {"status": "deceased", "status_changed_on": "2025-02-01"})
    assert response.status_code == 302
    assert "李四" not in listed_names(member_list(client))
    assert listed_names(member_list(client, status="deceased")) == {"李四"}


def test_transfer_within_scope(county, users, client_for):
    person = county.people["zhangsan"]
    response = client_for(users["township_a"]).post(reverse("people:person_transfer", args=[person.pk]),
                                                    {"organization": county.village_a2.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organization_id == county.village_a2.pk
    assert person.membership.org_path == county.village_a2.path


def test_posts_add_end_and_several_at_once(county, users, client_for):
    person = county.people["zhangsan"]
    client = client_for(users["township_a"])
    for title in ("secretary", "village_director"):
        response = client.post(reverse("people:post_create", args=[person.pk]), {
            "organization": county.village_a1.pk, "title": title, "started_on": "2021-01-01"})
        assert response.status_code == 302
    page = client.get(reverse("people:person_detail", args=[person.pk]))
    assert page.context["several_posts"] and len(page.context["current_posts"]) == 2
    assert listed_names(member_list(client, classification="office")) == {"张三"}

    post = Post.objects.get(person=person, title="village_director")
    bad = client.post(reverse("people:post_end", args=[post.pk]), {"ended_on": "2020-01-01"})
    assert bad.status_code == 400 and "ended_on" in bad.context["form"].errors
    assert client.post(reverse("people:post_end", args=[post.pk]), {"ended_on": "2024-12-31"}).status_code == 302
    page = client.get(reverse("people:person_detail", args=[person.pk]))
    assert not page.context["several_posts"] and [p.pk for p in page.context["past_posts"]] == [post.pk]


def test_member_list_of_an_organization_stays_within_scope(county, users):
    from kernel.people.selectors import member_list as select_members

    inside = {m.person.name for m in select_members(user=users["township_a"], organization=county.village_a1)}
    assert inside == {"张三", "陳小紅"}
    # an organization outside the scope yields nothing, even when asked for directly
    assert not select_members(user=users["township_a"], organization=county.village_b1).exists()
    # the member role sees only their own record inside their branch
    own = {m.person.name for m in select_members(user=users["member"], organization=county.village_a1)}
    assert own == {"张三"}


def test_member_table_cells_are_escaped_and_labelled(county, users, client_for):
    make_member(county.village_b1, '<b onmouseover="x">王</b>', birth=datetime.date(1970, 1, 1))
    page = member_list(client_for(users["county"], "zh-hans"), org=county.village_b1.pk).content.decode()
    assert "<b onmouseover" not in page
    assert "&lt;b onmouseover=&quot;x&quot;&gt;王&lt;/b&gt;" in page
    assert 'data-label="姓名"' in page and 'data-label="联系电话"' in page
