"""Setting up grading through the pages and the API: grade schemes with their grades, upgrading campaigns (the
year, the deadline, the load cap of the "3+1" teams) and their pools of county-level leaders and organization
cadres. Writes check what mechanisms.grading.services leaves to the database (the grades' codes and levels unique, the
deadline inside the year) and then call it; reads go through ``restrict``.
"""
import datetime

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from kernel.core.changelog import record_change
from kernel.core.models import ChangeRecord
from kernel.core.services import refuse, require_in_scope
from kernel.orgs.models import Organization
from kernel.people.models import Person, Post

from . import services
from .models import GradeScheme, PoolMember, PoolRole, SupportTeam, Upgrading

LEVEL_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def level_problems(levels) -> list[str]:
    """What is wrong with a scheme's grades, given as (code, name, level, lagging)."""
    levels = list(levels)
    problems = []
    if len(levels) < 2:
        problems.append(_("A grade scheme needs at least two grades."))
    codes = [code for code, *_rest in levels]
    if any(not code or not set(code) <= LEVEL_CODE_CHARS or len(code) > 32 for code in codes):
        problems.append(_("A grade's code is lowercase letters, digits, - and _ (at most 32)."))
    if any(not str(name).strip() for _code, name, *_rest in levels):
        problems.append(_("Every grade needs a name."))
    if len(set(codes)) != len(codes):
        problems.append(_("Two grades have the same code."))
    numbers = [level for _code, _name, level, _lagging in levels]
    if len(set(numbers)) != len(numbers):
        problems.append(_("Two grades have the same level."))
    if any(not isinstance(n, int) or not 1 <= n <= 99 for n in numbers):
        problems.append(_("A grade's level is a whole number from 1 to 99 (higher is better)."))
    if not any(lagging for *_rest, lagging in levels):
        problems.append(_("A grade scheme needs a lagging grade."))
    return problems


@transaction.atomic
def scheme_setup(*, user, owner: Organization, name: str, levels) -> GradeScheme:
    """A grade scheme with its grades (先进 / 较好 / 一般 / 后进 by default), checked first."""
    require_in_scope(user, owner.path, realm="org")
    if not name.strip():
        refuse(_("Name the grade scheme."), field="name")
    levels = [(code.strip(), label.strip(), level, bool(lagging)) for code, label, level, lagging in levels]
    problems = level_problems(levels)
    if problems:
        refuse(problems[0], field="levels")
    return services.scheme_create(user=user, owner=owner, name=name.strip(), levels=levels)


@transaction.atomic
def upgrading_setup(*, user, scheme: GradeScheme, owner: Organization, year: int,
                    deadline: datetime.date | None = None, name: str = "", max_load: int = 3) -> Upgrading:
    """An upgrading campaign of ``year`` run by ``owner`` with ``scheme`` (which must be visible from it)."""
    require_in_scope(user, owner.path, realm="org")
    if not (owner.path.startswith(scheme.owner_path) or scheme.owner_path.startswith(owner.path)):
        refuse(_("This grade scheme belongs to another part of the tree."), field="scheme")
    if not 2000 <= year <= 2100:
        refuse(_("A year from 2000 to 2100."), field="year")
    if deadline is not None and deadline.year not in (year, year + 1):
        refuse(_("The deadline falls in the campaign's year or the next."), field="deadline")
    if not 1 <= max_load <= 50:
        refuse(_("From 1 to 50 organizations per leader or cadre."), field="max_load")
    if Upgrading.objects.filter(owner=owner, year=year, scheme=scheme).exists():
        refuse(_("This organization already runs an upgrading campaign of that year with this scheme."),
               field="year")
    return services.upgrading_create(user=user, scheme=scheme, owner=owner, year=year, deadline=deadline,
                                     name=name.strip(), max_load=max_load)


@transaction.atomic
def pool_member_add(*, user, upgrading: Upgrading, role: str, person: Person) -> PoolMember:
    """Names a county-level leader or an organization cadre for the campaign's "3+1" teams (once per role)."""
    require_in_scope(user, upgrading.owner_path, realm="org")
    if role not in PoolRole.values:
        refuse(_("Unknown role."), field="role")
    if not _candidate_posts(upgrading).filter(person=person).exists():
        refuse(_("%(name)s holds no post in %(organization)s or one level below it: only they can be named to "
                 "the pools.") % {"name": person.name, "organization": upgrading.owner.name}, field="person")
    if PoolMember.objects.filter(upgrading=upgrading, role=role, person=person).exists():
        refuse(_("%(name)s is already in this pool.") % {"name": person.name}, field="person")
    member = services.pool_add(user=user, upgrading=upgrading, role=role, person=person)
    record_change(member, ChangeRecord.Action.CREATE)
    return member


@transaction.atomic
def pool_member_remove(*, user, member: PoolMember) -> None:
    """Takes a person out of a pool; refused while they serve on a team in that role."""
    require_in_scope(user, member.owner_path, realm="org")
    field = "county_leader" if member.role == PoolRole.COUNTY_LEADER else "cadre"
    teams = SupportTeam.objects.filter(upgrading_id=member.upgrading_id, **{field: member.person_id}).count()
    if teams:
        refuse(_("%(name)s still supports %(count)s organizations: change those teams first.")
               % {"name": member.person.name, "count": teams})
    record_change(member, ChangeRecord.Action.DELETE)
    member.delete()


# Reads ---------------------------------------------------------------------------------------------------------


def schemes(user):
    return GradeScheme.objects.restrict(user).select_related("owner").prefetch_related("levels").order_by(
        "owner_path", "name")


def pool(user, upgrading: Upgrading):
    return (PoolMember.objects.restrict(user).filter(upgrading=upgrading).select_related("person")
            .order_by("role", "person__name", "pk"))


def pool_candidates(user, upgrading: Upgrading):
    """People who may be named to the pools: those holding a post in the campaign's own organization or one level
    below it (the county's committee, its departments and township committees), as the user sees them."""
    person_ids = _candidate_posts(upgrading).restrict(user).values("person_id")
    return Person.objects.restrict(user).filter(pk__in=person_ids).order_by("name", "pk")


def _candidate_posts(upgrading: Upgrading):
    """The current posts in the campaign's own organization or one level below it (pool_candidates' rule, which
    pool_member_add applies to every path)."""
    owner = upgrading.owner
    return Post.objects.current().filter(org_path__startswith=owner.path, organization__depth__lte=owner.depth + 1)


def owners(user):
    """Organizations the user may run a campaign or own a scheme for: committees and party committees."""
    return Organization.objects.restrict(user, "change").filter(
        org_type__in=["committee", "party_committee"], status="active").order_by("path")


def pool_loads(upgrading: Upgrading) -> dict:
    """{role: {person_id: teams}}: how many teams each pool member is on in that role."""
    teams = SupportTeam.objects.filter(upgrading=upgrading)
    return {role: dict(teams.values_list(field).annotate(n=Count("pk")).order_by())
            for role, field in ((PoolRole.COUNTY_LEADER, "county_leader_id"), (PoolRole.CADRE, "cadre_id"))}
