from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class DevelopmentConfig(JicengApp):
    name = "mechanisms.development"
    label = "development"
    verbose_name = _("Member development")
    url_prefix = "development/"
    api = [("/development", "mechanisms.development.api.router")]
    nav = [
        Nav("workflows", _("Member development"), "development:register", "bi-person-plus", order=20, group=1, roles=STAFF_ROLES),
        Nav("workflows", _("Development warnings"), "development:warnings", "bi-exclamation-diamond", order=30,
            group=1, roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.development.demo.generate_development", 60
    shipped = [Ship("development", "the member-development workflow", "mechanisms.development.apps.install_shipped", order=30)]
    hooks = ["mechanisms.development.handlers", "mechanisms.development.home",  # engines.workflows.signals.case_moved; the home panel
             "mechanisms.development.statistics",  # the development figures of the statistics annual report
             "mechanisms.development.workreport"]  # its section of the year's work report

    def connect(self):
        from engines.workflows.services import register_data_check

        from .definition import WORKFLOW_CODE
        from .services import check_data

        register_data_check(WORKFLOW_CODE, check_data)

        from kernel.people.services import register_membership_check

        from .services import membership_check

        register_membership_check(membership_check)


def install_shipped(*, user, owner):
    from . import definition

    return {definition.WORKFLOW_CODE: definition.install(user=user, owner=owner)}
