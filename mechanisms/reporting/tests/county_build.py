"""Seed 000's county for the year scenarios: 15 township committees (the first six with 12 village branches,
the others 11: 171 branches), built through the organization services."""
from kernel.orgs.services import org_create


def build_county(code: str = "QS"):
    """(county, townships, villages): ``villages`` is a list of (township index, branch) in creation order."""
    county = org_create(user=None, parent=None, code=code, name="青石县委", org_type="committee")
    townships, villages = [], []
    for t in range(15):
        township = org_create(user=None, parent=county, code=f"{code}T{t:02d}", name=f"第{t + 1}镇党委",
                              org_type="party_committee", domain="rural")
        townships.append(township)
        for n in range(12 if t < 6 else 11):
            villages.append((t, org_create(user=None, parent=township, code=f"{code}T{t:02d}V{n:02d}",
                                           name=f"第{t + 1}镇{n + 1}村党支部", org_type="branch", domain="rural")))
    assert len(villages) == 171
    return county, townships, villages
