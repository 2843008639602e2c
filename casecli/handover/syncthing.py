"""The local Syncthing, through its REST API: sharing the mailbox folder, and saying what is wrong.

casecli never needs Syncthing to read or write the mailbox (a USB stick or a network share works
the same way); this only sets Syncthing up for the worker and checks it. Syncthing listens on
this laptop (its GUI address, loopback by default); the API key comes from its config file, which
is found where Syncthing keeps it, or given. Only the standard library is used, with proxies
bypassed: the address is this machine's own, and nothing else is ever contacted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from casecli.errors import InvalidInput, SyncthingUnreachable
from casecli.i18n import _, n_

DEFAULT_FOLDER_ID = "casecli-mailbox"
DEFAULT_ADDRESS = "http://127.0.0.1:8384"
NEVER = "1970"  # Syncthing's lastSeen for a device it never saw starts with this year


def config_candidates() -> list[Path]:
    """Where Syncthing keeps config.xml on this system, newest layout first."""
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return [Path(local) / "Syncthing" / "config.xml"] if local else []
    if sys.platform == "darwin":
        return [home / "Library" / "Application Support" / "Syncthing" / "config.xml"]
    state = Path(os.environ.get("XDG_STATE_HOME") or home / ".local" / "state")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [state / "syncthing" / "config.xml", config / "syncthing" / "config.xml"]


def read_config(path: Path) -> tuple[str, str]:
    """The GUI's address (as a URL) and API key from a Syncthing config.xml (or its folder)."""
    import xml.etree.ElementTree as ET

    file = path / "config.xml" if path.is_dir() else path
    try:
        gui = ET.parse(file).getroot().find("gui")
    except (OSError, ET.ParseError):
        raise InvalidInput(
            _("--syncthing-config: cannot read a Syncthing config at {path}").format(path=file)
        ) from None
    if gui is None:
        raise InvalidInput(_("--syncthing-config: {path} has no GUI section").format(path=file))
    address = (gui.findtext("address") or "127.0.0.1:8384").strip()
    key = (gui.findtext("apikey") or "").strip()
    if address.startswith("unix://"):
        raise InvalidInput(_("Syncthing listens on a socket file: give --syncthing-address URL"))
    scheme = "https" if gui.get("tls", "false").lower() == "true" else "http"
    if "://" not in address:
        host, _sep, port = address.rpartition(":")
        host = "127.0.0.1" if host in ("", "0.0.0.0", "[::]", "::") else host
        address = f"{scheme}://{host}:{port}"
    return address, key


class Syncthing:
    """A Syncthing REST client for this laptop's own Syncthing."""

    def __init__(self, address: str, api_key: str, timeout: float = 10.0):
        self.address = address.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def call(self, method: str, path: str, body: object = None, query: dict | None = None) -> Any:
        import ssl
        import urllib.error
        import urllib.parse
        import urllib.request

        url = self.address + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(
            url,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"X-API-Key": self.api_key, "Content-Type": "application/json"},
        )
        handlers: list = [urllib.request.ProxyHandler({})]  # this laptop's own Syncthing: never a proxy
        if url.startswith("https:"):
            # Syncthing's GUI certificate is its own, self-signed, on this machine.
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            handlers.append(urllib.request.HTTPSHandler(context=context))
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=self.timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise SyncthingUnreachable(
                    _("Syncthing at {address} refused the API key (give --api-key-file, or --syncthing-config)").format(
                        address=self.address
                    )
                ) from None
            raise SyncthingUnreachable(
                _("Syncthing at {address} answered {code} to {path}").format(
                    address=self.address, code=exc.code, path=path
                )
            ) from None
        except (urllib.error.URLError, OSError, ValueError):
            raise SyncthingUnreachable(
                _("Syncthing is not running (nothing answers at {address})").format(address=self.address)
            ) from None
        try:
            return json.loads(data) if data.strip() else None
        except ValueError:
            raise SyncthingUnreachable(
                _("what answers at {address} is not Syncthing").format(address=self.address)
            ) from None

    def my_id(self) -> str:
        return str(self.call("GET", "/rest/system/status")["myID"])


def connect(address: str | None, api_key: str | None, config: Path | None) -> Syncthing:
    """A client for the local Syncthing: the address and key given, else read from its config."""
    if config is None and (address is None or api_key is None):
        config = next((c for c in config_candidates() if c.exists()), None)
    found_address, found_key = read_config(config) if config is not None else (DEFAULT_ADDRESS, "")
    return Syncthing(address or found_address, api_key if api_key is not None else found_key)


def _folder_for(client: Syncthing, folder_id: str, path: Path) -> dict | None:
    for folder in client.call("GET", "/rest/config/folders") or []:
        if folder.get("id") == folder_id or _same_path(folder.get("path", ""), path):
            return folder
    return None


def _same_path(recorded: str, path: Path) -> bool:
    try:
        return Path(recorded).expanduser().resolve() == path.resolve()
    except (OSError, ValueError):
        return False


def parse_device(spec: str, option: str) -> tuple[str, str, str | None]:
    """`NAME=DEVICE-ID[@ADDRESS]` (or just the ID) as (device id, name, address or None)."""
    import re

    name, _sep, rest = spec.strip().rpartition("=")
    device_id, _at, address = rest.partition("@")
    device_id = device_id.strip().upper()
    if not re.fullmatch(r"[A-Z2-7]{7}(-[A-Z2-7]{7}){7}", device_id) or (address and "://" not in address):
        raise InvalidInput(
            _(
                "{option}: expected NAME=DEVICE-ID (8 groups of 7 letters and digits), optionally @tcp://HOST:PORT"
            ).format(option=option)
        )
    return device_id, name.strip() or device_id[:7], address.strip() or None


def setup(
    client: Syncthing,
    path: Path,
    folder_id: str,
    peers: list[tuple[str, str, str | None]],
    untrusted: list[tuple[str, str, str | None, str]],
    ignore_patterns: list[str],
    label: str = "casecli mailbox",
) -> dict:
    """Share the mailbox folder with the devices named: peers (device id, name, address or None for
    Syncthing's discovery) and untrusted devices (the same, and the folder password) that hold only an
    encrypted copy. Versioning off, conflicts off, casecli's temporary files ignored. Creates the
    folder in Syncthing or joins the one there is; returns this device's id and the folder."""
    my_id = client.my_id()
    known = {d["deviceID"]: d for d in client.call("GET", "/rest/config/devices") or []}
    wanted = [(d, n, a, False) for d, n, a in peers] + [(d, n, a, True) for d, n, a, _p in untrusted]
    for device_id, name, address, is_untrusted in wanted:
        settings = {"name": name, "addresses": [address] if address else ["dynamic"], "untrusted": is_untrusted}
        if device_id in known:
            client.call("PATCH", f"/rest/config/devices/{device_id}", settings)
        else:
            device = client.call("GET", "/rest/config/defaults/device") or {}
            client.call("POST", "/rest/config/devices", {**device, **settings, "deviceID": device_id})
    existing = _folder_for(client, folder_id, path)
    folder = dict(existing or client.call("GET", "/rest/config/defaults/folder") or {})
    passwords = {d: p for d, _n, _a, p in untrusted}
    members = {d["deviceID"]: d for d in folder.get("devices", [])}
    for device_id in [my_id, *(d for d, _n, _a in peers), *passwords]:
        members.setdefault(device_id, {"deviceID": device_id, "introducedBy": ""})
        members[device_id]["encryptionPassword"] = passwords.get(device_id, "")
    folder.update(
        {
            "id": folder.get("id") if existing else folder_id,
            "label": folder.get("label") or label,
            "path": str(path),
            "type": "sendreceive",
            "devices": list(members.values()),
            "versioning": {"type": "", "params": {}},
            "maxConflicts": 0,
            "fsWatcherEnabled": True,
            "paused": False,
        }
    )
    client.call("POST", "/rest/config/folders", folder)  # replaces a folder of the same id, or adds it
    ignores = (client.call("GET", "/rest/db/ignores", query={"folder": folder["id"]}) or {}).get("ignore") or []
    client.call(
        "POST",
        "/rest/db/ignores",
        {"ignore": list(dict.fromkeys([*ignores, *ignore_patterns]))},
        query={"folder": folder["id"]},
    )
    return {"device_id": my_id, "folder_id": folder["id"], "devices": sorted(members)}


def share_backups(
    client: Syncthing,
    path: Path,
    folder_id: str,
    own: list[tuple[str, str, str | None]],
    untrusted: list[tuple[str, str, str | None, str]],
    ignore_patterns: list[str],
) -> dict:
    """This laptop's backups folder as a Syncthing folder of its own: shared with the worker's own
    devices (`own`) and the untrusted devices that hold it encrypted (the head office), never with
    the team. The team's mailbox folder ignores it (mailbox.TEAM_IGNORES)."""
    return setup(client, path, folder_id, own, untrusted, ignore_patterns, label="casecli backups")


def doctor(client: Syncthing, path: Path, folder_id: str, peer_days: int, now: dt.datetime) -> list[dict]:
    """What is wrong with Syncthing's side of the mailbox, as findings {level, what}: level is
    "problem" (bundles will not move), "warning" or "ok"."""
    found: list[dict] = []

    def say(level: str, what: str) -> None:
        found.append({"level": level, "what": what})

    my_id = client.my_id()  # raises SyncthingUnreachable: Syncthing is not running
    say("ok", _("Syncthing is running; this device's ID is {id}").format(id=my_id))
    folder = _folder_for(client, folder_id, path)
    if folder is None:
        say("problem", _("Syncthing does not share the mailbox folder: run `casecli mailbox setup`"))
        return found
    if folder.get("paused"):
        say("problem", _("the mailbox folder is paused in Syncthing"))
    peers = [d["deviceID"] for d in folder.get("devices", []) if d["deviceID"] != my_id]
    if not peers:
        say(
            "problem",
            _("the mailbox folder is shared with no other device: add colleagues with `mailbox setup --device`"),
        )
    errors = (client.call("GET", "/rest/folder/errors", query={"folder": folder["id"]}) or {}).get("errors") or []
    if errors:
        say(
            "warning",
            n_(
                "Syncthing reports {count} file error in the mailbox folder",
                "Syncthing reports {count} file errors in the mailbox folder",
                len(errors),
            ).format(count=len(errors)),
        )
    if (folder.get("versioning") or {}).get("type"):
        say("warning", _("file versioning is on for the mailbox folder: old bundles are kept as copies"))
    names = {d["deviceID"]: d.get("name") or d["deviceID"][:7] for d in client.call("GET", "/rest/config/devices")}
    connected = (client.call("GET", "/rest/system/connections") or {}).get("connections") or {}
    stats = client.call("GET", "/rest/stats/device") or {}
    for device_id in peers:
        name = names.get(device_id, device_id[:7])
        if (connected.get(device_id) or {}).get("connected"):
            say("ok", _("{name} is connected").format(name=name))
            continue
        seen = str((stats.get(device_id) or {}).get("lastSeen") or "")
        if not seen or seen.startswith(NEVER):
            say("warning", _("{name} has never been seen").format(name=name))
            continue
        days = (now - dt.datetime.fromisoformat(seen[:19])).days
        level = "warning" if days >= peer_days else "ok"
        say(
            level,
            n_("{name} last seen {days} day ago", "{name} last seen {days} days ago", days).format(
                name=name, days=days
            ),
        )
    return found
