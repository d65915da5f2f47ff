from django.utils.translation import gettext_lazy as _

from core.registry import JicengApp, Nav


class DataioConfig(JicengApp):
    name = "dataio"
    verbose_name = _("Import")
    url_prefix = "imports/"
    api = [("/imports", "dataio.api.router")]
    nav = [Nav("end", _("Import"), "dataio:home", "bi-file-earmark-arrow-up", order=10)]
    hooks = ["dataio.jobs"]  # the import job kinds
