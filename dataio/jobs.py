"""The import job kinds "import_members" and "import_orgs", registered when the jobs app is installed."""


def submit_upload(upload, *, user, language: str):
    """Starts the job that applies a previewed upload; None when there is no jobs app (then apply inline)."""
    return None
