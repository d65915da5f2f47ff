from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="reports"),
    path("write/<int:pk>/", views.ReportWriteView.as_view(), name="write"),
    path("review/<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("findings/<int:pk>/notice/", views.NoticeIssueView.as_view(), name="notice_issue"),
    path("notices/", views.NoticeListView.as_view(), name="notices"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice"),
    path("notices/<int:pk>/<str:action>/", views.NoticeActionView.as_view(), name="notice_action"),
    path("notices/<int:pk>.pdf", views.NoticePdfView.as_view(), name="notice_pdf"),
    path("two-way/", views.TwoWayView.as_view(), name="two_way"),
]
