"""A first secretary in post is marked on the person's page; a recalled one is not."""
import datetime

import pytest
from django.urls import reverse

from mechanisms.firstsec.services import dispatch_create, dispatch_recall

pytestmark = pytest.mark.django_db


def test_a_first_secretary_in_post_is_marked_on_the_person_page(county, users, client, installed, make_secretary,
                                                                today):
    person = make_secretary("赵驻村")
    dispatch = dispatch_create(user=users["county"], person=person, village=county.village_a1, village_class="poor",
                               started_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2027, 2, 28),
                               sending_unit="县农业农村局")
    client.force_login(users["county"])
    url = reverse("people:person_detail", args=[person.pk])
    marks = client.get(url).content.decode().split('id="person-marks"')[1].split("</div>")[0]
    assert county.village_a1.name in marks
    assert reverse("firstsec:dispatch", args=[dispatch.pk]) in marks

    dispatch_recall(user=users["county"], dispatch=dispatch, on=datetime.date(2025, 6, 1), reason="工作调整")
    assert 'id="person-marks"' not in client.get(url).content.decode()
