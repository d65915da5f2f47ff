"""The site's pages: each app's, under the prefix its AppConfig declares (core/registry.py), and the API."""
from django.urls import include, path

from kernel.core.registry import url_patterns

from .api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    *url_patterns(),
]
