"""Township-B rows of the standards models at the scope walk's FOREIGN_PK (tests/test_scope_walk.py),
in creation order."""
import datetime

from engines.standards.definition import build_rows, canonical, version_fields
from engines.standards.models import Assessment, Sheet, Standard, StandardVersion, Target, TitleAward, TitleDecision
from engines.standards.testing import standard_document
from kernel.orgs.models import Organization


def foreign_rows(pk, foreign, org_fields) -> dict:
    def standard(county):
        """A standard owned by township B, its current version at pk too."""
        township = county.township_b
        document = canonical(standard_document(code="foreign-standard", name="乙镇党委考核标准"))
        standard = Standard.objects.create(pk=pk, code=document["code"], name=document["name"], owner=township,
                                           owner_path=township.path, subject_kind="organization", period_kind="year")
        version = StandardVersion.objects.create(pk=pk, standard=standard, number=1, document=document,
                                                 **version_fields(document))
        build_rows(version, document)
        standard.current_version = version
        standard.save(update_fields=["current_version"])
        return standard

    def assessment(county):
        township = county.township_b
        return Assessment.objects.create(
            pk=pk, version_id=pk, name="乙镇党委年度考核", owner=township, owner_path=township.path,
            period_kind="year", period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31),
            period_label="2024")

    def sheet(county):
        org = Organization.objects.get(pk=pk)
        return Sheet.objects.create(pk=pk, assessment_id=pk, organization=org, org_path=org.path,
                                    parent=org.parent, class_key=org.domain, total=88, tier="qualified", tier_level=1,
                                    rank_parent=1, rank_class=1, rank_all=1)

    def title(county):
        org = Organization.objects.get(pk=pk)
        return TitleAward.objects.create(
            pk=pk, standard_id=pk, tier_code="qualified", tier_level=1, title="测试标准（达标）",
            organization=org, org_path=org.path, sheet_id=pk, period_label="2024",
            granted_on=datetime.date(2025, 1, 10), granted_by="乙镇党委")

    def target(county):
        township = county.township_b
        return Target.objects.create(pk=pk, standard_id=pk, organization=township,
                                     org_path=township.path, tier_code="qualified", year=2024, share="0.9")

    def decision(county):
        township = county.township_b
        return TitleDecision.objects.create(pk=pk, owner=township, owner_path=township.path,
                                            decided_on=datetime.date(2025, 1, 10), issuer="乙镇党委")


    return {Standard: standard, Assessment: assessment, Sheet: sheet, TitleAward: title, Target: target, TitleDecision: decision}


# The removal decision of a title exists once the title is removed; the walk's title is held (its certificate and
# the other reads answer 200). mechanisms/campaigns/tests/test_documents.py shows it in and out of scope.
STATE_BOUND_READS = {"api/standards/titles/<int:title_id>/removal": "only a removed title has a removal decision"}
