"""Base views. A view that returns organization data derives from ScopedMixin; the rest say why they are exempt.

tests/test_scope_walk.py walks every URL and fails on a view that does neither.
"""
import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from .models import SensitiveAccess
from .scope import SENSITIVE, VIEW

sensitive_log = logging.getLogger("jiceng.sensitive")


class ScopedMixin(LoginRequiredMixin):
    """Every query of the view goes through ``restrict(user, action)``; no queryset, no view."""

    queryset = None
    scope_action = VIEW

    def get_queryset(self):
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no queryset to restrict")
        return self.queryset.all().restrict(self.request.user, self.scope_action)

    def scoped_object(self, queryset, **lookup):
        """Fetches one object through the user's scope: outside it, 404 as for a missing one."""
        return get_object_or_404(queryset.restrict(self.request.user, self.scope_action), **lookup)


class ScopedListView(ScopedMixin, ListView):
    pass


class ScopedDetailView(ScopedMixin, DetailView):
    pass


class HomeView(LoginRequiredMixin, TemplateView):
    scope_exempt = "shows only the user's own grants"
    template_name = "core/home.html"


def can_see_sensitive(user, obj) -> bool:
    """Whether ``user`` may see ``obj``'s personal data unmasked."""
    model = type(obj)
    return model.objects.restrict(user, SENSITIVE).filter(pk=obj.pk).exists()


def log_sensitive_access(request, obj, fields) -> None:
    SensitiveAccess.objects.create(
        user=request.user if request.user.is_authenticated else None,
        request_id=getattr(request, "request_id", ""),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        fields=",".join(fields),
        org_path=getattr(obj, obj.scope_path_field, ""),
        where=request.get_full_path()[:300],
    )
    sensitive_log.info("unmasked %s %s for %s", type(obj).__name__, obj.pk, request.user)
