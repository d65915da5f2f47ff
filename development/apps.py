from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("Member development")

    def ready(self):
        from . import handlers  # noqa: F401  (connects to workflows.signals.case_moved)
