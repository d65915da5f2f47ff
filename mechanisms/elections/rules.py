"""The counting rules of the member assembly, apart from any storage so that they read (and test) plainly."""


def quorum_met(*, votes_cast: int, eligible: int, numerator: int = 1, denominator: int = 2) -> bool:
    """The assembly is valid when the votes cast are *more than* numerator/denominator of the eligible members.

    The default, 1/2, means more than half of the eligible members voted; a term change may set another
    fraction (e.g. 4/5).
    """
    return eligible > 0 and votes_cast * denominator > eligible * numerator


def majority(*, votes: int, votes_cast: int) -> bool:
    """A candidate is elected with more than half of the votes cast (not of the eligible members)."""
    return votes_cast > 0 and votes * 2 > votes_cast


def single_seat_winner(counts: dict, votes_cast: int):
    """The key with the most votes if it has a majority of the votes cast and no one ties it; else None."""
    if not counts:
        return None
    best = max(counts.values())
    leaders = [key for key, votes in counts.items() if votes == best]
    if len(leaders) != 1 or not majority(votes=best, votes_cast=votes_cast):
        return None
    return leaders[0]
