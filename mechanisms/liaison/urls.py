from django.urls import path

from . import views

app_name = "liaison"
urlpatterns = [
    path("", views.PointListView.as_view(), name="points"),
    path("new/", views.PointCreateView.as_view(), name="point_create"),
    path("<int:pk>/", views.PointDetailView.as_view(), name="point"),
    path("<int:pk>/visits/", views.VisitCreateView.as_view(), name="visit_create"),
    path("<int:pk>/reassign/", views.ReassignView.as_view(), name="reassign"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
    path("service-day/", views.RequestListView.as_view(), name="requests"),
    path("service-day/new/", views.RequestCreateView.as_view(), name="request_create"),
    path("service-day/<int:pk>/status/", views.RequestAdvanceView.as_view(), name="request_advance"),
]
