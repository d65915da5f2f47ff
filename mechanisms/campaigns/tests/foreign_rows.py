"""Township-B rows of the campaigns models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""

from engines.standards.models import Assessment
from kernel.orgs.models import Organization
from mechanisms.campaigns.models import Assignment, Campaign, InspectionTeam


def foreign_rows(pk, foreign, org_fields) -> dict:
    def campaign(county):
        township = county.township_b
        campaign = Campaign.objects.create(pk=pk, name="乙镇党委创建活动", year=2024, owner=township,
                                           owner_path=township.path)
        campaign.assessments.add(Assessment.objects.get(pk=pk))
        return campaign

    def team(county):
        township = county.township_b
        return InspectionTeam.objects.create(pk=pk, campaign_id=pk, number=1, township=township,
                                             owner_path=township.path)

    def assignment(county):
        org = Organization.objects.get(pk=pk)
        return Assignment.objects.create(pk=pk, team_id=pk, campaign_id=pk, organization=org,
                                         org_path=org.path)


    return {Campaign: campaign, InspectionTeam: team, Assignment: assignment}


# A decision's documents are one route per kind (naming.pdf, removal.pdf): the walk fills the kind with an id, which
# names no document; tests/test_documents.py downloads both in and out of scope.
STATE_BOUND_READS = {"api/campaigns/decisions/<int:decision_id>/<kind>.pdf": "the kind is not an id"}
