from django.urls import path

from . import views

app_name = "workreport"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/redraft/", views.RedraftView.as_view(), name="redraft"),
    path("<int:pk>/status/", views.StatusView.as_view(), name="status"),
    path("<int:pk>/report.pdf", views.PdfView.as_view(), name="pdf"),
]
