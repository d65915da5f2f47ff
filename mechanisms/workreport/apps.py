from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class WorkReportConfig(JicengApp):
    name = "mechanisms.workreport"
    label = "workreport"
    verbose_name = _("Work reports")
    url_prefix = "workreport/"
    api = [("/workreport", "mechanisms.workreport.api.router")]
    nav = [Nav("standards", _("Work report"), "workreport:index", "bi-file-earmark-text", order=20, roles=STAFF_ROLES)]
