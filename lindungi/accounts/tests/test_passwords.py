import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lindungi.accounts.roles import Role


@pytest.mark.parametrize("password", [
    "jabar123",            # the example: short, and a word plus a number
    "jawabarat2024",       # long enough, but a word plus a number
    "Lindungi-2025",
    "password123456",      # common
    "12345678901234",      # numeric
    "Petugas.Jabar.01",    # like the username
    "bp3mitestjawabarat!", # like the unit's name
])
def test_weak_passwords_are_refused(make_user, unit_jabar, password):
    user = make_user(Role.UNIT_OFFICER, username="petugas.jabar", unit=unit_jabar)
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_like_the_company_is_refused(p3mi_user):
    name = p3mi_user.agency.legal_name.split()[1] if len(p3mi_user.agency.legal_name.split()) > 1 else \
        p3mi_user.agency.legal_name
    with pytest.raises(ValidationError, match="unit or company"):
        validate_password(f"{name}!!Rahasia", p3mi_user)


@pytest.mark.parametrize("password", ["kuda laut biru senja", "T7#qv9-Lm2x!", "mangga-kopi-hujan-7"])
def test_strong_passwords_pass(make_user, unit_jabar, password):
    user = make_user(Role.UNIT_OFFICER, username="petugas.jabar", unit=unit_jabar)
    validate_password(password, user)
