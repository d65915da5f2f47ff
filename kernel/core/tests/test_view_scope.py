"""The base views enforce the scope: a declared view reads a restricted queryset from before its handler runs;
a view that declares nothing fails the system check and is refused at request time."""
import pytest
from django.core import checks
from django.http import HttpResponse, JsonResponse
from django.test import override_settings
from django.urls import include, path
from django.views import View
from django.views.generic import TemplateView

from kernel.core.checks import check_view_scopes, is_declared
from kernel.core.scope import CHANGE
from kernel.core.views import (
    ScopedMixin,
    error_messages,
    int_or_none,
    scope_exempt,
    scoped_view,
)
from kernel.orgs.models import Organization

seen = {}


class UndeclaredView(TemplateView):
    template_name = "core/home.html"


class ScopedWithoutModelView(ScopedMixin, View):
    def get(self, request):
        return HttpResponse("served")


class DeclaredView(ScopedMixin, View):
    scope_model = Organization

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        seen["at_setup"] = hasattr(self, "scoped")

    def get(self, request):
        seen["before_handler"] = hasattr(self, "scoped")
        return JsonResponse({"names": sorted(self.scoped.values_list("name", flat=True))})


class DeclaredForChangeView(DeclaredView):
    queryset = Organization.objects.filter(org_type="branch")
    scope_action = CHANGE


class ExemptView(View):
    scope_exempt = "reads nothing"

    def get(self, request):
        return HttpResponse("exempt")


def bare_function(request):
    return HttpResponse("served")


@scope_exempt("reads nothing")
def exempt_function(request):
    return HttpResponse("exempt")


@scoped_view(Organization)
def scoped_function(request, scoped):
    return JsonResponse({"names": sorted(scoped.values_list("name", flat=True))})


class probe_urls:  # a URLconf: any object with urlpatterns
    urlpatterns = [
        path("undeclared/", UndeclaredView.as_view()),
        path("scoped-without-model/", ScopedWithoutModelView.as_view()),
        path("declared/", DeclaredView.as_view()),
        path("declared-change/", DeclaredForChangeView.as_view()),
        path("exempt/", ExemptView.as_view()),
        path("bare-function/", bare_function),
        path("exempt-function/", exempt_function),
        path("scoped-function/", scoped_function),
        path("", include("jiceng.urls")),  # the login page, where the signed-out are sent
    ]


def test_the_site_declares_every_view():
    assert check_view_scopes() == []


@override_settings(ROOT_URLCONF=probe_urls)
def test_the_check_reports_each_view_without_a_declaration():
    errors = check_view_scopes()
    assert all(error.level == checks.ERROR and error.id == "core.E001" for error in errors)
    named = sorted(error.obj.rsplit(".", 1)[-1] for error in errors)
    assert named == ["ScopedWithoutModelView", "UndeclaredView", "bare_function"]
    assert any(error.id == "core.E001" for error in checks.run_checks(tags=[checks.Tags.urls]))


def test_the_marks_are_read_from_classes_and_functions():
    assert is_declared(DeclaredView.as_view()) and is_declared(ExemptView.as_view())
    assert is_declared(exempt_function) and is_declared(scoped_function)
    assert not is_declared(UndeclaredView.as_view()) and not is_declared(ScopedWithoutModelView.as_view())
    assert not is_declared(bare_function)
    with pytest.raises(ValueError):
        scope_exempt("")


@override_settings(ROOT_URLCONF=probe_urls)
@pytest.mark.parametrize("url", ["/undeclared/", "/scoped-without-model/", "/bare-function/"])
def test_a_view_without_a_declaration_is_refused_at_request_time(client, users, url):
    client.force_login(users["township_a"])
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 500
    assert b"served" not in response.content


@override_settings(ROOT_URLCONF=probe_urls)
def test_a_declared_view_reads_the_restricted_queryset_prepared_before_its_handler(client, users, county):
    seen.clear()
    client.force_login(users["township_a"])
    response = client.get("/declared/")
    assert response.status_code == 200
    assert seen == {"at_setup": True, "before_handler": True}
    visible = sorted(Organization.objects.restrict(users["township_a"]).values_list("name", flat=True))
    assert response.json()["names"] == visible
    assert county.township_a.name in visible and county.township_b.name not in visible

    changeable = client.get("/declared-change/").json()["names"]
    assert changeable == sorted(Organization.objects.restrict(users["township_a"], CHANGE)
                                .filter(org_type="branch").values_list("name", flat=True))
    assert county.village_b1.name not in changeable and county.village_a1.name in changeable


@override_settings(ROOT_URLCONF=probe_urls)
def test_a_scoped_function_view_receives_the_restricted_queryset(client, users, county):
    assert client.get("/scoped-function/").status_code == 302  # signed out: to the login page
    client.force_login(users["township_a"])
    names = client.get("/scoped-function/").json()["names"]
    assert county.township_a.name in names and county.township_b.name not in names
    assert client.get("/exempt-function/").content == b"exempt"
    assert client.get("/exempt/").content == b"exempt"


@override_settings(ROOT_URLCONF=probe_urls)
def test_a_declared_view_sends_the_signed_out_to_the_login_page(client):
    response = client.get("/declared/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_helpers(rf):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import ValidationError

    assert [int_or_none(v) for v in ("12", 7, None, "", "x", "-3")] == [12, 7, None, None, None, -3]
    assert int_or_none("x", default=0) == 0
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    error_messages(request, ValidationError(["one", "two"]))
    error_messages(request, ValueError("three"))
    assert [str(m) for m in get_messages(request)] == ["one", "two", "three"]
