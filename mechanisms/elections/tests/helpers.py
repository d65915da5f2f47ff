import datetime

from mechanisms.elections import services
from mechanisms.elections.models import Review

HELD = datetime.date(2026, 9, 20)


def term(county, user=None, deadlines=None, quorum=(1, 2)):
    deadlines = deadlines or {county.township_a: datetime.date(2026, 10, 31),
                              county.township_b: datetime.date(2026, 11, 30)}
    return services.term_change_create(user=user, owner=county.county, name="2026年村党组织换届", year=2026,
                                       started_on=datetime.date(2026, 8, 1), deadlines=deadlines, quorum=quorum)


def run_election(term_change, village, secretary, *, others=(), votes_cast=30, eligible=40, secretary_votes=25,
                 user=None, finish=True):
    """An election taken through recommendation and review to the recorded vote (and finished)."""
    election = services.election_open(user=user, term_change=term_change, organization=village,
                                      today=datetime.date(2026, 8, 10))
    main = services.candidate_add(user=user, election=election, person=secretary, title="secretary",
                                  masses_count=120, members_count=30, organization_count=1)
    extra = [services.candidate_add(user=user, election=election, person=person, title=title, members_count=10)
             for person, title in others]
    services.recommendation_finish(user=user, election=election, today=datetime.date(2026, 8, 20))
    for candidate in [main, *extra]:
        services.candidate_review(user=user, candidate=candidate, passed=True)
    services.review_finish(user=user, election=election, today=datetime.date(2026, 9, 1))
    votes = {main.pk: secretary_votes, **{c.pk: votes_cast - 1 for c in extra}}
    services.votes_record(user=user, election=election, held_on=HELD, eligible_voters=eligible,
                          votes_cast=votes_cast, votes=votes)
    if finish:
        services.election_finish(user=user, election=election)
    election.refresh_from_db()
    return election


__all__ = ["Review"]
