"""The goals' paragraph of the year's work report (kernel.core.workreport): letters signed and their outcome, the
标兵 commended over the years, members pairing with poor households and the households out of poverty (seed 000
§一.5: "累计表彰五带头标兵400多名，党员帮带贫困户2181户，其中有1960户完全脱贫或基本脱贫"). Each figure links to the
page element showing the same number for the organization's subtree."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import selectors


@report_section("goals.members", gettext_lazy("Members' goals and five-lead activity"), order=70)
def goals_section(user, organization, year) -> list[Paragraph]:
    letters = selectors.letter_figures(user, organization, year)
    models = selectors.model_figures(user, organization, year)
    pairs = selectors.pair_figures(user, organization)
    last = selectors.letter_figures(user, organization, year - 1)
    index = reverse("goals:index") + f"?under={organization.pk}&year={year}"
    model_page = reverse("goals:models") + f"?under={organization.pk}&year={year}"
    pair_page = reverse("goals:pairs") + f"?under={organization.pk}"
    paragraphs = []
    if letters["letters"]:
        paragraphs.append(Paragraph(
            _("{letters} members signed their yearly goals letter; {not_met} did not meet their goals and were barred "
              "from 评优."),
            {"letters": ReportFigure(_("goals letters signed"), letters["letters"], url=index + "#letters",
                                     last_year=last["letters"]),
             "not_met": ReportFigure(_("goals not met"), letters["not_met"], url=index + "#not_met",
                                     last_year=last["not_met"])}))
    if models["total"] or pairs["total"]:
        paragraphs.append(Paragraph(
            _("{models} five-lead model members were commended over the years ({models_year} this year); members paired "
              "with {pairs} poor households, {out} of which are out or basically out of poverty."),
            {"models": ReportFigure(_("model members over the years"), models["total"], url=model_page + "#total"),
             "models_year": ReportFigure(_("model members this year"), models["year"], url=model_page + "#year"),
             "pairs": ReportFigure(_("households paired"), pairs["total"], url=pair_page + "#total"),
             "out": ReportFigure(_("households out of poverty"), pairs["out_any"], url=pair_page + "#out_any")}))
    return paragraphs
