from django.urls import path

from . import views

app_name = "dataio"
urlpatterns = [
    path("", views.ImportHomeView.as_view(), name="home"),
    path("<str:kind>/template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("<str:kind>/upload/", views.UploadView.as_view(), name="upload"),
    path("<int:pk>/", views.PreviewView.as_view(), name="preview"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/errors.xlsx", views.ErrorWorkbookView.as_view(), name="errors"),
]
