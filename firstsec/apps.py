from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FirstsecConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "firstsec"
    verbose_name = _("First secretaries")

    def ready(self):
        from core.shipped import shipped

        from .library import install_firstsec

        shipped("firstsec", "first secretaries' duty rules and monthly standard", order=20)(install_firstsec)
        from core.daily import daily_job

        from . import marks, sources  # noqa: F401  the attendance data source, the village-class classifier, the mark
        from .services import dispatches_close_ended

        daily_job("firstsec", _("dispatches whose term is over marked as ended"))(
            lambda today: {"ended": dispatches_close_ended(user=None, today=today)})
