"""The dates of a development case checked against each other (发展党员 in its proper order)."""
import datetime

from django.utils.translation import gettext as _

NOTICE_DAYS_DEFAULT = 5


def parse(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def problems(data: dict, *, birth_date: datetime.date | None, notice_days: int = NOTICE_DAYS_DEFAULT,
             today: datetime.date | None = None) -> dict[str, list[str]]:
    """{field: [messages]} for every date out of order among those present; empty when all agree."""
    d = {name: parse(data.get(name)) for name in (
        "applied_on", "activist_on", "recommended_on", "target_on", "reviewed_on", "notice_from", "vote_on",
        "extended_until", "full_on")}
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    if d["applied_on"] and birth_date and d["applied_on"] < add_years(birth_date, 18):
        refuse("applied_on", _("An application can only be made at 18 or older."))
    if d["activist_on"] and d["applied_on"] and d["activist_on"] < d["applied_on"]:
        refuse("activist_on", _("An activist is named on or after the application."))
    if d["recommended_on"] and d["activist_on"] and d["recommended_on"] < d["activist_on"]:
        refuse("recommended_on", _("The recommendation (推优) comes after the activist was named."))
    if d["target_on"] and d["activist_on"] and d["target_on"] < add_years(d["activist_on"], 1):
        refuse("target_on", _("A development target needs at least one year as an activist."))
    if d["target_on"] and d["recommended_on"] and d["target_on"] < d["recommended_on"]:
        refuse("target_on", _("A development target is set after the recommendation."))
    if d["reviewed_on"] and d["target_on"] and d["reviewed_on"] < d["target_on"]:
        refuse("reviewed_on", _("The political review (预审) follows the choice of the development target."))
    start_of_notice = d["reviewed_on"] or d["target_on"]
    if d["notice_from"] and start_of_notice and d["notice_from"] < start_of_notice:
        refuse("notice_from", _("The public notice starts after the political review."))
    if d["vote_on"] and d["notice_from"] and d["vote_on"] < d["notice_from"] + datetime.timedelta(days=notice_days):
        refuse("vote_on", _("The branch votes only after the %(days)s days of public notice.") % {"days": notice_days})
    if d["extended_until"] and d["vote_on"] and not (
            add_years(d["vote_on"], 1) < d["extended_until"] <= add_years(d["vote_on"], 2)):
        refuse("extended_until", _("An extension of probation ends after its first year and within two years."))
    if d["full_on"] and d["vote_on"] and d["full_on"] < add_years(d["vote_on"], 1):
        refuse("full_on", _("Full membership comes at least one year after the vote that began probation."))
    if d["full_on"] and d["extended_until"] and d["full_on"] < d["extended_until"]:
        refuse("full_on", _("Full membership comes after the extended probation ends."))
    if today:
        for name, value in d.items():
            if value and value > today and name != "extended_until":
                refuse(name, _("This date lies in the future."))
    return errors


def votes_problems(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        votes_for = int(data.get("votes_for") or 0)
        eligible = int(data.get("eligible_voters") or 0)
    except (TypeError, ValueError):
        return {"votes_for": [_("Vote counts are whole numbers.")]}
    if data.get("eligible_voters") not in (None, "") and eligible < 1:
        errors["eligible_voters"] = [_("At least one full member must be eligible to vote.")]
    if votes_for < 0 or (eligible and votes_for > eligible):
        errors.setdefault("votes_for", []).append(_("Votes for cannot exceed the full members eligible to vote."))
    return errors
