"""The official documents (公文) of the standards engine, laid out by kernel/core/templates/core/official_document.html:
the bulletin of an assessment (通报), the naming decision (命名决定) and removal decision (摘牌决定) of a recorded
TitleDecision, a title's certificate (证书), and the title register (称号台账) as workbook and PDF.

Each builder returns the template's context; the views and API operations render it (kernel.core.pdf.render_official)
and decide the 文号 and the date. Names are listed grouped by township: by the organization one level below the
document's root (the county), a township's own title under its own name.
"""
import datetime

from django import forms
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import official
from kernel.core.pdf import official_doc
from kernel.core.tree import SEGMENT_WIDTH
from kernel.core.xlsx_stream import iter_xlsx
from kernel.orgs.models import Organization

from .models import TitleAward, TitleDecision

DECISION_KINDS = ("naming", "removal")
REVOKE_REASONS = {
    TitleAward.RevokeReason.FAILED: "考核未达到所获称号标准",
    TitleAward.RevokeReason.VETO: "被“一票否决”",
    TitleAward.RevokeReason.DECISION: "经研究决定",
}


def township_groups(rows, root_path: str, *, path_of=lambda row: row.org_path) -> list[dict]:
    """``rows`` grouped by the organization one level below ``root_path`` that holds them, in the tree's order:
    ``[{"org": township, "name": …, "rows": […]}]``; a row outside the root is grouped under its own path."""
    depth = len(root_path) + SEGMENT_WIDTH
    groups: dict[str, list] = {}
    for row in rows:
        path = path_of(row) or ""
        key = path[:depth] if path.startswith(root_path) and len(path) >= depth else path
        groups.setdefault(key, []).append(row)
    orgs = {org.path: org for org in Organization.objects.filter(path__in=list(groups))}
    return [{"org": orgs.get(key), "name": orgs[key].name if key in orgs else "", "rows": groups[key]}
            for key in sorted(groups)]


def subject_of(award) -> str:
    subject = award.organization or award.person
    return getattr(subject, "name", str(subject or ""))


# --- 文号 ------------------------------------------------------------------------------------------------------------

def decision_numbers_taken(prefix: str, year: int) -> list[str]:
    """The numbers of decisions and removals recorded before the register, of ``prefix`` in ``year``."""
    like = f"{prefix}〔{year}〕"
    numbers = list(TitleDecision.objects.filter(decision_no__startswith=like).values_list("decision_no", flat=True))
    numbers += TitleAward.objects.filter(decision_no__startswith=like).values_list("decision_no", flat=True)
    numbers += TitleAward.objects.filter(revoke_decision_no__startswith=like).values_list("revoke_decision_no",
                                                                                          flat=True)
    return numbers


def suggested_decision_number(issuer: str, year: int) -> str:
    """The default 文号 of a naming decision of ``issuer``: its abbreviation, 发, and the year's next sequence."""
    prefix = official.number_prefix(issuer, "decision")
    return official.next_number(prefix, year, taken=decision_numbers_taken(prefix, year))


class DocumentForm(forms.Form):
    """What a reader fills before printing a document that is not recorded elsewhere (the bulletin): its 文号, the
    issuing body, the date and whom it is addressed to; each has a default."""

    number = forms.CharField(label=gettext_lazy("Document number"), max_length=100, required=False)
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=100, required=False)
    date = forms.DateField(label=gettext_lazy("Dated"), required=False)
    addressee = forms.CharField(label=gettext_lazy("Addressed to"), max_length=200, required=False)

    def values(self, defaults: dict) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {key: data.get(key) or defaults[key] for key in ("number", "issuer", "date", "addressee")}


# --- the bulletin (通报) -----------------------------------------------------------------------------------------------

def bulletin_defaults(assessment, root, children, *, today: datetime.date) -> dict:
    """The bulletin's 文号 (the issuer's 通 of the year), issuer (the assessment's owner), date and addressee."""
    issuer = assessment.owner.name
    with translation.override("zh-hans"):  # the document's words, whatever the reader's language
        kinds = sorted({str(child.get_org_type_display()) for child in children})
    return {"number": official.suggested_number(issuer, "bulletin", today.year), "issuer": issuer, "date": today,
            "addressee": f"各{'、'.join(kinds)}" if kinds and len(kinds) <= 2 else ""}


def bulletin_title(assessment) -> str:
    return (f"关于{official.period_text(assessment.period_label)}{assessment.version.standard.name}"
            f"考核评定情况的通报")


def bulletin_document(user, figures: dict, *, issuer: str, number: str, date: datetime.date, addressee: str = "") -> dict:
    """The bulletin's figures (exports.bulletin_figures) as an official document, with the list of subjects that
    reached each tier (best first), grouped by township, as its attachment."""
    assessment, root = figures["assessment"], figures["root"]
    from . import selectors  # the figures' own reading, restricted to the reader

    sheets = list(selectors.results(user, assessment, under=root).select_related("organization", "person")
                  .order_by("org_path", "pk"))
    tiers = [row["tier"] for row in figures["tiers"]]
    lists = []
    for tier in tiers:
        reached = [sheet for sheet in sheets if sheet.tier == tier.code]
        if reached:
            lists.append({"tier": tier, "count": len(reached), "groups": township_groups(reached, root.path)})
    title = bulletin_title(assessment)
    list_title = f"{official.period_text(assessment.period_label)}{assessment.version.standard.name}考核评定名单"
    return {**figures, "doc": official_doc(
        issuer=issuer, number=number, title=title, date=date, addressee=addressee,
        attachments=[list_title] if lists else []),
        "period": official.period_text(assessment.period_label), "lists": lists, "list_title": list_title}


# --- naming and removal decisions (命名决定, 摘牌决定) -------------------------------------------------------------------

def decision_awards(decision: TitleDecision, kind: str, awards=None):
    """The titles ``decision`` granted (naming) or removed (removal), restricted by the caller when ``awards`` is
    a restricted queryset of TitleAward."""
    awards = TitleAward.objects.all() if awards is None else awards
    awards = awards.select_related("organization", "person", "standard")
    field = "granted_in" if kind == "naming" else "revoked_in"
    return list(awards.filter(**{field: decision}).order_by("org_path", "pk"))


def decision_period(decision: TitleDecision, awards) -> str:
    labels = sorted({award.period_label for award in awards if award.period_label})
    if not labels:
        labels = sorted({assessment.period_label for assessment in decision.assessments.all()})
    return "、".join(official.period_text(label) for label in labels)


def decision_document(decision: TitleDecision, kind: str, awards=None, *, addressee: str = "") -> dict:
    """The naming decision (kind "naming": the titles it granted) or the removal decision ("removal": the titles it
    removed, with why) as an official document; the list by title and township is its attachment."""
    rows = decision_awards(decision, kind, awards)
    for award in rows:
        award.reason_text = REVOKE_REASONS.get(award.revoke_reason, "")
    # named for the period of the titles granted; removed after the assessment of the decision's period
    period = decision_period(decision, rows if kind == "naming" else [])
    by_title: dict[str, list] = {}
    for award in rows:
        by_title.setdefault(award.title, []).append(award)
    root = decision.owner.path if decision.owner_id else ""
    lists = [{"title": title, "quoted": official.cn_quote(title), "count": len(items),
              "groups": township_groups(items, root)} for title, items in by_title.items()]
    standards = sorted({award.standard.name for award in rows}) or sorted(
        {assessment.version.standard.name for assessment in decision.assessments.select_related(
            "version__standard")})
    if kind == "naming":
        title = f"关于命名{period}{'、'.join(standards)}的决定"
        list_title = f"{period}{'、'.join(standards)}命名名单"
    else:
        title = f"关于撤销{period and period + '考核中'}部分党组织{'、'.join(standards)}称号的决定"
        list_title = f"撤销{'、'.join(standards)}称号名单"
    return {"decision": decision, "kind": kind, "rows": rows, "lists": lists, "count": len(rows), "period": period,
            "standards": standards, "reasons": REVOKE_REASONS, "list_title": list_title,
            "doc": official_doc(issuer=decision.issuer, number=official.normalize_number(decision.decision_no),
                                title=title, date=decision.decided_on, addressee=addressee,
                                attachments=[list_title] if rows else [])}


def removal_document(award: TitleAward) -> dict:
    """The removal decision (摘牌决定) of one title removed on its own, by the body that granted it."""
    period = official.period_text(award.period_label)
    award.reason_text = REVOKE_REASONS.get(award.revoke_reason, "")
    title = f"关于撤销{subject_of(award)}{official.cn_quote(award.title)}称号的决定"
    root = award.org_path[:-SEGMENT_WIDTH * 2] if len(award.org_path) > SEGMENT_WIDTH * 2 else ""
    return {"decision": None, "kind": "removal", "rows": [award], "count": 1, "period": period,
            "standards": [award.standard.name], "reasons": REVOKE_REASONS, "single": award,
            "lists": [{"title": award.title, "quoted": official.cn_quote(award.title), "count": 1,
                       "groups": township_groups([award], root)}],
            "doc": official_doc(issuer=award.granted_by, number=official.normalize_number(award.revoke_decision_no),
                                title=title, date=award.revoked_on)}


def decision_filename(decision: TitleDecision, kind: str) -> str:
    word = "命名决定" if kind == "naming" else "摘牌决定"
    return f"{word}-{decision.decision_no or decision.decided_on.isoformat()}.pdf"


# --- a title's certificate (证书 / 牌匾) ---------------------------------------------------------------------------------

def certificate_document(award: TitleAward) -> dict:
    subject = award.organization or award.person
    return {"award": award, "subject": subject, "period": official.period_text(award.period_label),
            "quoted_title": official.cn_quote(award.title),
            "doc": official_doc(issuer=award.granted_by, number=official.normalize_number(award.decision_no),
                                title=award.title, date=award.granted_on)}


# --- the title register (称号台账) -------------------------------------------------------------------------------------

def register_header() -> list:
    return [_("Township"), _("Subject"), _("Standard"), _("Title"), _("Period"), _("Granted on"), _("Granted by"),
            _("Document number"), _("Status"), _("Removed on"), _("Reason for removal"), _("Removal document number"),
            _("Removal note")]


def register_rows(awards, root_path: str = ""):
    """One row per title, in the tree's order, each with the township that holds it."""
    townships = {}
    depth = len(root_path) + SEGMENT_WIDTH
    awards = list(awards)
    keys = {award.org_path[:depth] for award in awards if award.org_path}
    if keys:
        townships = dict(Organization.objects.filter(path__in=keys).values_list("path", "name"))
    for award in awards:
        yield [townships.get((award.org_path or "")[:depth], ""), subject_of(award), award.standard.name, award.title,
               official.period_text(award.period_label), award.granted_on, award.granted_by,
               award.decision_no, award.get_status_display(), award.revoked_on,
               award.get_revoke_reason_display() if award.revoke_reason else "", award.revoke_decision_no,
               award.revoke_note]


def register_xlsx_stream(awards, root_path: str = ""):
    return iter_xlsx(register_header(), register_rows(awards, root_path), title="称号台账")


def register_document(awards, root, *, printed_on: datetime.date) -> dict:
    awards = list(awards)
    return {"groups": township_groups(awards, root.path if root else ""), "count": len(awards), "root": root,
            "held": sum(award.status == TitleAward.Status.ACTIVE for award in awards),
            "revoked": sum(award.status == TitleAward.Status.REVOKED for award in awards),
            "doc": official_doc(issuer=root.name if root else "", title=f"{root.name if root else ''}称号台账",
                                date=printed_on)}
