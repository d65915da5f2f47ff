"""Hooks by which mechanisms feed the engine without the engine knowing them.

- A data source fills an item from the system's own data: ``@data_source("registers.members")``
  on ``fn(sheets, assessment) -> {sheet_id: {"passed": bool} | {"count": int} | {"points": Decimal}}``.
  A family of sources named by a prefix, ``@data_source("duties.on_time.*")``, is
  ``fn(sheets, assessment, key)`` and answers every name under it (``key`` is the rest of the name).
  An item whose ``source`` names one is counted (engines.standards.counting) and filled by
  ``engines.standards.services.fill_from_sources``.
- A classifier gives each subject its class for ranking within a class:
  ``@classifier("village_type")`` on ``fn(subjects) -> {subject_pk: "class key"}``; an assessment's
  ``class_by`` names one (built in: "domain", "org_type", "parent").
- A scoring right lets a mechanism decide who else may score which subjects of an assessment (a
  cross-inspection team): ``@scoring_right`` on ``fn(user, assessment, rater) -> None | iterable of
  organization paths``. None: the mechanism has no say on this rater group. Paths: the subtrees whose sheets
  the user may score (and read) for it; where a mechanism decides, the rater group's ``scored_by`` roles
  no longer do (an empty answer gives nothing: it fails closed).
"""
from functools import partial

DATA_SOURCES: dict = {}
SOURCE_FAMILIES: dict = {}
CLASSIFIERS: dict = {}
CLASS_LABELS: dict = {}  # classifier name → fn() giving {class key: label}
SCORING_RIGHTS: list = []


def data_source(name: str):
    def register(fn):
        if name.endswith(".*"):
            SOURCE_FAMILIES[name[:-1]] = fn
        else:
            DATA_SOURCES[name] = fn
        return fn
    return register


def source_for(name: str):
    """The function counting the source ``name``: ``fn(sheets, assessment)``; None if nothing registered it."""
    if name in DATA_SOURCES:
        return DATA_SOURCES[name]
    prefixes = [prefix for prefix in SOURCE_FAMILIES if name.startswith(prefix) and len(name) > len(prefix)]
    if not prefixes:
        return None
    prefix = max(prefixes, key=len)
    return partial(SOURCE_FAMILIES[prefix], key=name[len(prefix):])


def classifier(name: str, labels=None):
    """Registers ``fn(subjects) -> {pk: class key}``; ``labels()`` gives each key's label for the pages."""
    def register(fn):
        CLASSIFIERS[name] = fn
        if labels is not None:
            CLASS_LABELS[name] = labels
        return fn
    return register


def class_labels(class_by: str, keys) -> dict:
    """Each ranking class key of an assessment with its label: a domain's or type's name, a parent organization's
    name, or what the mechanism that registered the classifier says; a key without a label stays as it is."""
    from kernel.orgs.models import Domain, Organization, OrgType

    keys = [key for key in keys if key]
    if class_by == "domain":
        labels = dict(Domain.choices)
    elif class_by == "org_type":
        labels = dict(OrgType.choices)
    elif class_by == "parent":
        ids = [int(key) for key in keys if str(key).isdigit()]
        labels = {str(pk): name for pk, name in Organization.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif class_by in CLASS_LABELS:
        labels = dict(CLASS_LABELS[class_by]())
    else:
        labels = {}
    return {key: str(labels.get(key, key)) for key in keys}


def scoring_right(fn):
    SCORING_RIGHTS.append(fn)
    return fn


def granted_paths(user, assessment, rater) -> list[str] | None:
    """The organization paths the mechanisms let ``user`` score in ``assessment`` for ``rater``; None when no
    mechanism decides for this rater group."""
    answers = [answer for right in SCORING_RIGHTS if (answer := right(user, assessment, rater)) is not None]
    if not answers:
        return None
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [path for answer in answers for path in answer if path]
