from django.urls import path

from . import views

app_name = "deliberation"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("new/", views.MatterOpenView.as_view(), name="open"),
    path("matters/<int:pk>/", views.CaseView.as_view(), name="case"),
    path("ledger/<int:pk>/", views.LedgerView.as_view(), name="ledger"),
    path("ledger/<int:pk>/xlsx/", views.LedgerXlsxView.as_view(), name="ledger_xlsx"),
    path("ledger/<int:pk>/pdf/", views.LedgerPdfView.as_view(), name="ledger_pdf"),
]
