"""Login and logout; the account pages of administrators: list and export, an account's page, its forms, and the
Excel import with its sheet of one-time passwords.

Accounts are read through kernel.accounts.selectors (visible_users, manageable_users, visible_grants): an account
outside the administrator's subtrees answers 404 like a missing one. Every write goes through
kernel.accounts.services, which checks the rules of accounts/roles.py again.
"""
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core import workbook_upload
from kernel.core.models import ChangeRecord
from kernel.core.pdf import pdf_response
from kernel.core.views import change_rows
from kernel.core.xlsx_stream import iter_xlsx
from kernel.people.forms import apply_service_errors
from kernel.people.models import Person

from . import handover, imports, services
from .forms import (
    AccountFilterForm,
    AccountForm,
    GrantForm,
    ImportUploadForm,
    LockoutAuthenticationForm,
    manageable_organizations,
)
from .listing import EXPORT_HEADER, account_list, export_rows
from .models import Grant, Profile
from .pdf import password_sheet
from .selectors import admin_roots, is_account_admin, manageable_users, visible_grants, visible_users

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCOUNTS_EXEMPT = ("accounts are read through kernel.accounts.selectors (visible_users, manageable_users, visible_grants):"
                   " the administrator's own subtrees; outside them 404")
IMPORT_EXEMPT = ("the upload is the administrator's own (kept under its session); every row is checked against"
                 " the administrator's subtrees and roles")
# Fields of an account's change records no reader needs: the password hash, login bookkeeping, and the links to
# users (the page's own account; its creator is shown above), which no scope can name.
HIDDEN_USER_FIELDS = ("password", "last_login", "is_superuser", "is_staff", "date_joined", "user", "created_by")


class LoginView(auth_views.LoginView):
    scope_exempt = "public: the login page"
    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    scope_exempt = "public: ends the session"


# --- shared --------------------------------------------------------------------------------------------------------

class AdminView(LoginRequiredMixin, View):
    """A page for account administrators (county and township administrators, superusers) only."""

    scope_exempt = ACCOUNTS_EXEMPT

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_account_admin(request.user):
            raise PermissionDenied(_("Only county and township administrators manage accounts."))
        return super().dispatch(request, *args, **kwargs)

    def visible_account(self, pk):
        return get_object_or_404(visible_users(self.request.user).select_related("profile__home", "profile__person"),
                                 pk=pk)

    def manageable_account(self, pk):
        return get_object_or_404(manageable_users(self.request.user).select_related("profile__home"), pk=pk)


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return 1


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


# --- list and export -----------------------------------------------------------------------------------------------

class AccountListView(AdminView):
    template_name = "accounts/user_list.html"

    def filtered(self, request):
        form = AccountFilterForm(request.GET or None)
        organization = None
        if form.is_bound and form.is_valid() and form.cleaned_data.get("org"):
            organization = get_object_or_404(manageable_organizations(request.user), pk=form.cleaned_data["org"])
        accounts = account_list(request.user, q=form.value("q"), organization=organization, role=form.value("role"),
                                state=form.value("state"))
        return form, organization, accounts

    def get(self, request):
        form, organization, accounts = self.filtered(request)
        form.set_organizations(_filter_organizations(request.user, organization))
        page_size = settings.PAGE_SIZE
        number = _page_number(request)
        offset = (number - 1) * page_size
        rows = list(accounts[offset: offset + page_size + 1])
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, self.template_name, {
            "form": form, "organization": organization, "active_filters": form.active_filter_count(),
            "accounts": rows[:page_size], "total": accounts.count() if rows or number > 1 else 0,
            "first_row": offset + 1, "last_row": offset + min(len(rows), page_size), "page_number": number,
            "has_previous": number > 1, "has_next": len(rows) > page_size, "query_string": query.urlencode(),
        })


def _filter_organizations(user, selected, limit: int = 200):
    """The administrator's top organizations and their children (deeper ones stay reachable by ?org=)."""
    organizations = manageable_organizations(user)
    roots = admin_roots(user) if not user.is_superuser else None
    top = organizations.filter(path__in=roots) if roots is not None else organizations.filter(depth=1)
    top = list(top)
    children = list(organizations.filter(parent__in=[o.pk for o in top])[:limit])
    shown = sorted(top + children, key=lambda org: org.path)
    if selected is not None and all(o.pk != selected.pk for o in shown):
        shown.append(selected)
    return shown


class AccountExportView(AccountListView):
    def get(self, request):
        _form, organization, accounts = self.filtered(request)
        with translation.override("zh-hans"):
            rows = list(export_rows(accounts))  # accounts are few; labels fixed in Chinese like the headers
        name = f"账号-{organization.name}.xlsx" if organization else "账号.xlsx"
        response = StreamingHttpResponse(iter_xlsx(EXPORT_HEADER, rows, title="账号"), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, name)
        return _no_store(response)


# --- one account ---------------------------------------------------------------------------------------------------

def _history(request, account) -> list[dict]:
    """The account's change records: the user, its profile and its grants (also revoked ones)."""
    types = ContentType.objects.get_for_models(get_user_model(), Profile, Grant)
    profile_id = Profile.objects.filter(user=account).values_list("pk", flat=True).first()
    condition = Q(content_type=types[get_user_model()], object_id=account.pk) | (
        Q(content_type=types[Grant]) & (Q(after__user=account.pk) | Q(before__user=account.pk)))
    if profile_id is not None:
        condition |= Q(content_type=types[Profile], object_id=profile_id)
    records = list(ChangeRecord.objects.filter(condition).restrict(request.user)
                   .select_related("user", "content_type").order_by("-time", "-id")[:100])
    for record in records:
        for values in (record.before, record.after):
            if isinstance(values, dict):
                for name in HIDDEN_USER_FIELDS:
                    values.pop(name, None)
    return change_rows(request.user, records, reveal=False)


class AccountDetailView(AdminView):
    def get(self, request, pk):
        account = self.visible_account(pk)
        profile = getattr(account, "profile", None)
        person = profile.person if profile is not None else None
        if person is not None and not Person.objects.restrict(request.user).filter(pk=person.pk).exists():
            person = None
        grants = list(visible_grants(request.user).filter(user=account).select_related("organization")
                      .order_by("organization__path", "role"))
        hidden = Grant.objects.filter(user=account).count() - len(grants)
        manageable = manageable_users(request.user).filter(pk=account.pk).exists()
        return render(request, "accounts/user_detail.html", {
            "account": account, "profile": profile, "person": person, "grants": grants, "hidden_grants": hidden,
            "manageable": manageable and account.pk != request.user.pk, "is_self": account.pk == request.user.pk,
            "history": _history(request, account),
        })


class AccountCreateView(AdminView):
    template_name = "accounts/user_form.html"

    def get(self, request):
        initial = {}
        org = request.GET.get("org", "")
        if org.isdigit():
            initial["home"] = get_object_or_404(manageable_organizations(request.user), pk=int(org))
        form = AccountForm(user=request.user, creating=True, initial=initial)
        return self.render_form(request, form)

    def render_form(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "title": _("New account")}, status=status)

    def post(self, request):
        form = AccountForm(request.POST, user=request.user, creating=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                account, password = _create_with_role(request.user, data)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                return _no_store(render(request, "accounts/password_once.html", {
                    "account": account, "password": password, "created": True}))
        return self.render_form(request, form, status=400)


def _create_with_role(user, data):
    return services.user_create_with_role(
        user=user, username=data["username"], full_name=data["full_name"], phone=data["phone"],
        email=data["email"], home=data["home"], role=data.get("role") or None)


class AccountEditView(AdminView):
    template_name = "accounts/user_form.html"

    def form(self, request, account, data=None):
        profile = getattr(account, "profile", None)
        initial = {"full_name": account.get_full_name(), "email": account.email,
                   "phone": profile.phone if profile else "", "home": profile.home_id if profile else None}
        return AccountForm(data, user=request.user, creating=False, initial=initial)

    def render_form(self, request, account, form, status=200):
        return render(request, self.template_name, {"form": form, "account": account,
                                                    "title": _("Edit account")}, status=status)

    def get(self, request, pk):
        account = self.manageable_account(pk)
        return self.render_form(request, account, self.form(request, account))

    def post(self, request, pk):
        account = self.manageable_account(pk)
        form = self.form(request, account, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.user_update(user=request.user, target=account, full_name=data["full_name"],
                                     phone=data["phone"], email=data["email"], home=data["home"])
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))
        return self.render_form(request, account, form, status=400)


class AccountActionView(AdminView):
    """A change that asks first: GET explains what will happen, POST does it."""

    action = ""
    title = ""
    explanation = ""
    button = ""
    danger = True

    def get(self, request, pk):
        account = self.manageable_account(pk)
        return render(request, "accounts/confirm.html", self.context(account))

    def context(self, account, **extra):
        return {"account": account, "title": self.title, "explanation": self.explanation, "button": self.button,
                "danger": self.danger, "action_url": reverse(f"accounts:{self.action}", args=[account.pk]),
                "cancel_url": reverse("accounts:user_detail", args=[account.pk]), **extra}

    def post(self, request, pk):
        account = self.manageable_account(pk)
        try:
            response = self.perform(request, account)
        except ValidationError as error:
            return render(request, "accounts/confirm.html", self.context(account, errors=error.messages), status=400)
        except PermissionDenied:
            raise Http404 from None
        return response

    def perform(self, request, account):
        raise NotImplementedError


class AccountDeactivateView(AccountActionView):
    action = "user_deactivate"
    title = gettext_lazy("Deactivate the account")
    explanation = gettext_lazy("The holder can no longer log in, their open sessions stop working and their API"
                               " tokens are revoked. Their grants and history are kept; the account can be"
                               " reactivated later.")
    button = gettext_lazy("Deactivate")

    def perform(self, request, account):
        services.user_deactivate(user=request.user, target=account)
        messages.success(request, _("The account is deactivated."))
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))


class AccountReactivateView(AccountActionView):
    action = "user_reactivate"
    title = gettext_lazy("Reactivate the account")
    explanation = gettext_lazy("The holder can log in again with their password and holds the grants listed on"
                               " the account's page. Revoked API tokens stay revoked.")
    button = gettext_lazy("Reactivate")
    danger = False

    def perform(self, request, account):
        services.user_reactivate(user=request.user, target=account)
        messages.success(request, _("The account is active again."))
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))


class PasswordResetView(AccountActionView):
    action = "password_reset"
    title = gettext_lazy("Reset the password")
    explanation = gettext_lazy("The current password stops working at once. A new one-time password is shown"
                               " once, on the next page; hand it to the holder, who must change it at the next"
                               " login. A lock-out after failed logins is lifted.")
    button = gettext_lazy("Reset the password")

    def perform(self, request, account):
        password = services.password_reset(user=request.user, target=account)
        return _no_store(render(request, "accounts/password_once.html", {"account": account, "password": password}))


class GrantAddView(AdminView):
    template_name = "accounts/user_form.html"

    def render_form(self, request, account, form, status=200):
        return render(request, self.template_name, {"form": form, "account": account, "title": _("Grant a role")},
                      status=status)

    def get(self, request, pk):
        account = self.manageable_account(pk)
        initial = {"organization": getattr(getattr(account, "profile", None), "home_id", None)}
        return self.render_form(request, account, GrantForm(user=request.user, initial=initial))

    def post(self, request, pk):
        account = self.manageable_account(pk)
        form = GrantForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.grant_add(user=request.user, target=account, role=form.cleaned_data["role"],
                                   organization=form.cleaned_data["organization"])
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("The role is granted."))
                return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))
        return self.render_form(request, account, form, status=400)


class GrantRevokeView(AdminView):
    def grant(self, request, pk):
        grant = get_object_or_404(visible_grants(request.user).select_related("user", "organization"), pk=pk)
        if not manageable_users(request.user).filter(pk=grant.user_id).exists():
            raise Http404
        return grant

    def context(self, grant, **extra):
        return {"account": grant.user, "grant": grant, "title": _("Revoke a role"),
                "explanation": _("%(user)s loses the role %(role)s on %(org)s and everything below it at once.") % {
                    "user": grant.user.get_username(), "role": grant.get_role_display(),
                    "org": grant.organization.name},
                "button": _("Revoke"), "danger": True, "action_url": reverse("accounts:grant_revoke", args=[grant.pk]),
                "cancel_url": reverse("accounts:user_detail", args=[grant.user_id]), **extra}

    def get(self, request, pk):
        return render(request, "accounts/confirm.html", self.context(self.grant(request, pk)))

    def post(self, request, pk):
        grant = self.grant(request, pk)
        try:
            services.grant_revoke(user=request.user, grant=grant)
        except ValidationError as error:
            return render(request, "accounts/confirm.html", self.context(grant, errors=error.messages), status=400)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The role is revoked."))
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[grant.user_id]))


# --- Excel import --------------------------------------------------------------------------------------------------

UPLOAD_KEY = "accounts"
UPLOAD_FOLDER = "account-imports"
CREATED_KEY = "accounts_imported"


def _import_path() -> str:
    return reverse("accounts:import")


class ImportView(AdminView):
    """The import page: the template, the upload, and the check of the last upload (kept for this session)."""

    scope_exempt = IMPORT_EXEMPT

    def get(self, request):
        return self.page(request, ImportUploadForm())

    def page(self, request, form, status=200):
        held = workbook_upload.stashed(request, UPLOAD_KEY)
        summary = held["summary"] if held else {}
        errors = summary.get("errors", [])
        return render(request, "accounts/import.html", {
            "form": form, "upload": held, "errors": errors[:500], "error_count": len(errors),
            "rows": summary.get("samples", {}).get("created", []), "sheet": handover.pending(request),
        }, status=status)

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        upload = form.cleaned_data["file"]
        plan, _created = imports.import_accounts(upload, upload.name, user=request.user, dry_run=True)
        workbook_upload.stash(request, UPLOAD_KEY, upload, folder=UPLOAD_FOLDER, filename=upload.name[:200],
                              summary=plan.summary())
        return HttpResponseRedirect(_import_path())


class ImportTemplateView(AdminView):
    scope_exempt = "a blank template: no account or registry data"

    def get(self, request):
        return workbook_upload.attachment(imports.template(), imports.TEMPLATE_NAME)


class ImportErrorsView(AdminView):
    scope_exempt = IMPORT_EXEMPT

    def get(self, request):
        held = workbook_upload.stashed(request, UPLOAD_KEY)
        errors = (held or {}).get("summary", {}).get("errors") or []
        if not errors:
            raise Http404
        with workbook_upload.open_stashed(held) as file:
            data = imports.errors_workbook(io.BytesIO(file.read()), held["filename"], errors)
        stem = held["filename"].rsplit(".", 1)[0]
        return workbook_upload.attachment(data, _("%(name)s-errors.xlsx") % {"name": stem})


class ImportApplyView(AdminView):
    scope_exempt = IMPORT_EXEMPT

    def post(self, request):
        held = workbook_upload.stashed(request, UPLOAD_KEY)
        if not held:
            messages.error(request, _("Upload the file again: the checked file is no longer here."))
            return HttpResponseRedirect(_import_path())
        with workbook_upload.open_stashed(held) as file:
            data = io.BytesIO(file.read())
        plan, created = imports.import_accounts(data, held["filename"], user=request.user)
        if not plan.ok:
            workbook_upload.stash(request, UPLOAD_KEY, data, folder=UPLOAD_FOLDER, filename=held["filename"],
                                  summary=plan.summary())
            messages.error(request, _("Nothing was imported: the file has errors."))
            return HttpResponseRedirect(_import_path())
        workbook_upload.discard(request, UPLOAD_KEY)
        request.session[CREATED_KEY] = [c.user_id for c in created]
        response = HttpResponseRedirect(reverse("accounts:import_done"))
        handover.keep(request, response, [c.as_dict() for c in created], path=_import_path())
        return response


class ImportDoneView(AdminView):
    scope_exempt = IMPORT_EXEMPT

    def get(self, request):
        ids = request.session.get(CREATED_KEY) or []
        accounts = list(visible_users(request.user).filter(pk__in=ids).select_related("profile__home")
                        .prefetch_related("grants__organization").order_by("username"))
        return render(request, "accounts/import_done.html", {
            "accounts": accounts, "sheet": handover.pending(request), "max_minutes": handover.MAX_AGE // 60})


class PasswordSheetView(AdminView):
    """The printable sheet of an import's one-time passwords: served once, then forgotten."""

    scope_exempt = "the caller's own import, held encrypted under its session and cookie (kernel.accounts.handover)"

    def post(self, request):
        accounts = handover.take(request)
        if accounts is None:
            messages.error(request, _("The password sheet is no longer available: it can be downloaded once, within"
                                      " an hour. Reset the passwords of the accounts that need one."))
            response = HttpResponseRedirect(reverse("accounts:import_done"))
        else:
            data = password_sheet(accounts, issued_by=request.user.get_username(), request=request)
            response = pdf_response(data, _("initial-passwords.pdf"), attachment=True)
        handover.forget(response, path=_import_path())
        return _no_store(response)
