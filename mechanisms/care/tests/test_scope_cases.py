"""The five scope cases (tests.kit.scoped_view_tests) of a member's care page and the care API's writes."""
from tests.kit import scoped_view_tests

test_person_care_page = scoped_view_tests(
    url=lambda county: f"/care/people/{county.people['zhangsan'].pk}/",
    organization=lambda county: county.township_a,
    write={"method": "post", "url": lambda county: f"/api/care/people/{county.people['zhangsan'].pk}/hardships",
           "data": {"reason": "illness"}})

test_care_members_list = scoped_view_tests(
    url="/care/", organization=lambda county: county.village_a2, role="branch_secretary",
    hidden="李四")
