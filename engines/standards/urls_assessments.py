"""Pages of assessments: score sheets, results, rankings, titles, history, bulletins."""
from django.urls import path

from . import views, views_workbooks

urlpatterns = [
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/compute/", views.ComputeView.as_view(), name="assessment_compute"),
    path("assessments/<int:pk>/lock/", views.LockView.as_view(), name="assessment_lock"),
    path("assessments/<int:pk>/close/", views.CloseView.as_view(), name="assessment_close"),
    path("assessments/<int:pk>/titles/", views.GrantFromResultsView.as_view(), name="assessment_titles"),
    path("assessments/<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("assessments/<int:pk>/results.xlsx", views.ResultsXlsxView.as_view(), name="results_xlsx"),
    path("assessments/<int:pk>/results.pdf", views.ResultsPdfView.as_view(), name="results_pdf"),
    path("assessments/<int:pk>/bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("assessments/<int:pk>/bulletin.xlsx", views.BulletinXlsxView.as_view(), name="bulletin_xlsx"),
    path("assessments/<int:pk>/bulletin.pdf", views.BulletinPdfView.as_view(), name="bulletin_pdf"),
    path("assessments/<int:pk>/workbook/", views_workbooks.WorkbookView.as_view(), name="score_workbook"),
    path("assessments/<int:pk>/workbook.xlsx", views_workbooks.WorkbookDownloadView.as_view(),
         name="score_workbook_download"),
    path("assessments/<int:pk>/workbook/apply/", views_workbooks.WorkbookApplyView.as_view(),
         name="score_workbook_apply"),
    path("assessments/<int:pk>/workbook/errors.xlsx", views_workbooks.WorkbookErrorsView.as_view(),
         name="score_workbook_errors"),
    path("sheets/<int:pk>/", views.SheetView.as_view(), name="sheet"),
    path("sheets/<int:pk>/score/", views.ScoreSaveView.as_view(), name="score_save"),
    path("sheets/<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("sheets/<int:pk>/declare/", views.DeclareView.as_view(), name="declare"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("titles/", views.TitleListView.as_view(), name="title_list"),
    path("titles/<int:pk>/", views.TitleDetailView.as_view(), name="title_detail"),
    path("titles/<int:pk>/revoke/", views.TitleRevokeView.as_view(), name="title_revoke"),
    path("titles/<int:pk>/certificate.pdf", views.CertificateView.as_view(), name="certificate"),
    path("history/org/<int:pk>/", views.SubjectHistoryView.as_view(), name="org_history"),
    path("history/person/<int:pk>/", views.PersonHistoryView.as_view(), name="person_history"),
    path("cockpit/", views.CockpitView.as_view(), name="cockpit"),
]
