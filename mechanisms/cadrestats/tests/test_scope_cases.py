"""The five scope cases (tests.kit.scoped_view_tests) of the cadre structure's list of people."""
from tests.kit import scoped_view_tests

test_structure_of_a_township = scoped_view_tests(
    url=lambda county: f"/api/cadrestats/structure?under={county.township_a.pk}",
    organization=lambda county: county.township_a)
