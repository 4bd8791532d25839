"""Departure credentials: signing and offline verification (pure Python, no database).

A credential is a compact token ``LDC1.<payload>.<signature>``:

- ``payload`` is base64url (no padding) of canonical JSON (sorted keys, no spaces) holding only what
  a checkpoint needs: ``cid`` credential id, ``kid`` signing key id, ``pp`` passport number, ``nh``
  hash of the NIK, ``dst`` destination (ISO2), ``p3mi`` the company's SIP3MI number, ``vu``
  valid-until (ISO date, inclusive) and ``iat`` issued-at (Unix seconds);
- ``signature`` is Ed25519 over the ASCII bytes ``LDC1.<payload>`` (RFC 8032), base64url.

The NIK hash is ``base64url(SHA-256("<cid>:<NIK>"))``: salted per credential so tokens cannot be
joined on it; a desk that has the traveller's KTP in hand recomputes it and compares.

A **revocation list** is a JSON document ``{v, kid, issued_at, next_update, revoked: [cid, …], sig}``
signed by an active key over the canonical JSON of every other field. A **key set** is
``{keys: [{kid, alg: "Ed25519", public_key, status, not_after}]}`` with the raw 32-byte public key in
base64url. Keys rotate: a retired key stops signing but stays in the key set until every credential
it signed has expired, so a rotation never invalidates a card already printed.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lindungi.placements.states import Unmet, date_en, date_id

PREFIX = "LDC1"
MAX_TOKEN_LENGTH = 1024
ALG = "Ed25519"


class CredentialError(ValueError):
    """A key set or revocation list that cannot be read or whose signature fails."""


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    if not isinstance(text, str) or not text or any(c not in _B64U for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64U = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def canonical(document: Mapping) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def nik_hash(credential_id: str, nik: str) -> str:
    return b64u(hashlib.sha256(f"{credential_id}:{nik}".encode()).digest())


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return b64u(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_from_text(text: str) -> Ed25519PublicKey:
    try:
        raw = unb64u(text)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error) as exc:
        raise CredentialError("bad public key") from exc


@dataclass(frozen=True)
class Claims:
    cid: str
    kid: str
    passport: str
    nik_hash: str
    destination: str
    p3mi: str
    valid_until: date
    issued_at: int

    def as_payload(self) -> dict:
        return {"cid": self.cid, "kid": self.kid, "pp": self.passport, "nh": self.nik_hash, "dst": self.destination,
                "p3mi": self.p3mi, "vu": self.valid_until.isoformat(), "iat": self.issued_at}


def sign(claims: Claims, private_key: Ed25519PrivateKey) -> str:
    head = f"{PREFIX}.{b64u(canonical(claims.as_payload()))}"
    return f"{head}.{b64u(private_key.sign(head.encode('ascii')))}"


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------


# Every problem a verification can report, in Indonesian and English. The desk's offline verifier
# (web/static/web/desk.js) receives this table, so both speak with one voice. ``{date}`` is filled in.
MESSAGES: dict[str, tuple[str, str]] = {
    "credential_malformed": ("Kredensial tidak dapat dibaca (rusak atau bukan kredensial Lindungi).",
                             "The credential cannot be read (damaged, or not a Lindungi credential)."),
    "credential_unknown_key": ("Kredensial ditandatangani dengan kunci yang tidak dikenal.",
                               "The credential is signed with an unknown key."),
    "credential_bad_signature": ("Tanda tangan kredensial tidak sah: isinya telah diubah.",
                                 "The credential's signature is invalid: its content was altered."),
    "credential_expired": ("Kredensial berakhir pada {date}.", "The credential expired on {date}."),
    "credential_revoked": ("Kredensial telah dicabut.", "The credential has been revoked."),
    "credential_nik_mismatch": ("NIK tidak cocok dengan kredensial.", "The NIK does not match the credential."),
    "credential_passport_mismatch": ("Nomor paspor tidak cocok dengan kredensial.",
                                     "The passport number does not match the credential."),
}


def _problem(code: str, day: date | None = None) -> Unmet:
    message_id, message_en = MESSAGES[code]
    if day is not None:
        message_id, message_en = message_id.format(date=date_id(day)), message_en.format(date=date_en(day))
    return Unmet(code, message_id, message_en)


MALFORMED = _problem("credential_malformed")
UNKNOWN_KEY = _problem("credential_unknown_key")
BAD_SIGNATURE = _problem("credential_bad_signature")
REVOKED = _problem("credential_revoked")
NIK_MISMATCH = _problem("credential_nik_mismatch")
PASSPORT_MISMATCH = _problem("credential_passport_mismatch")


@dataclass(frozen=True)
class Verification:
    claims: Claims | None
    problems: tuple[Unmet, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        return self.claims is not None and not self.problems


def parse(token: str) -> tuple[Claims, bytes, bytes] | None:
    """Claims, the signed bytes and the signature, or None when the token is not well formed."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    try:
        payload = json.loads(unb64u(parts[1]))
        signature = unb64u(parts[2])
        claims = Claims(
            cid=_text(payload["cid"]), kid=_text(payload["kid"]), passport=_text(payload["pp"]),
            nik_hash=_text(payload["nh"]), destination=_text(payload["dst"]), p3mi=_text(payload["p3mi"]),
            valid_until=date.fromisoformat(_text(payload["vu"])), issued_at=int(payload["iat"]),
        )
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        return None
    return claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def verify(token: str, *, keys: Mapping[str, Ed25519PublicKey], revoked: Iterable[str] = (), today: date,
           nik: str = "", passport: str = "") -> Verification:
    """Every problem at once, as for a departure verdict: not readable, unknown key, bad signature
    (then nothing else is trusted), expired, revoked, and — when the desk typed them — a NIK or
    passport number that does not match."""
    parsed = parse(token)
    if parsed is None:
        return Verification(None, (MALFORMED,))
    claims, signed, signature = parsed
    key = keys.get(claims.kid)
    if key is None:
        return Verification(None, (UNKNOWN_KEY,))
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        return Verification(None, (BAD_SIGNATURE,))
    problems = []
    if today > claims.valid_until:
        problems.append(_problem("credential_expired", claims.valid_until))
    if claims.cid in set(revoked):
        problems.append(REVOKED)
    if nik and nik_hash(claims.cid, nik) != claims.nik_hash:
        problems.append(NIK_MISMATCH)
    if passport and passport.strip().upper() != claims.passport:
        problems.append(PASSPORT_MISMATCH)
    return Verification(claims, tuple(problems))


# ---------------------------------------------------------------------------------------------
# Key sets and revocation lists (the files a desk caches)
# ---------------------------------------------------------------------------------------------


def key_set(keys: Iterable[tuple[str, Ed25519PublicKey, str, datetime | None]]) -> dict:
    """``{keys: [...]}`` from (kid, public key, status, not_after)."""
    return {"keys": [{"kid": kid, "alg": ALG, "public_key": public_key_text(key), "status": status,
                      "not_after": not_after.isoformat() if not_after else None}
                     for kid, key, status, not_after in keys]}


def keys_from_set(document) -> dict[str, Ed25519PublicKey]:
    try:
        rows = document["keys"]
        return {_text(row["kid"]): public_key_from_text(row["public_key"]) for row in rows if row.get("alg") == ALG}
    except (KeyError, TypeError, AttributeError) as exc:
        raise CredentialError("bad key set") from exc


def sign_revocation_list(*, kid: str, private_key: Ed25519PrivateKey, revoked: Iterable[str], issued_at: datetime,
                         next_update: datetime) -> dict:
    body = {"v": 1, "kid": kid, "issued_at": issued_at.isoformat(), "next_update": next_update.isoformat(),
            "revoked": sorted(set(revoked))}
    return {**body, "sig": b64u(private_key.sign(canonical(body)))}


def verify_revocation_list(document, keys: Mapping[str, Ed25519PublicKey]) -> tuple[frozenset[str], datetime]:
    """The revoked credential ids and when the list was issued; ``CredentialError`` when it is not
    a list signed by one of the keys."""
    try:
        body = {k: v for k, v in document.items() if k != "sig"}
        key = keys[body["kid"]]
        key.verify(unb64u(document["sig"]), canonical(body))
        revoked = frozenset(_text(cid) for cid in body["revoked"])
        issued_at = datetime.fromisoformat(_text(body["issued_at"]))
    except InvalidSignature as exc:
        raise CredentialError("revocation list signature is invalid") from exc
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
        raise CredentialError("not a revocation list signed by a known key") from exc
    return revoked, issued_at
