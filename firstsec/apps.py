from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirstsecConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "firstsec"
    verbose_name = _("First secretaries")

    def ready(self):
        from . import sources  # noqa: F401  registers the attendance data source and the village-class classifier
