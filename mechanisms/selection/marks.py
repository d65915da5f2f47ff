from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.core.marks import Mark, mark_source

from . import selectors


@mark_source
def good_cadre(user, person):
    """A good cadre of the pool: priority for promotion and training, with the year."""
    for entry in selectors.pool(user, person=person):
        yield Mark(label=_("Good cadre %(year)s") % {"year": entry.year},
                   url=reverse("selection:person", args=[person.pk]),
                   detail=_("Priority for promotion and training"), style="success")
