"""Cross-inspection (交叉检查) as a scoring right of the standards engine.

In a campaign whose villages are shared among inspection teams, the campaign's inspectors' rater group is
scored, besides those responsible for a village, by the members of the team the village was given to: the
person an account belongs to (accounts.Profile) scores the villages of their team, never one of their own
township's. Moving a village to another team moves the right with it. A campaign without assignments leaves
the rater group to the engine's ``scored_by`` roles.
"""
from engines.standards.sources import scoring_right
from kernel.core.scope import scope_for
from kernel.core.tree import SEGMENT_WIDTH
from kernel.people.models import Person

from .models import Assignment, Campaign


@scoring_right
def inspection_team_villages(user, assessment, rater):
    campaigns = list(Campaign.objects.filter(assessments=assessment, inspector_rater=rater.code,
                                             assignments__isnull=False).distinct().values_list("pk", "owner_path"))
    if not campaigns:
        return None
    person_id = scope_for(user).self_person_id
    if person_id is None:
        return []
    home = Person.objects.filter(pk=person_id).values_list("org_path", flat=True).first() or ""
    owners = dict(campaigns)
    rows = Assignment.objects.filter(campaign_id__in=owners, team__members=person_id).values_list(
        "campaign_id", "org_path", "team__township__path")
    paths = []
    for campaign_id, path, team_township in rows:
        width = len(owners[campaign_id]) + SEGMENT_WIDTH
        if path[:width] not in (team_township, home[:width]):
            paths.append(path)
    return paths
