"""The caller's duty notices over the API come in pages ({"items", "count"}); nobody sees another's."""
from engines.duties.models import Notice


def notify(user, message, **fields):
    return Notice.objects.create(user=user, kind=fields.pop("kind", Notice.Kind.REMINDER), message=message,
                                 **fields)


def test_notices_page_counts_every_notice_newest_first(client, users):
    mine = [notify(users["township_a"], f"提醒{n}") for n in range(3)]
    notify(users["township_b"], "乙镇提醒")
    client.force_login(users["township_a"])
    body = client.get("/api/duties/notices", {"limit": 2}).json()
    assert body["count"] == 3 and [n["id"] for n in body["items"]] == [mine[2].pk, mine[1].pk]
    rest = client.get("/api/duties/notices", {"limit": 2, "offset": 2}).json()
    assert [n["message"] for n in rest["items"]] == ["提醒0"]


def test_unread_filter_and_another_townships_notices(client, users):
    read = notify(users["township_a"], "已读")
    Notice.objects.filter(pk=read.pk).update(read_at="2025-04-01T08:00:00Z")
    notify(users["township_a"], "未读")
    for n in range(2):
        notify(users["township_b"], f"乙镇提醒{n}", kind=Notice.Kind.OVERDUE)
    client.force_login(users["township_a"])
    unread = client.get("/api/duties/notices", {"unread": True}).json()
    assert unread["count"] == 1 and unread["items"][0]["message"] == "未读"
    assert "乙镇" not in str(client.get("/api/duties/notices").json()["items"])
    client.force_login(users["township_b"])
    assert client.get("/api/duties/notices").json()["count"] == 2
