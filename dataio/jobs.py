"""The import job kinds, registered when the jobs app is installed."""
