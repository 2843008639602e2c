"""Recovery codes: long, random, grouped for writing down, each group with its own check character.

Seven groups of five characters; in each group four are random and the fifth checks them (the
same check as case numbers), so a miswritten group is named, not just "wrong code". 28 random
characters from a 31-letter alphabet carry about 138 bits.
"""

from __future__ import annotations

import secrets

from casecli.casenumber import ALPHABET, READ_AS, check_character
from casecli.errors import InvalidInput
from casecli.i18n import _

GROUPS = 7
RANDOM_PER_GROUP = 4


def generate() -> str:
    groups = []
    for _group in range(GROUPS):
        body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_PER_GROUP))
        groups.append(body + check_character(body))
    return "-".join(groups)


def normalize(text: str) -> str:
    """The canonical code for what was typed (any case, spaces or dashes), or InvalidInput."""
    compact = "".join(ch for ch in text.upper().translate(READ_AS) if ch not in " -\t")
    size = RANDOM_PER_GROUP + 1
    if len(compact) != GROUPS * size or any(ch not in ALPHABET for ch in compact):
        raise InvalidInput(
            _("recovery code: expected {groups} groups of {size} letters or digits").format(groups=GROUPS, size=size)
        )
    groups = [compact[i : i + size] for i in range(0, len(compact), size)]
    for number, group in enumerate(groups, start=1):
        if check_character(group[:-1]) != group[-1]:
            raise InvalidInput(
                _("recovery code: group {number} ({group}) has a typo").format(number=number, group=group)
            )
    return "-".join(groups)
