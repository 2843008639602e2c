"""Receipts: the receiver's signed answer to a handover (accepted, or refused with a reason).

A receipt is a bundle with no case records: encrypted to the sender alone, signed by the receiver,
read by the same checks as any bundle. Its description names the handover's bundle and cases.
"""

from __future__ import annotations

from pathlib import Path

from casecli.errors import BundleRejected
from casecli.handover import identity as identities
from casecli.handover.bundle import BundleReader, BundleWriter, PayloadWriter, receipt_key
from casecli.i18n import _
from casecli.store.db import Store, utc_now
from casecli.store.migrations import RECORDS_VERSION
from casecli.store.witnesses import brought_by

KIND = "receipt"
MAX_REASON = 2000


def receipt_path(bundle: Path) -> Path:
    """Where a receipt is written by default: beside the bundle, named after it."""
    return bundle.with_name(bundle.name + ".receipt")


def write_receipt(
    store: Store,
    reader: BundleReader,
    cases: list[str],
    accepted: bool,
    reason: str,
    output: Path,
    file_key: bytes | None = None,
) -> dict:
    """Write the signed receipt for the bundle `reader` brought, for its sender only (a file, or a
    folder: their mailbox inbox). With the bundle's `file_key`, the receipt proves it was opened
    (the proof a passphrase handover's sender needs: its receipt may be signed by anybody)."""
    me = identities.own(store)
    sender = me.header()
    _encryption, signing_private = identities.private_keys(store)
    at = utc_now()
    receipt = {
        "bundle": reader.bundle_id,
        "receiver": {"name": me.name, "fingerprint": me.fingerprint},
        "cases": sorted(cases),
        "accepted": accepted,
        "reason": reason[:MAX_REASON],
        "at": at,
        # the sender's heads as this laptop took them in: the sender keeps them as witnessed
        # (store/witnesses.py), so a history rewritten there later is named by its own `verify`
        "heads": {n: list(head) for n, head in brought_by(store, reader.bundle_id).items() if n in cases},
    }
    if file_key is not None:
        receipt["proof"] = _proof(receipt_key(file_key, reader.bundle_id), receipt)
    writer = BundleWriter(output, sender, signing_private, [(reader.sender_encryption, reader.fingerprint)], created=at)
    try:
        payload = PayloadWriter(writer)
        payload.record({"t": "bundle", "r": {"schema": RECORDS_VERSION, "kind": KIND, "cases": [], "receipt": receipt}})
        payload.close()
    except BaseException:
        writer.abort()
        raise
    return {**receipt, "output": str(writer.path), "receipt_id": writer.bundle_id}


def receipt_of(meta: dict, name: str) -> dict | None:
    """The receipt a bundle's description holds (checked), or None for a bundle of cases."""
    if meta.get("kind") != KIND:
        return None
    receipt = meta.get("receipt")
    if (
        not isinstance(receipt, dict)
        or not isinstance(receipt.get("bundle"), str)
        or not isinstance(receipt.get("accepted"), bool)
        or not isinstance(receipt.get("cases"), list)
        or not all(isinstance(n, str) and len(n) <= 24 for n in receipt["cases"])
        or not isinstance(receipt.get("reason", ""), str)
        or len(receipt.get("reason", "")) > MAX_REASON
        or not isinstance(receipt.get("at"), str)
        or len(receipt["at"]) > 40
        or not _receiver_ok(receipt.get("receiver", {}))
        or not isinstance(receipt.get("proof", ""), str)
        or len(receipt.get("proof", "")) > 64
        or not _heads_ok(receipt.get("heads", {}), receipt["cases"])
    ):
        raise BundleRejected(_("{file}: the receipt is malformed").format(file=name))
    return receipt


def _receiver_ok(receiver: object) -> bool:
    """Who took the bundle, as the receipt names them (receipts before the mailbox name nobody)."""
    return isinstance(receiver, dict) and all(
        isinstance(receiver.get(k, ""), str) and len(receiver.get(k, "")) <= 200 for k in ("name", "fingerprint")
    )


def _proof(key: bytes, receipt: dict) -> str:
    """The MAC of a receipt's every field but the proof itself, keyed from the handed-over bundle."""
    import hashlib
    import hmac
    import json

    body = json.dumps(
        {k: v for k, v in receipt.items() if k != "proof"}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def proven(receipt: dict, key_hex: str | None) -> bool:
    """Whether a receipt proves it knows the bundle's passphrase: its MAC with the key the sender
    kept at export. A handover written before that key was kept cannot be proven (revoke it)."""
    import hmac

    if not key_hex or not isinstance(receipt.get("proof"), str):
        return False
    return hmac.compare_digest(_proof(bytes.fromhex(key_hex), receipt), receipt["proof"])


def _heads_ok(heads: object, cases: list) -> bool:
    """A receipt's heads: for cases it names, each [place in the chain, hash]."""
    return isinstance(heads, dict) and all(
        n in cases
        and isinstance(h, list)
        and len(h) == 2
        and isinstance(h[0], int)
        and not isinstance(h[0], bool)
        and 0 < h[0] < 10**9
        and isinstance(h[1], str)
        and len(h[1]) == 64
        for n, h in heads.items()
    )
