"""The pages of democratic evaluation outcomes, heart-to-heart talks and the warnings of 自行脱党."""
from django.urls import path

from . import views_evaluation as views
from . import views_lapse

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
    # the warnings of 自行脱党 (views_lapse)
    path("lapse/", views_lapse.LapseListView.as_view(), name="lapse"),
    path("lapse/check/", views_lapse.LapseCheckView.as_view(), name="lapse_check"),
    path("lapse/<int:pk>/", views_lapse.LapseWarningView.as_view(), name="lapse_warning"),
    path("lapse/<int:pk>/<slug:action>/", views_lapse.LapseActionView.as_view(), name="lapse_action"),
]
