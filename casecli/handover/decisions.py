"""A supervisor's decision as a bundle's description: its shape, checked before anything is asked."""

from __future__ import annotations

from casecli.errors import BundleRejected
from casecli.i18n import _

KIND = "approval-decision"
MAX_COMMENT = 2000


def decision_of(meta: dict, name: str) -> tuple[dict, str] | None:
    """The decision (and its signature) a bundle's description holds, checked; None for other bundles."""
    if meta.get("kind") != KIND:
        return None
    decision, signature = meta.get("decision"), meta.get("signature")
    if (
        not isinstance(decision, dict)
        or not isinstance(signature, str)
        or len(signature) > 200
        or decision.get("decision") not in ("approved", "rejected")
        or not all(isinstance(decision.get(k), str) for k in ("approval", "case", "kind", "subject_hash", "at", "by"))
        or not isinstance(decision.get("comment", ""), str)
        or len(decision.get("comment", "")) > MAX_COMMENT
        or any(len(decision[k]) > 200 for k in ("approval", "case", "kind", "subject_hash", "at", "by"))
    ):
        raise BundleRejected(_("{file}: the decision is malformed").format(file=name))
    return decision, signature
