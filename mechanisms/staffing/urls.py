from django.urls import path

from . import views

app_name = "staffing"
urlpatterns = [
    path("", views.InstructorsView.as_view(), name="instructors"),
    path("instructors.xlsx", views.InstructorsXlsxView.as_view(), name="instructors_xlsx"),
    path("instructors/<int:pk>/", views.InstructorView.as_view(), name="instructor"),
    path("organizers/", views.OrganizersView.as_view(), name="organizers"),
    path("organizers.xlsx", views.OrganizersXlsxView.as_view(), name="organizers_xlsx"),
    path("staff/", views.StaffView.as_view(), name="staff"),
    path("staff.xlsx", views.StaffXlsxView.as_view(), name="staff_xlsx"),
]
