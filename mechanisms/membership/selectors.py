from kernel.core.tree import subtree_q

from .models import StandingChange


def history(user, person):
    """The person's changes of standing the user may see, oldest first."""
    return (StandingChange.objects.restrict(user).filter(person=person)
            .select_related("recorded_by", "withdrawn_by").order_by("on", "pk"))


def changes(user, *, under=None, year=None, kind="", reason=""):
    """The register of changes of standing in the user's scope, newest first."""
    rows = StandingChange.objects.restrict(user).select_related("person__organization")
    if under is not None:
        rows = rows.filter(subtree_q("org_path", [under.path]))
    if year:
        rows = rows.filter(on__year=year)
    if kind:
        rows = rows.filter(kind=kind)
    if reason:
        rows = rows.filter(reason=reason)
    return rows.order_by("-on", "-pk")
