from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("new/", views.CreateView.as_view(), name="create"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/start/", views.StartView.as_view(), name="start"),
    path("<int:pk>/nominations/", views.NominationsView.as_view(), name="nominations"),
    path("<int:pk>/pool/", views.PoolView.as_view(), name="pool"),
    path("<int:pk>/pool.xlsx", views.PoolXlsxView.as_view(), name="pool_xlsx"),
    path("rounds/<int:pk>/", views.RoundView.as_view(), name="round"),
    path("rounds/<int:pk>/configure/", views.ConfigureView.as_view(), name="configure"),
    path("rounds/<int:pk>/scores/", views.ScoresView.as_view(), name="scores"),
    path("rounds/<int:pk>/votes/", views.VotesView.as_view(), name="votes"),
    path("rounds/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("closures/<int:pk>/", views.ClosureView.as_view(), name="closure"),
    path("closures/<int:pk>/withdraw/", views.ClosureWithdrawView.as_view(), name="closure_withdraw"),
    path("rounds/<int:pk>/objections/", views.ObjectionView.as_view(), name="objection"),
    path("objections/<int:pk>/resolve/", views.ResolveView.as_view(), name="resolve"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
]
