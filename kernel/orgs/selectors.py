"""Reads of the organization tree that are more than a filter."""
import datetime
from collections import Counter

from django.db.models import Q

from kernel.core import clock
from kernel.core.text import is_latin_query, simplified
from kernel.people.choices import Classification, Education, Gender, MemberStatus, Occupation
from kernel.people.selectors import AGE_BANDS

from . import stats
from .models import Domain, Organization, OrgType


def _by(counts: Counter, dimension: str, codes) -> dict[str, int]:
    return {code: counts.get((dimension, code), 0) for code in codes}


def org_summary(org: Organization, today: datetime.date | None = None) -> dict:
    """The subtree's organizations and members counted by the registries' codes, from the stored statistics.

    The caller has checked the scope. Statistics never built for this subtree (data loaded around the
    services, before a refresh) are counted live instead.
    """
    counts = stats.stored_counts(org)
    if counts is None:
        counts = stats.live_counts(org)
    years = Counter({value: n for (dimension, value), n in counts.items() if dimension == "birth_year"})
    by_type = _by(counts, "org_type", OrgType.values)
    by_status = _by(counts, "status", MemberStatus.values)
    return {
        "code": org.code,
        "name": org.name,
        "organizations": {
            "total": sum(by_type.values()),
            "by_type": by_type,
            "by_domain": _by(counts, "domain", Domain.values),
            "branches_by_domain": _by(counts, "branch_domain", Domain.values),
        },
        "members": {
            "total": by_status[MemberStatus.ACTIVE],
            "by_status": by_status,
            "by_classification": _by(counts, "classification", Classification.values),
            "by_occupation": _by(counts, "occupation", Occupation.values),
            "by_gender": _by(counts, "gender", Gender.values),
            "by_age_band": stats.age_band_counts(years, today or clock.today(), AGE_BANDS),
            "by_education": _by(counts, "education", Education.values),
        },
    }


def search_filter(q: str) -> Q:
    """By code, by name (simplified or traditional characters) or by the name's pinyin initials."""
    q = q.strip()
    condition = Q(code__istartswith=q)
    if is_latin_query(q):
        return condition | Q(name_initials__startswith=q.lower())
    return condition | Q(name_search__contains=simplified(q))
