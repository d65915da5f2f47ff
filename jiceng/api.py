"""The REST API: one NinjaAPI, the routers each app declares in its AppConfig (core/registry.py), token or
session authentication.

Every operation is marked scoped or exempt (kernel.core.api): JicengAPI refuses to build its URLs or schema
while one is neither; tests/test_scope_walk.py walks them all.
"""
from ninja.security import SessionAuth

from kernel.accounts.api import PasswordChangeRequired, TokenAuth, password_change_required
from kernel.core.api import JicengAPI, install_error_handlers
from kernel.core.registry import add_routers

# The bearer token comes first: a script sending one needs no session and no CSRF token;
# a browser session must send the CSRF token with every unsafe method.
api = JicengAPI(title="Jiceng API", version="1", auth=[TokenAuth(), SessionAuth(csrf=True)])
install_error_handlers(api)
api.add_exception_handler(PasswordChangeRequired, password_change_required)
add_routers(api)
