"""Pages of assessments: score sheets, results, rankings, titles, history, bulletins."""
urlpatterns: list = []
