"""The supervision notice (督查通知) as an official document (kernel/core/templates/core/official_document.html)."""
from django.utils import translation

from kernel.core import official
from kernel.core.pdf import official_doc

from .models import SupervisionNotice


def notice_title(notice: SupervisionNotice) -> str:
    return f"关于督促{notice.organization.name}限期整改督查发现问题的通知"


def notice_document(notice: SupervisionNotice) -> dict:
    inspection = notice.finding.inspection
    with translation.override("zh-hans"):
        category = str(notice.finding.get_category_display()) if notice.finding.category != "other" else ""
    return {"notice": notice, "category": category, "period": official.period_text(inspection.period_label),
            "doc": official_doc(issuer=notice.issuer.name, number=official.normalize_number(notice.number),
                                title=notice_title(notice), date=notice.issued_on,
                                addressee=notice.organization.name)}


def notice_filename(notice: SupervisionNotice) -> str:
    return f"督查通知-{notice.organization.name}-{notice.issued_on:%Y%m%d}.pdf"


def notice_numbers(issuer) -> list[str]:
    """The numbers of the notices ``issuer`` has issued (recorded before the register of numbers)."""
    return list(SupervisionNotice.objects.filter(issuer=issuer).exclude(number="").values_list("number", flat=True))
