"""The site's URLs plus /bench/ping/: a signed-in page that reads and renders nothing (the load test's baseline).

It goes through the whole middleware stack (session read and write, the user, the password-change check, CSRF, the
scope guard), so the baseline is the fixed cost of any authenticated request served by the same gunicorn.
"""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from jiceng.urls import urlpatterns as site_urlpatterns
from kernel.core.views import scope_exempt


@scope_exempt("the load test's baseline: returns no organization data")
@login_required
def ping(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench_ping"), *site_urlpatterns]
