from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class DeliberationConfig(JicengApp):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mechanisms.deliberation"
    label = "deliberation"
    verbose_name = _("Four deliberations and two disclosures")
    url_prefix = "deliberation/"
    api = [("/deliberation", "mechanisms.deliberation.api.router")]
    nav = [Nav("cadres", _("Four deliberations and two disclosures"), "deliberation:index", "bi-chat-square-text",
               order=70, group=2, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.deliberation.demo.generate_deliberation", 100
    shipped = [Ship("deliberation", "the 四议两公开 workflow", "mechanisms.deliberation.apps.install_shipped", order=30)]
    hooks = ["mechanisms.deliberation.handlers"]  # connects to engines.workflows.signals.case_moved (the gates on every path)

    def connect(self):
        from engines.workflows.services import register_data_check

        from .definition import WORKFLOW_CODE
        from .services import check_data

        register_data_check(WORKFLOW_CODE, check_data)


def install_shipped(*, user, owner):
    from . import definition

    return {definition.WORKFLOW_CODE: definition.install(user=user, owner=owner)}
