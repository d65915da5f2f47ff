"""The workflow pages: definitions, cases at any subtree, a case with its stages and record."""
urlpatterns: list = []
app_name = "workflows"
