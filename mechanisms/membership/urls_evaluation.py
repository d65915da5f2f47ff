"""The pages of democratic evaluation outcomes and heart-to-heart talks."""
from django.urls import path

from . import views_evaluation as views

urlpatterns: list = [
    path("evaluation/", views.EvaluationIndexView.as_view(), name="evaluation"),
    path("evaluation.xlsx", views.EvaluationXlsxView.as_view(), name="evaluation_xlsx"),
    path("evaluation/<int:pk>/<int:year>/", views.EvaluationYearView.as_view(), name="evaluation_year"),
    path("evaluation/<int:pk>/<int:year>/from-assessment/", views.EvaluationFromAssessmentView.as_view(),
         name="evaluation_from_assessment"),
    path("evaluation/cases/<int:pk>/", views.EvaluationCaseView.as_view(), name="evaluation_case"),
    path("evaluation/cases/<int:pk>/<slug:action>/", views.EvaluationCaseActionView.as_view(),
         name="evaluation_case_action"),
    path("talks/", views.TalkIndexView.as_view(), name="talk_index"),
    path("talks/<int:pk>/<int:year>/", views.TalkListView.as_view(), name="talks"),
    path("talks/<int:pk>/new/", views.TalkRecordView.as_view(), name="talk_record"),
    path("talks/item/<int:pk>/delete/", views.TalkDeleteView.as_view(), name="talk_delete"),
]
