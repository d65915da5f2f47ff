from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("members/", views.MemberExportView.as_view(), name="members"),
    path("orgs/", views.OrgExportView.as_view(), name="orgs"),
    path("posts/", views.PostExportView.as_view(), name="posts"),
]
