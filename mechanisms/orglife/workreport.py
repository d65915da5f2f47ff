"""Training's section of the year's work report (kernel.core.workreport): the classes and person-times of the
year under the organization against the year before, as the training page shows them."""
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.core.workreport import Paragraph, ReportFigure, report_section

from . import selectors


@report_section("orglife.training", gettext_lazy("Training"), order=50)
def training_section(user, organization, year) -> list[Paragraph]:
    now = selectors.training_totals(user, organization, year=year)["total"]
    before = selectors.training_totals(user, organization, year=year - 1)["total"]
    if not now["person_times"] and not before["person_times"]:
        return []
    page = reverse("orglife:training", args=[organization.pk]) + f"?year={year}"
    return [Paragraph(
        _("{classes} training classes were held, with {times} person-times of training."),
        {"classes": ReportFigure(_("classes"), now["classes"], last_year=before["classes"]),
         "times": ReportFigure(_("person-times"), now["person_times"], url=f"{page}#person_times",
                               last_year=before["person_times"])})]
