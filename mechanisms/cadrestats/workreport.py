"""The cadre structure's section of the year's work report (kernel.core.workreport), in the words of seed 000 §二.1:
the average age and education of township secretaries, village secretaries and village directors, and the share of
directors who are members, each against the year before and linked to the list of the people behind it."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core import clock
from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import selectors

SENTENCES = {
    "township_secretary": (gettext_lazy("Township party secretaries are {age} years old on average; {share} have "
                                        "junior college education or above."), "college"),
    "village_secretary": (gettext_lazy("Village party secretaries are {age} years old on average; {share} have "
                                       "junior high school education or above."), "junior"),
    "village_director": (gettext_lazy("Village committee directors are {age} years old on average; {share} have "
                                      "junior high school education or above, and {members} are party members."),
                         "junior"),
}


@report_section("cadrestats.structure", gettext_lazy("Township and village leadership"), order=10)
def cadre_section(user, organization, year) -> list[Paragraph]:
    if year > clock.today().year:
        return []
    paragraphs = []
    for group in selectors.structure(user, organization, year):
        if not group["count"] or group["average_age"] is None:
            continue
        sentence, share = SENTENCES[group["code"]]

        def page(extra: dict, key: str, code: str = group["code"]) -> str:
            query = urlencode({"year": year, "under": organization.pk, "group": code, **extra})
            return f"{reverse('cadrestats:people')}?{query}#{key}"

        found = group["shares"][share]
        figures = {
            "age": ReportFigure(_("average age"), group["average_age"], url=page({}, "average_age"),
                                last_year=group["last_year_average_age"]),
            "share": ReportFigure(selectors.share_label(share), found["percent"], unit="%",
                                  url=page({"share": share}, "percent"), last_year=found["last_year"]),
        }
        if group["code"] == "village_director":
            members = group["shares"].get("member")
            if members is None:
                continue
            figures["members"] = ReportFigure(_("party members"), members["percent"], unit="%",
                                              url=page({"share": "member"}, "percent"),
                                              last_year=members["last_year"])
        if any(figure.value is None for figure in figures.values()):
            continue
        paragraphs.append(Paragraph(str(sentence), figures))
    return paragraphs
