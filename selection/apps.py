from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selection"
    verbose_name = _("Good-cadre selection")

    def ready(self):
        from . import marks  # noqa: F401  the good-cadre mark on a person's page
