from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav, Ship


class ReportingConfig(JicengApp):
    name = "mechanisms.reporting"
    label = "reporting"
    verbose_name = _("Reporting and supervision")
    url_prefix = "reporting/"
    api = [("/reporting", "mechanisms.reporting.api.router")]
    nav = [
        Nav("duties", _("Reports"), "reporting:reports", "bi-file-earmark-text", order=40, group=1, roles=STAFF_ROLES),
        Nav("duties", _("Inspections"), "reporting:inspections", "bi-search", order=50, group=1, roles=STAFF_ROLES),
        Nav("duties", _("Supervision notices"), "reporting:notices", "bi-exclamation-triangle", order=60, group=1, roles=STAFF_ROLES),
        Nav("duties", _("Two-way reports"), "reporting:two_way", "bi-arrow-left-right", order=70, group=1, roles=STAFF_ROLES),
    ]
    demo, demo_order = "mechanisms.reporting.demo.generate_reporting", 30
    shipped = [Ship("reporting", "reports, 双向述职 and supervision rules and the 双向述职 standard",
                    "mechanisms.reporting.library.install_reporting_rules", order=20)]
    # duties done on time as data sources of the standards engine; supervision notices on the to-do list and home page
    hooks = ["mechanisms.reporting.sources", "mechanisms.reporting.todo", "mechanisms.reporting.home"]
