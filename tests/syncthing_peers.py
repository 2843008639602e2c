"""Real Syncthing instances on loopback, for the mailbox's tests and benchmark.

Each instance has its own home (keys, config, database) in a temporary folder; its GUI and sync
ports are free loopback ports; local and global discovery, relays, NAT traversal, usage reports and
crash reports are off (configured through the REST API), so that peers meet only at the static
loopback addresses `casecli mailbox setup` gives them. Nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from casecli.handover.syncthing import Syncthing, SyncthingUnreachable

FOLDER_ID = "casecli-mailbox"


def syncthing_binary() -> str | None:
    return shutil.which("syncthing")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check, timeout: float = 90.0, every: float = 0.2):
    """Poll `check()` until it returns something true; fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class Peer:
    """One Syncthing instance: its home, its REST client, its device ID and sync address."""

    def __init__(self, name: str, root: Path):
        self.name = name
        self.home = root / f"syncthing-{name}"
        binary = syncthing_binary()
        assert binary
        self.binary = binary
        subprocess.run(
            [binary, "generate", f"--home={self.home}", "--no-default-folder"],
            check=True,
            capture_output=True,
        )
        config = self.home / "config.xml"
        tree = ET.parse(config)
        gui = tree.getroot().find("gui")
        assert gui is not None
        self.gui_port = free_port()
        address = gui.find("address")
        assert address is not None
        address.text = f"127.0.0.1:{self.gui_port}"
        tree.write(config)
        self.api_key = (gui.findtext("apikey") or "").strip()
        self.client = Syncthing(f"http://127.0.0.1:{self.gui_port}", self.api_key)
        self.listen_port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()
        self.client.call(
            "PATCH",
            "/rest/config/options",
            {
                "listenAddresses": [f"tcp://127.0.0.1:{self.listen_port}"],
                "globalAnnounceEnabled": False,
                "localAnnounceEnabled": False,
                "relaysEnabled": False,
                "natEnabled": False,
                "urAccepted": -1,
                "crashReportingEnabled": False,
                "startBrowser": False,
                "autoUpgradeIntervalH": 0,
                "reconnectionIntervalS": 1,
            },
        )
        self.device_id = self.client.my_id()
        self.address = f"tcp://127.0.0.1:{self.listen_port}"

    def start(self) -> None:
        log = (self.home / "syncthing.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", f"--home={self.home}", "--no-browser", "--no-restart", "--no-upgrade"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={"PATH": "/usr/bin:/bin", "HOME": str(self.home), "STNOUPGRADE": "1"},
        )
        wait_for(f"Syncthing {self.name} to answer", self._answers, timeout=60)

    def _answers(self) -> bool:
        try:
            self.client.call("GET", "/rest/system/ping")
            return True
        except SyncthingUnreachable:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def scan(self) -> None:
        """Ask Syncthing to look at the folder now (its watcher would, within seconds)."""
        self.client.call("POST", "/rest/db/scan", query={"folder": FOLDER_ID})

    def receive_encrypted(self, path: Path, peers: list[Peer], folder_id: str = FOLDER_ID) -> None:
        """The head office: a folder (the mailbox, or a worker's backups) as an untrusted device,
        holding it encrypted only."""
        known = {d["deviceID"] for d in self.client.call("GET", "/rest/config/devices") or []}
        for peer in peers:
            if peer.device_id in known:
                continue
            device = self.client.call("GET", "/rest/config/defaults/device")
            self.client.call(
                "POST",
                "/rest/config/devices",
                {**device, "deviceID": peer.device_id, "name": peer.name, "addresses": [peer.address]},
            )
        folder = self.client.call("GET", "/rest/config/defaults/folder")
        folder.update(
            {
                "id": folder_id,
                "label": f"{folder_id} (encrypted)",
                "path": str(path),
                "type": "receiveencrypted",
                "devices": [{"deviceID": self.device_id, "introducedBy": "", "encryptionPassword": ""}]
                + [{"deviceID": p.device_id, "introducedBy": "", "encryptionPassword": ""} for p in peers],
            }
        )
        self.client.call("POST", "/rest/config/folders", folder)

    def settled(self, folder_id: str = FOLDER_ID) -> bool:
        """This device is idle with nothing left to fetch for the folder."""
        mine = self.client.call("GET", "/rest/db/status", query={"folder": folder_id})
        return mine["state"] == "idle" and mine["needFiles"] == 0

    def completion(self, device: Peer, folder_id: str = FOLDER_ID) -> dict:
        return self.client.call("GET", "/rest/db/completion", query={"folder": folder_id, "device": device.device_id})


def stop_all(peers: list[Peer]) -> None:
    for peer in peers:
        peer.stop()
