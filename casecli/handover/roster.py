"""The agency's roster: who belongs to the agency, and in which role, signed with the agency's key.

An identity line says whatever its maker typed: a worker can make a second store whose profile says
"supervisor", and another agency's contact can claim this agency's name. The roster is the agency's
word instead: a numbered document listing each member's fingerprint, name and role (case worker,
supervisor, coordinator) with the dates the membership is valid, and the members revoked, signed
with a signing key derived from the agency recovery key (so the coordinator keeps one key file,
offline). A worker's store pins the agency's signing key when the agency key is added (its public
line, `casecli-agency2:`); a roster that key signed replaces an older one, never the reverse.

Where a roster is known, a role and an agency come only from it; without one, casecli keeps
working and says "roles not certified".
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.store import settings
from casecli.store.db import Store, utc_now

FORMAT = "casecli-roster"
ROLES = ("case_worker", "supervisor", "coordinator")
PINNED_KEY = "agency.signing_public"  # meta: the agency signing key this store trusts (store/trust.py reads it too)
SIGNED = b"casecli roster\n"
MAX_MEMBERS = 5000
MAX_TEXT = 200


@dataclass(frozen=True)
class Member:
    fingerprint: str
    name: str
    role: str
    valid_from: str
    valid_to: str = ""  # empty: no end

    def valid_on(self, day: str) -> bool:
        return self.valid_from <= day and (not self.valid_to or day <= self.valid_to)


@dataclass(frozen=True)
class Revocation:
    fingerprint: str
    name: str
    on: str  # the day, as the coordinator's calendar had it
    reason: str
    at: str = ""  # the moment (UTC): a bundle made before it is theirs still, one made after is refused


@dataclass(frozen=True)
class Roster:
    agency: str
    number: int
    issued: str
    members: tuple[Member, ...]
    revoked: tuple[Revocation, ...]
    doc: dict = field(repr=False, compare=False, hash=False)

    def member(self, fingerprint: str) -> Member | None:
        return next((m for m in self.members if m.fingerprint == fingerprint), None)

    def revocation(self, fingerprint: str) -> Revocation | None:
        return next((r for r in self.revoked if r.fingerprint == fingerprint), None)


@dataclass(frozen=True)
class Standing:
    """What the roster says of one identity on one day: certified (and as what), revoked, or
    unknown to it; `roster` is None where this store knows no roster (roles not certified)."""

    roster: int | None
    agency: str = ""
    member: Member | None = None
    revoked: Revocation | None = None

    @property
    def certified(self) -> bool:
        return self.member is not None and self.revoked is None

    @property
    def role(self) -> str:
        return self.member.role if self.certified and self.member is not None else ""


# --- The agency's signing key, pinned here ------------------------------------------------------


def pin(store: Store, signing_public: bytes) -> None:
    """Trust rosters signed with this agency key from now on (call in a transaction)."""
    store.conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        (PINNED_KEY, base64.b64encode(signing_public).decode()),
    )


def pinned(store: Store) -> bytes | None:
    value = store.meta(PINNED_KEY)
    return base64.b64decode(value) if value else None


# --- Making and signing a roster (the coordinator's side) ---------------------------------------


def _body(doc: dict) -> bytes:
    from casecli.store.sealing import canonical

    return canonical(SIGNED, doc, "signature")


def _signed(doc: dict, seed: bytes) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    doc = {**doc, "issued": utc_now()}
    return {**doc, "signature": base64.b64encode(Ed25519PrivateKey.from_private_bytes(seed).sign(_body(doc))).decode()}


def empty(agency: str, signing_public: bytes) -> dict:
    if not agency.strip() or len(agency) > MAX_TEXT:
        raise InvalidInput(_("--agency: the agency's name, as its workers' profiles spell it"))
    return {
        "format": FORMAT,
        "version": 1,
        "agency": agency.strip(),
        "number": 0,
        "signing_public": base64.b64encode(signing_public).decode(),
        "members": [],
        "revoked": [],
    }


def certify(doc: dict, seed: bytes, fingerprint: str, name: str, role: str, valid_from: str, valid_to: str) -> dict:
    """The roster with this member certified (a re-certification replaces the entry and lifts a
    revocation), numbered one more and signed."""
    if role not in ROLES:
        raise InvalidInput(_("--role: expected one of {roles}").format(roles=", ".join(ROLES)))
    if not name.strip() or len(name) > MAX_TEXT:
        raise InvalidInput(_("--name: the member's name, as the agency knows them"))
    if valid_to and valid_to < valid_from:
        raise InvalidInput(_("--valid-until: a date after the membership starts ({start})").format(start=valid_from))
    member = {"fingerprint": fingerprint, "name": name.strip(), "role": role, "valid_from": valid_from}
    if valid_to:
        member["valid_to"] = valid_to
    return _signed(
        {
            **doc,
            "number": int(doc["number"]) + 1,
            "members": [m for m in doc["members"] if m["fingerprint"] != fingerprint] + [member],
            "revoked": [r for r in doc["revoked"] if r["fingerprint"] != fingerprint],
        },
        seed,
    )


def with_policy(doc: dict, seed: bytes, values: dict[str, int]) -> dict:
    """The roster carrying the agency's policy (the settings that protect children, fixed: a worker
    may make one stricter on their laptop, never weaker), numbered one more and signed."""
    unknown = [k for k in values if settings.stricter_way(k) is None]
    if unknown:
        raise InvalidInput(
            _("--set {key}: not a setting the agency's policy fixes (see docs/rules.md)").format(key=unknown[0])
        )
    return _signed({**doc, "number": int(doc["number"]) + 1, "policy": {**doc.get("policy", {}), **values}}, seed)


def revoke(doc: dict, seed: bytes, fingerprint: str, reason: str, on: str) -> dict:
    member = next((m for m in doc["members"] if m["fingerprint"] == fingerprint), None)
    if member is None:
        raise InvalidInput(_("revoke: {fingerprint} is not a member on this roster").format(fingerprint=fingerprint))
    if not reason.strip():
        raise InvalidInput(_("--reason: say why the membership is revoked"))
    revocation = {
        "fingerprint": fingerprint,
        "name": member["name"],
        "on": on,
        "at": utc_now(),
        "reason": reason.strip()[:MAX_TEXT],
    }
    return _signed(
        {
            **doc,
            "number": int(doc["number"]) + 1,
            # the member stays listed: what they did before the day of the revocation stays theirs
            "revoked": [r for r in doc["revoked"] if r["fingerprint"] != fingerprint] + [revocation],
        },
        seed,
    )


# --- Reading one (every worker's side) ----------------------------------------------------------


def _text(value: object, limit: int = MAX_TEXT) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _date(value: object) -> bool:
    if not _text(value, 10):
        return False
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def read(doc: object, signing_public: bytes, where: str) -> Roster:
    """A roster document checked whole: its shape, then its signature by the agency key pinned
    here; InvalidInput naming `where` (a file, a bundle) otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    bad = InvalidInput(
        _("{where}: not a roster of the agency (its shape or its signature does not hold)").format(where=where)
    )
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != 1:
        raise bad
    members, revoked = doc.get("members"), doc.get("revoked")
    if (
        not _text(doc.get("agency"))
        or not isinstance(doc.get("number"), int)
        or isinstance(doc.get("number"), bool)
        or not _text(doc.get("issued"), 40)
        or not _text(doc.get("signature"), 200)
        or not isinstance(members, list)
        or not isinstance(revoked, list)
        or len(members) + len(revoked) > MAX_MEMBERS
        or not isinstance(doc.get("policy", {}), dict)
        or not all(
            _text(k, 80) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 3650
            for k, v in doc.get("policy", {}).items()
        )
    ):
        raise bad
    for m in members:
        if not (
            isinstance(m, dict)
            and all(_text(m.get(k)) for k in ("fingerprint", "name", "role"))
            and m["role"] in ROLES
            and _date(m.get("valid_from"))
            and (m.get("valid_to") is None or _date(m.get("valid_to")))
        ):
            raise bad
    for r in revoked:
        if not (
            isinstance(r, dict)
            and all(_text(r.get(k)) for k in ("fingerprint", "name", "reason"))
            and _date(r.get("on"))
            and _text(r.get("at", ""), 40)
        ):
            raise bad
    try:
        Ed25519PublicKey.from_public_bytes(signing_public).verify(
            base64.b64decode(doc["signature"], validate=True), _body(doc)
        )
    except (InvalidSignature, ValueError):
        raise bad from None
    return Roster(
        agency=doc["agency"],
        number=doc["number"],
        issued=doc["issued"],
        members=tuple(
            Member(m["fingerprint"], m["name"], m["role"], m["valid_from"], m.get("valid_to") or "") for m in members
        ),
        revoked=tuple(Revocation(r["fingerprint"], r["name"], r["on"], r["reason"], r.get("at", "")) for r in revoked),
        doc=doc,
    )


def current(store: Store) -> Roster | None:
    """The newest roster this store adopted (checked again against the pinned key), or None."""
    key = pinned(store)
    row = store.conn.execute("SELECT doc FROM roster ORDER BY number DESC LIMIT 1").fetchone()
    if key is None or row is None:
        return None
    return read(json.loads(row[0]), key, "roster")


def adopt(store: Store, doc: object, where: str) -> tuple[str, Roster]:
    """Keep a roster if it is the agency's and newer than the one known here: ("adopted" | "known"
    | "older", the roster). Call in a transaction. Refused without a pinned agency key."""
    key = pinned(store)
    if key is None:
        raise InvalidInput(
            _(
                "{where}: this store trusts no agency key yet: add the agency's public key with"
                " `casecli agency-key add casecli-agency2:…`"
            ).format(where=where)
        )
    roster = read(doc, key, where)
    known = current(store)
    if known is not None and roster.number < known.number:
        return "older", known
    if known is not None and roster.number == known.number:
        return "known", known
    store.conn.execute(
        "INSERT OR REPLACE INTO roster (number, agency, doc, received_at) VALUES (?, ?, ?, ?)",
        (roster.number, roster.agency, json.dumps(roster.doc, ensure_ascii=False), utc_now()),
    )
    settings.forget_policy(store)  # the policy the roster carries applies from now on
    return "adopted", roster


def standing(store: Store, fingerprint: str, day: str | None = None, roster: Roster | None = None) -> Standing:
    """What the roster known here says of `fingerprint` on `day` (today by default)."""
    roster = roster or current(store)
    if roster is None:
        return Standing(None)
    day = (day or utc_now())[:10]
    member = roster.member(fingerprint)
    revoked = roster.revocation(fingerprint)
    if revoked is not None and revoked.on > day:
        revoked = None  # revoked later than the day asked about
    if member is not None and not member.valid_on(day):
        member = None
    return Standing(roster.number, roster.agency, member, revoked)


MAX_FILE = 4 << 20  # a roster of MAX_MEMBERS fits well within it


def from_file(store: Store, path: Path) -> tuple[str, Roster]:
    """Adopt the roster in a file (or say it is known, or older); one transaction."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise ValueError
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise InvalidInput(
            _("{where}: not a roster of the agency (its shape or its signature does not hold)").format(where=path)
        ) from None
    with store.transaction():
        return adopt(store, doc, str(path))
