"""Schemathesis against /api/openapi.json: every operation, generated requests, no 5xx, answers as documented.

Runs in-process through Django's WSGI application with a bearer token of the county administrator over
the small county; a bounded number of examples per operation keeps it to a minute or two.
"""
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from kernel.accounts.models import ApiToken

app = get_wsgi_application()


def _load_schema():
    from jiceng.api import api

    spec = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    loaded = schemathesis.openapi.from_dict(spec)
    loaded.app = app
    return loaded


schema = _load_schema()
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the database connection after each request; the test's must stay open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(users):
    _token, secret = ApiToken.issue(users["county"])
    return secret


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api(case, token, county):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CHECKS)
