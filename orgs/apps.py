from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Orgs")

    def ready(self):
        from core.changelog import change_recorded

        from .stats import on_change

        change_recorded.connect(on_change, dispatch_uid="orgs.stats")
