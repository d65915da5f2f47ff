"""Pages of the standards library: list, versions, edit, import/export, compare."""
from django.urls import path

from . import views_library as views

urlpatterns = [
    path("library/", views.StandardListView.as_view(), name="library"),
    path("library/import/", views.ImportView.as_view(), name="library_import"),
    path("library/<int:pk>/", views.StandardDetailView.as_view(), name="standard"),
    path("library/<int:pk>/versions/<int:number>/", views.VersionDetailView.as_view(), name="standard_version"),
    path("library/<int:pk>/edit/", views.EditView.as_view(), name="standard_edit"),
    path("library/<int:pk>/export/", views.ExportView.as_view(), name="standard_export"),
    path("library/<int:pk>/compare/", views.CompareView.as_view(), name="standard_compare"),
]
