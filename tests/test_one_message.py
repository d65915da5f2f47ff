"""One action, one message: base.html shows the messages of the request; a page that extends it and shows them
again shows each message twice."""
import datetime
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from engines.duties import clock
from mechanisms.reporting.library import install_reporting_rules
from mechanisms.reporting.services import finding_add, inspection_create, notice_issue
from tests.kit import county_built_once

county, users = county_built_once()

MESSAGES_LOOP = re.compile(r"\{%\s*(for \w+ in messages|if messages)\s*%\}")


def test_only_the_base_layout_shows_the_messages():
    root = Path(settings.BASE_DIR)
    showing = set()
    for folder in ("templates", "kernel", "engines", "mechanisms", "tools"):
        for path in (root / folder).rglob("*.html"):
            if MESSAGES_LOOP.search(path.read_text(encoding="utf-8")):
                showing.add(str(path.relative_to(root)))
    assert showing == {"templates/base.html"}


def test_a_rectification_sent_says_so_once(client, users, county):
    with clock.today_is(datetime.date(2025, 9, 5)):
        install_reporting_rules(user=None, owner=county.county)
        inspection = inspection_create(user=users["county"], organization=county.county, year=2025, quarter=3,
                                       inspected_on=datetime.date(2025, 9, 1), team="县委组织部检查组")
        finding = finding_add(user=users["county"], inspection=inspection, organization=county.village_a1,
                              category="org_life", text="“三会一课”记录不全")
        notice = notice_issue(user=users["county"], finding=finding, deadline=datetime.date(2025, 9, 30),
                              number="督办〔2025〕8号")
        client.force_login(users["branch_a1"])
        page = client.post(reverse("reporting:notice_action", args=[notice.pk, "rectify"]),
                           {"text": "已补齐记录"}, follow=True)
    assert page.status_code == 200
    with translation.override(settings.LANGUAGE_CODE):
        message = str(translation.gettext("Rectification sent to the issuer."))
    assert page.content.decode().count(message) == 1
