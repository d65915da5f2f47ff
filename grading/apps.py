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

        from core.daily import daily_job

        from . import handlers  # noqa: F401  (a plan's acceptance writes its organization's re-grade)
        from .reminders import tick

        daily_job("grading", _("rectification measures: reminders and overdue notices"))(
            lambda today: tick(today=today))
