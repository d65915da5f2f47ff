from django.utils.translation import gettext_lazy as _

from core.registry import JicengApp, Nav


class OrgsConfig(JicengApp):
    name = "orgs"
    verbose_name = _("Orgs")
    url_prefix = "orgs/"
    api = [("", "orgs.api.router")]
    nav = [Nav("top", _("Organizations"), "orgs:tree", "bi-diagram-3", order=20)]

    def connect(self):
        from core.changelog import change_recorded

        from .stats import on_change

        change_recorded.connect(on_change, dispatch_uid="orgs.stats")
