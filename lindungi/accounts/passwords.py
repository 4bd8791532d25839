"""Password rules beyond Django's own (minimum length, common passwords, likeness to the username):
a password must not look like the account's unit or company, nor follow the "word plus number"
pattern of default passwords handed out by hand (``jabar123``, ``bp3mi2024``, ``Lindungi-2025``)."""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# letters (optionally with a separator) followed by nothing but digits and punctuation
DEFAULT_PATTERN = re.compile(r"^[^\W\d_]+[\W_]*\d+[\W_]*$")
_WORD = re.compile(r"[a-z0-9]{4,}")


def _words(*texts: str) -> set[str]:
    return {word for text in texts for word in _WORD.findall((text or "").lower())}


class DefaultPatternValidator:
    def validate(self, password, user=None):
        if DEFAULT_PATTERN.match(password or ""):
            raise ValidationError(_("The password is a word followed by a number, like default passwords; "
                                    "use several unrelated words or a random password."),
                                  code="password_default_pattern")

    def get_help_text(self):
        return _("Not a word followed by a number (like jabar123).")


class NotLikeUnitOrCompanyValidator:
    """Refuses a password that contains, or closely resembles, a word of the account's unit or company
    (name or code), e.g. ``jawabarat!`` for BP3MI Jawa Barat."""

    def validate(self, password, user=None):
        if user is None:
            return
        unit, agency = getattr(user, "unit", None), getattr(user, "agency", None)
        words = _words(*(getattr(unit, name, "") for name in ("name", "code")),
                       *(getattr(agency, name, "") for name in ("legal_name", "sip3mi_number")))
        folded = re.sub(r"[^a-z0-9]", "", (password or "").lower())
        for word in words:
            if word in folded or SequenceMatcher(a=folded, b=word).ratio() >= 0.7:
                raise ValidationError(_("The password is too similar to the name of your unit or company."),
                                      code="password_like_unit")

    def get_help_text(self):
        return _("Not like the name of your unit or company.")
