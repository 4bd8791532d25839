"""Readiness checklist: which documents a placement holds and whether each is usable on a given day.

Pure: no database access. ``checklist_status`` accepts model rows or ``ItemFacts`` alike (anything
with ``kind``, ``issued_on``, ``valid_until`` and ``voided_on``), so guards and tests can call it with
plain data and an explicit ``on=`` date instead of mocking the clock.

Each document expires on its own schedule (domain.md §1.3), which is why these are dated rows
rather than states:

- medical fitness certificate: valid 3 months from the examination, void if the worker is pregnant
  (Perpres 64/2011 Pasal 14);
- passport: valid until its expiry date, and must stay valid beyond the end of the contract;
- the others carry whatever validity the issuer printed (``valid_until``), or none.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindungi.common.dates import add_months

EXPIRING_SOON_DAYS = 30
MEDICAL_VALIDITY_MONTHS = 3


class ChecklistKind(models.TextChoices):
    PLACEMENT_AGREEMENT = "placement_agreement", _("Placement agreement (Perjanjian Penempatan)")
    MEDICAL_FITNESS = "medical_fitness", _("Medical fitness certificate")
    COMPETENCY_CERTIFICATE = "competency_certificate", _("Competency certificate")
    PASSPORT = "passport", _("Passport")
    BPJS_MEMBERSHIP = "bpjs_membership", _("BPJS Ketenagakerjaan membership (JKK + JKM)")
    WORK_VISA = "work_visa", _("Work visa")
    EMPLOYMENT_CONTRACT = "employment_contract", _("Employment contract (PK), verified")
    OPP_ATTENDANCE = "opp_attendance", _("Pre-departure orientation (OPP) attended")
    EPMI_CARD = "epmi_card", _("E-PMI card")


ALL_KINDS: tuple[str, ...] = tuple(ChecklistKind.values)

# Plain-language names in both languages, used inside guard messages (data, not UI strings).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "placement_agreement": ("Perjanjian Penempatan", "placement agreement (Perjanjian Penempatan)"),
    "medical_fitness": ("surat keterangan sehat (medical)", "medical fitness certificate"),
    "competency_certificate": ("sertifikat kompetensi", "competency certificate"),
    "passport": ("paspor", "passport"),
    "bpjs_membership": ("kepesertaan BPJS Ketenagakerjaan (JKK dan JKM)",
                        "BPJS Ketenagakerjaan membership (JKK and JKM)"),
    "work_visa": ("visa kerja", "work visa"),
    "employment_contract": ("Perjanjian Kerja (PK) yang sudah diverifikasi", "verified employment contract (PK)"),
    "opp_attendance": ("kehadiran Orientasi Pra Pemberangkatan (OPP)",
                       "attendance at the pre-departure orientation (OPP)"),
    "epmi_card": ("kartu E-PMI", "E-PMI card"),
}


class ItemState(models.TextChoices):
    OK = "ok", _("Valid")
    EXPIRING_SOON = "expiring_soon", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("Missing")
    EXPIRES_BEFORE_CONTRACT_END = "expires_before_contract_end", _("Expires before the contract ends")


USABLE = frozenset({ItemState.OK, ItemState.EXPIRING_SOON})


@dataclass(frozen=True)
class ItemFacts:
    kind: str
    issued_on: date
    valid_until: date | None = None
    voided_on: date | None = None
    reference_number: str = ""


@dataclass(frozen=True)
class KindStatus:
    kind: str
    status: str
    issued_on: date | None = None
    valid_until: date | None = None
    reference_number: str = ""
    days_left: int | None = None
    voided_on: date | None = None

    @property
    def usable(self) -> bool:
        return self.status in USABLE


def default_valid_until(kind: str, issued_on: date, *, passport_expiry: date | None = None) -> date | None:
    """The validity a new item gets when the officer does not type one.

    Medical fitness: 3 months from the examination (a certificate dated 10 January is usable up to
    and including 9 April). Passport: the registry's expiry date. Others: none.
    """
    if kind == ChecklistKind.MEDICAL_FITNESS:
        return add_months(issued_on, MEDICAL_VALIDITY_MONTHS) - timedelta(days=1)
    if kind == ChecklistKind.PASSPORT:
        return passport_expiry
    return None


def _voided(item, on: date) -> bool:
    voided_on = getattr(item, "voided_on", None)
    return voided_on is not None and voided_on <= on


def item_status(item, *, on: date, contract_end: date | None = None) -> KindStatus:
    valid_until = item.valid_until
    common = {"kind": item.kind, "issued_on": item.issued_on, "valid_until": valid_until,
              "reference_number": getattr(item, "reference_number", "") or ""}
    if valid_until is None:
        return KindStatus(status=ItemState.OK, **common)
    days_left = (valid_until - on).days
    if days_left < 0:
        return KindStatus(status=ItemState.EXPIRED, days_left=days_left, **common)
    if item.kind == ChecklistKind.PASSPORT and contract_end is not None and valid_until <= contract_end:
        return KindStatus(status=ItemState.EXPIRES_BEFORE_CONTRACT_END, days_left=days_left, **common)
    if days_left <= EXPIRING_SOON_DAYS:
        return KindStatus(status=ItemState.EXPIRING_SOON, days_left=days_left, **common)
    return KindStatus(status=ItemState.OK, days_left=days_left, **common)


def checklist_status(
    items: Iterable, *, on: date, contract_end: date | None = None, kinds: Iterable[str] = ALL_KINDS,
) -> dict[str, KindStatus]:
    """Per kind: ``ok`` / ``expiring_soon`` (within 30 days) / ``expired`` / ``missing`` (or, for a
    passport, ``expires_before_contract_end``), with the dates of the item that counts.

    The item that counts is the most recently issued one that was issued by ``on`` and not voided
    by ``on``. A kind whose only items were voided is ``missing`` with ``voided_on`` set.
    """
    by_kind: dict[str, list] = {}
    voided: dict[str, date] = {}
    for item in items:
        if item.issued_on > on:
            continue
        if _voided(item, on):
            voided[item.kind] = max(voided.get(item.kind, item.voided_on), item.voided_on)
            continue
        by_kind.setdefault(item.kind, []).append(item)
    result: dict[str, KindStatus] = {}
    for kind in kinds:
        candidates = by_kind.get(kind)
        if not candidates:
            result[kind] = KindStatus(kind=kind, status=ItemState.MISSING, voided_on=voided.get(kind))
            continue
        best = max(candidates, key=lambda i: (i.issued_on, i.valid_until or date.max, getattr(i, "pk", 0) or 0))
        result[kind] = item_status(best, on=on, contract_end=contract_end)
    return result


def problems(status: Mapping[str, KindStatus]) -> dict[str, KindStatus]:
    """Only the kinds that are not plainly valid (for reminders and the detail page)."""
    return {k: s for k, s in status.items() if s.status != ItemState.OK}
