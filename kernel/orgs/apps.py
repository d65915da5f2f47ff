from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class OrgsConfig(JicengApp):
    name = "kernel.orgs"
    label = "orgs"
    verbose_name = _("Orgs")
    url_prefix = "orgs/"
    api = [("", "kernel.orgs.api.router")]
    nav = [Nav("top", _("Organizations"), "orgs:tree", "bi-diagram-3", order=20, roles=STAFF_ROLES)]

    def connect(self):
        from kernel.core.changelog import change_recorded

        from .stats import on_change

        change_recorded.connect(on_change, dispatch_uid="kernel.orgs.stats")
