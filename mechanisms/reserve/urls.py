from django.urls import path

from . import views

app_name = "reserve"
urlpatterns = [
    path("", views.PoolView.as_view(), name="pool"),
    path("pool.xlsx", views.PoolXlsxView.as_view(), name="pool_xlsx"),
    path("villages/<int:pk>/", views.VillageView.as_view(), name="village"),
    path("cadres/<int:pk>/", views.CadreView.as_view(), name="cadre"),
    path("cultivation/", views.CultivationsView.as_view(), name="cultivations"),
    path("cultivation.xlsx", views.CultivationsXlsxView.as_view(), name="cultivations_xlsx"),
    path("cultivation/<int:pk>/", views.CultivationView.as_view(), name="cultivation"),
    path("posts/", views.PostsView.as_view(), name="posts"),
    path("posts.xlsx", views.PostsXlsxView.as_view(), name="posts_xlsx"),
    path("posts/<int:pk>/end/", views.DutyPostEndView.as_view(), name="post_end"),
    path("assignments/<int:pk>/", views.AssignmentActionView.as_view(), name="assignment"),
]
