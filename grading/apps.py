from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grading"
    verbose_name = _("Grading and upgrading")

    def ready(self):
        from core.shipped import shipped

        from .library import install_grading

        shipped("grading", "the rectification workflow of lagging organizations", order=30)(install_grading)
