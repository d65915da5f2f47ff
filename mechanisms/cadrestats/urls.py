from django.urls import path

from . import views

app_name = "cadrestats"
urlpatterns = [
    path("", views.StructureView.as_view(), name="structure"),
    path("structure.xlsx", views.StructureXlsxView.as_view(), name="structure_xlsx"),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people.xlsx", views.PeopleXlsxView.as_view(), name="people_xlsx"),
]
