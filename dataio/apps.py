from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    name = "dataio"
    verbose_name = _("Import")

    def ready(self):
        from . import jobs  # noqa: F401  registers the import job kinds when the jobs app is installed
