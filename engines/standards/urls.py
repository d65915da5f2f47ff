"""The standards pages: the library (standards, versions, the file format) and the assessments run on them."""
from .urls_assessments import urlpatterns as assessment_urls
from .urls_library import urlpatterns as library_urls

app_name = "standards"
urlpatterns = [*library_urls, *assessment_urls]
