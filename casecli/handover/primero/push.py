"""Sending cases to a Primero server's API, when a network exists (`casecli primero push`): each
case created (`POST /api/v2/cases`) or, when Primero already holds its id, updated (`PATCH
/api/v2/cases/ID`), with Primero's own answer reported case by case. Only HTTPS leaves the laptop
(plain HTTP only to this machine, for a local test server); the token is read from a file or the
environment, never from the command line."""

from __future__ import annotations

import ipaddress
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from casecli.errors import InvalidInput
from casecli.i18n import _
from casecli.plaintext import file_name

TOKEN_ENV = "CASECLI_PRIMERO_TOKEN"
TIMEOUT = 60  # seconds for one case: a slow field connection, not a hung one
MAX_ANSWER = 64 * 1024  # bytes of a server's answer read (its error text)


@dataclass
class Sent:
    """What the server answered for one case."""

    case_number: str
    primero_id: str
    status: int  # HTTP status (0: no answer at all)
    how: str  # "created", "updated", "refused", "failed"
    detail: str = ""  # Primero's error text, or why nothing came back

    @property
    def accepted(self) -> bool:
        return self.how in ("created", "updated")


def server_url(url: str) -> str:
    """The server's base URL, refused unless HTTPS (or HTTP to this machine itself)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput(_("--url: expected the server's address, e.g. https://primero.example.org"))
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InvalidInput(
            _("--url: a child's data goes only over HTTPS (plain HTTP only to this machine, for a test server)")
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_from(token_file: Path | None) -> str:
    """The API token: from --token-file, else $CASECLI_PRIMERO_TOKEN."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                _("--token-file: {file} cannot be read ({why})").format(
                    file=file_name(token_file), why=exc.__class__.__name__
                )
            ) from None
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
    if not token or any(c.isspace() for c in token):
        raise InvalidInput(
            _(
                "primero push: the API token goes in a file (--token-file) or in ${env}, never on the command line"
            ).format(env=TOKEN_ENV)
        )
    return token


def send(base: str, token: str, number: str, data: dict) -> Sent:
    """Create the case, or update it when Primero already holds its id."""
    status, detail = _request("POST", f"{base}/api/v2/cases", token, data)
    if status in (200, 201, 204):
        return Sent(number, data["id"], status, "created")
    if status == 409:  # Primero holds this id already: an update
        status, detail = _request("PATCH", f"{base}/api/v2/cases/{data['id']}", token, data)
        if status in (200, 204):
            return Sent(number, data["id"], status, "updated")
    return Sent(number, data["id"], status, "refused" if status else "failed", detail)


def _request(method: str, url: str, token: str, data: dict) -> tuple[int, str]:
    body = json.dumps({"data": data}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, _error_text(error.read(MAX_ANSWER))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return 0, str(reason)[:200]


def _error_text(raw: bytes) -> str:
    """Primero's error text (`{"errors": [{"message" | "detail" …}]}`), or the answer's start."""
    text = raw.decode("utf-8", "replace")
    try:
        errors = json.loads(text).get("errors", [])
        parts = [str(e.get("detail") or e.get("message") or e) for e in errors if isinstance(e, dict)]
        if parts:
            return "; ".join(parts)[:500]
    except (ValueError, AttributeError):
        pass
    return text[:500]
