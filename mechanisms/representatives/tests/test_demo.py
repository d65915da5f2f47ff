"""The demo generator on the small county: a congress, one studio per township, eight representatives each linked
to a village and ten households, this month's records (one studio idle only in a city-sized demo), proposals and
requests; run twice, it adds nothing."""
from mechanisms.representatives.demo import generate_representatives
from mechanisms.representatives.models import Household, Representative, Studio


def test_demo_on_the_small_county(county, shipped):
    result = generate_representatives(county.county, 1, progress=lambda *a: None)
    studios = Studio.objects.count()
    assert studios == 2 and result["studios"] == 2
    reps = Representative.objects.count()
    assert 1 <= reps <= 16
    assert Household.objects.count() == reps * 10
    assert not Representative.objects.filter(village=None).exists()
    assert generate_representatives(county.county, 1, progress=lambda *a: None) == {"representatives": 0}
