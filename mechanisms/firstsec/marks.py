from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.core.marks import Mark, mark_source

from .models import Dispatch


@mark_source
def first_secretary(user, person):
    """A first secretary in post: the village, the class and the sending unit."""
    for dispatch in Dispatch.objects.restrict(user).filter(person=person, status=Dispatch.Status.IN_POST) \
            .select_related("village"):
        yield Mark(label=_("First secretary of %(village)s") % {"village": dispatch.village.name},
                   url=reverse("firstsec:dispatch", args=[dispatch.pk]),
                   detail=_("%(class)s, sent by %(unit)s") % {"class": dispatch.get_village_class_display(),
                                                              "unit": dispatch.sending_unit},
                   style="primary")
