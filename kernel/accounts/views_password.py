"""Every user changes their own password here; a one-time password leads here until it is changed."""
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView

from . import services
from .forms import NextForm
from .middleware import SESSION_FLAG
from .models import Profile

# The service's field names, as the form calls them.
FORM_FIELDS = {"old_password": "old_password", "new_password": "new_password2"}


class PasswordChangeView(LoginRequiredMixin, FormView):
    scope_exempt = "the caller's own password; reads no organization data"
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        required = Profile.objects.filter(user=self.request.user, must_change_password=True).exists()
        return {**super().get_context_data(**kwargs), "required": required, "next": self.next_url()}

    def next_url(self) -> str:
        form = NextForm(self.request.POST)
        posted = form.cleaned_data["next"] if form.is_valid() else ""
        url = posted or self.request.GET.get("next") or ""
        if url and url_has_allowed_host_and_scheme(url, {self.request.get_host()}, self.request.is_secure()):
            return url
        return ""

    def form_valid(self, form):
        try:
            services.password_change(user=self.request.user, old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(FORM_FIELDS.get(field), errors)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        self.request.session.pop(SESSION_FLAG, None)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.next_url() or resolve_url("core:home"))
