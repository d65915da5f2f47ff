"""The score workbook pages (评分表): download one, upload it back, see what it changes, then apply it.

An upload is kept between its preview and its application without a model (kernel.core.workbook_upload.stash: the
file under score-workbooks/<uuid>.xlsx, named in the uploader's session with their id; a new upload or the
application removes it). It is checked again, against the scores as they are then, when applied.
"""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from kernel.core.tree import SEGMENT_WIDTH
from kernel.core.workbook_upload import attachment, discard, open_stashed, stash, stashed
from kernel.orgs.models import Organization

from . import workbooks
from .models import RaterGroup
from .views import AssessmentMixin, context, org_from_query

STASH_KEY = "score-workbook"



class WorkbookUploadForm(forms.Form):
    rater = forms.CharField(max_length=32, widget=forms.HiddenInput)
    file = forms.FileField(label=gettext_lazy("Score workbook (xlsx)"), allow_empty_file=True)

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is too large."))
        return file


def _stored(request, assessment) -> dict | None:
    kept = stashed(request, STASH_KEY)
    if not kept or kept.get("user") != request.user.pk or kept.get("assessment") != assessment.pk:
        return None
    return kept


def _read(kept) -> bytes:
    try:
        with open_stashed(kept) as file:
            return file.read()
    except FileNotFoundError:
        raise Http404 from None


class WorkbookMixin(AssessmentMixin):
    def rater(self, assessment, code) -> RaterGroup:
        rater = RaterGroup.objects.filter(version_id=assessment.version_id, code=code or "").first()
        if rater is None:
            raise Http404
        return rater

    def page(self, request, assessment, rater, *, form=None, plan=None, status=200, applied=None):
        owner_depth = len(assessment.owner_path) // SEGMENT_WIDTH
        townships = (Organization.objects.restrict(request.user)
                     .filter(path__startswith=assessment.owner_path, depth=owner_depth + 1).order_by("path"))
        return render(request, "standards/score_workbook.html", context(
            assessment=assessment, rater=rater, raters=list(assessment.version.rater_groups.all()),
            townships=townships, form=form or WorkbookUploadForm(initial={"rater": rater.code}), plan=plan,
            errors=[e.as_dict() for e in plan.errors[:500]] if plan else [], applied=applied,
            error_count=len(plan.errors) if plan else 0), status=status)


class WorkbookDownloadView(WorkbookMixin, View):
    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        rater = self.rater(assessment, request.GET.get("rater"))
        under = org_from_query(request.user, request.GET.get("under"))
        data = workbooks.build_workbook(user=request.user, assessment=assessment, rater=rater, under=under)
        name = f"评分表-{assessment.name}-{rater.name}" + (f"-{under.name}" if under else "") + ".xlsx"
        return attachment(data, name)


class WorkbookView(WorkbookMixin, View):
    """GET: the download and upload forms; POST: an upload, checked and previewed (nothing written)."""

    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        return self.page(request, assessment, self.rater(assessment, request.GET.get("rater")
                                                         or assessment.version.rater_groups.first().code))

    def post(self, request, pk):
        assessment = self.get_assessment(pk)
        form = WorkbookUploadForm(request.POST, request.FILES)
        valid = form.is_valid()
        rater = self.rater(assessment, form.cleaned_data.get("rater"))
        if not valid:
            return self.page(request, assessment, rater, form=form, status=400)
        data = form.cleaned_data["file"].read()
        plan = workbooks.read_workbook(data, user=request.user, assessment=assessment, rater=rater)
        stash(request, STASH_KEY, ContentFile(data), folder="score-workbooks", user=request.user.pk,
              assessment=assessment.pk, rater=rater.code)
        return self.page(request, assessment, rater, form=form, plan=plan, status=200 if plan.ok else 400)


class WorkbookApplyView(WorkbookMixin, View):
    def post(self, request, pk):
        assessment = self.get_assessment(pk)
        kept = _stored(request, assessment)
        if kept is None:
            messages.error(request, _("The uploaded workbook is no longer kept; upload it again."))
            return HttpResponseRedirect(reverse("standards:score_workbook", args=[assessment.pk]))
        rater = self.rater(assessment, kept["rater"])
        try:
            plan = workbooks.workbook_apply(user=request.user, assessment=assessment, rater=rater, data=_read(kept))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return self.page(request, assessment, rater, status=400)
        if not plan.ok:
            return self.page(request, assessment, rater, plan=plan, status=400)
        discard(request, STASH_KEY)
        counts = plan.counts
        messages.success(request, _("Scores saved: %(added)s added, %(changed)s changed, %(cleared)s cleared.")
                         % counts)
        return self.page(request, assessment, rater, applied=counts)


class WorkbookErrorsView(WorkbookMixin, View):
    """The kept upload with its bad cells marked (it is checked again to find them)."""

    def get(self, request, pk):
        assessment = self.get_assessment(pk)
        kept = _stored(request, assessment)
        if kept is None:
            raise Http404
        rater = self.rater(assessment, kept["rater"])
        data = _read(kept)
        plan = workbooks.read_workbook(data, user=request.user, assessment=assessment, rater=rater)
        if plan.ok or not data[:2] == b"PK" or plan.errors[0].code == "not_a_workbook":
            raise Http404
        return attachment(workbooks.error_workbook(data, [e.as_dict() for e in plan.errors]),
                          f"评分表-错误-{assessment.name}.xlsx")
