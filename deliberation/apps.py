from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deliberation"
    verbose_name = _("Four deliberations and two disclosures")

    def ready(self):
        from core.shipped import shipped

        from . import definition

        shipped("deliberation", "the 四议两公开 workflow", order=30)(
            lambda *, user, owner: {definition.WORKFLOW_CODE: definition.install(user=user, owner=owner)})
        from workflows.services import register_data_check

        from .definition import WORKFLOW_CODE
        from .services import check_data

        register_data_check(WORKFLOW_CODE, check_data)
        from . import handlers  # noqa: F401  (connects to workflows.signals.case_moved)
