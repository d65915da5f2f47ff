from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("home/panels/<str:code>/", views.HomePanelView.as_view(), name="home_panel"),
    path("home/panels/<str:code>/xlsx/", views.HomePanelView.as_view(xlsx=True), name="home_panel_xlsx"),
]
