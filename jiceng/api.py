"""The REST API: one NinjaAPI, a router per app, token or session authentication.

Every operation is marked scoped or exempt (core.api); see tests/test_scope_walk.py.
"""
from ninja.security import SessionAuth

from accounts.api import PasswordChangeRequired, TokenAuth, password_change_required
from accounts.api import router as accounts_router
from core.api import JicengAPI, install_error_handlers
from orgs.api import router as orgs_router
from people.api import router as people_router

# The bearer token comes first: a script sending one needs no session and no CSRF token;
# a browser session must send the CSRF token with every unsafe method.
api = JicengAPI(title="Jiceng API", version="1", auth=[TokenAuth(), SessionAuth(csrf=True)])
install_error_handlers(api)
api.add_exception_handler(PasswordChangeRequired, password_change_required)
# Before the accounts router: its /users/{user_id} would otherwise take /users/import.
api.add_router("", "accounts.api_import.router")
api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", people_router)
api.add_router("/jobs", "jobs.api.router")
api.add_router("/imports", "dataio.api.router")
api.add_router("/standards", "standards.api.router")
api.add_router("/standards/assessments", "standards.api_workbooks.router")
api.add_router("/campaigns", "campaigns.api.router")
api.add_router("/orglife", "orglife.api.router")
api.add_router("/reporting", "reporting.api.router")
api.add_router("/liaison", "liaison.api.router")
api.add_router("/duties", "duties.api.router")
api.add_router("/workflows", "workflows.api.router")
api.add_router("/grading", "grading.api.router")
api.add_router("/development", "development.api.router")
api.add_router("/firstsec", "firstsec.api.router")
api.add_router("/selection", "selection.api.router")
api.add_router("/elections", "elections.api.router")
api.add_router("/deliberation", "deliberation.api.router")
