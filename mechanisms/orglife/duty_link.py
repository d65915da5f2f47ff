"""How this app's records discharge duties: a meeting counts for the rule whose topic is its kind, a training
participation for the training rules of the person, through the duties engine's submissions.

A record is submitted only where its subject owes an obligation of the rule for that date (a general branch
holding a meeting no rule asks of it is still recorded, it just discharges nothing).
"""
from django.contrib.contenttypes.models import ContentType

from engines.duties import services as duties
from engines.duties.models import DutyKind, DutyRule, Submission
from kernel.core.tree import ancestor_paths

from .models import Meeting, MeetingKind, Participant


def _rules(kind: str, topic: str | None, path: str):
    """Active rules of ``kind`` (and ``topic``) set by an organization at or above ``path``."""
    rules = DutyRule.objects.filter(active=True, current_version__kind=kind,
                                    owner_path__in=ancestor_paths(path))
    if topic is not None:
        rules = rules.filter(current_version__topic=topic)
    return list(rules.order_by("pk"))


def _applying(rules, subject, day) -> list:
    """The rules whose version in force applies to ``subject`` (the engine generates a missing obligation)."""
    return [rule for rule in rules if rule.current_version is not None
            and duties.subjects_for(rule.current_version, on=day).filter(pk=subject.pk).exists()]


def submissions_of(record) -> list[Submission]:
    content_type = ContentType.objects.get_for_model(record)
    return list(Submission.objects.filter(record_type=content_type, record_id=record.pk)
                .select_related("rule", "obligation"))


def meeting_title(meeting: Meeting) -> str:
    return f"{MeetingKind(meeting.kind).label}：{meeting.topic}"


def meeting_submit(*, user, meeting: Meeting) -> list[Submission]:
    rules = _applying(_rules(DutyKind.MEETING, meeting.kind, meeting.org_path), meeting.organization, meeting.date)
    return [duties.submit(user=user, rule=rule, subject=meeting.organization, occurred_on=meeting.date,
                          title=meeting_title(meeting), record=meeting) for rule in rules]


def meeting_changed(*, user, meeting: Meeting, kind_changed: bool) -> None:
    """After an edit: a new kind is another duty (withdraw, submit again); a new date moves the submission."""
    existing = submissions_of(meeting)
    if kind_changed or not existing:
        for submission in existing:
            duties.submission_withdraw(user=user, submission=submission)
        meeting_submit(user=user, meeting=meeting)
    else:
        duties.record_changed(record=meeting, title=meeting_title(meeting))


def record_withdraw(*, user, record) -> None:
    for submission in submissions_of(record):
        duties.submission_withdraw(user=user, submission=submission)


def participation_sync(*, user, participant: Participant, previous_days: int | None) -> None:
    """Days attended count as units of the person's training duties for the class's last day."""
    training_class = participant.training_class
    existing = submissions_of(participant)
    if existing and participant.attended_days:
        if previous_days != participant.attended_days:
            duties.record_changed(record=participant, occurred_on=training_class.end_on,
                                  units=participant.attended_days)
        return
    for submission in existing:
        duties.submission_withdraw(user=user, submission=submission)
    if not participant.attended_days:
        return
    person = participant.person
    for rule in _applying(_rules(DutyKind.TRAINING, None, person.org_path), person, training_class.end_on):
        duties.submit(user=user, rule=rule, subject=person, occurred_on=training_class.end_on,
                      title=training_class.title, units=participant.attended_days, record=participant)
