"""Handover signatures: the handing-over worker signs the case's chain of events at the handover.

The signature covers the case number, the event's place in the chain, the hash of the event
before it and the bundle's id, so it cannot be moved to another case, place or bundle.
"""

from __future__ import annotations

import base64

HANDOVER_CONTEXT = b"casecli handover signature\n"


def handover_message(case_number: str, seq: int, prev_hash: str, bundle_id: str) -> bytes:
    return HANDOVER_CONTEXT + f"{case_number}\n{seq}\n{prev_hash}\n{bundle_id}".encode()


def sign_handover(
    signing_private: bytes, signing_public: bytes, case_number: str, seq: int, prev_hash: str, bundle_id: str
) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signature = Ed25519PrivateKey.from_private_bytes(signing_private).sign(
        handover_message(case_number, seq, prev_hash, bundle_id)
    )
    return {"signer": base64.b64encode(signing_public).decode(), "signature": base64.b64encode(signature).decode()}


def handover_signer(row: tuple) -> str | None:
    """The signing key (base64) of a handover event (a row of the events table, in its columns'
    order) whose signature verifies, else None. Checked by `verify`, and at import: an event whose
    signature does not hold never enters the store."""
    import json

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    case_number, seq, _at, _actor, _kind, _summary, changes, prev_hash, _hash = row
    try:
        data = json.loads(changes)
        key = base64.b64decode(data["signer"], validate=True)
        Ed25519PublicKey.from_public_bytes(key).verify(
            base64.b64decode(data["signature"], validate=True),
            handover_message(case_number, seq, prev_hash, data["bundle"]),
        )
    except (KeyError, ValueError, TypeError, AttributeError, InvalidSignature):
        return None
    return str(data["signer"])
