from django.urls import path

from . import views, views_training

app_name = "orglife"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("orgs/<int:org_pk>/meetings/new/", views.MeetingFormView.as_view(), name="meeting_new"),
    path("orgs/<int:pk>/meetings/", views.LedgerView.as_view(), name="ledger"),
    path("orgs/<int:pk>/ledger.pdf", views.LedgerPdfView.as_view(), name="ledger_pdf"),
    path("orgs/<int:pk>/rates/", views.RatesView.as_view(), name="rates"),
    path("orgs/<int:pk>/absences/", views.AbsencesView.as_view(), name="absences"),
    path("orgs/<int:pk>/training/", views.TrainingView.as_view(), name="training"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("meetings/<int:pk>/edit/", views.MeetingFormView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class"),
    path("people/<int:pk>/training/", views.ArchiveView.as_view(), name="archive"),
    path("orgs/<int:pk>/training/plans/new/", views_training.PlanCreateView.as_view(), name="plan_new"),
    path("plans/<int:pk>/", views_training.PlanDetailView.as_view(), name="plan"),
    path("classes/<int:pk>/people/", views_training.PeopleSearchView.as_view(), name="class_people"),
    path("classes/<int:pk>/participants/", views_training.ParticipantsView.as_view(), name="participants"),
    path("classes/<int:pk>/participants/<int:participant_pk>/remove/", views_training.ParticipantRemoveView.as_view(),
         name="participant_remove"),
]
