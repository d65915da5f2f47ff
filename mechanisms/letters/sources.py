"""What the standards engine counts from the letters, as data sources of its items.

- ``letters.targets``: the points of the subject's letter of the assessment's year from the organization running
  the assessment, for its targets' weighted completion (scoring.target_points).
- ``letters.signed_on_time``: whether that letter was signed by its day.
- ``letters.accepted``: for any other standard of the year (五个好, 六个好…): passed unless a letter of the subject
  for that year failed its check. An item with this source in a standard whose top tier says ``all_pass`` keeps a
  subject that failed its letter out of that tier (seed 000: 验收不合格的一律不得进入优秀档).
"""
from collections import defaultdict

from engines.standards.sources import data_source

from . import scoring
from .models import Letter, LetterTarget


def _letters(sheets, assessment) -> dict:
    """{sheet id: letter} of the organizations' letters of the year from the assessment's owner."""
    subjects = dict(sheets.exclude(organization_id=None).values_list("organization_id", "pk"))
    letters = Letter.objects.filter(organization_id__in=subjects, year=assessment.period_end.year,
                                    issuer_id=assessment.owner_id, withdrawn_on__isnull=True)
    return {subjects[letter.organization_id]: letter for letter in letters}


@data_source("letters.targets")
def targets(sheets, assessment):
    letters = _letters(sheets, assessment)
    by_letter = defaultdict(list)
    for target in LetterTarget.objects.filter(letter__in=[letter.pk for letter in letters.values()]):
        by_letter[target.letter_id].append(target)
    return {sheet_id: {"points": scoring.target_points(by_letter[letter.pk])} for sheet_id, letter in letters.items()}


@data_source("letters.signed_on_time")
def signed_on_time(sheets, assessment):
    return {sheet_id: {"passed": scoring.signed_on_time(letter)}
            for sheet_id, letter in _letters(sheets, assessment).items()}


@data_source("letters.accepted")
def accepted(sheets, assessment):
    subjects = dict(sheets.exclude(organization_id=None).values_list("organization_id", "pk"))
    failed = set(Letter.objects.filter(organization_id__in=subjects, year=assessment.period_end.year,
                                       withdrawn_on__isnull=True, accepted=False)
                 .values_list("organization_id", flat=True))
    return {sheet_id: {"passed": org_id not in failed} for org_id, sheet_id in subjects.items()}
