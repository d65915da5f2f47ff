from django.urls import include, path

from .api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("people/", include("people.urls")),
    path("imports/", include("dataio.urls")),
    path("jobs/", include("jobs.urls")),
    path("exports/", include("exports.urls")),
    path("standards/", include("standards.urls")),
    path("duties/", include("duties.urls")),
    path("workflows/", include("workflows.urls")),
    path("development/", include("development.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("orglife/", include("orglife.urls")),
    path("reporting/", include("reporting.urls")),
    path("liaison/", include("liaison.urls")),
    path("grading/", include("grading.urls")),
    path("firstsec/", include("firstsec.urls")),
    path("selection/", include("selection.urls")),
    path("elections/", include("elections.urls")),
    path("deliberation/", include("deliberation.urls")),
    path("api/", api.urls),
    path("", include("core.urls")),
]
