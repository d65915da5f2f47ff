from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from core.todo import todo_source

        from .reminders import todo_items

        todo_source(todo_items)

        from core.daily import daily_job

        from .reminders import tick

        daily_job("workflows", _("stage deadlines: reminders, overdue notices, escalations"))(
            lambda today: tick(today=today))
