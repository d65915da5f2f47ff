from django.utils.translation import gettext_lazy as _

from kernel.core.registry import STAFF_ROLES, JicengApp, Nav


class JobsConfig(JicengApp):
    name = "kernel.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
    url_prefix = "jobs/"
    api = [("/jobs", "kernel.jobs.api.router")]
    nav = [Nav("end", _("Jobs"), "jobs:list", "bi-hourglass-split", order=30, roles=STAFF_ROLES)]

    def connect(self):
        from django.utils.module_loading import autodiscover_modules

        # Job kinds live in each app's jobs module; a worker process must know them all.
        autodiscover_modules("jobs")
