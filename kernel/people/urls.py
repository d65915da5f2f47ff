from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("search/", views.PersonSearchView.as_view(), name="person_search"),
    path("add/", views.PersonCreateView.as_view(), name="person_create"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<int:pk>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("<int:pk>/transfer/", views.PersonTransferView.as_view(), name="person_transfer"),
    path("<int:pk>/membership/add/", views.MemberCreateView.as_view(), name="member_create"),
    path("<int:pk>/membership/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("<int:pk>/membership/status/", views.MemberStatusView.as_view(), name="member_status"),
    path("<int:pk>/posts/add/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/end/", views.PostEndView.as_view(), name="post_end"),
]
