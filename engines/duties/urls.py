"""The duties pages: rules, obligations, submissions and reviews, to-do list, calendar, overdue board."""
from .urls_engine import urlpatterns as engine_urls

app_name = "duties"
urlpatterns = [*engine_urls]
