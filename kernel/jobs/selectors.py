"""Reads of jobs: only the owner's (a superuser sees all); anyone else's job is a 404."""
from django.shortcuts import get_object_or_404

from .models import Job
from .runner import with_live_progress
from .services import fail_stale_jobs


def jobs_for(user):
    fail_stale_jobs()
    return Job.objects.visible_to(user).select_related("user")


def job_for(user, pk) -> Job:
    fail_stale_jobs()
    return with_live_progress(get_object_or_404(Job.objects.visible_to(user), pk=pk))
