"""Other engines' items on the to-do page (kernel.core.todo): each user sees what the sources give them, on the one
list with the duties' own items, sorted by due date."""
import datetime

import pytest

from engines.duties import clock
from kernel.core import todo

TODAY = datetime.date(2025, 7, 15)


@pytest.fixture
def stage_deadlines(users):
    """A source like the workflow engine's: township A's administrator has a stage due, and one escalated."""
    seen = []

    def source(user, today):
        seen.append((user.pk, today))
        if user.pk != users["township_a"].pk:
            return []
        return [todo.TodoItem(title="王家村 发展党员 公示期满", url="/workflows/cases/41/", due_on=today
                              + datetime.timedelta(days=3), kind="reminder", source="WF-SOURCE"),
                todo.TodoItem(title="李家村 整改方案 逾期", url="/workflows/cases/42/", due_on=datetime.date(2025, 7, 1),
                              kind="escalation", source="WF-SOURCE")]

    todo.todo_source(source)
    yield seen
    todo.SOURCES.remove(source)


def test_items_of_other_engines_are_listed_with_link_due_date_kind_and_source(client, users, stage_deadlines):
    client.force_login(users["township_a"])
    with clock.today_is(TODAY):
        response = client.get("/duties/todo/")
    assert response.status_code == 200
    assert stage_deadlines == [(users["township_a"].pk, TODAY)]
    page = response.content.decode()
    card = page[page.index('id="todo-list"'):]
    card = card[:card.index("</section>")]
    # sorted by due date: the escalated one (1 July) first
    assert card.index("/workflows/cases/42/") < card.index("/workflows/cases/41/")
    assert "李家村 整改方案 逾期" in card and "王家村 发展党员 公示期满" in card
    assert 'datetime="2025-07-18"' in card and 'datetime="2025-07-01"' in card
    assert "todo-item-escalation" in card and "todo-item-reminder" in card
    assert card.count("WF-SOURCE") == 2
    assert 'data-total="2"' in card


def test_a_user_the_sources_give_nothing_sees_an_empty_list(client, users, stage_deadlines):
    client.force_login(users["township_b"])
    with clock.today_is(TODAY):
        response = client.get("/duties/todo/")
    assert response.status_code == 200
    assert "/workflows/cases/4" not in response.content.decode() and 'data-total="0"' in response.content.decode()
    assert stage_deadlines == [(users["township_b"].pk, TODAY)]


def test_without_a_source_the_page_is_as_before(client, users):
    client.force_login(users["township_a"])
    response = client.get("/duties/todo/")
    assert response.status_code == 200 and 'data-total="0"' in response.content.decode()


def test_the_api_gives_the_callers_items_only(client, users, stage_deadlines):
    client.force_login(users["township_a"])
    with clock.today_is(TODAY):
        items = client.get("/api/duties/todo/elsewhere").json()
    assert [(item["url"], item["due_on"], item["kind"], item["source"]) for item in items] == [
        ("/workflows/cases/42/", "2025-07-01", "escalation", "WF-SOURCE"),
        ("/workflows/cases/41/", "2025-07-18", "reminder", "WF-SOURCE")]
    client.force_login(users["township_b"])
    assert client.get("/api/duties/todo/elsewhere").json() == []
