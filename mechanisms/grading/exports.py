"""The timetable board as an xlsx file (streamed)."""
from urllib.parse import quote

from django.utils.translation import gettext as _

from kernel.core.xlsx_stream import iter_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def board_rows(board: dict):
    for row in board["rows"]:
        team = row["team"]
        yield [row["organization"].name,
               row["grade"].level.name + ("（软弱涣散）" if row["grade"].weak_lax else ""),
               team.county_leader.name if team else "", team.committee_secretary.name if team else "",
               team.cadre.name if team else "", row["stage_name"], row["measures_total"], row["measures_done"],
               row["measures_overdue"], row["visits"], row["last_visit"],
               row["regrade"].level.name if row["regrade"] else "", _("Yes") if row["lifted"] else ""]


def board_xlsx(board: dict):
    header = [_("Organization"), _("Grade"), _("County-level leader"), _("Party (work) committee secretary"),
              _("Organization cadre"), _("Plan stage"), _("Measures"), _("Done"), _("Overdue"), _("Team visits"),
              _("Last visit"), _("Re-grade"), _("Lifted")]
    return iter_xlsx(header, board_rows(board))
