"""Every file casecli writes that holds child data or key material is readable by its owner only,
checked after every command that writes one."""

from __future__ import annotations

import stat

import pytest

from .conftest import PASSPHRASE
from .test_cycle import REFERRAL, VISIT
from .test_handover import NOTE, two_workers

pytestmark = pytest.mark.posix_only(reason="POSIX file modes")


def loose_files(*folders) -> list[str]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077:
                found.append(f"{path.relative_to(folder)} {oct(stat.S_IMODE(path.stat().st_mode))}")
    return found


def test_every_writing_command_leaves_only_private_files(home, monkeypatch):
    ana, luis = two_workers(home, monkeypatch)
    out = home / "out"
    out.mkdir()
    number = ana.register()
    commands = [
        ("assess", number, "--answers", ana.write("i.json", __import__("tests.test_assessment_plan", fromlist=["INITIAL"]).INITIAL)),
        ("referral", "add", number, "--answers", ana.write("r.json", REFERRAL)),
        ("visit", "add", number, "--answers", ana.write("v.json", {**VISIT, "visited_on": "2026-11-23"})),
        ("settings", "set", "deadlines.high.plan_days", "4"),
        ("backup", "--output", str(out / "backup.db")),
        ("plan", "edit", number, "--answers", ana.write("p.json", __import__("tests.test_cycle", fromlist=["PLAN"]).PLAN)),
        ("plan", "show", number, "--format", "html", "--output", str(out / "plan.html")),
        ("export", number, "--to", "luis", "--output", str(out / "copy.bundle"), "--answers", ana.write("n.json", NOTE)),
        ("rekey",),
        ("restore", str(out / "backup.db"), "--yes"),
        ("agency-key", "new", "--output", str(out / "agency.key")),
    ]  # fmt: skip
    monkeypatch.setenv("CASECLI_AGENCY_PASSPHRASE", "agency key passphrase")
    monkeypatch.setenv("CASECLI_NEW_PASSPHRASE", "a new passphrase for ana")
    for args in commands:
        ana.ok(*args)
        assert loose_files(ana.store.parent, out) == [], f"after {' '.join(args[:2])}"
    ana.ok("passwd")
    monkeypatch.setenv("CASECLI_PASSPHRASE", "a new passphrase for ana")
    assert loose_files(ana.store.parent, out) == [], "after passwd"
    monkeypatch.setenv("CASECLI_PASSPHRASE", PASSPHRASE)  # Luis's
    luis.ok("import", str(out / "copy.bundle"), "--yes")
    assert loose_files(luis.store.parent) == [], "after import"
