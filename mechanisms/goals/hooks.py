"""The goals letters' outcome, told to democratic evaluation (kernel.people.goals)."""
from kernel.people.goals import MET, NOT_MET, goals_outcome_source

from .models import GoalLetter, Outcome


@goals_outcome_source
def letter_outcomes(member_ids, year) -> dict[int, str]:
    rows = GoalLetter.objects.filter(member_id__in=member_ids, year=year,
                                     outcome__in=[Outcome.MET, Outcome.NOT_MET]).values_list("member_id", "outcome")
    return {member_id: MET if outcome == Outcome.MET else NOT_MET for member_id, outcome in rows}
