"""Heart-to-heart talks through the pages and the API: talks of the three kinds recorded by a branch complete its
yearly duty (a further talk of a kind does not count, deleting a counted one moves the count to the next), a talk
with a member at risk names the member and shows on the member's case, the branch's page lists the members with no
talk yet, bad input is refused with nothing written, and a township outside sees none of it."""
from django.urls import reverse

API = "/api/membership/evaluation"


def talk(client, org, **data):
    body = {"organization": org.pk, "on": "2025-03-01", "place": "村党群服务中心", "kind": "members",
            "topic": "谈思想、谈工作", **data}
    return client.post(API + "/talks", body, content_type="application/json")


def talks_of(client, org) -> list[dict]:
    return client.get(API + "/talks", {"organization": org.pk, "year": 2025}).json()["items"]


def test_three_kinds_of_talk_complete_the_yearly_duty(client, users, county, shipped):
    a1, zhang, chen = county.village_a1, county.people["zhangsan"], county.people["chen"]
    client.force_login(users["branch_a1"])
    page = reverse("membership:talks", args=[a1.pk, 2025])
    before = client.get(page).content.decode()
    assert "张三" in before and "陳小紅" in before  # no talk yet this year

    record = reverse("membership:talk_record", args=[a1.pk])
    made = client.post(record, {"on": "2025-02-10", "place": "村部", "kind": "committee", "people": [zhang.pk],
                                "others": "村委委员王某", "topic": "班子团结", "summary": "互相提醒，交流思想"})
    assert made.status_code == 302, made.content.decode()[:3000]
    assert talk(client, a1, kind="members", people=[zhang.pk, chen.pk]).status_code == 201
    assert talk(client, a1, kind="members", on="2025-04-01", people=[zhang.pk, chen.pk]).status_code == 201
    duty = client.get(page).content.decode()
    assert "2/3" in duty
    last = talk(client, a1, kind="committee_member", people=[chen.pk], others="支部书记")
    assert last.status_code == 201 and last.json()["counted"]
    shown = client.get(page).content.decode()
    assert "3/3" in shown and "陳小紅" not in shown.split('id="without-talk"')[1]
    counted = {row["id"]: row["counted"] for row in talks_of(client, a1)}
    assert sorted(counted.values()) == [False, True, True, True]  # the second talk among members does not count

    first_members = min((row for row in talks_of(client, a1) if row["kind"] == "members" and row["counted"]),
                        key=lambda row: row["on"])
    assert client.delete(f"{API}/talks/{first_members['id']}").status_code == 204
    rows = talks_of(client, a1)
    assert [row["counted"] for row in rows if row["kind"] == "members"] == [True]  # the count moved to the next
    assert "3/3" in client.get(page).content.decode()


def test_a_talk_with_a_member_at_risk_and_bad_input(client, users, county, shipped):
    a1, zhang = county.village_a1, county.people["zhangsan"]
    client.force_login(users["branch_a1"])
    assert talk(client, a1, kind="at_risk", people=[zhang.pk]).status_code == 422  # about whom?
    assert talk(client, a1, on="2025-07-01", others="甲，乙").status_code == 422  # in the future
    assert talk(client, a1, place=" ", others="甲，乙").status_code == 422
    assert talk(client, a1, others="甲").status_code == 422  # a talk takes two
    assert talk(client, a1, people=[county.people["wangwu"].pk], others="甲").status_code == 404  # outside
    form = client.post(reverse("membership:talk_record", args=[a1.pk]),
                       {"on": "2025-02-10", "place": "", "kind": "members", "topic": ""})
    assert form.status_code == 422 and "is-invalid" in form.content.decode()
    assert talks_of(client, a1) == []  # nothing written

    made = talk(client, a1, kind="at_risk", about_member=zhang.pk, others="支部书记", topic="长期不参加组织生活")
    assert made.status_code == 201 and not made.json()["counted"]
    assert made.json()["about_member"]["name"] == "张三"
    case_id = client.post(API + "/grades", {"person": zhang.pk, "year": 2024, "grade": "unqualified"},
                          content_type="application/json").json()["case"]
    case_page = client.get(reverse("membership:evaluation_case", args=[case_id])).content.decode()
    assert "长期不参加组织生活" in case_page  # the talks with the member show on the case

    client.force_login(users["township_b"])
    assert client.get(reverse("membership:talks", args=[a1.pk, 2025])).status_code == 404
    assert talk(client, a1, others="甲，乙").status_code == 404
    assert client.delete(f"{API}/talks/{made.json()['id']}").status_code == 404
    assert client.get(API + "/talks").json()["count"] == 0
