"""Materialized paths: each level is a fixed-width run of digits.

Digits sort the same under every collation, so a subtree is one half-open
range ``lo <= path < hi`` that a plain b-tree index answers on SQLite and
PostgreSQL alike, with no recursive walk.
"""
from django.db.models import Q

SEGMENT_WIDTH = 5
SEGMENT_MAX = 10**SEGMENT_WIDTH - 2  # keeps the range's upper bound inside the width


def segment(number: int) -> str:
    if not 1 <= number <= SEGMENT_MAX:
        raise ValueError(f"tree segment out of range: {number}")
    return str(number).zfill(SEGMENT_WIDTH)


def subtree_bounds(path: str) -> tuple[str, str]:
    """The half-open range of every path in the subtree rooted at ``path``."""
    head, last = path[:-SEGMENT_WIDTH], int(path[-SEGMENT_WIDTH:])
    return path, head + str(last + 1).zfill(SEGMENT_WIDTH)


def ancestor_paths(path: str) -> list[str]:
    """The paths of ``path`` and all its ancestors, root first."""
    return [path[: end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


def depth_of(path: str) -> int:
    return len(path) // SEGMENT_WIDTH


def minimal_roots(paths) -> list[str]:
    """Drops every path that lies inside another one's subtree."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def subtree_q(field: str, paths) -> Q:
    """A filter matching rows whose ``field`` lies in any of the subtrees. Empty input matches nothing."""
    condition = Q(pk__in=[])
    for root in minimal_roots(paths):
        lo, hi = subtree_bounds(root)
        condition |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return condition


def in_subtree(path: str, roots) -> bool:
    return any(path.startswith(root) for root in roots)
