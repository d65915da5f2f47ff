"""Resident ID numbers (GB 11643-1999): check characters, derived birth date and gender, masking."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kernel.core import idcard

TODAY = datetime.date.today()


def error_code(number: str) -> str:
    with pytest.raises(ValidationError) as exc:
        idcard.parse(number)
    return exc.value.code


# Check characters worked out by hand: sum of digit × weight, mod 11, looked up in "10X98765432".
#   1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → "X"
#   4·7+3·9+0·10+5·5+8·8+1·4+1·2+9·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 223; 223 mod 11 = 3 → "9"
@pytest.mark.parametrize("first17, check", [("11010519491231002", "X"), ("43058119800101001", "9")])
def test_check_character_matches_the_standard(first17, check):
    assert idcard.check_char(first17) == check
    idcard.parse(first17 + check)  # valid: does not raise


def test_birth_date_and_gender_come_from_the_number():
    assert idcard.parse("11010519491231002X") == (datetime.date(1949, 12, 31), "female")  # order 002: even
    assert idcard.parse("430581198001010019") == (datetime.date(1980, 1, 1), "male")  # order 001: odd
    assert idcard.parse("430581198001010027") == (datetime.date(1980, 1, 1), "female")


def test_lower_case_x_and_spaces_are_accepted():
    assert idcard.parse(" 110105 19491231 002x ")[0] == datetime.date(1949, 12, 31)


def test_full_width_digits_typed_with_a_chinese_keyboard_are_accepted():
    assert idcard.parse("１１０１０５１９４９１２３１００２Ｘ")[0] == datetime.date(1949, 12, 31)
    assert idcard.normalize("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@pytest.mark.parametrize("number", [
    "", "11010519491231002", "11010519491231002XX", "1101051949123100XX", "A1010519491231002X",
    "110105194912310021X", "11010519491231002Y", "110105-9491231002X",
    "11010519491231002²",  # a digit to str.isdigit() but not a decimal digit
    "110105194912310²2X",
])
def test_wrong_length_or_characters_are_a_format_error(number):
    assert error_code(number) == "id_format"


@pytest.mark.parametrize("first17", [
    "11010519490231002",  # 31 February
    "11010519491331002",  # month 13
    "11010518991231002",  # before 1900
    f"110105{TODAY.year + 1}0101002",  # in the future
])
def test_impossible_birth_dates_are_refused(first17):
    assert error_code(first17 + idcard.check_char(first17)) == "id_birth"


def test_a_mistyped_check_character_is_refused():
    assert error_code("110105194912310021") == "id_check"
    assert error_code("430581198001010018") == "id_check"


def test_the_refusal_tells_the_user_what_is_wrong():
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        idcard.parse("430581198001010018")
    assert "check digit" in exc.value.messages[0]


dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
regions = st.from_regex(r"\A[1-8][0-9]{5}\Z", fullmatch=True)
genders = st.sampled_from(["male", "female"])


@given(region=regions, birth=dates, sequence=st.integers(0, 499), gender=genders)
def test_make_then_parse_round_trips(region, birth, sequence, gender):
    number = idcard.make(region, birth, sequence, gender)
    assert len(number) == 18 and number.startswith(region)
    assert idcard.parse(number) == (birth, gender)


@given(region=regions, birth=dates, sequence=st.integers(0, 499), gender=genders,
       position=st.integers(0, 17), data=st.data())
def test_changing_any_single_character_makes_the_number_invalid(region, birth, sequence, gender, position, data):
    number = idcard.make(region, birth, sequence, gender)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    mutated = number[:position] + replacement + number[position + 1:]
    with pytest.raises(ValidationError):
        idcard.parse(mutated)


@given(st.text(max_size=25))
def test_any_input_is_either_a_number_or_a_validation_error(text):
    try:
        birth, gender = idcard.parse(text)
    except ValidationError as exc:
        assert exc.code in {"id_format", "id_birth", "id_check"}
    else:
        assert datetime.date(1900, 1, 1) <= birth <= TODAY and gender in {"male", "female"}


def test_mask_id_keeps_the_first_and_last_four():
    assert idcard.mask_id("430581198001010019") == "4305**********0019"
    assert idcard.mask_id("11010519491231002X") == "1101**********002X"
    assert idcard.mask_id("") == ""
    assert idcard.mask_id(None) == ""


def test_mask_phone_keeps_the_first_three_and_last_four():
    assert idcard.mask_phone("13800001234") == "138****1234"
    assert idcard.mask_phone("0739-5221234") == "073*****1234"
    assert idcard.mask_phone("") == ""


def test_a_short_phone_number_is_never_shown_whole():
    assert idcard.mask_phone("5221234") == "*******"  # a local landline number
    assert idcard.mask_phone("52212345") == "****2345"
    assert idcard.mask_phone("12345") == "*****"


@given(st.text(alphabet="0123456789X", min_size=12, max_size=18))
def test_a_masked_id_never_reveals_the_middle(number):
    masked = idcard.mask_id(number)
    assert len(masked) == len(number)
    assert masked[4:-4] == "*" * (len(number) - 8)


@pytest.mark.parametrize("mask", [idcard.mask_id, idcard.mask_phone])
@given(number=st.text(alphabet="0123456789-X", min_size=1, max_size=20))
def test_masking_hides_at_least_four_characters_and_keeps_the_length(mask, number):
    masked = mask(number)
    assert len(masked) == len(number)
    assert masked.count("*") >= min(4, len(number))
    assert all(m in ("*", c) for m, c in zip(masked, number))
