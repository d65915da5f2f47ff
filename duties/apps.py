from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "duties"
    verbose_name = _("Duties and deadlines")

    def ready(self):
        from core.daily import daily_job

        from . import services

        daily_job("duties", _("obligations of new subjects and periods generated, those of subjects that left "
                              "removed; overdue and missed, reminders, escalations, e-mail"))(
            lambda today: services.daily(today=today))
