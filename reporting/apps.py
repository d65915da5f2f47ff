from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting and supervision")

    def ready(self):
        from core.shipped import shipped

        from . import sources  # noqa: F401  duties done on time as data sources of the standards engine
        from .library import install_reporting_rules

        shipped("reporting", "reports, 双向述职 and supervision rules and the 双向述职 standard", order=20)(
            install_reporting_rules)
