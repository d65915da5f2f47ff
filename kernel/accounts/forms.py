from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kernel.core.tree import subtree_q
from kernel.core.widgets import FastSelect
from kernel.orgs.models import Organization, OrgStatus
from kernel.people.forms import BootstrapMixin

from . import lockout
from .imports import MOBILE, grantable_roles
from .roles import RANK, Role
from .selectors import admin_grants, admin_roots


class LockoutAuthenticationForm(AuthenticationForm):
    """The login form, refusing an address that failed too often (kernel.accounts.lockout) before any password check."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins. This account is locked for %(minutes)d minutes."),
        "throttled": _("Too many failed logins from this address. Try again in %(minutes)d minutes."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = lockout.client_address(self.request)
        if lockout.is_address_throttled(address):
            self._refuse("throttled")
        if lockout.is_locked(username, address):
            self._refuse("locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.record_failure(username, address)
            raise
        lockout.clear(username, address)
        return cleaned

    def _refuse(self, code: str):
        raise forms.ValidationError(self.error_messages[code], code=code, params={"minutes": lockout.lockout_minutes()})


# --- the account pages ----------------------------------------------------------------------------------------

ANY = ""
ACTIVE, INACTIVE, EVERY = "active", "inactive", "all"


def _org_label(org) -> str:
    return "\u3000" * max(org.depth - 1, 0) + org.name


class AccountFilterForm(BootstrapMixin, forms.Form):
    """The account list's filters. ``org`` is checked against the administrator's subtrees by the view."""

    q = forms.CharField(label=_("User name, name or phone"), required=False, max_length=50)
    org = forms.IntegerField(label=_("Organization (with its subtree)"), required=False, widget=FastSelect)
    role = forms.ChoiceField(label=_("Role"), required=False, widget=FastSelect,
                             choices=[(ANY, _("Any role")), *Role.choices])
    state = forms.ChoiceField(label=_("State"), required=False, widget=FastSelect,
                              choices=[(ACTIVE, _("Active")), (INACTIVE, _("Deactivated")), (EVERY, _("Any state"))])

    def set_organizations(self, organizations) -> None:
        self.fields["org"].widget.choices = [("", _("All my organizations"))] + [
            (o.pk, _org_label(o)) for o in organizations]

    def value(self, name: str):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get(name) or ("" if name != "state" else ACTIVE)

    def active_filter_count(self) -> int:
        return sum(bool(self.value(name)) for name in ("q", "org", "role")) + (self.value("state") != ACTIVE)


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _org_label(obj)


class AccountForm(BootstrapMixin, forms.Form):
    """An account's own data; on creation also its user name, and a first role on its organization."""

    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("Letters, digits and @ . + - _ only; it cannot be changed later."))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    home = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none(),
                                   help_text=_("Where the account belongs; it decides who manages it."))
    role = forms.ChoiceField(label=_("Role on this organization"), required=False,
                             help_text=_("Optional: more roles can be granted on the account's page."))

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["home"].queryset = manageable_organizations(user)
        if creating:
            self.fields["role"].choices = [("", _("No role yet")), *role_choices(user)]
        else:
            del self.fields["username"], self.fields["role"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not MOBILE.fullmatch(phone):
            raise forms.ValidationError(_("Enter an 11-digit mobile number."))
        return phone

    def clean(self):
        cleaned = super().clean()
        role, home = cleaned.get("role"), cleaned.get("home")
        if role and home is not None and role not in grantable_roles(self.user, home.path):
            self.add_error("role", _("You may not grant this role on this organization."))
        return cleaned


class GrantForm(BootstrapMixin, forms.Form):
    """A role to grant: the organizations and roles offered are those the administrator may grant."""

    organization = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none(),
                                           help_text=_("The role covers the organization's whole subtree."))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = manageable_organizations(user)
        self.fields["role"].choices = [("", "—"), *role_choices(user)]

    def clean(self):
        cleaned = super().clean()
        role, organization = cleaned.get("role"), cleaned.get("organization")
        if role and organization is not None and role not in grantable_roles(self.user, organization.path):
            self.add_error("role", _("You may not grant this role on this organization: it ranks above the role you"
                                     " hold there."))
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (xlsx)"), widget=forms.ClearableFileInput(
        attrs={"accept": ".xlsx,.xlsm,.csv", "class": "form-control"}))
    max_size = 5 * 1024 * 1024

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("Choose an xlsx workbook or a CSV file."))
        if file.size > self.max_size:
            raise forms.ValidationError(_("The file is too large."))
        return file


def manageable_organizations(user):
    """Active organizations inside the user's administrator subtrees, in tree order."""
    organizations = Organization.objects.filter(status=OrgStatus.ACTIVE).only("id", "name", "depth", "path")
    if not user.is_superuser:
        organizations = organizations.filter(subtree_q("path", admin_roots(user)))
    return organizations.order_by("path")


def role_choices(user) -> list[tuple[str, str]]:
    """The roles the user may grant somewhere (the organization is checked with grantable_roles)."""
    if user.is_superuser:
        return list(Role.choices)
    top = max((RANK[role] for role, _path in admin_grants(user)), default=0)
    return [(code, label) for code, label in Role.choices if top and RANK[code] <= top]


class NextForm(forms.Form):
    """The page to go back to after the password form, as posted (the page's address carries it otherwise)."""

    next = forms.CharField(required=False, strip=False)
