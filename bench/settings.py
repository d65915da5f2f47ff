"""Settings of the load test (bench/load.py): the site's own, plus one bare page as the same run's baseline.

    DJANGO_SETTINGS_MODULE=bench.settings gunicorn -c jiceng/gunicorn.conf.py jiceng.wsgi

Only the URLconf differs (bench/urls.py), so nothing of the benchmark is reachable in production.
"""
from jiceng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
