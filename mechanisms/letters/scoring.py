"""How a letter scores at the year-end check, the same for the check's preview and for the standards engine's data
sources (``sources.py``): its targets' completion (each the share of its figure reached, at most all of it),
weighted, on ``TARGET_POINTS`` in half points; and whether it was signed by its day."""
from decimal import ROUND_FLOOR, Decimal

TARGET_POINTS = Decimal("90")
SIGNED_POINTS = Decimal("10")
PASS_TOTAL, EXCELLENT_TOTAL = Decimal("60"), Decimal("90")


def completion(targets) -> Decimal:
    """The weighted completion of the targets (0..1); a target without its figure reached counts as 0."""
    weights = sum((t.weight for t in targets), Decimal("0"))
    if weights <= 0:
        return Decimal("0")
    done = sum((t.weight * (t.completion or Decimal("0")) for t in targets), Decimal("0"))
    return done / weights


def target_points(targets) -> Decimal:
    return (TARGET_POINTS * completion(targets) * 2).to_integral_value(rounding=ROUND_FLOOR) / 2


def signed_on_time(letter) -> bool:
    return letter.signed_on is not None and letter.signed_on <= letter.due_on


def expected(letter, targets) -> tuple[Decimal, str]:
    """(total, tier code) the check's standard gives, as shipped."""
    total = target_points(targets) + (SIGNED_POINTS if signed_on_time(letter) else Decimal("0"))
    if total >= EXCELLENT_TOTAL and signed_on_time(letter):
        return total, "excellent"
    return total, "passed" if total >= PASS_TOTAL else "failed"


def plain(value) -> str:
    """A figure as people write it: 100, 12.5 (never 1E+2)."""
    return "" if value is None else format(Decimal(value).normalize(), "f")
