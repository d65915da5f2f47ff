"""The titles a person holds (命名授牌), as marks on the person's page (kernel.core.marks), each leading to the
person's assessment history with their titles across years."""
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.core.marks import Mark, mark_source

from .models import TitleAward


@mark_source
def titles_held(user, person):
    awards = (TitleAward.objects.restrict(user).filter(person=person, status=TitleAward.Status.ACTIVE)
              .order_by("-tier_level", "standard_id", "pk"))
    url = reverse("standards:person_history", args=[person.pk])
    for award in awards:
        yield Mark(label=award.title, url=f"{url}#titles-by-year",
                   detail=_("Held since %(period)s; the titles across years are on the history page")
                   % {"period": award.period_label[:4]}, style="success")
