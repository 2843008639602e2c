"""Key management without an administrator: passphrase change, recovery, the agency key, rekey.

All of it works on the key slots beside the store (see store/keyslots.py). Changing the
passphrase re-wraps one 32-byte key, so it takes the same time for ten cases or ten thousand;
only `rekey` re-encrypts the data, for when the data key itself may have leaked.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from pathlib import Path

from casecli.context import keys_path_for
from casecli.errors import CaseCliError, InvalidInput, WrongPassphrase
from casecli.fsutil import replace_durably, write_private_atomic
from casecli.i18n import _
from casecli.store import sealing
from casecli.store.db import Store, connect, utc_now
from casecli.store.keyslots import KeyFile, Slot, kdf_params, secret_bytes
from casecli.store.lock import key_change_lock, staged_keys_path

REQUEST_FORMAT = "casecli-recovery-request"
RESPONSE_FORMAT = "casecli-recovery-response"
PENDING_FORMAT = "casecli-recovery-pending"
AGENCY_KEY_FORMAT = "casecli-agency-key"


def load_keys(store_path: Path) -> KeyFile:
    if not store_path.exists():
        from casecli.errors import StoreMissing

        raise StoreMissing(_("no store at {path}: create one with `casecli init`").format(path=store_path))
    return KeyFile.load(keys_path_for(store_path), store_path)


def _prove(store_path: Path, data_key: bytes) -> None:
    """Open the store with the key before trusting it (a slot could belong to another store)."""
    connect(store_path, data_key).close()


def _opens(store_path: Path, data_key: bytes) -> bool:
    try:
        _prove(store_path, data_key)
    except CaseCliError:
        return False
    return True


def unlock(store_path: Path, kind: str, secret: str) -> tuple[KeyFile, bytes]:
    keys = load_keys(store_path)
    data_key = keys.unlock(kind, secret_bytes(secret))
    _prove(store_path, data_key)
    return keys, data_key


def set_passphrase(store_path: Path, keys: KeyFile, data_key: bytes, new: str, kdf_memory_kib: int | None) -> None:
    """Write a new passphrase slot; call holding the key-change lock, with keys read under it."""
    keys.add("passphrase", secret_bytes(new), data_key, kdf_params(kdf_memory_kib))
    keys.save(keys_path_for(store_path))


def change_passphrase(store_path: Path, kind: str, secret: str, new: str, kdf_memory_kib: int | None) -> None:
    """A new passphrase, unlocking with the passphrase or the recovery code (`kind`).

    The key file is read, checked against the store and rewritten under the key-change lock, so
    a `rekey` or another `passwd` in another window can neither interleave nor be undone by it.
    """
    with key_change_lock(store_path):
        keys, data_key = unlock(store_path, kind, secret)
        set_passphrase(store_path, keys, data_key, new, kdf_memory_kib)


def add_agency_slot(store_path: Path, passphrase: str, agency_public: bytes, owner: dict | None = None) -> None:
    with key_change_lock(store_path):
        keys, data_key = unlock(store_path, "passphrase", passphrase)
        keys.put(Slot.wrap_for_agency(agency_public, data_key, keys.store_id))
        if owner is not None:
            seal_owner(keys, data_key, owner)
        keys.save(keys_path_for(store_path))


# --- Whose store it is: what the agency's key holder sees before answering -----------------------


def _owner_aad(store_id: str) -> bytes:
    return f"casecli store owner\n{store_id}".encode()


def _owner_mac(data_key: bytes, store_id: str, owner: dict) -> str:
    import hashlib
    import hmac

    text = json.dumps({"store": store_id, "owner": owner}, sort_keys=True, ensure_ascii=False)
    return hmac.new(data_key, text.encode(), hashlib.sha256).hexdigest()


def seal_owner(keys: KeyFile, data_key: bytes, owner: dict) -> None:
    """Record whose store this is for the agency's key holder: sealed to the agency key (nobody
    else reads it) with a MAC under the data key (nobody without the store's key can put another
    name there: the key holder checks it once the agency slot gives the key)."""
    slot = keys.slot("agency")
    if slot is None:
        return
    body = json.dumps({"owner": owner, "mac": _owner_mac(data_key, keys.store_id, owner)}, ensure_ascii=False)
    keys.owner = sealing.seal(sealing.unb64(slot.kdf["recipient"]), body.encode(), _owner_aad(keys.store_id))


def record_owner(store_path: Path, data_key: bytes, owner: dict) -> None:
    """Seal the owner into the store's key file (a store with an agency slot), under the key-change lock."""
    with key_change_lock(store_path):
        keys = load_keys(store_path)
        if keys.slot("agency") is not None:
            seal_owner(keys, data_key, owner)
            keys.save(keys_path_for(store_path))


def owner_of_request(request: dict, private: bytes, data_key: bytes) -> dict | None:
    """The owner a request's store recorded, checked against the store's key; None when the store
    recorded none (made before casecli kept it) or the record was altered."""
    sealed = request.get("owner")
    if not isinstance(sealed, dict):
        return None
    body = sealing.open_sealed(private, sealed, _owner_aad(request["store_id"]))
    try:
        doc = json.loads(body or b"")
    except ValueError:
        return None
    owner = doc.get("owner") if isinstance(doc, dict) else None
    import hmac

    if not isinstance(owner, dict) or not isinstance(doc.get("mac"), str):
        return None
    if not hmac.compare_digest(doc["mac"], _owner_mac(data_key, request["store_id"], owner)):
        return None
    return {k: str(owner.get(k, "")) for k in ("name", "agency", "fingerprint")}


# --- The agency key holder's side -------------------------------------------------------------


def new_agency_key(passphrase: str, kdf_memory_kib: int | None = None) -> tuple[dict, str]:
    """A new agency key pair: (the private key file's document, the public key line)."""
    private, public = sealing.new_keypair()
    public_text = sealing.format_public(public)
    slot = Slot.wrap("agency-private", secret_bytes(passphrase), private, public_text, kdf_params(kdf_memory_kib))
    doc = {"format": AGENCY_KEY_FORMAT, "version": 1, "public": public_text, "slot": slot.__dict__}
    return doc, agency_line(private)


def agency_line(private: bytes) -> str:
    """The agency's public line: its recovery key and the key its rosters are signed with."""
    return sealing.format_agency_line(sealing.public_of(private), sealing.agency_signing_key(private)[1])


def open_agency_key(path: Path, passphrase: str) -> tuple[bytes, bytes]:
    doc = _read_doc(path, AGENCY_KEY_FORMAT, "agency key file")
    public = sealing.parse_public(doc["public"])
    private = Slot(**doc["slot"]).unwrap(secret_bytes(passphrase), doc["public"])
    if private is None or sealing.public_of(private) != public:
        raise WrongPassphrase(_("wrong passphrase for the agency key file (or the file was altered)"))
    return private, public


def answer_request(
    request: dict, private: bytes, public: bytes, decide: Callable[[dict | None], dict] | None = None
) -> dict:
    """Open the store's agency slot named in a recovery request and seal its key to the requester.
    `decide(owner)` is shown whose store it opens (None: not recorded) and returns what the response
    records of who asked (it raises to refuse)."""
    slot = Slot(**request["agency_slot"])
    recipient = sealing.unb64(slot.kdf.get("recipient", ""))
    if recipient != public:
        raise InvalidInput(
            _("this recovery request is for another agency key (fingerprint {theirs}); this key is {ours}").format(
                theirs=sealing.fingerprint(recipient), ours=sealing.fingerprint(public)
            )
        )
    data_key = slot.unwrap(private, request["store_id"])
    if data_key is None:
        raise WrongPassphrase(_("the request's agency slot does not open with this key (it was altered)"))
    asked = decide(owner_of_request(request, private, data_key)) if decide is not None else {}
    reply_to = sealing.unb64(request["reply_to"])
    return {
        "format": RESPONSE_FORMAT,
        "version": 1,
        "store_id": request["store_id"],
        "reply_to": request["reply_to"],
        "sealed": sealing.seal(reply_to, data_key, _aad(request["store_id"])),
        **asked,
    }


# --- The worker's side of an agency recovery ----------------------------------------------------


def pending_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".recovery-pending")


def make_request(store_path: Path, new: str, kdf_memory_kib: int | None = None) -> dict:
    """Start an agency recovery: a one-time key pair whose private half waits, under the new passphrase."""
    keys = load_keys(store_path)
    slot = keys.slot("agency")
    if slot is None:
        raise InvalidInput(_("this store has no agency recovery key (add one with `casecli agency-key add`)"))
    private, public = sealing.new_keypair()
    pending = Slot.wrap("recovery-pending", secret_bytes(new), private, keys.store_id, kdf_params(kdf_memory_kib))
    write_private_atomic(
        pending_path(store_path),
        json.dumps(
            {"format": PENDING_FORMAT, "version": 1, "store_id": keys.store_id, "slot": pending.__dict__}
        ).encode(),
    )
    return {
        "format": REQUEST_FORMAT,
        "version": 1,
        "store_id": keys.store_id,
        "agency_slot": slot.__dict__,
        "reply_to": sealing.b64(public),
        "nonce": secrets.token_hex(8),
        **({"owner": keys.owner} if keys.owner else {}),  # whose store: for the key holder's eyes only
    }


def complete_request(store_path: Path, response: dict, new: str, kdf_memory_kib: int | None = None) -> None:
    with key_change_lock(store_path):
        _complete_request(store_path, response, new, kdf_memory_kib)


def _complete_request(store_path: Path, response: dict, new: str, kdf_memory_kib: int | None) -> None:
    keys = load_keys(store_path)
    pending_file = pending_path(store_path)
    if not pending_file.exists():
        raise InvalidInput(
            _("no agency recovery was started on this laptop: run `casecli recover --agency-request FILE` first")
        )
    pending = _read_doc(pending_file, PENDING_FORMAT, "pending recovery")
    if response.get("store_id") != keys.store_id or pending.get("store_id") != keys.store_id:
        raise InvalidInput(_("this recovery response is for another store"))
    private = Slot(**pending["slot"]).unwrap(secret_bytes(new), keys.store_id)
    if private is None:
        raise WrongPassphrase(_("that is not the new passphrase chosen when the recovery request was made"))
    data_key = sealing.open_sealed(private, response.get("sealed", {}), _aad(keys.store_id))
    if data_key is None or len(data_key) != 32:
        raise InvalidInput(_("the recovery response does not answer this laptop's request (or was altered)"))
    _prove(store_path, data_key)
    set_passphrase(store_path, keys, data_key, new, kdf_memory_kib)
    pending_file.unlink()


# --- Rekey ---------------------------------------------------------------------------------------


def rekey(
    store_path: Path,
    passphrase: str,
    show_code: Callable[[str], None],
    kdf_memory_kib: int | None = None,
    owner: dict | None = None,
) -> str:
    """Re-encrypt the store under a new data key; returns the new recovery code.

    Under the key-change lock, in this order: the new key file (passphrase, new recovery code,
    agency slot) is written durably beside the old one; the new code is shown (`show_code`, which
    may wait for the worker to confirm it is written down); only then is the store re-encrypted,
    in one SQLCipher transaction, and the new key file put in place. Killed before the
    re-encryption, the old key file still opens the store (and the old code still works); killed
    after it, the staged key file does, and the next open puts it in place (store.db.open_store).
    """
    from casecli.protection import recovery

    with key_change_lock(store_path):
        keys, old_key = unlock(store_path, "passphrase", passphrase)
        new_key = secrets.token_bytes(32)
        fresh = KeyFile(store_id=keys.store_id)
        fresh.add("passphrase", secret_bytes(passphrase), new_key, kdf_params(kdf_memory_kib))
        code = recovery.generate()
        fresh.add("recovery", secret_bytes(code), new_key, kdf_params(kdf_memory_kib))
        agency = keys.slot("agency")
        if agency is not None:
            fresh.put(Slot.wrap_for_agency(sealing.unb64(agency.kdf["recipient"]), new_key, keys.store_id))
            if owner is not None:  # bound to the new key
                seal_owner(fresh, new_key, owner)
        staged = staged_keys_path(store_path)
        fresh.save(staged)
        try:
            show_code(code)
            conn = connect(store_path, old_key)
            try:
                conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            finally:
                conn.close()
        except BaseException:
            # Not re-encrypted (cancelled at the code, or the rekey failed as a whole): the old
            # key file stays in force, and the staged one goes, unless the store already needs it.
            if _opens(store_path, old_key):
                staged.unlink(missing_ok=True)
            raise
        _prove(store_path, new_key)
        replace_durably(staged, keys_path_for(store_path))
    return code


def _aad(store_id: str) -> bytes:
    return f"casecli recovery response\n{store_id}".encode()


def _read_doc(path: Path, fmt: str, what: str) -> dict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InvalidInput(_("{what}: no such file: {path}").format(what=what, path=path)) from None
    except (OSError, ValueError):
        raise InvalidInput(
            _("{what}: {path} is not a {format} file").format(what=what, path=path, format=fmt)
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise InvalidInput(_("{what}: {path} is not a {format} file").format(what=what, path=path, format=fmt))
    return doc


def read_request(path: Path) -> dict:
    doc = _read_doc(path, REQUEST_FORMAT, "recovery request")
    if not all(k in doc for k in ("store_id", "agency_slot", "reply_to")):
        raise InvalidInput(_("recovery request: {path} is incomplete").format(path=path))
    return doc


def read_response(path: Path) -> dict:
    return _read_doc(path, RESPONSE_FORMAT, "recovery response")


FOR_ANOTHER_KEY = "recovery.for_another"  # meta: each agency recovery answered for someone else


def record_for_another(store: Store, requester: str, reason: str) -> None:
    """Keep, in the store, that the agency opened it for someone who is not its owner, and why."""
    with store.transaction():
        kept = json.loads(store.meta(FOR_ANOTHER_KEY) or "[]")
        kept.append({"requester": requester[:200], "reason": reason[:2000], "at": utc_now()})
        store.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (FOR_ANOTHER_KEY, json.dumps(kept, ensure_ascii=False)),
        )


def recoveries_for_another(store: Store) -> list[dict]:
    """Every agency recovery of this store answered for someone else (requester, reason, at)."""
    kept = json.loads(store.meta(FOR_ANOTHER_KEY) or "[]")
    return [k for k in kept if isinstance(k, dict)]
