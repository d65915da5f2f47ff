"""Pages of the duties engine."""
urlpatterns: list = []
