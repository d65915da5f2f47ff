from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("new/", views.TermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/", views.TermView.as_view(), name="term"),
    path("terms/<int:pk>/deadline/", views.DeadlineView.as_view(), name="deadline"),
    path("terms/<int:pk>/open/", views.ElectionOpenView.as_view(), name="open"),
    path("terms/<int:pk>/figures/", views.FiguresView.as_view(), name="figures"),
    path("elections/<int:pk>/", views.ElectionView.as_view(), name="election"),
]
