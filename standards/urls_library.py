"""Pages of the standards library: list, versions, edit, import/export, compare."""
urlpatterns: list = []
