"""Hardening: every workbook the system writes holds text where a user typed a formula; malformed uploads are a 400;
failed logins lock an account only for the address they came from, and one address cannot try without end; the
definition exports match the OpenAPI schema."""
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from kernel.orgs.models import Organization
from tests.import_files import csv_file, member_row

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","click")'
# CSV files are read with the dialect sniffed from the header line, where a doubled quote inside a quoted field is not
# understood; the CSV upload carries a formula without quotes or commas.
HOSTILE_CSV = "=SUM(1+2)*3"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_formula_free(data: bytes, hostile: str = HOSTILE) -> None:
    """No cell of any sheet is a formula, and the hostile text is there as the text typed."""
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [(cell.parent.title, cell.coordinate, cell.value) for cell in cells if cell.data_type == "f"]
    assert formulas == []
    found = [cell for cell in cells if isinstance(cell.value, str) and hostile in cell.value]
    assert found, "the hostile text is missing from the workbook"
    exact = [cell for cell in found if cell.value == hostile]
    assert exact and all(cell.data_type == "s" for cell in exact)


# --- 1. every workbook written is formula-free ------------------------------------------------------------------

def _member_upload_with_formula(client) -> io.BytesIO:
    """The member template downloaded from the page, filled in with a name that is a formula's text and a live
    formula in a second row, whose organization does not exist, so the upload has errors. The error copy holds
    the uploaded values (a formula's computed value, never the formula)."""
    template = client.get("/imports/members/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row_number, values in ((2, member_row(1, 姓名=HOSTILE)), (3, member_row(2, org="NOPE"))):
        for column, name in enumerate(header, start=1):
            sheet.cell(row=row_number, column=column, value=values.get(name) or None)
    sheet.cell(row=2, column=1).data_type = "s"  # the name as text that begins with "=" (typed with a quote)
    phone = header.index("联系电话") + 1
    sheet.cell(row=3, column=phone, value=HOSTILE)  # and a live formula elsewhere: only its value is ever read
    assert sheet.cell(row=3, column=phone).data_type == "f"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "members.xlsx"
    return buffer


def _import_errors_xlsx(client, users, county) -> bytes:
    client.force_login(users["township_a"])
    response = client.post(reverse("dataio:upload", args=["members"]), {"file": _member_upload_with_formula(client)})
    assert response.status_code == 302, response.content
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    from tools.dataio.models import Upload

    upload = Upload.objects.get()
    errors = client.get(reverse("dataio:errors", args=[upload.pk]))
    assert errors.status_code == 200
    return body(errors)


def _import_errors_csv(client, users, county) -> bytes:
    client.force_login(users["township_a"])
    file = csv_file([member_row(1, 姓名=HOSTILE_CSV), member_row(2, org="NOPE")])
    response = client.post(reverse("dataio:upload", args=["members"]), {"file": file})
    assert response.status_code == 302, response.content
    from tools.dataio.models import Upload

    return body(client.get(reverse("dataio:errors", args=[Upload.objects.get().pk])))


def _account_import_errors(client, users, county) -> bytes:
    client.force_login(users["county"])
    book = load_workbook(io.BytesIO(client.get("/accounts/import/template.xlsx").content))
    for column, value in enumerate(["newone", HOSTILE, None, "NOPE", "county_admin"], start=1):
        book.worksheets[0].cell(row=2, column=column, value=value)
    # typed into a text cell: stored as text (the reader takes a formula's cached value, which openpyxl has none of)
    book.worksheets[0].cell(row=2, column=2).data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "accounts.xlsx"
    assert client.post("/accounts/import/", {"file": buffer}).status_code == 302
    response = client.get("/accounts/import/errors.xlsx")
    assert response.status_code == 200
    return body(response)


def _member_export(client, users, county) -> bytes:
    from tests.kit import make_member

    make_member(county.village_a1, HOSTILE)
    client.force_login(users["county"])
    response = client.get("/exports/members/")
    assert response.status_code == 200
    return body(response)


def _accounts_export(client, users, county) -> bytes:
    get_user_model().objects.filter(pk=users["branch_a1"].pk).update(first_name=HOSTILE, last_name="")
    client.force_login(users["county"])
    response = client.get("/accounts/users/export.xlsx")
    assert response.status_code == 200
    return body(response)


def _scored_assessment(county):
    from engines.standards import services
    from engines.standards.models import Item
    from engines.standards.testing import make_standard

    Organization.objects.filter(pk=county.village_a1.pk).update(name=HOSTILE)
    version = make_standard(county.county)
    Item.objects.filter(version=version, code="A1").update(title=HOSTILE)
    assessment = services.assessment_create(
        user=None, version=version, owner=county.county, name=HOSTILE, period_kind="year",
        period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), period_label="2024")
    services.compute_results(user=None, assessment=assessment)
    return assessment


def _standards_results(client, users, county) -> bytes:
    assessment = _scored_assessment(county)
    client.force_login(users["county"])
    response = client.get(reverse("standards:results_xlsx", args=[assessment.pk]))
    assert response.status_code == 200
    return body(response)


def _standards_bulletin(client, users, county) -> bytes:
    assessment = _scored_assessment(county)
    client.force_login(users["county"])
    response = client.get(reverse("standards:bulletin_xlsx", args=[assessment.pk]))
    assert response.status_code == 200
    return body(response)


def _standards_score_workbook(client, users, county) -> bytes:
    assessment = _scored_assessment(county)
    client.force_login(users["county"])
    response = client.get(reverse("standards:score_workbook_download", args=[assessment.pk]) + "?rater=inspectors")
    assert response.status_code == 200, response.content[:500]
    return body(response)


def _selection_pool(client, users, county) -> bytes:
    from kernel.people.services import person_create
    from mechanisms.selection import services
    from mechanisms.selection.models import Candidate, Round
    from mechanisms.selection.testing import CHANNELS, cadre_name

    user = users["county"]
    rounds = [{"code": "initial", "name": "初评", "method": "top", "keep": 2},
              {"code": "final", "name": "审定", "method": "vote", "threshold": "0.5"}]
    selection = services.selection_create(user=user, owner=county.county, name=HOSTILE, year=2025, rounds=rounds)
    for i in range(3):
        person = person_create(user=None, organization=county.village_a1, name=HOSTILE if i == 0 else cadre_name(i),
                               gender="male")
        services.nomination_add(user=user, selection=selection, person=person, channel=CHANNELS[i], nominator="县直单位")
    first = services.rounds_start(user=user, selection=selection)
    candidates = Candidate.objects.filter(round=first).order_by("id")
    services.scores_set(user=user, round_=first, scores={c.pk: {"J1": 10 - i} for i, c in enumerate(candidates)})
    services.round_close(user=user, round_=first, confirm=True)
    final = Round.objects.get(selection=selection, number=2)
    services.votes_set(user=user, round_=final, votes={c.pk: (30, 40) for c in Candidate.objects.filter(round=final)})
    services.round_close(user=user, round_=final, confirm=True)
    client.force_login(user)
    response = client.get(f"/selection/{selection.pk}/pool.xlsx")
    assert response.status_code == 200
    return body(response)


WORKBOOKS = {
    "import errors (xlsx upload)": _import_errors_xlsx,
    "import errors (csv upload)": (_import_errors_csv, HOSTILE_CSV),
    "account import errors": _account_import_errors,
    "member list export": _member_export,
    "accounts list export": _accounts_export,
    "standards results export": _standards_results,
    "standards bulletin export": _standards_bulletin,
    "standards score workbook": _standards_score_workbook,
    "selection pool export": _selection_pool,
}


@pytest.mark.parametrize("kind", list(WORKBOOKS))
def test_a_formula_typed_as_text_comes_back_as_that_text(client, users, county, kind):
    make, hostile = WORKBOOKS[kind] if isinstance(WORKBOOKS[kind], tuple) else (WORKBOOKS[kind], HOSTILE)
    assert_formula_free(make(client, users, county), hostile)


# --- 2. a malformed multipart body is the client's fault -----------------------------------------------------------

UPLOAD_APIS = ["/api/standards/import-file", "/api/workflows/definitions/import-file", "/api/duties/rules/import-file",
               "/api/imports/members"]


@pytest.mark.parametrize("url", UPLOAD_APIS)
@pytest.mark.parametrize("content_type, raw", [
    ("multipart/form-data", b"--\r\nnothing here\r\n"),  # no boundary at all
    ("multipart/form-data; boundary=", b"--\r\n"),  # an empty boundary
])
def test_an_upload_without_a_boundary_is_a_400_with_a_reason(client, users, url, content_type, raw):
    from kernel.accounts.models import ApiToken

    _token, secret = ApiToken.issue(users["county"])
    response = client.generic("POST", url, raw, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "bad_request"
    assert "multipart" in answer["message"].lower() or "form" in answer["message"].lower()
    assert answer["detail"] and answer["detail"][0]["loc"] == ["body"]


def test_the_reason_is_in_the_request_language(client, users):
    from django.utils import translation

    from kernel.core.api import MALFORMED_MULTIPART

    client.force_login(users["county"])
    for language in ("zh-hans", "en"):
        response = client.generic("POST", "/api/imports/members", b"--\r\n", content_type="multipart/form-data",
                                  HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        with translation.override(language):
            assert response.json()["message"] == translation.gettext(MALFORMED_MULTIPART)


@pytest.mark.parametrize("url", ["/imports/members/upload/", "/standards/library/import/"])
def test_a_page_post_with_a_broken_multipart_body_is_a_400_page(client, users, url):
    client.force_login(users["county"])
    response = client.generic("POST", url, b"--\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert b"Bad Request" in response.content and b"<form" not in response.content  # Django's plain 400 page


# --- 3. failed logins count per address --------------------------------------------------------------------------

PASSWORD = "pass-Word-123"  # tests.kit.make_user's


def log_in(client, username, password=PASSWORD, address="10.0.0.1", **meta):
    from django.contrib.auth import SESSION_KEY

    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address,
                           headers={"Accept-Language": "en"}, **meta)
    return response, SESSION_KEY in client.session


def refusal(response) -> str:
    return " ".join(response.context["form"].non_field_errors()) if response.context else ""


@pytest.fixture
def zhang(db):
    from tests.kit import make_user

    return make_user("zhang")


def test_wrong_passwords_from_one_address_do_not_lock_the_account_from_another(client, zhang, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert log_in(client, "zhang", "guess", address="10.0.0.66")[1] is False
    response, signed_in = log_in(client, "zhang", address="10.0.0.66")
    assert not signed_in and "This account is locked for 15 minutes" in refusal(response)
    assert log_in(client, "zhang", address="10.0.0.7")[1] is True  # its owner, elsewhere
    # the owner's login does not lift the lock where the guesses came from
    assert log_in(client, "zhang", address="10.0.0.66")[1] is False


def test_one_address_is_refused_after_too_many_failures_over_any_names(client, zhang, settings):
    from tests.kit import make_user

    make_user("li")
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_LIMIT = 6
    for number in range(6):  # never more than one failure per name: no account lock comes into it
        assert log_in(client, f"nobody{number}", "guess", address="10.0.0.66")[1] is False
    for username in ("li", "zhang"):  # right passwords, from the throttled address
        response, signed_in = log_in(client, username, address="10.0.0.66")
        assert not signed_in
        assert "Too many failed logins from this address. Try again in 15 minutes." in refusal(response)
    assert log_in(client, "li", address="10.0.0.7")[1] is True  # another address is not concerned


def test_the_address_throttle_lifts_after_the_window(client, zhang, settings):
    import datetime as dt

    from django.utils import timezone

    from kernel.accounts.models import LoginFailure

    settings.LOGIN_ADDRESS_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600
    for name in ("a", "b"):
        log_in(client, name, "guess", address="10.0.0.66")
    assert log_in(client, "zhang", address="10.0.0.66")[1] is False
    LoginFailure.objects.update(time=timezone.now() - dt.timedelta(seconds=601))
    assert log_in(client, "zhang", address="10.0.0.66")[1] is True


def test_a_right_password_from_a_locked_address_is_refused(client, zhang, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        log_in(client, "zhang", "guess", address="10.0.0.66")
    response, signed_in = log_in(client, "zhang", address="10.0.0.66")
    assert not signed_in and "Too many failed logins" in refusal(response)


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(client, zhang, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    # the proxy (127.0.0.1) appends the address it saw; whatever the client wrote before it proves nothing
    for spoofed in ("1.1.1.1", "2.2.2.2"):
        log_in(client, "zhang", "guess", address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{spoofed}, 10.0.0.66")
    assert log_in(client, "zhang", address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.66")[1] is False
    assert log_in(client, "zhang", address="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.7")[1] is True


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, zhang, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 0
    for spoofed in ("1.1.1.1", "2.2.2.2"):
        log_in(client, "zhang", "guess", address="10.0.0.66", HTTP_X_FORWARDED_FOR=spoofed)
    assert log_in(client, "zhang", address="10.0.0.66", HTTP_X_FORWARDED_FOR="3.3.3.3")[1] is False


def test_a_password_reset_lifts_the_lock_from_every_address(client, zhang, settings):
    from kernel.accounts import services
    from kernel.accounts.models import LoginFailure

    settings.LOGIN_FAILURE_LIMIT = 2
    for address in ("10.0.0.66", "10.0.0.67"):
        for _ in range(2):
            log_in(client, "zhang", "guess", address=address)
    assert LoginFailure.objects.filter(username="zhang").count() == 4
    services.password_reset(user=None, target=zhang)
    assert not LoginFailure.objects.filter(username="zhang").exists()


# --- 4. the definition exports are what the schema says ------------------------------------------------------------

JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool}


def _conforms(value, schema: dict) -> bool:
    """The checks of JSON Schema the export schemas use: the type, and the required keys of an object."""
    expected = schema.get("type")
    if expected and not isinstance(value, JSON_TYPES[expected]):
        return False
    return not (isinstance(value, dict) and set(schema.get("required", [])) - set(value))


def _exports(county):
    from engines.duties.testing import make_rule
    from engines.standards.testing import make_standard
    from engines.workflows.testing import make_workflow

    return {
        "/api/standards/{standard_id}/export": f"/api/standards/{make_standard(county.county).standard_id}/export",
        "/api/duties/rules/{rule_id}/export": f"/api/duties/rules/{make_rule(county.county).rule_id}/export",
        "/api/workflows/definitions/{workflow_id}/export":
            f"/api/workflows/definitions/{make_workflow(county.county).workflow_id}/export",
    }


def test_the_definition_exports_match_their_declared_response_schema(client, users, county):
    import yaml

    client.force_login(users["county"])
    document = client.get("/api/openapi.json").json()
    for template, url in _exports(county).items():
        declared = document["paths"][template]["get"]["responses"]["200"]["content"]
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        media_type = response["Content-Type"].split(";")[0].strip()
        assert list(declared) == [media_type], (template, list(declared))  # the only kind of answer, as sent
        parsed = yaml.safe_load(response.content) if "yaml" in media_type else response.json()
        assert isinstance(parsed, dict) and parsed.get("code")  # a definition file: a mapping with its code
        assert _conforms(parsed, declared[media_type]["schema"]), (template, declared[media_type]["schema"])
