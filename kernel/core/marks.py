"""Marks other apps put on a person's page (a good cadre of 2025, a first secretary in post, ...), and the links
to their pages about the person (the standing's history).

The people app knows nothing of the mechanisms; each registers a source here and the person's page shows what
every source returns for the person, as seen by the user.
"""
from dataclasses import dataclass

SOURCES: list = []


@dataclass(frozen=True)
class Mark:
    label: str
    url: str = ""
    detail: str = ""
    style: str = "info"  # a Bootstrap colour: info, success, warning, danger, secondary


def mark_source(fn):
    """Registers ``fn(user, person) -> iterable of Mark``; use as a decorator in an AppConfig.ready()."""
    if fn not in SOURCES:
        SOURCES.append(fn)
    return fn


def collect(user, person) -> list[Mark]:
    return [mark for source in SOURCES for mark in source(user, person)]


LINK_SOURCES: list = []


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str = ""


def link_source(fn):
    """Registers ``fn(user, person) -> iterable of Link``: buttons on the membership card of the person page."""
    if fn not in LINK_SOURCES:
        LINK_SOURCES.append(fn)
    return fn


def links(user, person) -> list[Link]:
    return [link for source in LINK_SOURCES for link in source(user, person)]
