"""Worker identities (an X25519 key to receive bundles, an Ed25519 key to sign them) and contacts.

The private keys live only inside the encrypted store. A public identity is one copyable line:
`casecli1.` followed by base64url of a small JSON document (name, agency, role, both public keys).
Its fingerprint, 20 hex digits in groups of four, is short enough to compare aloud on the phone.
The role ("supervisor" …) says whose decisions count as a supervisor's approval.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casecli.errors import CaseNotFound, InvalidInput
from casecli.i18n import _
from casecli.store.db import Store, utc_now

if TYPE_CHECKING:
    from casecli.handover.roster import Standing

PREFIX = "casecli1."


def fingerprint(encryption_public: bytes, signing_public: bytes) -> str:
    digest = hashlib.sha256(b"casecli identity\n" + encryption_public + signing_public).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


@dataclass(frozen=True)
class Identity:
    name: str
    agency: str
    encryption_public: bytes
    signing_public: bytes
    role: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.encryption_public, self.signing_public)

    def header(self) -> dict:
        """Who a bundle is from, as its header names the sender (both public keys, base64)."""
        from casecli.store.sealing import b64

        return {
            "name": self.name,
            "agency": self.agency,
            "encryption_public": b64(self.encryption_public),
            "signing_public": b64(self.signing_public),
        }

    def line(self) -> str:
        doc = {
            "n": self.name,
            "a": self.agency,
            "e": base64.urlsafe_b64encode(self.encryption_public).decode().rstrip("="),
            "s": base64.urlsafe_b64encode(self.signing_public).decode().rstrip("="),
            **({"r": self.role} if self.role else {}),
        }
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
        return PREFIX + base64.urlsafe_b64encode(body).decode().rstrip("=")

    @classmethod
    def parse(cls, text: str) -> Identity:
        text = "".join(text.split())
        if not text.startswith(PREFIX):
            raise InvalidInput(
                _("identity: expected a line starting with {prefix} (from `casecli identity`)").format(prefix=PREFIX)
            )
        body = text[len(PREFIX) :]
        try:
            doc = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            enc = base64.urlsafe_b64decode(doc["e"] + "=" * (-len(doc["e"]) % 4))
            sig = base64.urlsafe_b64decode(doc["s"] + "=" * (-len(doc["s"]) % 4))
            name, agency, role = str(doc["n"]), str(doc["a"]), str(doc.get("r", ""))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidInput(_("identity: the line is damaged (copy it again, whole)")) from None
        if len(enc) != 32 or len(sig) != 32 or len(role) > 40:
            raise InvalidInput(_("identity: the line is damaged (copy it again, whole)"))
        return cls(name, agency, enc, sig, role)


def private_keys(store: Store) -> tuple[bytes, bytes]:
    row = store.conn.execute("SELECT encryption_key, signing_key FROM identity WHERE id = 1").fetchone()
    return bytes(row[0]), bytes(row[1])


def own(store: Store) -> Identity:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from casecli.store.sealing import public_of

    encryption, signing = private_keys(store)
    signing_public = (
        Ed25519PrivateKey.from_private_bytes(signing).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    profile = store.profile()
    return Identity(
        profile["name"], profile["agency"], public_of(encryption), signing_public, str(profile.get("role", ""))
    )


def add_contact(store: Store, name: str, line: str) -> tuple[Identity, Standing]:
    """Add (or renew) a contact. Its role and agency are the agency roster's word where this store
    knows a roster (a line's own claim to a role, or to this agency, counts for nothing there); a
    known contact's role or agency changes only as the roster certifies it. Returns the contact as
    added, and what the roster says of it."""
    from casecli.handover.roster import standing

    identity = Identity.parse(line)
    name = name.strip()
    if not name:
        raise InvalidInput(_("contact name: expected a short name, e.g. luis-tapachula"))
    if identity.fingerprint == own(store).fingerprint:
        raise InvalidInput(_("identity: that is your own identity"))
    existing = store.conn.execute(
        "SELECT name, agency, role FROM contacts WHERE fingerprint = ?", (identity.fingerprint,)
    ).fetchone()
    if existing and existing[0] != name:
        raise InvalidInput(_("identity: already a contact, as {name}").format(name=existing[0]))
    found = standing(store, identity.fingerprint)
    if found.roster is not None:
        if found.certified:
            identity = Identity(
                identity.name, found.agency, identity.encryption_public, identity.signing_public, found.role
            )
        elif _folded(identity.agency) == _folded(found.agency):
            raise InvalidInput(
                _(
                    "identity: {person} says they work for {agency}, but the agency's roster ({number}) does not"
                    " list them: ask the agency's coordinator to certify them"
                ).format(person=identity.name, agency=found.agency, number=found.roster)
            )
        else:
            identity = Identity(identity.name, identity.agency, identity.encryption_public, identity.signing_public, "")
    changed = existing and (_folded(existing[1]) != _folded(identity.agency) or existing[2] != identity.role)
    if changed and not found.certified:
        raise InvalidInput(
            _(
                "identity: {name} was added as {role} of {agency}; this line says {new_role} of {new_agency}:"
                " a role or an agency changes only with the agency's roster"
            ).format(
                name=name,
                role=existing[2] or "—",
                agency=existing[1],
                new_role=identity.role or "—",
                new_agency=identity.agency,
            )
        )
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO contacts (name, agency, encryption_public, signing_public, fingerprint, added_at, role)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                identity.agency,
                identity.encryption_public,
                identity.signing_public,
                identity.fingerprint,
                utc_now(),
                identity.role,
            ),
        )
    return identity, found


def _folded(agency: str) -> str:
    return agency.strip().casefold()


def contacts(store: Store) -> list[dict]:
    rows = store.conn.execute("SELECT name, agency, fingerprint, added_at, role FROM contacts ORDER BY name")
    return [{"name": n, "agency": a, "fingerprint": f, "added_at": at, "role": r} for n, a, f, at, r in rows]


def contact(store: Store, name: str) -> Identity:
    row = store.conn.execute(
        "SELECT name, agency, encryption_public, signing_public, role FROM contacts WHERE name = ?", (name.strip(),)
    ).fetchone()
    if row is None:
        known = ", ".join(c["name"] for c in contacts(store)) or _("none yet")
        raise CaseNotFound(
            _("no contact {name} (contacts: {known}); add one with `casecli contacts add`").format(
                name=repr(name.strip()), known=known
            )
        )
    return Identity(row[0], row[1], bytes(row[2]), bytes(row[3]), row[4])


def contact_by_fingerprint(store: Store, fingerprint: str) -> Identity | None:
    row = store.conn.execute("SELECT name FROM contacts WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return contact(store, row[0]) if row else None


def contact_by_signing_key(store: Store, signing_public: bytes) -> str | None:
    row = store.conn.execute("SELECT name FROM contacts WHERE signing_public = ?", (signing_public,)).fetchone()
    return row[0] if row else None


def remove_contact(store: Store, name: str) -> None:
    contact(store, name)
    with store.transaction():
        store.conn.execute("DELETE FROM contacts WHERE name = ?", (name.strip(),))


def line_from(given: str) -> str:
    """An identity line as given, or read from the file `casecli identity --output` wrote."""
    from pathlib import Path

    path = Path(given)
    try:
        is_file = path.is_file()
    except OSError:  # a line far longer than a file name may be
        is_file = False
    if not is_file:
        return given
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        raise InvalidInput(_("identity: {path} could not be read as an identity line").format(path=given)) from None
    return text.splitlines()[0] if text else ""


def owner_record(store: Store) -> dict:
    """Whose store this is, as the agency's key holder is shown it (protection/keys.py seals it)."""
    me = own(store)
    return {"name": me.name, "agency": me.agency, "fingerprint": me.fingerprint}


REQUEST_SIGNED = b"casecli recovery request\n"


def _request_body(request: dict) -> bytes:
    from casecli.store.sealing import canonical

    return canonical(REQUEST_SIGNED, request, "signed")


def sign_request(store: Store, request: dict) -> dict:
    """A recovery request signed with this store's identity (the requester's, from a store they
    can open: a colleague's for a departed worker, or the owner's own on another laptop)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _encryption, signing = private_keys(store)
    signature = Ed25519PrivateKey.from_private_bytes(signing).sign(_request_body(request))
    return {
        **request,
        "signed": {"identity": own(store).line(), "signature": base64.b64encode(signature).decode()},
    }


def request_signer(request: dict) -> Identity | None:
    """Who signed a recovery request, the signature checked; None for an unsigned request.
    InvalidInput for a signature that does not hold."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    signed = request.get("signed")
    if signed is None:
        return None
    try:
        signer = Identity.parse(str(signed["identity"]))
        Ed25519PublicKey.from_public_bytes(signer.signing_public).verify(
            base64.b64decode(str(signed["signature"]), validate=True), _request_body(request)
        )
    except (InvalidSignature, KeyError, TypeError, ValueError, InvalidInput):
        raise InvalidInput(_("recovery request: its signature does not hold (it was altered)")) from None
    return signer
