"""A good cadre is marked on the person's page, for those who may see the person."""
import pytest
from django.urls import reverse

from mechanisms.selection.models import PoolEntry, Selection

pytestmark = pytest.mark.django_db


def test_a_good_cadre_is_marked_on_the_person_page(county, users, client):
    person = county.people["zhangsan"]
    selection = Selection.objects.create(name="县委好干部评选", year=2025, owner=county.county,
                                         owner_path=county.county.path, status="done")
    PoolEntry.objects.create(selection=selection, person=person, org_path=person.org_path, year=2025)
    other = county.people["lisi"]

    client.force_login(users["county"])
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert 'id="person-marks"' in page
    assert reverse("selection:person", args=[person.pk]) in page
    assert "2025" in page.split('id="person-marks"')[1].split("</div>")[0]
    assert 'id="person-marks"' not in client.get(reverse("people:person_detail", args=[other.pk])).content.decode()
