from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import lockout


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins. This account is locked for %(minutes)d minutes."),
    }

    def clean(self):
        from django.conf import settings

        username = self.cleaned_data.get("username") or ""
        if lockout.is_locked(username):
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked",
                params={"minutes": max(settings.LOGIN_LOCKOUT_SECONDS // 60, 1)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.record_failure(username, self.request.META.get("REMOTE_ADDR") if self.request else None)
            raise
        lockout.clear(username)
        return cleaned
