"""Chinese resident identity numbers (GB 11643-1999): 17 digits and a check character."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import clock

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Chinese input methods often type full-width digits, X and spaces.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ　", "0123456789Xx ")
_FORMAT = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def normalize(number: str) -> str:
    return (number or "").translate(_FULL_WIDTH).strip().upper().replace(" ", "")


def parse(number: str) -> tuple[datetime.date, str]:
    """Returns (birth date, gender 'male'/'female') or raises ValidationError with a user-facing reason."""
    number = normalize(number)
    if not _FORMAT.fullmatch(number):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a digit or X."), code="id_format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside the ID number is not a real date."), code="id_birth") from None
    if birth.year < 1900 or birth > clock.today():
        raise ValidationError(_("The birth date inside the ID number is out of range."), code="id_birth")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check digit is wrong: check for a mistyped digit."), code="id_check")
    return birth, ("male" if int(number[16]) % 2 else "female")


def make(region: str, birth: datetime.date, sequence: int, gender: str) -> str:
    """Builds a valid number; ``sequence`` (0..499) picks the order code, whose parity follows gender."""
    order = sequence * 2 + (1 if gender == "male" else 0)
    order = order % 1000 if order % 1000 else (2 if gender == "female" else 1)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + check_char(first17)


def mask_id(number: str) -> str:
    if not number:
        return ""
    if len(number) < 12:  # not a real ID number: keeping eight characters would show most of it
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """``138****1234`` for a mobile number; a shorter number keeps only its last four, if that hides four."""
    if not number:
        return ""
    if len(number) >= 11:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) >= 8:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)
