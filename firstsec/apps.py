from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirstsecConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "firstsec"
    verbose_name = _("First secretaries")

    def ready(self):
        from . import marks, sources  # noqa: F401  the attendance data source, the village-class classifier, the mark
