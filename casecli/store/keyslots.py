"""Key slots: the store's random data key, wrapped once per secret that may unlock it.

As LUKS does, the data is encrypted with a random key that never changes when a passphrase
does; each slot wraps that key under a key derived from one secret (the worker's passphrase, a
recovery code). Slots live in a small file beside the store (`<store>.keys`): it holds no child
data, only wrapped keys and their parameters. Every slot is authenticated (AES-256-GCM with the
slot's parameters and the store id as associated data), so an edited slot fails to unlock
instead of yielding a wrong key.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from casecli.errors import NotAStore, WrongPassphrase
from casecli.fsutil import write_private_atomic
from casecli.i18n import _

FORMAT = "casecli-keyslots"
VERSION = 1
DATA_KEY_BYTES = 32

# RFC 9106's second recommended option (64 MiB, 3 passes, 4 lanes): about 0.1 s here, and
# well within an old laptop's memory.
DEFAULT_KDF = {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4}
MIN_MEMORY_KIB = 64  # allowed only for tests through CASECLI_KDF_MEMORY_KIB
# The most a key slot may ask of a laptop: far above what casecli writes (64 MiB, 3 passes, 4
# lanes), far below what would stall an old laptop for minutes or run it out of memory. A slot
# asking for more was not written by casecli: refused before any work is done.
MAX_KDF = {"memory_kib": 1024 * 1024, "iterations": 16, "lanes": 16}
X25519_KDF = "x25519-hkdf-sha256"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def kdf_params(memory_kib: int | None = None) -> dict:
    params = dict(DEFAULT_KDF)
    if memory_kib is not None:
        params["memory_kib"] = max(MIN_MEMORY_KIB, memory_kib)
        params["iterations"] = 1
        params["lanes"] = 1
    params["salt"] = _b64(secrets.token_bytes(16))
    return params


def derive(secret: bytes, params: dict) -> bytes:
    """The key-encryption key for a slot, from its secret (a passphrase or code, or an agency private key)."""
    name = params.get("name")
    if name == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        try:
            cost = {key: int(params[key]) for key in MAX_KDF}
        except (KeyError, TypeError, ValueError):
            raise NotAStore(_("a key slot's key derivation is damaged")) from None
        if any(not 1 <= cost[key] <= MAX_KDF[key] for key in MAX_KDF) or cost["memory_kib"] < 8 * cost["lanes"]:
            raise NotAStore(_("a key slot asks for a key derivation casecli never writes (altered?)"))

        return Argon2id(
            salt=_unb64(params["salt"]),
            length=32,
            iterations=int(params["iterations"]),
            lanes=int(params["lanes"]),
            memory_cost=int(params["memory_kib"]),
        ).derive(secret)
    if name == X25519_KDF:
        from casecli.store.sealing import agreed_key

        return agreed_key(secret, _unb64(params["ephemeral"]), _unb64(params["recipient"]))
    raise NotAStore(_("key slot uses an unknown key derivation ({name})").format(name=repr(name)))


@dataclass
class Slot:
    kind: str  # "passphrase" | "recovery" | "agency"
    kdf: dict
    nonce: str
    wrapped: str

    def associated_data(self, store_id: str) -> bytes:
        described = {"kind": self.kind, "kdf": self.kdf}
        text = json.dumps(described, sort_keys=True, separators=(",", ":"))
        return f"{FORMAT}/{VERSION}\n{store_id}\n{text}".encode()

    @classmethod
    def seal(cls, kind: str, kek: bytes, data_key: bytes, store_id: str, params: dict) -> Slot:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        slot = cls(kind=kind, kdf=params, nonce="", wrapped="")
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(kek).encrypt(nonce, data_key, slot.associated_data(store_id))
        slot.nonce, slot.wrapped = _b64(nonce), _b64(sealed)
        return slot

    @classmethod
    def wrap(cls, kind: str, secret: bytes, data_key: bytes, store_id: str, params: dict) -> Slot:
        return cls.seal(kind, derive(secret, params), data_key, store_id, params)

    @classmethod
    def wrap_for_agency(cls, public_key: bytes, data_key: bytes, store_id: str) -> Slot:
        """A slot only the holder of the agency's private key can open (X25519, then HKDF)."""
        from casecli.store.sealing import ephemeral_agreement

        ephemeral, kek = ephemeral_agreement(public_key)
        params = {"name": X25519_KDF, "ephemeral": _b64(ephemeral), "recipient": _b64(public_key)}
        return cls.seal("agency", kek, data_key, store_id, params)

    def unwrap(self, secret: bytes, store_id: str) -> bytes | None:
        try:
            return self.open(derive(secret, self.kdf), store_id)
        except (ValueError, KeyError, TypeError):
            return None

    def open(self, kek: bytes, store_id: str) -> bytes | None:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            key = AESGCM(kek).decrypt(_unb64(self.nonce), _unb64(self.wrapped), self.associated_data(store_id))
        except (InvalidTag, ValueError, KeyError, TypeError):
            return None
        return key if len(key) == DATA_KEY_BYTES else None


@dataclass
class KeyFile:
    store_id: str
    slots: list[Slot] = field(default_factory=list)
    # Whose store this is, sealed to the agency key and bound to the data key (protection/keys.py):
    # what the agency's key holder is shown before answering a recovery request.
    owner: dict | None = None

    @classmethod
    def new(cls) -> tuple[KeyFile, bytes]:
        return cls(store_id=secrets.token_hex(16)), secrets.token_bytes(DATA_KEY_BYTES)

    def add(self, kind: str, secret: bytes, data_key: bytes, params: dict) -> None:
        self.put(Slot.wrap(kind, secret, data_key, self.store_id, params))

    def put(self, slot: Slot) -> None:
        """Add a slot, replacing any slot of the same kind (one of each kind)."""
        self.slots = [s for s in self.slots if s.kind != slot.kind] + [slot]

    def slot(self, kind: str) -> Slot | None:
        return next((s for s in self.slots if s.kind == kind), None)

    def unlock(self, kind: str, secret: bytes) -> bytes:
        """Return the data key, or raise WrongPassphrase if no slot of `kind` opens with `secret`."""
        for slot in self.slots:
            if slot.kind == kind:
                key = slot.unwrap(secret, self.store_id)
                if key is not None:
                    return key
        if not any(s.kind == kind for s in self.slots):
            raise WrongPassphrase(_("this store has no {kind} key slot").format(kind=kind))
        if kind == "passphrase":
            raise WrongPassphrase(_("wrong passphrase (or the key file was altered): nothing was changed"))
        raise WrongPassphrase(
            _("wrong {kind} code (or the key file was altered): nothing was changed").format(kind=kind)
        )

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "slots": [slot.__dict__ for slot in self.slots],
            **({"owner": self.owner} if self.owner else {}),
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()

    def save(self, path: Path) -> None:
        write_private_atomic(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path, store_path: Path) -> KeyFile:
        try:
            doc = json.loads(path.read_bytes())
        except FileNotFoundError:
            raise NotAStore(
                _("{store} is not a casecli store (its key file {keys} is missing)").format(
                    store=store_path, keys=path.name
                )
            ) from None
        except (OSError, ValueError):
            raise NotAStore(_("{path} is not a casecli key file").format(path=path)) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise NotAStore(_("{path} is not a casecli key file").format(path=path))
        if doc.get("version") != VERSION:
            raise NotAStore(
                _("{path} has key-file version {version}; this casecli reads {latest}").format(
                    path=path, version=repr(doc.get("version")), latest=VERSION
                )
            )
        try:
            slots = [Slot(**{k: s[k] for k in ("kind", "kdf", "nonce", "wrapped")}) for s in doc["slots"]]
            owner = doc.get("owner") if isinstance(doc.get("owner"), dict) else None
            return cls(store_id=str(doc["store_id"]), slots=slots, owner=owner)
        except (KeyError, TypeError):
            raise NotAStore(_("{path} is a damaged casecli key file").format(path=path)) from None


def secret_bytes(text: str) -> bytes:
    """Passphrases are compared as typed, after Unicode normalisation (an é typed two ways is one é)."""
    import unicodedata

    return unicodedata.normalize("NFC", text).encode("utf-8")
