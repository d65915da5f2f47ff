"""Hooks by which mechanisms feed the engine without the engine knowing them.

- A data source fills an item from the system's own data: ``@data_source("registers.members")``
  on ``fn(sheets, assessment) -> {sheet_id: {"passed": bool} | {"count": int} | {"points": Decimal}}``.
  An item whose ``source`` names it can be filled by ``standards.services.fill_from_sources``.
- A classifier gives each subject its class for ranking within a class:
  ``@classifier("village_type")`` on ``fn(subjects) -> {subject_pk: "class key"}``; an assessment's
  ``class_by`` names one (built in: "domain", "org_type", "parent").
"""
DATA_SOURCES: dict = {}
CLASSIFIERS: dict = {}


def data_source(name: str):
    def register(fn):
        DATA_SOURCES[name] = fn
        return fn
    return register


def classifier(name: str):
    def register(fn):
        CLASSIFIERS[name] = fn
        return fn
    return register
