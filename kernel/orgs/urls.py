from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.TreeView.as_view(), name="tree"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/children/", views.ChildrenView.as_view(), name="children"),
    path("<int:parent_pk>/add/", views.CreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.EditView.as_view(), name="edit"),
    path("<int:pk>/move/", views.MoveView.as_view(), name="move"),
    path("<int:pk>/merge/", views.MergeView.as_view(), name="merge"),
    path("<int:pk>/dissolve/", views.DissolveView.as_view(), name="dissolve"),
    path("<int:pk>/pick/", views.PickView.as_view(), name="pick"),
]
