"""The token format and offline verification (pure): valid, tampered, expired, revoked, unknown and
rotated keys, mismatching NIK or passport, malformed input of any shape."""

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from lindungi.departures import credentials as c

TODAY = dt.date(2026, 12, 4)
NIK = "3201014107990001"


def make(key=None, kid="k1", *, valid_until=TODAY, cid="11111111-1111-4111-8111-111111111111"):
    key = key or Ed25519PrivateKey.generate()
    claims = c.Claims(cid=cid, kid=kid, passport="C1234567", nik_hash=c.nik_hash(cid, NIK), destination="TW",
                      p3mi="B.0001/KA/2024", valid_until=valid_until, issued_at=1_700_000_000)
    return key, c.sign(claims, key)


def codes(result):
    return [p.code for p in result.problems]


def test_valid_on_its_last_day_with_matching_nik_and_passport():
    key, token = make()
    result = c.verify(token, keys={"k1": key.public_key()}, today=TODAY, nik=NIK, passport="c1234567")
    assert result.valid and result.claims.destination == "TW"


def test_expired_revoked_and_mismatches_are_all_reported():
    key, token = make()
    result = c.verify(token, keys={"k1": key.public_key()}, revoked={result_cid(token)}, today=TODAY
                      + dt.timedelta(days=1), nik="3201014107990002", passport="C7654321")
    assert codes(result) == ["credential_expired", "credential_revoked", "credential_nik_mismatch",
                             "credential_passport_mismatch"]
    assert all(p.message_id and p.message_en for p in result.problems)


def result_cid(token):
    return c.parse(token)[0].cid


def test_tampered_payload_fails_the_signature():
    key, token = make()
    head, payload, sig = token.split(".")
    claims = json.loads(c.unb64u(payload))
    claims["dst"] = "MY"
    forged = ".".join([head, c.b64u(c.canonical(claims)), sig])
    assert codes(c.verify(forged, keys={"k1": key.public_key()}, today=TODAY)) == ["credential_bad_signature"]


def test_a_signature_by_another_key_fails():
    _, token = make()
    other = Ed25519PrivateKey.generate()
    assert codes(c.verify(token, keys={"k1": other.public_key()}, today=TODAY)) == ["credential_bad_signature"]


def test_rotation_old_tokens_verify_with_the_retired_key_until_it_is_dropped():
    old, old_token = make(kid="k1")
    new, new_token = make(kid="k2")
    both = {"k1": old.public_key(), "k2": new.public_key()}
    assert c.verify(old_token, keys=both, today=TODAY).valid and c.verify(new_token, keys=both, today=TODAY).valid
    assert codes(c.verify(old_token, keys={"k2": new.public_key()}, today=TODAY)) == ["credential_unknown_key"]


@pytest.mark.parametrize("token", ["", "LDC1", "LDC1..", "LDC2.a.b", "LDC1.!!!.abc", "LDC1.e30.AAAA",
                                   "x" * 5000, "LDC1." + c.b64u(b'{"cid": 1}') + ".AAAA"])
def test_malformed(token):
    assert codes(c.verify(token, keys={}, today=TODAY)) == ["credential_malformed"]


@given(st.text(max_size=300))
def test_any_text_gives_an_answer_never_an_exception(text):
    result = c.verify(text, keys={"k1": Ed25519PrivateKey.generate().public_key()}, today=TODAY)
    assert not result.valid


def test_revocation_list_round_trip_and_tampering():
    key = Ed25519PrivateKey.generate()
    now = dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC)
    doc = c.sign_revocation_list(kid="k1", private_key=key, revoked=["b", "a"], issued_at=now,
                                 next_update=now + dt.timedelta(minutes=5))
    keys = {"k1": key.public_key()}
    assert c.verify_revocation_list(doc, keys) == (frozenset({"a", "b"}), now)
    with pytest.raises(c.CredentialError):
        c.verify_revocation_list({**doc, "revoked": ["a"]}, keys)
    with pytest.raises(c.CredentialError):
        c.verify_revocation_list({**doc, "kid": "k9"}, keys)
    with pytest.raises(c.CredentialError):
        c.verify_revocation_list("nonsense", keys)


def test_key_set_round_trip():
    key = Ed25519PrivateKey.generate()
    doc = c.key_set([("k1", key.public_key(), "active", None)])
    _, token = make(key)
    assert c.verify(token, keys=c.keys_from_set(json.loads(json.dumps(doc))), today=TODAY).valid
    with pytest.raises(c.CredentialError):
        c.keys_from_set({"keys": [{"kid": "k1", "alg": "Ed25519", "public_key": "short"}]})
