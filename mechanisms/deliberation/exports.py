"""A village's 四议两公开 ledger as xlsx (streamed) and as a printable PDF."""
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kernel.core.xlsx_stream import iter_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("title", "matter", "proposed_on", "committees_on", "members_on", "members_votes", "villagers_on",
           "villagers_votes", "resolution_public_on", "notice_until", "result_public_on", "closed_on", "stage_name")


def attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def headers() -> list[str]:
    return [pgettext("heading", "Title"), _("Matter"), _("Proposed by the branch"), _("Two committees"),
            _("Member assembly"),
            _("Members for/present"), _("Villagers' meeting"), _("Villagers for/present"), _("Resolution public"),
            _("Notice until"), _("Result public"), _("Closed"), _("Stage")]


def ledger_xlsx(rows: list[dict]):
    return iter_xlsx(headers(), ([row[key] for key in COLUMNS] for row in rows))
