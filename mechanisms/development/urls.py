from django.urls import path

from . import views

app_name = "development"
urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("new/", views.CandidateCreateView.as_view(), name="create"),
    path("cases/<int:pk>/", views.CaseView.as_view(), name="case"),
    path("warnings/", views.WarningsView.as_view(), name="warnings"),
    path("structure/", views.StructureView.as_view(), name="structure"),
]
