"""Credentials through the lifecycle: issued on ready_to_depart, revoked when the placement leaves
it, listed as revoked when the P3MI is suspended, keys rotated without invalidating cards; the
offline command with only the key set and the revocation list."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lindungi.agencies import services as agency_services
from lindungi.audit.models import AuditEvent
from lindungi.departures import credentials, selectors, services
from lindungi.departures.models import CredentialKey, DepartureCredential
from lindungi.departures.tests.fixtures import in_days
from lindungi.placements import services as placement_services
from lindungi.placements.states import PlacementState as S

pytestmark = pytest.mark.django_db


def keys():
    return credentials.keys_from_set(selectors.public_key_set())


def test_issued_when_ready_to_depart(ready_placement, unit_officer):
    credential = selectors.credential_for_placement(unit_officer, ready_placement.public_id)
    person = ready_placement.person
    assert credential.passport_number == person.passports.get().number and credential.destination == "TW"
    assert credential.valid_until == in_days(30) and credential.revoked_reason_now == ""
    result = credentials.verify(credential.token, keys=keys(), today=timezone.localdate(), nik=person.nik,
                                passport=credential.passport_number)
    assert result.valid and result.claims.p3mi == ready_placement.agency.sip3mi_number
    assert AuditEvent.objects.filter(action="credential.issued", object_id=credential.pk).exists()


def test_revoked_when_the_placement_leaves_the_departure_path(ready_placement, p3mi_user, admin_user):
    placement_services.placement_transition(actor=p3mi_user, public_id=ready_placement.public_id,
                                            to_state=S.WITHDRAWN, reason="mengundurkan diri")
    credential = DepartureCredential.objects.get()
    assert credential.revoked_at is not None and "withdrawn" in credential.revoke_reason
    assert str(credential.public_id) in selectors.revoked_credential_ids(admin_user)


def test_p3mi_suspension_revokes_every_card_at_once(ready_placement, admin_user):
    assert selectors.revoked_credential_ids(admin_user) == []
    agency_services.agency_suspend(actor=admin_user, public_id=ready_placement.agency.public_id,
                                   suspended_from=timezone.localdate(), decree_number="KEP.2/2026", reason="audit")
    credential = DepartureCredential.objects.get()
    assert selectors.revoked_credential_ids(admin_user) == [str(credential.public_id)]
    online = selectors.credential_verify_online(admin_user, token=credential.token)
    assert [p.code for p in online.problems] == ["credential_revoked"]


def test_rotation_keeps_old_cards_valid(ready_placement, admin_user):
    old = CredentialKey.objects.get()
    new = services.credential_key_rotate(actor=admin_user)
    old.refresh_from_db()
    assert old.retired_at is not None and old.not_after > timezone.now()
    published = selectors.public_key_set()["keys"]
    assert [(k["kid"], k["status"]) for k in published] == [(new.kid, "active"), (old.kid, "retired")]
    token = DepartureCredential.objects.get().token
    assert credentials.verify(token, keys=keys(), today=timezone.localdate()).valid
    later = old.not_after + timezone.timedelta(seconds=1)
    assert [k["kid"] for k in selectors.public_key_set(now=later)["keys"]] == [new.kid]


def test_credential_scoping(ready_placement, make_user, other_agency, analyst):
    from lindungi.accounts.roles import Role
    from lindungi.common.errors import NotFound, PermissionDenied

    outsider = make_user(Role.P3MI_STAFF, agency=other_agency)
    with pytest.raises(NotFound):
        selectors.credential_for_placement(outsider, ready_placement.public_id)
    with pytest.raises(PermissionDenied):
        selectors.credential_for_placement(analyst, ready_placement.public_id)


def test_checkpoint_officer_reaches_a_credential_only_with_the_workers_identifier(ready_placement, post_officer):
    """Like the placement itself: by its id alone a checkpoint officer gets 404, not the card with
    the passport number."""
    from lindungi.common.errors import NotFound

    with pytest.raises(NotFound):
        selectors.credential_for_placement(post_officer, ready_placement.public_id)
    with pytest.raises(NotFound):
        selectors.credential_for_placement(post_officer, ready_placement.public_id,
                                           identifier={"nik": "3201010101010001"})
    credential = selectors.credential_for_placement(post_officer, ready_placement.public_id,
                                                    identifier={"nik": ready_placement.person.nik})
    assert credential.placement == ready_placement


def test_manual_revocation(ready_placement, admin_user):
    credential = DepartureCredential.objects.get()
    services.credential_revoke(actor=admin_user, public_id=credential.public_id, reason="kartu hilang")
    assert selectors.revoked_credential_ids(admin_user) == [str(credential.public_id)]


def test_verify_credential_command_offline(ready_placement, admin_user, tmp_path, capsys):
    credential = DepartureCredential.objects.get()
    keys_file, crl_file = tmp_path / "keys.json", tmp_path / "crl.json"
    keys_file.write_text(json.dumps(selectors.public_key_set()))
    crl_file.write_text(json.dumps(services.revocation_list_sign(revoked=selectors.revoked_credential_ids(admin_user))))
    call_command("verify_credential", credential.token, keys=str(keys_file), revocations=str(crl_file),
                 nik=ready_placement.person.nik)
    assert "VALID" in capsys.readouterr().out
    services.credential_revoke(actor=admin_user, public_id=credential.public_id, reason="kartu hilang")
    crl_file.write_text(json.dumps(services.revocation_list_sign(revoked=selectors.revoked_credential_ids(admin_user))))
    with pytest.raises(CommandError) as exc:
        call_command("verify_credential", credential.token, keys=str(keys_file), revocations=str(crl_file),
                     language="en")
    assert exc.value.returncode == 1 and "credential_revoked" in capsys.readouterr().out
    tampered = json.loads(crl_file.read_text())
    tampered["revoked"] = []
    crl_file.write_text(json.dumps(tampered))
    with pytest.raises(CommandError) as exc:
        call_command("verify_credential", credential.token, keys=str(keys_file), revocations=str(crl_file))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("verify_credential", "LDC1.garbage", keys=str(keys_file))
    assert exc.value.returncode == 1


def test_a_scanned_credential_stands_for_its_passport(ready_placement, post_officer, admin_user, check_data):
    from lindungi.common.errors import ValidationFailed

    token = DepartureCredential.objects.get().token
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(identifier=token))
    assert check.verdict == "cleared" and check.identifier_kind == "passport" and check.placement == ready_placement
    services.credential_revoke(actor=admin_user, public_id=DepartureCredential.objects.get().public_id, reason="x")
    check, _ = services.departure_check_record(actor=post_officer, data=check_data(identifier=token))
    assert [r["code"] for r in check.reasons] == ["credential_revoked"]
    with pytest.raises(ValidationFailed) as exc:
        services.departure_check_record(actor=post_officer, data=check_data(identifier=token[:-6] + "AAAAAA"))
    assert "identifier" in exc.value.fields
