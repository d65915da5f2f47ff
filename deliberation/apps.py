from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deliberation"
    verbose_name = _("Four deliberations and two disclosures")

    def ready(self):
        from workflows.services import register_data_check

        from .definition import WORKFLOW_CODE
        from .services import check_data

        register_data_check(WORKFLOW_CODE, check_data)
