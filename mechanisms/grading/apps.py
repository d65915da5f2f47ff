from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, Daily, JicengApp, Nav, Ship


class GradingConfig(JicengApp):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mechanisms.grading"
    label = "grading"
    verbose_name = _("Grading and upgrading")
    url_prefix = "grading/"
    api = [("/grading", "mechanisms.grading.api.router")]
    nav = [Nav("workflows", _("Grading and 3+1 support"), "grading:list", "bi-bar-chart-steps", order=10, roles=STAFF_ROLES)]
    demo, demo_order = "mechanisms.grading.demo.generate_grading", 50
    daily = [Daily("grading", _("rectification measures: reminders and overdue notices"), "mechanisms.grading.reminders.tick")]
    shipped = [Ship("grading", "the rectification workflow of lagging organizations",
                    "mechanisms.grading.library.install_grading", order=30)]
    hooks = ["mechanisms.grading.todo", "mechanisms.grading.handlers", "mechanisms.grading.home"]  # a plan's acceptance writes its organization's re-grade; the home panel
