"""Which candidates a round lets through: pure functions, no database.

- ``top``: the ``keep`` best scores go through; candidates tied with the last one who goes through all go
  through too (nobody is dropped for a tie), so a round may pass more than ``keep``.
- ``threshold``: a score of at least ``threshold``.
- ``vote``: votes for must exceed the share ``threshold`` of the votes cast (0.5, the default: a majority);
  with ``keep`` set, only the ``keep`` best shares of those go through (ties again all go through).
- ``notice``: everybody goes through (objections are decided one by one, see services).
A missing score counts as 0; a candidate with no votes cast fails a vote.
"""
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MAJORITY = Decimal("0.5")

# Reason codes of an elimination; services turn them into sentences.
BELOW_TOP = "below_top"
BELOW_THRESHOLD = "below_threshold"
VOTE_FAILED = "vote_failed"
NO_VOTES = "no_votes"


@dataclass(frozen=True)
class Row:
    key: int
    score: Decimal | None = None
    votes_for: int | None = None
    votes_cast: int | None = None


def _best(rows: list[Row], keep: int, measure) -> set[int]:
    """Keys of the ``keep`` best rows by ``measure``, ties at the cut included."""
    if keep <= 0:
        return set()
    ordered = sorted(rows, key=measure, reverse=True)
    if len(ordered) <= keep:
        return {row.key for row in ordered}
    cut = measure(ordered[keep - 1])
    return {row.key for row in ordered if measure(row) >= cut}


def _score(row: Row):
    return row.score if row.score is not None else Decimal(0)


def _share(row: Row) -> Fraction:
    return Fraction(row.votes_for or 0, row.votes_cast) if row.votes_cast else Fraction(0)


def narrow(rows, *, method: str, keep: int | None = None, threshold=None) -> dict[int, str]:
    """{key: "" (goes through) or a reason code (eliminated)} for every row."""
    rows = list(rows)
    if method == "top":
        through = _best(rows, keep if keep is not None else len(rows), _score)
        return {row.key: "" if row.key in through else BELOW_TOP for row in rows}
    if method == "threshold":
        floor = Decimal(str(threshold or 0))
        return {row.key: "" if _score(row) >= floor else BELOW_THRESHOLD for row in rows}
    if method == "vote":
        share = Fraction(str(threshold if threshold is not None else MAJORITY))
        outcome = {}
        for row in rows:
            if not row.votes_cast:
                outcome[row.key] = NO_VOTES
            else:
                outcome[row.key] = "" if _share(row) > share else VOTE_FAILED
        if keep is not None:
            winners = [row for row in rows if outcome[row.key] == ""]
            through = _best(winners, keep, _share)
            outcome.update({row.key: BELOW_TOP for row in winners if row.key not in through})
        return outcome
    if method == "notice":
        return {row.key: "" for row in rows}
    raise ValueError(f"unknown method {method!r}")
