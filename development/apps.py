from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = _("Member development")

    def ready(self):
        from core.shipped import shipped

        from . import definition

        shipped("development", "the member-development workflow", order=30)(
            lambda *, user, owner: {definition.WORKFLOW_CODE: definition.install(user=user, owner=owner)})
        from workflows.services import register_data_check

        from . import handlers  # noqa: F401  (connects to workflows.signals.case_moved)
        from .definition import WORKFLOW_CODE
        from .services import check_data

        register_data_check(WORKFLOW_CODE, check_data)
