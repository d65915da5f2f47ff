"""Walks every URL and API operation: each is scoped or says why it is exempt, and none crosses townships.

Nothing here names a page or endpoint: whatever jiceng.urls holds when the test runs is walked.

The cross-township check must not pass by accident when a view reads a different model than its URL
suggests. So for one chosen id, ``FOREIGN_PK``, every scoped model gets a row in township B: whatever a view
takes that id to mean, the row exists and lies outside township A, so anything but 404 is a leak.
"""
import datetime
import inspect
import io
import json
import re
import zipfile
from functools import partial

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver
from ninja.openapi.views import openapi_json
from ninja.operation import PathView

from kernel.accounts.models import Profile
from kernel.core.checks import is_declared
from kernel.core.models import ChangeRecord, SensitiveAccess
from kernel.core.registry import scope_row_modules
from kernel.orgs.models import Organization, OrgStat
from kernel.orgs.services import org_create
from kernel.people.models import Member, Person, Post
from kernel.people.services import member_create, person_create, post_create
from tests.kit import make_id_number

FOREIGN_PK = 987_654
TOWNSHIP_B_NAMES = ["王家村党支部", "王五", "乙镇党委", "王家新村党支部", "王小六"]

PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
PK_NAME = re.compile(r"^(pk|id|\w+_pk|\w+_id)$")


# --- walking ----------------------------------------------------------------------------------------------------

def url_patterns(patterns=None, prefix=""):
    """(route, pattern) for every URL pattern, following includes."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern).lstrip("^").rstrip("$"), pattern


def ninja_path_view(callback) -> PathView | None:
    owner = inspect.getclosurevars(callback).nonlocals.get("self") if inspect.isfunction(callback) else None
    return owner if isinstance(owner, PathView) else None


def web_views():
    """(route, callback) of every URL served by a Django view (not an API operation)."""
    return [(route, p.callback) for route, p in url_patterns() if ninja_path_view(p.callback) is None]


def api_operations():
    """(route, method, operation) of every Ninja operation reachable through the URLs, each once."""
    seen, found = set(), []
    for route, pattern in url_patterns():
        path_view = ninja_path_view(pattern.callback)
        if path_view is None:
            continue
        for operation in path_view.operations:
            for method in operation.methods:
                if (route, method) not in seen:
                    seen.add((route, method))
                    found.append((route, method.lower(), operation))
    return found


def params(route: str) -> list[str]:
    return [m["name"] for m in PARAM.finditer(route)]


def fill(route: str, value) -> str:
    return "/" + PARAM.sub(str(value), route)


def openapi_template(route: str) -> str:
    return "/" + PARAM.sub(lambda m: "{" + m["name"] + "}", route)


# --- township B rows at FOREIGN_PK ------------------------------------------------------------------------------

def _move_pk(model, obj):
    model.objects.filter(pk=obj.pk).update(**{model._meta.pk.attname: FOREIGN_PK})
    return model.objects.get(pk=FOREIGN_PK)


def _foreign_org(county):
    org = org_create(user=None, parent=county.township_b, code=str(FOREIGN_PK), name="王家新村党支部", org_type="branch",
                     domain="rural")
    moved = _move_pk(Organization, org)
    OrgStat.objects.filter(organization_id=org.pk).update(organization_id=FOREIGN_PK)  # its summary's counts
    return moved


def _foreign_person(county):
    birth = datetime.date(1970, 5, 5)
    person = person_create(user=None, organization=Organization.objects.get(pk=FOREIGN_PK), name="王小六",
                           gender="male", birth_date=birth, id_number=make_id_number(birth), phone="13900009999")
    return _move_pk(Person, person)


def _foreign_member(county):
    person = Person.objects.get(pk=FOREIGN_PK)
    member = member_create(user=None, person=person, category="full", applied_on=datetime.date(1995, 1, 1),
                           joined_on=datetime.date(1997, 7, 1), full_on=datetime.date(1998, 7, 1),
                           no_post_class="farming")
    return _move_pk(Member, member)


def _foreign_post(county):
    post = post_create(user=None, person=Person.objects.get(pk=FOREIGN_PK),
                       organization=Organization.objects.get(pk=FOREIGN_PK), title="secretary",
                       started_on=datetime.date(2020, 1, 1))
    return _move_pk(Post, post)


def _foreign_change_record(county):
    record = ChangeRecord.objects.filter(org_path__startswith=county.township_b.path).order_by("-id").first()
    return _move_pk(ChangeRecord, record)


def _foreign_sensitive_access(county):
    person = Person.objects.get(pk=FOREIGN_PK)
    return SensitiveAccess.objects.create(
        pk=FOREIGN_PK, content_type=ContentType.objects.get_for_model(Person), object_id=person.pk,
        fields="id_number", org_path=person.org_path, where="/", request_id="walker")























def _foreign_profile(county):
    """An account placed and granted in township B; the account and its grant are at FOREIGN_PK too."""
    from django.contrib.auth import get_user_model

    from kernel.accounts.models import Grant

    org = Organization.objects.get(pk=FOREIGN_PK)
    user = get_user_model().objects.create_user("walker_b", pk=FOREIGN_PK, first_name="王小六")
    Grant.objects.create(pk=FOREIGN_PK, user=user, role="branch_secretary", organization=org)
    return Profile.objects.create(pk=FOREIGN_PK, user=user, home=org, home_path=org.path, phone="13900009999")


def _foreign(model, **fields):
    """A row at FOREIGN_PK whose foreign keys to other FOREIGN_ROWS models point at FOREIGN_PK too."""
    return model.objects.create(pk=FOREIGN_PK, **fields)


def _org_fields():
    org = Organization.objects.get(pk=FOREIGN_PK)
    return {"organization": org, "org_path": org.path}












































# The kernel's rows, in creation order; each app's follow from its tests/foreign_rows.py (below). A new scoped
# model needs a row in its app's module, or test_every_scoped_model_has_a_foreign_row fails.
FOREIGN_ROWS = {
    Organization: _foreign_org,
    Person: _foreign_person,
    Member: _foreign_member,
    Post: _foreign_post,
    Profile: _foreign_profile,
    ChangeRecord: _foreign_change_record,
    SensitiveAccess: _foreign_sensitive_access,
}

# Each app keeps the township-B rows of its own models beside its tests, found through the registry
# (core/registry.py: ``scope_rows``, by default ``<app>/tests/foreign_rows.py``): it defines
# ``foreign_rows(pk, foreign, org_fields) -> {Model: make(county)}`` (added after the rows above, in the apps'
# order), and may name in ``ONE_WORKFLOW_READS`` the API reads that serve only their own workflow's cases: the
# walk's case is a member-development one, so those answer 404 even to the county (their own tests show them); and in
# ``STATE_BOUND_READS`` ({route: why}) the reads that answer 404 to the county for the walk's row because of its state
# or a path part that is not an id (a removal decision of a title that is held; a document kind): their own tests show
# them in and out of scope.
ONE_WORKFLOW_READS: set[str] = set()
for _app, _module in scope_row_modules():
    FOREIGN_ROWS.update(_module.foreign_rows(FOREIGN_PK, _foreign, _org_fields))
    ONE_WORKFLOW_READS |= set(getattr(_module, "ONE_WORKFLOW_READS", ()))
    ONE_WORKFLOW_READS |= set(getattr(_module, "STATE_BOUND_READS", {}))


def scoped_models():
    return {model for model in apps.get_models() if getattr(model, "scope_path_field", None)}


@pytest.fixture
def foreign(county):
    rows = {model: make(county) for model, make in FOREIGN_ROWS.items()}
    for model, row in rows.items():
        path = getattr(row, model.scope_path_field)
        assert path.startswith(county.township_b.path), model
    return rows


def registry_size() -> dict:
    return {model.__name__: model.objects.count() for model in scoped_models()}


# --- every view is scoped or exempt -----------------------------------------------------------------------------

def test_every_scoped_model_has_a_foreign_row():
    assert scoped_models() == set(FOREIGN_ROWS), "teach FOREIGN_ROWS how to make a township-B row of the new model"


def web_view_is_marked(callback) -> bool:
    """The system check's test (kernel/core/checks.py): a ScopedMixin view naming its model, or scope_exempt."""
    return is_declared(callback)


def operation_is_marked(operation) -> bool:
    return bool(getattr(operation.view_func, "scope_model", None) or getattr(operation.view_func, "scope_exempt", ""))


def test_every_web_view_is_scoped_or_exempt():
    views = web_views()
    assert len(views) >= 5, "the walker found no URLs"
    unmarked = [route for route, callback in views if not web_view_is_marked(callback)]
    assert unmarked == [], "views that are neither ScopedMixin nor scope_exempt"


def test_every_api_operation_is_scoped_or_exempt():
    operations = api_operations()
    assert len(operations) >= 10, "the walker found no API operations"
    unmarked = [f"{method.upper()} /{route}" for route, method, op in operations if not operation_is_marked(op)]
    assert unmarked == []


def test_the_walker_notices_unmarked_views_and_operations():
    from django.views.generic import TemplateView
    from ninja import NinjaAPI

    from kernel.core.views import ScopedMixin

    def bare_view(request):
        return None

    class BareView(TemplateView):
        pass

    assert not web_view_is_marked(bare_view)
    assert not web_view_is_marked(BareView.as_view())
    assert not web_view_is_marked(type("NoModelView", (ScopedMixin, TemplateView), {}).as_view())
    assert web_view_is_marked(partial(openapi_json, api=None))

    api = NinjaAPI(urls_namespace="walker-probe")

    @api.get("/bare")
    def bare_operation(request):
        return {}

    (operation,) = api.default_router.path_operations["/bare"].operations
    assert not operation_is_marked(operation)


# --- nothing crosses into township B ----------------------------------------------------------------------------

def routes_with_ids(routes):
    return [route for route in routes if params(route) and all(PK_NAME.match(name) for name in params(route))]


def list_routes(routes):
    return [route for route in routes if not params(route)]


LIST_QUERIES = ["", "?q=王", "?q=ww", "?q=乙镇", f"?org={FOREIGN_PK}", f"?organization={FOREIGN_PK}",
                f"?parent={FOREIGN_PK}", f"?under={FOREIGN_PK}", f"?person={FOREIGN_PK}"]


def body_text(response) -> str:
    """The response as text: a streamed body is read, a workbook (zip) is opened to its XML."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    return data.decode(errors="replace")


def assert_no_township_b(response, where):
    assert response.status_code < 500, where
    body = body_text(response)
    if "json" in response.get("Content-Type", ""):
        body = json.dumps(response.json(), ensure_ascii=False)
    leaked = [name for name in TOWNSHIP_B_NAMES if name in body]
    assert leaked == [], f"{where} shows township B: {leaked}"


def test_web_pages_with_an_id_from_township_b_are_404(client, users, foreign):
    client.force_login(users["township_a"])
    routes = routes_with_ids(route for route, _callback in web_views())
    assert routes, "no web page takes an id"
    before = registry_size()
    for route in routes:
        url = fill(route, FOREIGN_PK)
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert set(statuses.values()) <= {404, 405} and 404 in statuses.values(), f"{url}: {statuses}"
    assert registry_size() == before


def test_web_list_pages_show_nothing_of_township_b(client, users, foreign):
    client.force_login(users["township_a"])
    routes = [r for r in list_routes(route for route, callback in web_views()) if "logout" not in r]
    for route in routes:
        for query in LIST_QUERIES:
            assert_no_township_b(client.get(fill(route, "") + query), route + query)


def test_the_walk_would_see_township_b_if_it_leaked(client, users, foreign):
    """The same walk as the county administrator finds township B: the checks above can fail."""
    client.force_login(users["county"])
    pages = [fill(route, FOREIGN_PK) for route in routes_with_ids(route for route, _cb in web_views())]
    assert any(client.get(url).status_code == 200 for url in pages)
    shown = "".join(body_text(client.get(fill(route, "") + query))
                    for route in list_routes(route for route, _cb in web_views()) if "logout" not in route
                    for query in LIST_QUERIES)
    assert any(name in shown for name in TOWNSHIP_B_NAMES)


# --- the same through the API -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def openapi():
    from jiceng.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def example(schema, spec):
    """A value satisfying ``schema`` whose every id points at FOREIGN_PK."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        return example(next(s for s in schema["anyOf"] if s.get("type") != "null"), spec)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value), schema["enum"][0])
    kind = schema.get("type")
    if kind == "object":
        return {name: example(schema["properties"][name], spec) for name in schema.get("required", ())}
    if kind == "integer":
        within = schema.get("minimum", FOREIGN_PK) <= FOREIGN_PK <= schema.get("maximum", FOREIGN_PK)
        return FOREIGN_PK if within else schema.get("minimum", 0)
    if kind == "number":
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if schema.get("format") == "date":
        return "2024-01-01"
    return "walker"


def api_request(client, method, route, spec):
    url = fill(route, FOREIGN_PK)
    operation = spec["paths"][openapi_template(route)][method]
    body = operation.get("requestBody")
    if body is None:
        return getattr(client, method)(url)
    payload = example(body["content"]["application/json"]["schema"], spec)
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def takes_upload(spec, route, method) -> bool:
    body = spec["paths"][openapi_template(route)][method].get("requestBody") or {}
    return "multipart/form-data" in body.get("content", {})


def test_api_calls_reaching_township_b_are_404_and_write_nothing(client, users, foreign, openapi):
    client.force_login(users["township_a"])
    before = registry_size()
    checked = 0
    for route, method, _op in api_operations():
        if not params(route) and method == "get":
            continue
        if takes_upload(openapi, route, method):
            continue  # a file's rows are checked against the scope by the importer (tests/test_import_pages.py)
        response = api_request(client, method, route, openapi)
        assert response.status_code == 404, f"{method.upper()} /{route}: {response.status_code} {response.content!r}"
        checked += 1
    assert checked >= 8
    assert registry_size() == before


def test_api_lists_show_nothing_of_township_b(client, users, foreign):
    client.force_login(users["township_a"])
    for route, method, _op in api_operations():
        if method == "get" and not params(route) and route.startswith("api/"):
            for query in LIST_QUERIES:
                response = client.get(fill(route, "") + query)
                assert response.status_code in (200, 404, 422), route + query
                assert_no_township_b(response, route + query)


def test_the_api_walk_would_see_township_b_if_it_leaked(client, users, foreign, openapi):
    client.force_login(users["county"])
    reads = [route for route, method, op in api_operations()
             if method == "get" and params(route) and getattr(op.view_func, "scope_model", None)]
    assert ONE_WORKFLOW_READS <= set(reads)
    seen = {route: client.get(fill(route, FOREIGN_PK)).status_code for route in reads}
    assert {route for route, status in seen.items() if status != 200} == ONE_WORKFLOW_READS
    shown = json.dumps([client.get(fill(route, "")).json() for route, method, _op in api_operations()
                        if method == "get" and not params(route) and route.startswith("api/")], ensure_ascii=False)
    assert all(name in shown for name in TOWNSHIP_B_NAMES)
