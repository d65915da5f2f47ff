"""The API layer itself: an unmarked operation cannot be served, a scoped one reads its rows restricted to the
caller, one generic page schema names itself after its items, and one ``refuse`` serves every service."""
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from ninja import Router, Schema
from ninja.testing import TestClient

from kernel.core.api import JicengAPI, Page, scope_exempt, scoped
from kernel.core.scope import CHANGE
from kernel.orgs.models import Organization

namespaces = itertools.count()


def signed_in(request):
    return request.user if request.user.is_authenticated else None


def throwaway_api(router: Router) -> JicengAPI:
    api = JicengAPI(urls_namespace=f"throwaway-{next(namespaces)}", auth=signed_in)
    api.add_router("/things", router)
    return api


# --- scope marks ------------------------------------------------------------------------------------------------

def test_an_unmarked_operation_makes_the_api_refuse_to_build():
    router = Router()

    @router.get("/plain")
    def plain_operation(request):
        return {}

    api = throwaway_api(router)
    with pytest.raises(ImproperlyConfigured, match=r"GET /things/plain \(.*plain_operation\)"):
        api.urls  # noqa: B018  (building the URLs is the act under test)
    with pytest.raises(ImproperlyConfigured, match="plain_operation"):
        api.get_openapi_schema(path_prefix="/throwaway/")


def test_one_unmarked_operation_among_marked_ones_is_named_alone():
    router = Router()

    @router.get("/marked")
    @scope_exempt("returns no organization data")
    def marked_operation(request):
        return {}

    @router.post("/unmarked")
    def unmarked_operation(request):
        return {}

    with pytest.raises(ImproperlyConfigured) as refused:
        throwaway_api(router).urls  # noqa: B018
    assert "POST /things/unmarked" in str(refused.value)
    assert "/things/marked" not in str(refused.value)


def test_marked_operations_build_and_serve():
    router = Router()

    @router.get("/exempt")
    @scope_exempt("returns no organization data")
    def exempt_operation(request):
        return {"ok": True}

    @router.get("/orgs")
    @scoped(Organization)
    def org_operation(request):
        return {"count": request.scoped().count()}

    api = throwaway_api(router)
    patterns, _app, _namespace = api.urls
    assert patterns
    schema = api.get_openapi_schema(path_prefix="/throwaway/")
    assert {"/throwaway/things/exempt", "/throwaway/things/orgs"} <= set(schema["paths"])
    assert TestClient(api).get("/things/exempt", user=AnonymousUser()).status_code == 401


def test_the_project_api_builds_with_every_operation_marked():
    from jiceng.api import api
    from kernel.core.api import unmarked_operations

    assert unmarked_operations(api) == []
    assert api.get_openapi_schema(path_prefix="/api/")["paths"]


# --- request.scoped ---------------------------------------------------------------------------------------------

class Names(Schema):
    names: list[str]
    change: list[str]
    one: str


def scoped_api():
    router = Router()

    @router.get("/orgs", response=Names)
    @scoped(Organization)
    def org_names(request, code: str):
        return {"names": sorted(request.scoped().values_list("name", flat=True)),
                "change": sorted(request.scoped(CHANGE).values_list("name", flat=True)),
                "one": request.scoped.get(code=code).name}

    return throwaway_api(router), org_names


@pytest.mark.django_db
def test_a_scoped_operation_reads_its_model_restricted_to_the_caller(county, users):
    api, operation = scoped_api()
    assert operation.scope_model is Organization and operation.scope_action == "view"
    client = TestClient(api)
    township_a = client.get("/things/orgs?code=A1", user=users["township_a"])
    assert township_a.status_code == 200
    seen = set(Organization.objects.restrict(users["township_a"], "view").values_list("name", flat=True))
    assert set(township_a.json()["names"]) == seen
    assert "乙镇党委" not in seen and "甲镇党委" in seen
    assert township_a.json()["one"] == "陳家村党支部"
    # Outside the caller's scope, one row is 404 exactly as a missing one.
    assert client.get("/things/orgs?code=B1", user=users["township_a"]).status_code == 404
    assert client.get("/things/orgs?code=B1", user=users["county"]).json()["one"] == "王家村党支部"


def test_the_mark_keeps_the_operation_name_and_signature():
    _api, operation = scoped_api()
    assert operation.__name__ == "org_names"
    assert list(__import__("inspect").signature(operation).parameters) == ["request", "code"]


# --- Page[...] --------------------------------------------------------------------------------------------------

class WidgetOut(Schema):
    id: int


class Gadget(Schema):
    id: int


def test_page_of_an_item_is_one_class_named_after_it():
    assert Page[WidgetOut] is Page[WidgetOut]
    assert Page[WidgetOut].__name__ == "WidgetPage"
    assert Page[Gadget].__name__ == "GadgetPage"
    assert Page[WidgetOut].__module__ == WidgetOut.__module__
    page = Page[WidgetOut](count=1, count_exact=True, limit=50, offset=0, items=[{"id": 3}])
    assert page.items[0].id == 3
    with pytest.raises(ValueError):
        Page[WidgetOut](count=1, count_exact=True, limit=50, offset=0, items=[{"nope": 3}])


def test_a_page_is_keyed_by_its_name_in_openapi():
    router = Router()

    @router.get("/widgets", response=Page[WidgetOut])
    @scope_exempt("returns no organization data")
    def widgets(request):
        return {"count": 0, "count_exact": True, "limit": 50, "offset": 0, "items": []}

    schema = throwaway_api(router).get_openapi_schema(path_prefix="/throwaway/")
    components = schema["components"]["schemas"]
    assert "WidgetPage" in components and not any(name.startswith("Page_") for name in components)
    assert components["WidgetPage"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/WidgetOut"}


# --- 409 confirmation answers -----------------------------------------------------------------------------------

def test_every_confirmation_answer_shares_one_schema():
    from engines.standards.api import NamingPreviewCountsOut
    from kernel.core.api import NeedsConfirmationOut
    from mechanisms.campaigns.api import ConfirmationNeededOut
    from mechanisms.firstsec.api import FirstsecDecisionPreviewOut
    from mechanisms.grading.api import ConfirmPreviewOut
    from mechanisms.selection.api import SelectionClosePreviewOut

    for preview in (NamingPreviewCountsOut, ConfirmationNeededOut, FirstsecDecisionPreviewOut, ConfirmPreviewOut,
                    SelectionClosePreviewOut):
        assert issubclass(preview, NeedsConfirmationOut)
        assert preview.model_fields["code"].default == "confirmation_required"


# --- refuse -----------------------------------------------------------------------------------------------------

def test_one_refuse_serves_every_service():
    from engines.duties import services as duties
    from engines.standards import services as standards
    from engines.workflows import services as workflows
    from kernel.core import services as core
    from mechanisms.elections import services as elections

    assert duties.refuse is standards.refuse is workflows.refuse is elections.refuse is core.refuse


def test_refuse_keeps_its_code_under_the_field():
    from kernel.core.services import refuse

    with pytest.raises(ValidationError) as under_field:
        refuse("Taken.", field="role", code="conflict")
    assert [(e.code, e.message) for e in under_field.value.error_dict["role"]] == [("conflict", "Taken.")]
    with pytest.raises(ValidationError) as plain:
        refuse("Closed.", code="closed")
    assert (plain.value.code, plain.value.messages) == ("closed", ["Closed."])
    with pytest.raises(ValidationError) as default:
        refuse("No.", field="name")
    assert default.value.error_dict["name"][0].code == "invalid"
