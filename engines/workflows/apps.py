from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav


class WorkflowsConfig(JicengApp):
    name = "engines.workflows"
    label = "workflows"
    verbose_name = _("Workflows")
    url_prefix = "workflows/"
    api = [("/workflows", "engines.workflows.api.router")]
    nav = [
        Nav("workflows", _("All cases"), "workflows:cases", "bi-folder2-open", order=40, group=2, roles=STAFF_ROLES),
        Nav("workflows", _("Workflow definitions"), "workflows:list", "bi-journal-text", order=50, group=2, roles=STAFF_ROLES),
    ]
    daily = [Daily("workflows", _("stage deadlines: reminders, overdue notices, escalations"),
                   "engines.workflows.reminders.tick")]

    def connect(self):
        from kernel.core.todo import todo_source

        from .reminders import todo_items

        todo_source(todo_items)
