from datetime import date

import pytest

from lindungi.registry.nik import nik_for, nik_warnings, parse_nik

REGENCIES = {"3201", "3501", "9101", "9301"}
PROVINCES = {"32", "35", "91", "93"}


def parse(nik):
    return parse_nik(nik, known_regency_codes=REGENCIES, known_province_codes=PROVINCES)


def test_valid_male_nik():
    info, errors = parse("3201012104950001")
    assert errors == []
    assert (info.sex, info.day, info.month, info.year2) == ("M", 21, 4, 95)


def test_women_have_forty_added_to_the_day():
    info, errors = parse("3201016104950001")
    assert errors == [] and info.sex == "F" and info.day == 21


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_day_outside_both_ranges_is_rejected(day):
    _, errors = parse(f"320101{day}04950001")
    assert errors and "01–31" in errors[-1]


@pytest.mark.parametrize("nik, fragment", [
    ("320101210495000", "16 digits (got 15)"),
    ("32010121049500011", "16 digits (got 17)"),
    ("32010121O4950001", "digits only"),
    ("3201 0121 0495 0001", "digits only"),
    ("", "required"),
])
def test_length_and_characters(nik, fragment):
    _, errors = parse(nik)
    assert any(fragment in e for e in errors), errors


def test_unknown_province_and_regency():
    _, errors = parse("9901012104950001")
    assert "unknown province code 99" in errors[0]
    _, errors = parse("3299012104950001")
    assert "unknown regency/city code 32.99" in errors[0]


def test_retired_code_still_valid_for_nik():
    # 91.01 (Merauke before the 2022 Papua split) is kept as a once-valid code.
    _, errors = parse("9101012104950001")
    assert errors == []


def test_invalid_month_and_impossible_date():
    _, errors = parse("3201012113950001")
    assert "month 13" in errors[0]
    _, errors = parse("3201013102950001")
    assert "does not exist" in errors[0]
    _, errors = parse("3201012902960001")  # 29 Feb accepted: the year is ambiguous
    assert errors == []


def test_sequence_zero_rejected():
    _, errors = parse("3201012104950000")
    assert "0000" in errors[0]


def test_mismatched_birth_date_and_sex_are_warnings_only():
    info, errors = parse("3201012104950001")
    assert errors == []
    warnings = nik_warnings(info, sex="F", birth_date=date(1995, 4, 22))
    assert [w["code"] for w in warnings] == ["sex_mismatch", "birth_date_mismatch"]
    assert "sex" in warnings[0]["en"] and "date of birth" in warnings[1]["en"]
    assert warnings[0]["id"] != warnings[0]["en"]  # kept in both languages
    assert nik_warnings(info, sex="M", birth_date=date(1995, 4, 21)) == []


def test_nik_for_round_trips():
    nik = nik_for(regency_code="3501", district="07", birth_date=date(2001, 12, 3), sex="F", sequence=12)
    info, errors = parse(nik)
    assert errors == [] and info.sex == "F" and (info.day, info.month, info.year2) == (3, 12, 1)


# --- masking and identifiers in addresses ----------------------------------------------------------

def test_mask_keeps_regency_code_and_last_four():
    from lindungi.registry.nik import mask

    assert mask("3201016104950001") == "3201••••••••0001"
    assert mask("12345") == "•••••"


@pytest.mark.parametrize("params, found", [
    ({"q": "siti aminah"}, []),
    ({"q": "3201016104950001"}, ["q"]),
    ({"q": "C1234567"}, ["q"]),
    ({"nik": "32"}, ["nik"]),
    ({"passport": "C1234567", "nik": "", "sex": "F"}, ["passport"]),
    ({"q": " ", "nik": " "}, []),
])
def test_identifier_filters_in(params, found):
    from lindungi.registry.nik import identifier_filters_in

    assert identifier_filters_in(params) == found


def test_birth_date_of_picks_the_century_that_makes_an_adult_likely():
    from lindungi.registry.nik import birth_date_of

    today = date(2026, 12, 4)
    assert birth_date_of(parse("3201015708960007")[0], today=today) == date(1996, 8, 17)
    assert birth_date_of(parse("3201012104050001")[0], today=today) == date(2005, 4, 21)
    assert birth_date_of(parse("3201012104150001")[0], today=today) == date(1915, 4, 21)  # not aged 11
    assert birth_date_of(parse("3201016902010001")[0], today=today) is None  # 29 Feb 2001 never was
