"""Sealing a small secret to an X25519 public key: ephemeral key agreement, HKDF-SHA256, AES-256-GCM.

The standard ECIES shape (as in age's X25519 recipients), built only from `cryptography`'s
primitives. Used for the agency recovery slot and for the recovery request and response.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from casecli.errors import InvalidInput
from casecli.i18n import _

INFO = b"casecli x25519 key wrap v1"
PUBLIC_PREFIX = "casecli-agency1:"
# The agency's public line with its roster-signing key too (handover/roster.py): the recovery key's
# 32 bytes, then the signing key's 32.
AGENCY_PREFIX = "casecli-agency2:"


def _hkdf(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public, info=INFO).derive(
        shared
    )


def new_keypair() -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


def new_key_pairs() -> tuple[bytes, bytes]:
    """Raw private keys: (X25519 for encryption, Ed25519 for signing)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    encryption, _public = new_keypair()
    signing = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return encryption, signing


def ephemeral_agreement(recipient_public: bytes) -> tuple[bytes, bytes]:
    """(ephemeral public key, key-encryption key) for sealing to `recipient_public`."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    return ephemeral_public, _hkdf(shared, ephemeral_public, recipient_public)


def agreed_key(private: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    """The recipient's side of `ephemeral_agreement`."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import (
        X25519PrivateKey,
        X25519PublicKey,
    )

    shared = X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    return _hkdf(shared, ephemeral_public, recipient_public)


def public_of(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def seal(recipient_public: bytes, plaintext: bytes, aad: bytes) -> dict:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    ephemeral_public, kek = ephemeral_agreement(recipient_public)
    nonce = secrets.token_bytes(12)
    return {
        "ephemeral": b64(ephemeral_public),
        "nonce": b64(nonce),
        "sealed": b64(AESGCM(kek).encrypt(nonce, plaintext, aad)),
    }


def open_sealed(private: bytes, doc: dict, aad: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        kek = agreed_key(private, unb64(doc["ephemeral"]), public_of(private))
        return AESGCM(kek).decrypt(unb64(doc["nonce"]), unb64(doc["sealed"]), aad)
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def format_public(public: bytes) -> str:
    return PUBLIC_PREFIX + base64.urlsafe_b64encode(public).decode("ascii").rstrip("=")


def format_agency_line(public: bytes, signing_public: bytes) -> str:
    return AGENCY_PREFIX + base64.urlsafe_b64encode(public + signing_public).decode("ascii").rstrip("=")


def parse_agency_line(text: str) -> tuple[bytes, bytes | None]:
    """The agency's recovery key, and its roster-signing key when the line carries it (agency2)."""
    text = text.strip()
    for prefix, size in ((PUBLIC_PREFIX, 32), (AGENCY_PREFIX, 64)):
        if text.startswith(prefix):
            body = text[len(prefix) :]
            try:
                raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            except ValueError:
                raw = b""
            if len(raw) == size:
                return raw[:32], (raw[32:] if size == 64 else None)
    raise InvalidInput(
        _("agency key: expected a public key starting with {prefix} (from `casecli agency-key new`)").format(
            prefix=AGENCY_PREFIX
        )
    )


def parse_public(text: str) -> bytes:
    return parse_agency_line(text)[0]


def fingerprint(public: bytes) -> str:
    """Short enough to compare aloud: 16 hex digits in groups of four."""
    digest = hashlib.sha256(public).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def agency_signing_key(agency_private: bytes) -> tuple[bytes, bytes]:
    """The agency's Ed25519 key for signing its rosters (private seed, public), derived from its
    recovery key: one key file for the coordinator to keep offline."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casecli agency signing key").derive(
        agency_private
    )
    public = (
        Ed25519PrivateKey.from_private_bytes(seed)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return seed, public


def canonical(context: bytes, doc: dict, leave_out: str) -> bytes:
    """What a document's signature or MAC covers: a context line, then the document without the
    field that holds it, as canonical JSON (sorted keys, no spaces, UTF-8)."""
    from casecli.canonical import canonical_json

    body = {k: v for k, v in doc.items() if k != leave_out}
    return context + canonical_json(body).encode("utf-8")
