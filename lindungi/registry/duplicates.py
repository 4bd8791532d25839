"""Explainable duplicate detection.

Candidates are found with indexed queries (exact NIK/passport, NIKs one typo away, same sound key
of the name, same or nearby date of birth) and then scored in Python. Every point of the score
comes with a reason an officer can read.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from lindungi.common.text import name_key, name_tokens, phonetic

REVIEW_THRESHOLD = 60
DOB_WINDOW_DAYS = 31
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Profile:
    """What matching needs to know about a person, stored or proposed."""

    id: int | None
    nik: str
    full_name: str
    sex: str
    birth_date: date
    regency_id: int | None
    province_id: int | None
    passports: tuple[str, ...] = ()


@dataclass
class Match:
    other_id: int
    score: int
    reasons: list[dict] = field(default_factory=list)

    def add(self, code: str, points: int, text: str) -> None:
        self.score += points
        self.reasons.append({"code": code, "points": points, "text": text})


def nik_typo_variants(nik: str) -> list[str]:
    """NIKs one substituted digit or one swap of neighbours away (the usual keying errors)."""
    if len(nik) != 16 or not nik.isdigit():
        return []
    out = set()
    for i, ch in enumerate(nik):
        for d in "0123456789":
            if d != ch:
                out.add(nik[:i] + d + nik[i + 1 :])
    for i in range(15):
        if nik[i] != nik[i + 1]:
            out.add(nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :])
    return sorted(out)


def _swapped(day: date) -> date | None:
    try:
        return date(day.year, day.day, day.month) if day.day <= 12 and day.day != day.month else None
    except ValueError:
        return None


def candidate_filter(profile: Profile) -> Q:
    window = timedelta(days=DOB_WINDOW_DAYS)
    tokens = [t for t in name_tokens(profile.full_name) if len(t) > 1]
    key = name_key(profile.full_name)
    q = Q(nik=profile.nik) | Q(nik__in=nik_typo_variants(profile.nik))
    if profile.passports:
        q |= Q(passports__number__in=profile.passports)
    if key:
        q |= Q(name_key=key)
    q |= Q(birth_date=profile.birth_date)
    swapped = _swapped(profile.birth_date)
    if swapped:
        q |= Q(birth_date=swapped)
    near = Q(birth_date__range=(profile.birth_date - window, profile.birth_date + window))
    if profile.regency_id:
        q |= near & Q(regency_id=profile.regency_id)
    if tokens:
        q |= near & Q(name_tokens__token__in=tokens)
    return q


def score(profile: Profile, other: Profile) -> Match:
    match = Match(other_id=other.id, score=0)
    if profile.nik == other.nik:
        match.add("nik_exact", 100, _("Same NIK"))
    elif profile.nik in nik_typo_variants(other.nik):
        match.add("nik_typo", 30, _("NIK differs by one digit or two swapped digits"))
    shared_passports = set(profile.passports) & set(other.passports)
    if shared_passports:
        match.add("passport_exact", 95, _("Same passport number %(n)s") % {"n": ", ".join(sorted(shared_passports))})

    a_tokens, b_tokens = name_tokens(profile.full_name), name_tokens(other.full_name)
    a_key, b_key = name_key(profile.full_name), name_key(other.full_name)
    if a_key and a_key == b_key:
        match.add("name_same", 40, _("Same name after normalising spelling, spacing and titles"))
    elif a_tokens and b_tokens:
        a_sound = " ".join(phonetic(t) for t in a_tokens)
        b_sound = " ".join(phonetic(t) for t in b_tokens)
        similarity = max(fuzz.token_sort_ratio(a_sound, b_sound), fuzz.ratio(a_key, b_key))
        shorter, longer = sorted((a_tokens, b_tokens), key=len)
        if similarity >= 85:
            match.add("name_similar", 30, _("Similar name (%(pct)d%% alike)") % {"pct": similarity})
        elif len(shorter) == 1 and phonetic(shorter[0]) in {phonetic(t) for t in longer}:
            match.add("name_single", 20, _("Single name matches part of the other name"))
        elif fuzz.token_set_ratio(a_sound, b_sound) >= 90:
            match.add("name_subset", 20, _("One name contains the other"))

    days = abs((profile.birth_date - other.birth_date).days)
    if days == 0:
        match.add("dob_same", 25, _("Same date of birth"))
    elif _swapped(profile.birth_date) == other.birth_date:
        match.add("dob_swapped", 15, _("Date of birth with day and month swapped"))
    elif days <= DOB_WINDOW_DAYS:
        match.add("dob_near", 10, _("Date of birth %(d)d days apart") % {"d": days})

    if profile.regency_id and profile.regency_id == other.regency_id:
        match.add("regency_same", 10, _("Same regency/city of origin"))
    elif profile.province_id and profile.province_id == other.province_id:
        match.add("province_same", 5, _("Same province of origin"))
    if profile.sex != other.sex:
        match.add("sex_differs", -20, _("Different sex"))
    # 100 is kept for an identical NIK or passport; anything else tops out at 99.
    exact = any(r["code"] in ("nik_exact", "passport_exact") for r in match.reasons)
    match.score = max(0, min(match.score, 100 if exact else 99))
    return match
