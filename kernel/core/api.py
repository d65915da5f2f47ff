"""What every API router shares: scope marks, scoped lookups, pagination, masking and error answers.

Every operation is marked ``@scoped(Model)`` (it reads through ``restrict``) or
``@scope_exempt("reason")``; ``JicengAPI`` refuses to build its URLs or schema while one is neither, and
tests/test_scope_walk.py walks them all. The mark goes below the route decorator so that it lands on the
function the route keeps. A scoped operation finds its model's rows, restricted to the caller, in
``request.scoped``.
"""
import functools
import logging
from collections.abc import Iterable
from typing import Annotated, Generic, Literal, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict

from . import idcard
from .actor import acting_as
from .models import SensitiveAccess
from .scope import SENSITIVE, VIEW, scope_for
from .tree import in_subtree

sensitive_log = logging.getLogger("jiceng.sensitive")
error_log = logging.getLogger("jiceng.api")

MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000_000  # beyond any registry; SQLite reads a larger literal OFFSET as a real and refuses it
# Lists count at most this many rows: an exact count of millions costs seconds and helps nobody.
COUNT_CAP = 10_000


class ScopedRows:
    """The marked model's rows within the caller's scope, handed to a scoped operation as ``request.scoped``.

    ``request.scoped()`` is ``Model.objects.restrict(request.auth, action)``, ``request.scoped(CHANGE)`` the same
    for another action, and ``request.scoped.get(pk=…)`` one row of them or 404 exactly as for a missing one.
    """

    def __init__(self, user, model: type[Model], action: str):
        self.user, self.model, self.action = user, model, action

    def __call__(self, action: str | None = None) -> QuerySet:
        return self.model.objects.restrict(self.user, action or self.action)

    def get(self, action: str | None = None, **lookup):
        return get_scoped(self.model.objects, self.user, action or self.action, **lookup)


def scoped(model: type[Model], action: str = VIEW):
    """Marks an operation whose answers come from ``model.objects.restrict(user, action)``.

    The operation runs with ``request.scoped`` (``ScopedRows``): those rows, restricted to the caller.
    """

    def mark(view_func):
        @functools.wraps(view_func)
        def operation(request, *args, **kwargs):
            outer = getattr(request, "scoped", None)  # an operation that calls another gets its own back
            request.scoped = ScopedRows(request.auth, model, action)
            try:
                return view_func(request, *args, **kwargs)
            finally:
                request.scoped = outer

        operation.scope_model = model
        operation.scope_action = action
        return operation

    return mark


def scope_exempt(reason: str):
    """Marks an operation that returns no organization data, saying why."""

    def mark(view_func):
        view_func.scope_exempt = reason
        return view_func

    return mark


def choice(choices, *, blank: bool = False):
    """A Literal of the stable codes of a Django choices class (or list of pairs), for schemas and OpenAPI."""
    values = list(choices.values) if hasattr(choices, "values") else [value for value, _label in choices]
    return Literal[tuple([""] * blank + values)]


class In(Schema):
    """Request bodies: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


Item = TypeVar("Item")
_pages: dict = {}


class Page(Schema, Generic[Item]):
    """One page of a list, as ``paginate`` answers it.

    ``Page[MemberOut]`` is a class of its own named ``MemberPage`` (the item's name without ``Out``), so the
    OpenAPI schema keys it by that name rather than by ``Page_MemberOut_``.
    """

    count: int
    count_exact: bool
    limit: int
    offset: int
    items: list[Item]

    def __class_getitem__(cls, item):
        parametrized = super().__class_getitem__(item)
        if cls is not Page or not isinstance(item, type):
            return parametrized
        if item not in _pages:
            name = item.__name__.removesuffix("Out") + "Page"
            _pages[item] = type(parametrized)(name, (parametrized,), {
                "__module__": item.__module__, "__qualname__": name,
                "__doc__": f"One page of a list: at most ``limit`` items from ``offset``; ``count`` counts the "
                           f"whole list up to {COUNT_CAP} (``count_exact`` says whether it stopped there)."})
        return _pages[item]


class NeedsConfirmationOut(Schema):
    """The 409 answer to an act that needs confirming (``services.NeedsConfirmation``): what it would do; send it
    again with ``confirm: true``. Each act's preview adds its own fields."""

    code: str = "confirmation_required"
    message: str = ""


class Ref(Schema):
    id: int
    name: str


def ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def get_scoped(queryset: QuerySet, user, action: str = VIEW, **lookup):
    """One object within the user's scope; outside it, 404 exactly as for a missing one."""
    obj = queryset.restrict(user, action).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def paginate(queryset: QuerySet, page: PageParams, serialize) -> dict:
    """Two queries whatever the page: the rows, and the count up to COUNT_CAP (``count_exact`` says if it stopped)."""
    rows = list(queryset[page.offset: page.offset + page.limit])
    counted = queryset.order_by()[: COUNT_CAP + 1].count()
    return {"count": min(counted, COUNT_CAP), "count_exact": counted <= COUNT_CAP, "limit": page.limit,
            "offset": page.offset, "items": serialize(rows)}


def paginate_rows(rows: list, page: PageParams, serialize) -> dict:
    """``paginate`` for rows a selector has already computed in memory."""
    return {"count": len(rows), "count_exact": True, "limit": page.limit, "offset": page.offset,
            "items": serialize(rows[page.offset: page.offset + page.limit])}


def run_service(request, service, **kwargs):
    """Calls a service as the API caller, so its change records name them even when a token signed them in."""
    with acting_as(request.auth, source="api", request_id=getattr(request, "request_id", None)):
        return service(user=request.auth, **kwargs)


def patch_changes(payload: Schema, *, nullable: Iterable[str] = ()) -> dict:
    """The fields a PATCH body sets; null is refused for fields that cannot be empty."""
    changes = payload.model_dump(exclude_unset=True)
    errors = {name: [_("This field cannot be empty.")] for name, value in changes.items()
              if value is None and name not in nullable}
    if errors:
        raise DjangoValidationError(errors)
    return changes


class Unmasking:
    """Decides, once per request, whose personal data the user sees unmasked, and logs what was shown."""

    def __init__(self, request):
        self.request = request
        scope = scope_for(request.auth)
        self.everything = scope.everything
        self.roots = scope.roots("people", SENSITIVE)
        self.self_person_id = scope.self_person_id
        self.shown: list = []

    def allows(self, person) -> bool:
        return self.everything or person.pk == self.self_person_id or in_subtree(person.org_path, self.roots)

    def fields(self, person) -> dict:
        """``id_number``, ``phone`` and ``masked`` for a person, remembering each one shown unmasked."""
        if self.allows(person):
            if person.id_number or person.phone:
                self.shown.append(person)
            return {"id_number": person.id_number or "", "phone": person.phone, "masked": False}
        return {"id_number": idcard.mask_id(person.id_number or ""), "phone": idcard.mask_phone(person.phone),
                "masked": True}

    def log(self) -> None:
        if not self.shown:
            return
        content_type = ContentType.objects.get_for_model(self.shown[0])
        user = self.request.auth
        SensitiveAccess.objects.bulk_create([
            SensitiveAccess(user=user, request_id=getattr(self.request, "request_id", ""), content_type=content_type,
                            object_id=person.pk, fields="id_number,phone", org_path=person.org_path,
                            where=self.request.get_full_path()[:300])
            for person in self.shown
        ])
        sensitive_log.info("unmasked %d people for %s at %s", len(self.shown), user, self.request.path)
        self.shown = []


class FieldError(Schema):
    loc: list[str | int] = Field(..., description='Where: ["body", field], ["query", name] or ["path", name].')
    code: str = Field(..., description="Machine-readable: missing, unknown_field, not_a_choice, invalid_value, …")
    message: str = Field(..., description="For people, in the request's language (Accept-Language).")


class ErrorOut(Schema):
    """Every error answer: a stable code for programs, a message for people, and field errors for 422."""

    code: str = Field(..., description="not_found, not_authenticated, forbidden, invalid, conflict, bad_request, …")
    message: str
    detail: list[FieldError] = []


# Messages are marked for translation here and translated when answered.
ERROR_CODES = {
    400: ("bad_request", gettext_noop("The request could not be read.")),
    401: ("not_authenticated", gettext_noop("Sign in or send a valid API token.")),
    403: ("forbidden", gettext_noop("The request was refused (for a browser session: a missing or wrong CSRF token).")),
    404: ("not_found", gettext_noop("Not found.")),
    405: ("method_not_allowed", gettext_noop("This method is not allowed here.")),
    409: ("conflict", gettext_noop("The request conflicts with the current data; reload and try again.")),
    422: ("invalid", gettext_noop("Some fields are not valid.")),
    429: ("throttled", gettext_noop("Too many requests; try again later.")),
    500: ("server_error", gettext_noop("Something went wrong on our side; the error has been logged.")),
}
MALFORMED_MULTIPART = gettext_noop("The upload could not be read: the form data (multipart/form-data) is malformed or "
                                   "has no boundary. Send the file as a multipart form field.")
DOCUMENTED_ERRORS = {"get": (401, 404, 422), "default": (400, 401, 403, 404, 409, 422)}


def yaml_file_responses(description: str) -> dict:
    """``openapi_extra`` of an operation answering a definition file (standard, duty rule, workflow) as YAML: the
    document is a mapping, the same one the import takes. The operation declares no ``response`` of its own, so that
    no JSON answer is documented beside it."""
    schema = {"type": "object", "required": ["code"], "additionalProperties": True,
              "description": "The definition as YAML: a mapping with its code, in the format the import reads."}
    return {"responses": {200: {"description": description, "content": {"application/yaml": {"schema": schema}}}}}


def error_body(status: int, detail: list[dict] | None = None) -> dict:
    code, message = ERROR_CODES.get(status, (f"http_{status}", ""))
    return {"code": code, "message": _(message) if message else "", "detail": detail or []}


Year = Annotated[int, Field(ge=1900, le=2200, description="A calendar year.")]


def install_error_handlers(api) -> None:
    """Every error answers ``ErrorOut``; refusals answer 404 exactly like a missing object."""

    def answer(request, status, detail=None):
        return api.create_response(request, error_body(status, detail), status=status)

    def not_found(request, exc):
        return answer(request, 404)

    def invalid(request, exc: DjangoValidationError):
        errors = exc.error_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.error_list)]
        detail = [
            {"loc": ["body"] if field == "__all__" else ["body", field], "code": error.code or "invalid",
             "message": message}
            for field, field_errors in errors for error in field_errors for message in error.messages
        ]
        # A refused action says why in ``message`` itself (its reasons, once each), not behind a generic line;
        # ``detail`` still locates each reason by field.
        reasons = list(dict.fromkeys(error["message"] for error in detail))
        if not reasons:
            return answer(request, 422, detail)
        return api.create_response(request, {**error_body(422, detail), "message": " ".join(reasons)}, status=422)

    def malformed(request, exc: NinjaValidationError):
        return answer(request, 422, [_plain_error(error) for error in exc.errors])

    def http_error(request, exc: HttpError):
        # A refusal raised with its reason says it in ``message``; a 404 stays exactly like a missing object.
        reason = str(getattr(exc, "message", "") or "")
        if exc.status_code == 404 or not reason:
            return answer(request, exc.status_code)
        return api.create_response(request, {**error_body(exc.status_code), "message": reason},
                                   status=exc.status_code)

    def out_of_range(request, exc):
        # A query value the database cannot hold (an id beyond 64 bits, a date before year 1): the request's fault.
        return answer(request, 422, [{"loc": ["query"], "code": "out_of_range",
                                      "message": _("A value is out of the range the system can hold.")}])

    def unreadable_upload(request, exc: MultiPartParserError):
        # A multipart body without a boundary, or one Django's parser gives up on: the client's fault, not ours.
        message = _(MALFORMED_MULTIPART)
        detail = [{"loc": ["body"], "code": "malformed_multipart", "message": message}]
        return api.create_response(request, {**error_body(400, detail), "message": message}, status=400)

    def conflict(request, exc: IntegrityError):
        error_log.warning("integrity error answered 409 at %s: %s", request.path, exc)
        return answer(request, 409)

    def failure(request, exc: Exception):
        error_log.exception("API error at %s", request.path)
        return answer(request, 500)

    api.add_exception_handler(Exception, failure)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(IntegrityError, conflict)
    api.add_exception_handler(MultiPartParserError, unreadable_upload)
    api.add_exception_handler(OverflowError, out_of_range)
    api.add_exception_handler(DataError, out_of_range)
    api.add_exception_handler(NinjaValidationError, malformed)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, not_found)
    api.add_exception_handler(DjangoValidationError, invalid)


PLAIN_CODES = {"missing": "missing", "extra_forbidden": "unknown_field", "literal_error": "not_a_choice"}


def _plain_error(error: dict) -> dict:
    """A schema error located like a service's (``["body", field]``), with a translated message."""
    loc = list(error.get("loc", ()))
    if loc[:1] == ["body"] and len(loc) > 1:
        loc = ["body", *loc[2:]]  # drop the name of the view's body parameter
    kind = error.get("type", "invalid")
    if kind == "missing":
        message = _("This field is required.")
    elif kind == "extra_forbidden":
        message = _("This field is not known.")
    elif kind == "literal_error":
        message = _("Choose one of: %(choices)s.") % {"choices": error.get("ctx", {}).get("expected", "")}
    elif kind.startswith(("less_than", "greater_than")):
        message = _("Enter a value within the allowed range.")
    elif kind.endswith("_parsing") or kind.endswith("_type"):
        message = _("Enter a valid value.")
    else:
        message = error.get("msg", "")
    code = PLAIN_CODES.get(kind, "invalid_value" if kind.endswith(("_parsing", "_type")) else kind)
    return {"loc": [str(part) if not isinstance(part, int) else part for part in loc], "code": code,
            "message": message}


def unmarked_operations(api: NinjaAPI) -> list[str]:
    """``METHOD /path (module.function)`` of every operation marked neither ``scoped`` nor ``scope_exempt``."""
    api._get_bound_routers()  # lists nested routers in ``_routers`` too
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                view_func = operation.view_func
                if getattr(view_func, "scope_model", None) or getattr(view_func, "scope_exempt", ""):
                    continue
                route = "/".join(part.strip("/") for part in (prefix, path) if part.strip("/"))
                found.append(f"{','.join(sorted(operation.methods))} /{route} "
                             f"({view_func.__module__}.{view_func.__qualname__})")
    return found


class JicengAPI(NinjaAPI):
    """Serves only operations marked scoped or exempt, and documents every operation's error answers
    (``ErrorOut``) in the OpenAPI schema."""

    def check_scope_marks(self) -> None:
        unmarked = unmarked_operations(self)
        if unmarked:
            raise ImproperlyConfigured(
                "API operations marked neither @scoped(Model) nor @scope_exempt(reason) (kernel.core.api): "
                + "; ".join(unmarked))

    @property
    def urls(self):
        self.check_scope_marks()
        return super().urls

    def get_openapi_schema(self, *args, **kwargs):
        self.check_scope_marks()
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorOut, FieldError):
            definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(definition.pop("$defs", {}))
            components[model.__name__] = definition
        body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                for status in DOCUMENTED_ERRORS.get(method, DOCUMENTED_ERRORS["default"]):
                    code, message = ERROR_CODES[status]
                    operation.setdefault("responses", {}).setdefault(str(status), {"description": message, **body})
        return schema
