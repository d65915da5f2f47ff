from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class DataioConfig(JicengApp):
    name = "tools.dataio"
    label = "dataio"
    verbose_name = _("Import")
    url_prefix = "imports/"
    api = [("/imports", "tools.dataio.api.router")]
    nav = [Nav("end", _("Import"), "dataio:home", "bi-file-earmark-arrow-up", order=10, roles=STAFF_ROLES)]
    hooks = ["tools.dataio.jobs"]  # the import job kinds
