from django.urls import path

from . import views, views_members

app_name = "classes"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("townships.xlsx", views.OverviewXlsxView.as_view(), name="overview_xlsx"),
    path("villages/", views.VillagesView.as_view(), name="villages"),
    path("villages.xlsx", views.VillagesXlsxView.as_view(), name="villages_xlsx"),
    path("classing/", views.ClassingView.as_view(), name="classing"),
    path("classing/<int:pk>/withdraw/", views.ClassingWithdrawView.as_view(), name="classing_withdraw"),
    path("targets/", views.TargetsView.as_view(), name="targets"),
    path("pairings/", views.PairingsView.as_view(), name="pairings"),
    path("members/", views_members.MembersView.as_view(), name="members"),
    path("members.xlsx", views_members.MembersXlsxView.as_view(), name="members_xlsx"),
    path("members/list/", views_members.MemberListView.as_view(), name="member_list"),
    path("members/list.xlsx", views_members.MemberListXlsxView.as_view(), name="member_list_xlsx"),
    path("members/classing/", views_members.MemberClassingView.as_view(), name="member_classing"),
    path("members/classing/<int:pk>/withdraw/", views_members.MemberClassingWithdrawView.as_view(),
         name="member_classing_withdraw"),
]
