"""Case numbers: the key of everything, generated and never typed by hand.

Shape: ``PREFIX-SEQUENCE-CHECK``, e.g. ``MX7-0042-R``.

- PREFIX: the agency/device prefix set at `casecli init` (2 to 8 characters). The agency gives
  each laptop its own prefix once, so numbers never collide between offline laptops without
  any coordination at registration time.
- SEQUENCE: this device's running count, at least four decimal digits (easy to say aloud).
- CHECK: one character over prefix and sequence, weighted sum modulo 31 with distinct weights.
  Because 31 is prime and every weight is non-zero and below 31, changing any one character
  always changes the sum (every single-character typo is caught), and so does swapping two
  neighbouring characters; the prefix's length is added so that a dash moved by one place
  (MX7-0042 read as MX-70042) is caught too.

The alphabet leaves out I, L, O, U and Z, which are easy to misread (1, 1, 0, V, 2); on input
I and L are read as 1 and O as 0, and case does not matter. No personal data goes into it.
"""

from __future__ import annotations

import re

from casecli.errors import InvalidCaseNumber
from casecli.i18n import _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
assert len(ALPHABET) == 31
VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
MIN_SEQUENCE_DIGITS = 4
PREFIX_RE = re.compile(rf"^[{ALPHABET}]{{2,8}}$")
NUMBER_RE = re.compile(rf"^([{ALPHABET}]{{2,8}})-([0-9]{{{MIN_SEQUENCE_DIGITS},12}})-([{ALPHABET}])$")


def check_character(body: str, prefix_length: int = 0) -> str:
    """The check over `body`; counting the prefix length too catches a dash moved by one place."""
    total = sum((position + 1) * VALUE[ch] for position, ch in enumerate(body)) + prefix_length
    return ALPHABET[total % 31]


def normalize_prefix(text: str) -> str:
    prefix = text.strip().upper().translate(READ_AS).replace("-", "")
    if not PREFIX_RE.match(prefix):
        raise InvalidCaseNumber(_("case number prefix: expected 2 to 8 letters or digits (not U or Z), e.g. MX7"))
    return prefix


def format_number(prefix: str, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    digits = str(sequence).zfill(MIN_SEQUENCE_DIGITS)
    return f"{prefix}-{digits}-{check_character(prefix + digits, len(prefix))}"


def canonical(text: str) -> str:
    """The stored spelling of a number typed in any case, with spaces for dashes allowed."""
    return re.sub(r"[\s_]+", "-", text.strip().upper().translate(READ_AS))


def parse(text: str) -> str:
    """Return the canonical case number, or raise InvalidCaseNumber saying what is wrong."""
    number = canonical(text)
    match = NUMBER_RE.match(number)
    if not match:
        if re.fullmatch(r"[A-Z0-9-]{1,20}", number) and re.search(r"\d", text):  # a mistyped number: say it back
            raise InvalidCaseNumber(
                _("case number {text}: expected PREFIX-NNNN-C, e.g. MX7-0042-R").format(text=repr(text.strip()))
            )
        # Anything else may be a child's name typed in the wrong place: never repeat it.
        raise InvalidCaseNumber(_("case number: expected PREFIX-NNNN-C, e.g. MX7-0042-R (a case number, not a name)"))
    prefix, digits, check = match.groups()
    if check_character(prefix + digits, len(prefix)) != check:
        raise InvalidCaseNumber(
            _("case number {number}: the check character does not match (a typo?)").format(number=number)
        )
    return number
