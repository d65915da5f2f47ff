"""The workflow pages: definitions, cases at any subtree, a case with its stages and record."""
from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="cases"),
    path("definitions/", views.WorkflowListView.as_view(), name="list"),
    path("definitions/import/", views.WorkflowImportView.as_view(), name="import"),
    path("definitions/<int:pk>/", views.WorkflowDetailView.as_view(), name="detail"),
    path("definitions/<int:pk>/edit/", views.WorkflowEditView.as_view(), name="edit"),
    path("definitions/<int:pk>/export/", views.WorkflowExportView.as_view(), name="export"),
    path("cases/<int:pk>/", views.CaseView.as_view(), name="case"),
]
