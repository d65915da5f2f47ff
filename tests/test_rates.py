"""One rounding of rates everywhere (core/rates.py): 148 of 171 villages is 86.5% on the campaign page, the
per-township page, the cockpit, the bulletin (page, workbook, PDF) and the API — never 86.6% (0.8655 → 86.6,
rounded twice)."""
import datetime
import io
from decimal import Decimal
from inspect import signature

import pytest
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from engines.standards import services as engine
from engines.standards.tests.test_pages import pdf_text
from kernel.core import rates
from mechanisms.campaigns.library import install_standards
from mechanisms.campaigns.models import StageKind
from mechanisms.campaigns.services import campaign_create, stage_close, stage_open
from mechanisms.campaigns.tests.test_seed000_scenario import VILLAGES_BELOW, VILLAGES_VETOED, inspect, seed_county  # noqa: F401
from tests.kit import make_user


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (148, 171, "86.5"), (14, 15, "93.3"), (2, 3, "66.7"), (1, 8, "12.5"), (1, 16, "6.3"), (0, 5, "0.0"),
    (5, 5, "100.0"), (Decimal("1.5"), 2, "75.0"), (1, 2000, "0.1"), (1, 2001, "0.0")])
def test_rate_is_rounded_once_half_up(part, whole, expected):
    assert rates.rate(part, whole) == Decimal(expected)
    assert str(rates.rate(part, whole)) == expected


def test_nothing_to_divide_reads_as_a_dash():
    assert rates.rate(3, 0) is None and rates.percent(None) == "—" and rates.percent_of(1, 0) == "—"
    assert rates.share_rate("0.9") == Decimal("90.0") and rates.share_rate(None) is None


def test_the_template_filters_use_the_same_rounding():
    text = Template("{% load rates %}{{ r|percent }} {{ part|percent_of:whole }} {{ s|share_percent }} {{ n|percent }}"
                    ).render(Context({"r": rates.rate(148, 171), "part": 148, "whole": 171, "s": Decimal("0.9"),
                                      "n": None}))
    assert text == "86.5% 86.5% 90.0% —"


def _close(**kwargs):
    """Closes a stage whatever its gaps (campaigns may ask to confirm closing over sheets left undeclared)."""
    if "confirm" in signature(stage_close).parameters:
        kwargs["confirm"] = True
    stage_close(**kwargs)


@pytest.fixture
def county_2002(seed_county):  # noqa: F811
    county, townships, villages = seed_county
    user = make_user("county_2002", "county_admin", county)
    shipped = install_standards(user=user, owner=county)
    engine.target_set(user=user, standard=shipped["five-good-village"].standard, organization=county,
                      tier_code="qualified", year=2002, share=Decimal("0.9"))
    campaign = campaign_create(user=user, owner=county, name="2002年“三级联创”", year=2002,
                               versions=[shipped["five-good-village"]])
    stage_open(user=user, campaign=campaign, kind=StageKind.DECLARATION)
    _close(user=user, campaign=campaign, kind=StageKind.DECLARATION)
    stage_open(user=user, campaign=campaign, kind=StageKind.EVALUATION)
    assessment = campaign.assessments.get(version__standard__code="five-good-village")
    below = {v.pk for v in villages[::8][:VILLAGES_BELOW]}
    vetoed = {v.pk for v in villages[5::50][:VILLAGES_VETOED]} - below
    inspect(user, assessment, below=below, vetoed=vetoed)
    _close(user=user, campaign=campaign, kind=StageKind.EVALUATION)
    return user, campaign, assessment, shipped["five-good-village"].standard


def _xlsx_cells(response) -> list:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]


def test_148_of_171_reads_86_5_percent_everywhere(county_2002, client):
    user, campaign, assessment, standard = county_2002
    client.force_login(user)
    pages = {
        "campaign": reverse("campaigns:detail", args=[campaign.pk]),
        "townships": reverse("campaigns:townships", args=[campaign.pk, assessment.pk]),
        "cockpit": reverse("standards:cockpit"),
        "bulletin": reverse("standards:bulletin", args=[assessment.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "86.5%" in page and "86.6" not in page, name

    cells = _xlsx_cells(client.get(reverse("standards:bulletin_xlsx", args=[assessment.pk])))
    assert "86.5%" in cells and "86.6%" not in cells

    text = pdf_text(client.get(reverse("standards:bulletin_pdf", args=[assessment.pk])).content)
    assert "86.5%" in text and "86.6" not in text

    progress = client.get(f"/api/standards/{standard.pk}/progress", {"year": 2002}).json()
    qualified = next(row for row in progress if row["tier"] == "qualified")
    assert (qualified["reached"], qualified["subjects"], qualified["percent"]) == (148, 171, 86.5)
    assert f"{Decimal(str(qualified['rate'])) * 100:.1f}" == "86.5"


# --- the duties board, selection's funnel, the elections' progress: from the counts, rounded once -----------------

def test_the_duties_board_reads_the_rate_of_its_counts():
    """148 done of 171 due is 86.5% on the board (and its workbook), not 86.6% from the stored share 0.8655."""
    from engines.duties import selectors as duty_selectors
    from engines.duties.views import board_row

    counts = dict.fromkeys(duty_selectors.STATES, 0) | {"done": 148, "late": 23}
    row = duty_selectors.with_rates({**counts, "total": 171})
    assert row["on_time_percent"] == rates.rate(148, 171) == Decimal("86.5")
    assert board_row({**row, "org": None})["rate"] == rates.rate(148, 171)
    assert str(board_row({**row, "org": None})["rate"]) == "86.5"


@pytest.mark.django_db
def test_selections_funnel_reads_the_rate_of_its_counts(client, county, users):
    from kernel.people.services import person_create
    from mechanisms.selection import services as selection_services
    from mechanisms.selection.models import Nominee, Round
    from mechanisms.selection.testing import CHANNELS, cadre_name

    selection = selection_services.selection_create(user=users["county"], owner=county.county, name="好干部评选",
                                                    year=2025, rounds=[{"code": "vote", "name": "民主推荐",
                                                                        "method": "vote"}])
    for i in range(7):
        person = person_create(user=None, organization=county.village_a1, name=cadre_name(i), gender="male")
        selection_services.nomination_add(user=users["county"], selection=selection, person=person,
                                          channel=CHANNELS[i % 4], nominator="县直单位")
    selection_services.rounds_start(user=users["county"], selection=selection)
    Round.objects.filter(selection=selection).update(status="closed", entered=7, passed=1, eliminated=6)
    assert Nominee.objects.filter(selection=selection).count() == 7
    expected = rates.rate(6, 7)  # 85.7
    client.force_login(users["county"])
    page = client.get(reverse("selection:detail", args=[selection.pk])).content.decode()
    assert f'<div class="fs-3" id="overall-rate">{expected}%</div>' in page
    body = client.get(f"/api/selection/selections/{selection.pk}").json()
    assert Decimal(body["elimination_percent"]) == expected
    assert Decimal(body["rounds"][0]["elimination_percent"]) == expected
    assert body["elimination_rate"] == pytest.approx(6 / 7)  # the share is kept for old clients


@pytest.mark.django_db
def test_the_elections_progress_bar_reads_the_rate_of_its_counts(client, county, users):
    """1 village of 3 done is 33.3% on the bar and in the API, not a whole 33% rounded on its own."""
    from kernel.orgs.services import org_create
    from mechanisms.elections.models import Election, Stage
    from mechanisms.elections.tests.helpers import term

    org_create(user=None, parent=county.township_a, code="A3", name="张家村党支部", org_type="branch", domain="rural")
    tc = term(county)
    Election.objects.create(term_change=tc, organization=county.village_a1, org_path=county.village_a1.path,
                            opened_on=datetime.date(2026, 8, 10), stage=Stage.DONE)
    expected = rates.rate(1, 3)
    client.force_login(users["county"])
    page = client.get(reverse("elections:index")).content.decode()
    assert f'style="width: {expected}%">{expected}%</div>' in page
    row = next(r for r in client.get(f"/api/elections/terms/{tc.pk}/progress").json()
               if r["township"]["id"] == county.township_a.pk)
    assert (row["done"], row["total"], Decimal(row["done_percent"]), row["percent"]) == (1, 3, expected, 33)
