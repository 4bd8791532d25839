"""The ledger check, confirmation, escalation and the rules' writes, against the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from lindungi.audit.models import AuditEvent
from lindungi.cases.models import Case
from lindungi.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lindungi.supervision import seed, services
from lindungi.supervision.models import CheckResult, CostEntry, CostRule, OverchargeFlag, SanctionState

pytestmark = pytest.mark.django_db
D = dt.date
DAY = dt.date(2024, 3, 1)


def pay(actor, placement, component, amount, *, currency="IDR", on=DAY, paid_to="p3mi", receipt=None,
        **extra):
    data = {"component": component, "amount": amount, "currency": currency, "paid_on": on.isoformat(),
            "paid_to_kind": paid_to, "paid_to_name": "PT Contoh", "financing": "cash", "source": "verification",
            "placement": str(placement.public_id), **extra}
    return services.cost_entry_record(actor=actor, person_public_id=placement.person.public_id, data=data,
                                      receipt=receipt, via="test")


def test_realistic_hong_kong_ledger_flags_every_component_with_its_exact_excess(admin_user, hk_placement, rates):
    """A housekeeper for Hong Kong in 2025 charged Rp30 million in all, one part in Hong Kong
    dollars: under Kepka 260/2022 every component falls on the employer, so each is over in full."""
    charges = [
        ("placement_fee", "12000000", "IDR", "p3mi"),
        ("training", "6000000", "IDR", "lpk"),
        ("lodging", "5500000", "IDR", "lpk"),
        ("medical_check", "1200000", "IDR", "clinic"),
        ("passport", "650000", "IDR", "broker"),
        ("insurance", "400000", "IDR", "p3mi"),
        ("foreign_agency_fee", "2000", "HKD", "other"),
        ("local_transport", "50000", "IDR", "broker"),
    ]
    entries = [pay(admin_user, hk_placement, c, a, currency=cur, paid_to=to, on=D(2025, 2, 10))
               for c, a, cur, to in charges]
    assert sum(e.amount_idr for e in entries) == Decimal("30000000.00")
    flags = {f.component.code: f for f in OverchargeFlag.objects.select_related("component", "rule")}
    assert set(flags) == {c for c, *_ in charges}
    assert flags["placement_fee"].amount_over == Decimal("12000000.00")
    hkd = flags["foreign_agency_fee"]
    assert (hkd.amount_over, hkd.rate, hkd.rate_on, hkd.currency) == (
        Decimal("4200000.00"), Decimal("2100"), D(2025, 1, 1), "IDR")
    assert {f.rule.legal_basis for f in flags.values()} == {seed.KEPKA_260_2022}
    assert sum(f.amount_over for f in flags.values()) == Decimal("30000000.00")
    assert all(f.agency_id == hk_placement.agency_id for f in flags.values())
    assert AuditEvent.objects.filter(action="cost_entry.record").count() == 8
    assert AuditEvent.objects.filter(action="overcharge_flag.raise").count() == 8


def test_a_change_of_rule_between_two_entries_gives_different_results(admin_user, hk_placement):
    """The same lodging charge before and after the ministry adds a rule allowing Rp1,000,000."""
    before = pay(admin_user, hk_placement, "lodging", "1500000", on=D(2025, 5, 31))
    services.cost_rule_create(actor=admin_user, data={
        "component": "lodging", "country": "HK", "payer": "worker", "max_worker_amount": "1000000",
        "currency": "IDR", "valid_from": "2025-06-01", "legal_basis": "Kepmen P2MI uji 1/2025"}, via="test")
    after = pay(admin_user, hk_placement, "lodging", "1500000", on=D(2025, 6, 1))
    assert before.flag.amount_over == Decimal("1500000.00")
    assert before.rule.legal_basis == seed.KEPKA_260_2022
    assert after.rule.legal_basis == "Kepmen P2MI uji 1/2025"
    assert after.flag.amount_over == Decimal("500000.00")
    assert after.flag.allowed_idr == Decimal("1000000.00")
    before.refresh_from_db()
    assert before.flag.amount_over == Decimal("1500000.00")  # a finding is not rewritten


def test_payments_under_one_cap_add_up(admin_user, tw_factory_placement, rates):
    """Taiwan formal, 2015: passport capped at Rp110,000; NT$100 then NT$100 (Rp50,000 each) is within,
    a third Rp50,000 goes over by Rp40,000."""
    entries = [pay(admin_user, tw_factory_placement, "passport", amount, currency=cur, on=D(2015, 1, 5))
               for amount, cur in (("100", "TWD"), ("100", "TWD"), ("50000", "IDR"))]
    assert [e.check_result for e in entries] == [CheckResult.WITHIN, CheckResult.WITHIN, CheckResult.OVER]
    flag = entries[2].flag
    assert (flag.allowed_idr, flag.amount_over, flag.rate) == (Decimal("10000.00"), Decimal("40000.00"), 1)
    assert not hasattr(entries[0], "flag") or not OverchargeFlag.objects.filter(entry=entries[0]).exists()


def test_a_cost_without_a_rule_is_recorded_unflagged(admin_user, hk_placement):
    entry = pay(admin_user, hk_placement, "other", "100000")
    assert (entry.check_result, entry.rule) == (CheckResult.NO_RULE, None)
    assert not OverchargeFlag.objects.exists()


def test_rule_currency_is_converted_on_the_paid_date(admin_user, hk_placement, rates):
    services.cost_rule_create(actor=admin_user, data={
        "component": "medical_check", "country": "HK", "occupation": "5152", "payer": "worker",
        "max_worker_amount": "300", "currency": "HKD", "valid_from": "2024-01-01", "legal_basis": "uji HKD"},
        via="test")
    entry = pay(admin_user, hk_placement, "medical_check", "1000000", on=D(2024, 2, 1))
    # HK$300 at Rp2,000 (the rate of 2023, the latest before the paid date) = Rp600,000.
    assert (entry.flag.allowed_idr, entry.flag.amount_over, entry.flag.rule_rate) == (
        Decimal("600000.00"), Decimal("400000.00"), Decimal("2000"))


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": "-5"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"currency": "XYZ"}, "currency"),
    ({"currency": "rupiah"}, "currency"),
    ({"paid_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}, "paid_on"),
    ({"component": "bribe"}, "component"),
    ({"paid_to_kind": "bank"}, "paid_to_kind"),
    ({"financing": "gift"}, "financing"),
    ({"source": "p3mi"}, "source"),
    ({"placement": "00000000-0000-0000-0000-000000000000"}, "placement"),
])
def test_bad_input_names_the_field_and_writes_nothing(admin_user, hk_placement, change, field):
    before = AuditEvent.objects.count()
    data = {"component": "passport", "amount": "100000", "currency": "IDR", "paid_on": "2024-01-01",
            "paid_to_kind": "p3mi", "financing": "cash", "source": "verification", **change}
    with pytest.raises(ValidationFailed) as raised:
        services.cost_entry_record(actor=admin_user, person_public_id=hk_placement.person.public_id, data=data)
    assert field in raised.value.fields
    assert raised.value.status_code == 422
    assert not CostEntry.objects.exists() and AuditEvent.objects.count() == before


def test_a_currency_without_a_rate_on_the_paid_date_is_refused(admin_user, hk_placement, rates):
    with pytest.raises(ValidationFailed) as raised:
        pay(admin_user, hk_placement, "passport", "100", currency="HKD", on=D(2022, 12, 31))
    assert "currency" in raised.value.fields
    assert not CostEntry.objects.exists()


PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n"


@override_settings(COST_RECEIPT_MAX_MB=1)
def test_receipts_are_checked_by_size_and_content(admin_user, hk_placement, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("kwitansi.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    fake = SimpleUploadedFile("kwitansi.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    for upload in (big, fake):
        with pytest.raises(ValidationFailed) as raised:
            pay(admin_user, hk_placement, "passport", "100000", receipt=upload)
        assert "receipt" in raised.value.fields
    assert not CostEntry.objects.exists()
    entry = pay(admin_user, hk_placement, "passport", "100000",
                receipt=SimpleUploadedFile("Siti kwitansi.pdf", PDF, content_type="application/pdf"))
    assert entry.receipt.name.startswith("receipts/") and entry.receipt.name.endswith(".pdf")
    assert "Siti" not in entry.receipt.name
    assert entry.receipt.path.startswith(str(tmp_path))
    with entry.receipt.open("rb") as stored:
        assert stored.read() == PDF


class TestWhoRecords:
    def test_p3mi_staff_record_for_their_own_workers_as_the_p3mi(self, p3mi_user, hk_placement):
        entry = pay(p3mi_user, hk_placement, "passport", "100000", source="opp")
        assert entry.source == "p3mi"

    def test_p3mi_staff_get_404_for_another_companys_worker(self, p3mi_user, other_placement):
        with pytest.raises(NotFound):
            pay(p3mi_user, other_placement, "passport", "100000")

    def test_unit_officer_out_of_coverage_gets_404(self, unit_officer, other_placement):
        with pytest.raises(NotFound):
            pay(unit_officer, other_placement, "passport", "100000")

    def test_analyst_may_not_record(self, analyst, hk_placement):
        with pytest.raises(PermissionDenied):
            pay(analyst, hk_placement, "passport", "100000")


class TestConfirmation:
    def test_dispute_needs_a_note_and_is_audited(self, unit_officer, admin_user, hk_placement):
        entry = pay(admin_user, hk_placement, "passport", "100000")
        with pytest.raises(ValidationFailed) as raised:
            services.cost_entry_confirm(actor=unit_officer, public_id=entry.public_id, state="disputed")
        assert "note" in raised.value.fields
        services.cost_entry_confirm(actor=unit_officer, public_id=entry.public_id, state="disputed",
                                    note="Paid Rp2,500,000, not Rp100,000")
        entry.refresh_from_db()
        assert (entry.confirmation, entry.confirmed_by) == ("disputed", unit_officer)
        event = AuditEvent.objects.get(action="cost_entry.confirm")
        assert event.changes["confirmation"] == ["unconfirmed", "disputed"]

    def test_p3mi_staff_may_not_confirm_their_own_charges(self, p3mi_user, hk_placement):
        entry = pay(p3mi_user, hk_placement, "passport", "100000")
        with pytest.raises(PermissionDenied):
            services.cost_entry_confirm(actor=p3mi_user, public_id=entry.public_id, state="confirmed")

    def test_unknown_state(self, admin_user, hk_placement):
        entry = pay(admin_user, hk_placement, "passport", "100000")
        with pytest.raises(ValidationFailed) as raised:
            services.cost_entry_confirm(actor=admin_user, public_id=entry.public_id, state="maybe")
        assert "state" in raised.value.fields


class TestEscalation:
    def test_one_step_opens_a_case_and_a_sanction_finding(self, unit_officer, hk_placement):
        entry = pay(unit_officer, hk_placement, "placement_fee", "12000000")
        flag = services.overcharge_escalate(actor=unit_officer, flag_public_id=entry.flag.public_id,
                                            summary="Told at OPP", via="test")
        case = Case.objects.get()
        assert flag.case == case and flag.status == "escalated"
        assert (case.person, case.placement, case.agency) == (hk_placement.person, hk_placement, hk_placement.agency)
        assert case.amount_claimed == Decimal("12000000.00")
        assert list(case.categories.values_list("code", flat=True)) == ["overcharging"]
        assert case.unit == unit_officer.unit
        assert flag.sanction_state == SanctionState.OPENED
        assert AuditEvent.objects.filter(action="overcharge_flag.escalate", object_id=flag.pk).exists()
        assert AuditEvent.objects.filter(action="case.create", object_id=case.pk).exists()
        with pytest.raises(Conflict):
            services.overcharge_escalate(actor=unit_officer, flag_public_id=flag.public_id)
        assert Case.objects.count() == 1

    def test_the_finding_is_a_sanction_of_the_agencies_workflow(self, admin_user, hk_placement):
        from lindungi.agencies.models import Sanction

        entry = pay(admin_user, hk_placement, "placement_fee", "12000000")
        flag = services.overcharge_escalate(actor=admin_user, flag_public_id=entry.flag.public_id, via="test")
        sanction = Sanction.objects.get()
        assert (flag.sanction_state, flag.sanction_reference) == (SanctionState.OPENED, str(sanction.public_id))
        assert sanction.agency == hk_placement.agency and sanction.ground.code == "costs_charged_to_worker"
        assert (sanction.source_kind, sanction.source_reference) == ("cost_flag", str(flag.public_id))
        assert "over by Rp" in sanction.summary

    def test_a_sanction_the_actor_may_not_open_stays_pending(self, unit_officer, hk_placement, monkeypatch):
        def sanction_open(**kwargs):
            raise PermissionDenied("Only the Directorate-General opens sanctions.")

        monkeypatch.setattr(services.agency_services, "sanction_open", sanction_open, raising=False)
        entry = pay(unit_officer, hk_placement, "placement_fee", "12000000")
        flag = services.overcharge_escalate(actor=unit_officer, flag_public_id=entry.flag.public_id)
        assert (flag.status, flag.sanction_state) == ("escalated", SanctionState.PENDING)
        assert Case.objects.count() == 1

    def test_a_worker_without_a_phone_needs_one_given(self, admin_user, hk_placement):
        hk_placement.person.phone = ""
        hk_placement.person.save(update_fields=["phone"])
        entry = pay(admin_user, hk_placement, "placement_fee", "12000000")
        with pytest.raises(ValidationFailed) as raised:
            services.overcharge_escalate(actor=admin_user, flag_public_id=entry.flag.public_id)
        assert "complainant_phone" in raised.value.fields
        assert not Case.objects.exists()
        flag = services.overcharge_escalate(actor=admin_user, flag_public_id=entry.flag.public_id,
                                            complainant_phone="0812000111")
        assert flag.case.complainant_phone == "0812000111"

    def test_out_of_scope_and_not_allowed(self, admin_user, unit_officer, analyst, other_placement):
        entry = pay(admin_user, other_placement, "placement_fee", "12000000")
        with pytest.raises(NotFound):
            services.overcharge_escalate(actor=unit_officer, flag_public_id=entry.flag.public_id)
        with pytest.raises(PermissionDenied):
            services.overcharge_escalate(actor=analyst, flag_public_id=entry.flag.public_id)
        assert not Case.objects.exists()


class TestRuleAndRateWrites:
    def test_only_administrators_add_rules(self, unit_officer):
        with pytest.raises(PermissionDenied):
            services.cost_rule_create(actor=unit_officer, data={})

    def test_rule_input_is_checked_field_by_field(self, admin_user):
        count = CostRule.objects.count()
        with pytest.raises(ValidationFailed) as raised:
            services.cost_rule_create(actor=admin_user, data={
                "component": "x", "country": "ZZ", "occupation": "5152", "occupation_group": "zero_cost",
                "payer": "employer", "max_worker_amount": "-1", "currency": "XYZ", "valid_from": "2025-02-01",
                "valid_to": "2025-01-01"})
        assert set(raised.value.fields) >= {"component", "country", "occupation_group", "max_worker_amount",
                                            "currency", "valid_to", "legal_basis"}
        assert CostRule.objects.count() == count

    def test_rates_are_recorded_once_per_day(self, admin_user, analyst):
        data = {"currency": "myr", "rate_to_idr": "3500", "on": "2025-01-02", "source": "BI kurs transaksi"}
        rate = services.exchange_rate_record(actor=admin_user, data=data)
        assert rate.currency == "MYR"
        with pytest.raises(Conflict):
            services.exchange_rate_record(actor=admin_user, data=data)
        with pytest.raises(ValidationFailed) as raised:
            services.exchange_rate_record(actor=admin_user, data={**data, "rate_to_idr": "0", "on": "2999-01-01"})
        assert set(raised.value.fields) == {"rate_to_idr", "on"}
        with pytest.raises(PermissionDenied):
            services.exchange_rate_record(actor=analyst, data=data)


def test_ledger_check_judges_every_entry_by_the_rules_on_record_now(admin_user, hk_placement):
    """Recorded under Kepka 260/2022 (over by the whole Rp1,500,000); after a rule allowing
    Rp1,000,000 from that day, the check finds Rp500,000 over, and the recorded flag stays."""
    from lindungi.supervision.selectors import ledger_check

    entry = pay(admin_user, hk_placement, "lodging", "1500000", on=D(2025, 6, 1))
    assert ledger_check() == {entry.pk: (entry.rule_id, Decimal("1500000.00"))}
    rule = services.cost_rule_create(actor=admin_user, data={
        "component": "lodging", "country": "HK", "payer": "worker", "max_worker_amount": "1000000",
        "valid_from": "2025-06-01", "legal_basis": "uji"})
    assert ledger_check() == {entry.pk: (rule.pk, Decimal("500000.00"))}
    assert OverchargeFlag.objects.get().amount_over == Decimal("1500000.00")
