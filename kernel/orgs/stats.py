"""The counts behind an organization's summary (``GET /api/orgs/{code}/summary``).

A province root covers 200,000 organizations and 4,000,000 members: a GROUP BY over them takes seconds.
So every organization keeps, per dimension and value, what it counts itself (``OrgStat.direct``: itself
if active, the members it keeps) and with everything below it (``OrgStat.subtree``). A summary is then
one indexed read of the root's rows (about 150), whatever the size of the subtree.

The rows are kept three ways:
- ``refresh(root)`` rebuilds a subtree set-based: one INSERT … SELECT … GROUP BY per dimension for the
  direct counts, then one upsert per tree level, deepest first, adding each level's subtree counts into
  its parents; the root's ancestors get the difference. people.counters.recount calls it; so must any
  bulk loader that writes around the services.
- every service write (kernel.core.changelog's ``change_recorded``) re-counts the direct rows of the
  organizations it touched and adds the difference to them and their ancestors: a few small queries.
- a move takes the moved organization's subtree rows from its old ancestors and adds them to the new.

Members are counted by birth year, not by age band, so that the rows do not go stale as people age;
the summary turns years into bands by the age reached this year, as the annual party statistics count.
"""
import datetime
from collections import Counter

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Value, When
from django.db.models.functions import Cast, ExtractYear

from kernel.core.tree import SEGMENT_WIDTH, ancestor_paths, subtree_bounds

from .models import Organization, OrgStat, OrgStatus, OrgType

ORG_DIMENSIONS = ("org_type", "domain", "branch_domain")
MEMBER_DIMENSIONS = ("status", "classification", "occupation", "gender", "education", "birth_year")
MAX_DEPTH = 255 // SEGMENT_WIDTH  # the deepest path Organization.path can hold
ACTIVE = "active"  # people.choices.MemberStatus.ACTIVE; orgs does not import people at load time


def _member_model():
    return apps.get_model("people", "Member")


def org_keys(org_type: str, domain: str, status: str) -> list[tuple[str, str]]:
    """What one organization counts for itself."""
    if status != OrgStatus.ACTIVE:
        return []
    keys = [("org_type", org_type)]
    if domain:
        keys.append(("domain", domain))
        if org_type == OrgType.BRANCH:
            keys.append(("branch_domain", domain))
    return keys


def member_keys(status, holds_post, no_post_class, occupation, gender, education, birth_date):
    """What one membership counts for: its status always; the rest only while in good standing."""
    keys = [("status", status)]
    if status != ACTIVE:
        return keys
    classification = "office" if holds_post else no_post_class
    for dimension, value in (("classification", classification), ("occupation", occupation),
                             ("gender", gender), ("education", education)):
        if value:
            keys.append((dimension, value))
    if birth_date:
        keys.append(("birth_year", str(birth_date.year)))
    return keys


MEMBER_FIELDS = ("status", "holds_post", "no_post_class", "person__occupation", "person__gender",
                 "person__education", "person__birth_date")


def direct_counts(org: Organization) -> Counter:
    counts = Counter(org_keys(org.org_type, org.domain, org.status))
    for row in _member_model().objects.filter(person__organization_id=org.pk).values_list(*MEMBER_FIELDS):
        counts.update(member_keys(*row))
    return counts


def live_counts(org: Organization) -> Counter:
    """The subtree's counts straight from the registries (slow on a large subtree; the reference for tests)."""
    lo, hi = subtree_bounds(org.path)
    counts = Counter()
    for row in Organization.objects.filter(path__gte=lo, path__lt=hi).values_list("org_type", "domain", "status"):
        counts.update(org_keys(*row))
    members = _member_model().objects.filter(org_path__gte=lo, org_path__lt=hi)
    for row in members.values_list(*MEMBER_FIELDS).iterator(chunk_size=5000):
        counts.update(member_keys(*row))
    return counts


def stored_counts(org: Organization) -> Counter | None:
    """The subtree's counts as stored; None if they were never built for it."""
    rows = OrgStat.objects.filter(organization_id=org.pk).values_list("dimension", "value", "subtree")
    counts = Counter({(dimension, value): n for dimension, value, n in rows if n})
    return counts if counts or not org.is_active else None


# --- incremental upkeep -------------------------------------------------------------------------------------------

def _chain_ids(path: str) -> list[int]:
    return list(Organization.objects.filter(path__in=ancestor_paths(path)).values_list("id", flat=True))


def _add(chain: list[int], subtree_delta: Counter, *, direct_org: int | None = None,
         direct_delta: Counter | None = None) -> None:
    """Adds ``subtree_delta`` to every organization of ``chain`` and ``direct_delta`` to ``direct_org``."""
    subtree_delta = Counter({k: v for k, v in subtree_delta.items() if v})
    direct_delta = Counter({k: v for k, v in (direct_delta or {}).items() if v})
    if not subtree_delta and not direct_delta or not chain:
        return
    keys = set(subtree_delta) | set(direct_delta)
    OrgStat.objects.bulk_create(
        [OrgStat(organization_id=org_id, dimension=d, value=v) for org_id in chain for d, v in sorted(keys)],
        ignore_conflicts=True)
    rows = (OrgStat.objects.select_for_update()
            .filter(organization_id__in=chain, dimension__in={d for d, _v in keys})
            .order_by("organization_id", "dimension", "value"))
    changed, emptied = [], []
    for row in rows:
        key = (row.dimension, row.value)
        if key not in keys:
            continue
        row.subtree += subtree_delta.get(key, 0)
        if row.organization_id == direct_org:
            row.direct += direct_delta.get(key, 0)
        (emptied if row.subtree == 0 and row.direct == 0 else changed).append(row)
    OrgStat.objects.bulk_update(changed, ["direct", "subtree"], batch_size=1000)
    OrgStat.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def touch(org_ids) -> None:
    """Re-counts the direct rows of these organizations and carries the difference up their chains."""
    for org in Organization.objects.filter(pk__in=set(org_ids)).only("id", "path", "org_type", "domain", "status"):
        stored = Counter(dict(((d, v), n) for d, v, n in OrgStat.objects.filter(organization_id=org.pk)
                              .values_list("dimension", "value", "direct")))
        fresh = direct_counts(org)
        delta = Counter({key: fresh.get(key, 0) - stored.get(key, 0) for key in set(fresh) | set(stored)})
        _add(_chain_ids(org.path), delta, direct_org=org.pk, direct_delta=delta)


def shift(org: Organization, old_parent_id: int, new_parent_id: int) -> None:
    """Moves the subtree counts of ``org`` from its old ancestors to its new ones."""
    moved = Counter(dict(((d, v), n) for d, v, n in OrgStat.objects.filter(organization_id=org.pk)
                         .values_list("dimension", "value", "subtree")))
    paths = dict(Organization.objects.filter(pk__in=[old_parent_id, new_parent_id]).values_list("id", "path"))
    _add(_chain_ids(paths[old_parent_id]), Counter({k: -n for k, n in moved.items()}))
    _add(_chain_ids(paths[new_parent_id]), moved)


def on_change(sender, obj, action, before, **kwargs) -> None:
    """Keeps the counts in step with each recorded change (connected in OrgsConfig.ready)."""
    model = obj._meta.label
    if model == "orgs.Organization":
        if action == "move":
            shift(obj, before["parent"], obj.parent_id)
        else:
            touch([obj.pk, obj.merged_into_id] if obj.merged_into_id else [obj.pk])
    elif model == "people.Person":
        if _member_model().objects.filter(person_id=obj.pk).exists():
            touch({obj.organization_id, (before or {}).get("organization") or obj.organization_id})
    elif model in ("people.Member", "people.Post"):
        person = apps.get_model("people", "Person").objects.filter(pk=obj.person_id).values_list(
            "organization_id", flat=True).first()
        if person is not None and (model == "people.Member" or _member_model().objects.filter(
                person_id=obj.person_id).exists()):
            touch([person])


# --- set-based rebuild --------------------------------------------------------------------------------------------

def _member_value(dimension: str):
    if dimension == "classification":
        return Case(When(holds_post=True, then=Value("office")), default=F("no_post_class"), output_field=CharField())
    if dimension == "birth_year":
        return Cast(ExtractYear("person__birth_date"), CharField())
    if dimension == "status":
        return F("status")
    return F(f"person__{dimension}")


def _direct_querysets(lo: str, hi: str):
    """(dimension, queryset of o, v, n): each dimension's direct counts as one GROUP BY."""
    orgs = Organization.objects.filter(path__gte=lo, path__lt=hi, status=OrgStatus.ACTIVE)
    yield "org_type", orgs.annotate(o=F("id"), v=F("org_type"))
    yield "domain", orgs.exclude(domain="").annotate(o=F("id"), v=F("domain"))
    yield "branch_domain", orgs.exclude(domain="").filter(org_type=OrgType.BRANCH).annotate(o=F("id"), v=F("domain"))
    members = _member_model().objects.filter(org_path__gte=lo, org_path__lt=hi)
    for dimension in MEMBER_DIMENSIONS:
        chosen = members if dimension == "status" else members.filter(status=ACTIVE)
        if dimension == "birth_year":
            chosen = chosen.filter(person__birth_date__isnull=False)
        chosen = chosen.annotate(o=F("person__organization_id"), v=_member_value(dimension))
        yield dimension, chosen.exclude(v="")


def _grouped_sql(queryset):
    return queryset.values("o", "v").annotate(n=Count("pk")).values_list("o", "v", "n").order_by().query \
        .sql_with_params()


@transaction.atomic
def refresh(root: Organization | None = None) -> int:
    """Rebuilds the rows of ``root``'s subtree (the whole forest without one); returns the rows written."""
    table = connection.ops.quote_name(OrgStat._meta.db_table)
    orgs_table = connection.ops.quote_name(Organization._meta.db_table)
    if root is None:
        lo, hi, top_depth, before = "", "~", 0, Counter()
        OrgStat.objects.all()._raw_delete(OrgStat.objects.db)
    else:
        root = Organization.objects.get(pk=root.pk)
        lo, hi = subtree_bounds(root.path)
        top_depth = root.depth
        before = Counter(dict(((d, v), n) for d, v, n in OrgStat.objects.filter(organization_id=root.pk)
                              .values_list("dimension", "value", "subtree")))
        OrgStat.objects.filter(organization__path__gte=lo, organization__path__lt=hi).delete()
    with connection.cursor() as cursor:
        for dimension, queryset in _direct_querysets(lo, hi):
            sql, params = _grouped_sql(queryset)
            cursor.execute(
                f"INSERT INTO {table} (organization_id, dimension, value, direct, subtree) "
                f"SELECT q.o, %s, q.v, q.n, q.n FROM ({sql}) q", (dimension, *params))
        deepest = Organization.objects.filter(path__gte=lo, path__lt=hi).order_by("-depth").values_list(
            "depth", flat=True).first() or 0
        for depth in range(deepest, top_depth, -1):
            cursor.execute(
                f"INSERT INTO {table} (organization_id, dimension, value, direct, subtree) "
                f"SELECT c.parent_id, s.dimension, s.value, 0, SUM(s.subtree) "
                f"FROM {table} s JOIN {orgs_table} c ON c.id = s.organization_id "
                f"WHERE c.depth = %s AND c.path >= %s AND c.path < %s AND c.parent_id IS NOT NULL "
                f"GROUP BY c.parent_id, s.dimension, s.value "
                f"ON CONFLICT (organization_id, dimension, value) "
                f"DO UPDATE SET subtree = {table}.subtree + excluded.subtree", (depth, lo, hi))
    if root is not None and root.parent_id is not None:
        after = Counter(dict(((d, v), n) for d, v, n in OrgStat.objects.filter(organization_id=root.pk)
                             .values_list("dimension", "value", "subtree")))
        after.subtract(before)
        _add(_chain_ids(root.path[:-SEGMENT_WIDTH]), after)
    return OrgStat.objects.filter(organization__path__gte=lo, organization__path__lt=hi).count()


def add_counts(source_sql: str, params=()) -> None:
    """Adds counts to the stored rows set-based: ``source_sql`` yields (org, dimension, value, n) rows, the
    change of what ``org`` counts directly; ``org`` and every ancestor get it in their subtree counts.

    A bulk loader that knows exactly what it added and removed (dataio's member import) calls this instead of
    ``refresh``, whose cost grows with the subtree rather than with the change. A few statements whatever
    the number of rows, on both databases.
    """
    table = connection.ops.quote_name(OrgStat._meta.db_table)
    orgs_table = connection.ops.quote_name(Organization._meta.db_table)
    levels = ", ".join(f"({n})" for n in range(1, MAX_DEPTH + 1))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS stat_change")
        cursor.execute(f"""
            CREATE TEMP TABLE stat_change AS
            SELECT a.id AS org, c.dimension, c.value, SUM(CASE WHEN a.id = c.org THEN c.n ELSE 0 END) AS direct,
                   SUM(c.n) AS subtree
            FROM (SELECT d.org, d.dimension, d.value, SUM(d.n) AS n, o.path
                  FROM ({source_sql}) d JOIN {orgs_table} o ON o.id = d.org
                  GROUP BY d.org, d.dimension, d.value, o.path HAVING SUM(d.n) <> 0) c
            JOIN (VALUES {levels}) g (level) ON g.level * {SEGMENT_WIDTH} <= LENGTH(c.path)
            JOIN {orgs_table} a ON a.path = SUBSTR(c.path, 1, g.level * {SEGMENT_WIDTH})
            GROUP BY a.id, c.dimension, c.value""", params)
        cursor.execute(f"""
            INSERT INTO {table} (organization_id, dimension, value, direct, subtree)
            SELECT org, dimension, value, direct, subtree FROM stat_change WHERE true
            ON CONFLICT (organization_id, dimension, value)
            DO UPDATE SET direct = {table}.direct + excluded.direct, subtree = {table}.subtree + excluded.subtree""")
        cursor.execute(f"""
            DELETE FROM {table} WHERE direct = 0 AND subtree = 0 AND EXISTS (
                SELECT 1 FROM stat_change c WHERE c.org = {table}.organization_id
                AND c.dimension = {table}.dimension AND c.value = {table}.value)""")
        cursor.execute("DROP TABLE stat_change")


# --- the summary --------------------------------------------------------------------------------------------------

def age_band_counts(years: Counter, today: datetime.date, bands) -> dict[str, int]:
    """Members per age band from members per birth year, by the age reached in ``today``'s year."""
    result = {code: 0 for code, _youngest, _oldest in bands}
    for year, n in years.items():
        age = today.year - int(year)
        for code, youngest, oldest in bands:
            if (youngest is None or age >= youngest) and (oldest is None or age <= oldest):
                result[code] += n
                break
    return result
