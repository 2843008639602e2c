"""Shared fixtures: a real encrypted store in tmp_path, driven through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casecli.cli import app

PASSPHRASE = "correct horse battery staple"
PROFILE = {
    "name": "Ana Ruiz",
    "agency": "Casa Refugio",
    "role": "social_worker",
    "case_number_prefix": "MX7",
    "language": "en",
}
CHILD_NAMES = ("Yulissa", "Quetzalcoatl-Marker")


def files_holding(root, marker: str) -> list[str]:
    """Every file under `root` whose bytes hold `marker` (a child's name, a passphrase)."""
    import os

    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(path)
            except OSError:
                continue
    return found


def registration_answers(**changes) -> dict:
    answers = {
        "identified_on": "2026-11-20",
        "identified_how": "outreach",
        "identified_where": "Tapachula bus station",
        "name_first": CHILD_NAMES[0],
        "name_last": CHILD_NAMES[1],
        "sex": "female",
        "dob_known": False,
        "age_estimate": 15,
        "nationality": "honduras",
        "languages": "Spanish",
        "protection_status": "unaccompanied",
        "current_location": "Casa Refugio",
        "care_arrangement": "small_group_home",
        # the Procuraduría was told the day she was found (otherwise it is due, tests/test_legal.py)
        "authority_notified": True,
        "authority_notified_on": "2026-11-20",
        "authority_name": "Procuraduría de Protección, Tapachula",
        "urgent_needs": ["health", "shelter"],
        "risk_level": "high",
        "child_informed": True,
        "consent": "child_consent",
        "share_with": ["agency_team", "service_providers"],
    }
    if "consent" not in changes:
        # By age, as the consent rules ask (agency defaults): a younger child assents, with a
        # best-interests decision standing in for the guardian an unaccompanied child does not have.
        age = changes.get("age_estimate", answers["age_estimate"])
        if changes.get("date_of_birth"):
            age = 2026 - int(changes["date_of_birth"][:4]) - 1
        if age is not None and age < 6:
            answers.update(consent="best_interests", consent_reason="Too young; no guardian: supervisor decided")
        elif age is not None and age < 15:
            answers.update(
                consent="child_assent", assent_with="best_interests", consent_reason="No guardian: supervisor decided"
            )
    answers.update(changes)
    if "authority_notified_on" not in changes:
        answers["authority_notified_on"] = answers["identified_on"]  # told the day she was found
    return {k: v for k, v in answers.items() if v is not None}


@pytest.fixture(autouse=True)
def english_to_start_with():
    """Each test starts in English: an in-process command run with `--lang es` leaves the language
    set in the worker process, and a test calling a view directly would read it."""
    from casecli import i18n

    i18n.set_language("en")
    yield


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A scratch home: store path, passphrase, cheap key derivation, a fixed date, no TTY."""
    return set_home(tmp_path, monkeypatch)


def set_home(tmp_path: Path, monkeypatch) -> Path:
    store = tmp_path / "data" / "casecli.db"
    monkeypatch.setenv("CASECLI_STORE", str(store))
    monkeypatch.setenv("CASECLI_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CASECLI_KDF_MEMORY_KIB", "64")
    monkeypatch.setenv("CASECLI_TODAY", "2026-11-23")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("COLUMNS", "200")  # tables are not wrapped in the tests' output
    monkeypatch.delenv("CASECLI_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("CASECLI_LANG", raising=False)
    # The in-process CLI without SQLCipher's memory wiping: it is a quarter of the suite's time in
    # system calls, and changes no result. casecli processes (pty tests, subprocesses) keep it, and
    # tests/test_store.py checks that a casecli process has it on.
    from casecli.store import db

    monkeypatch.setattr(db, "MEMORY_SECURITY", False)
    return tmp_path


# `casecli init` once per profile and test process (Cli.init): the stores it made, and the profiles
# the running test has used already.
_TEMPLATES: dict[str, tuple[Path, object]] = {}
_USED_IN_TEST: set[str] = set()


@pytest.fixture(autouse=True)
def _templates_per_test():
    _USED_IN_TEST.clear()
    yield


class Cli:
    def __init__(self, home: Path):
        self.home = home
        self.runner = CliRunner()

    @property
    def store(self) -> Path:
        return self.home / "data" / "casecli.db"

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, list(args), input=input)

    def ok(self, *args: str):
        result = self(*args)
        assert result.exit_code == 0, (result.exit_code, result.output, result.stderr)
        return result

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json").stdout)

    def write(self, name: str, doc) -> str:
        path = self.home / name
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def init(self, approvals: bool = False, **profile):
        """A store with this profile. The agency's approvals are off unless asked for: a test of a
        step is not a test of supervision (tests/test_approvals.py turns them on).

        `casecli init` runs once per profile in each test process; later tests get a copy of that
        store (its files, as init left them), unless the same test asks twice for one profile (two
        people never share an identity)."""
        key = json.dumps([approvals, profile, os.environ.get("CASECLI_KDF_MEMORY_KIB")], sort_keys=True)
        made = _TEMPLATES.get(key)
        if made is not None and key not in _USED_IN_TEST and not self.store.exists():
            _USED_IN_TEST.add(key)
            folder, done = made
            from casecli.fsutil import make_private_dir

            make_private_dir(self.store.parent)  # as init makes it: the worker's alone
            for name in ("casecli.db", "casecli.db.keys"):
                shutil.copy2(folder / name, self.store.with_name(self.store.name + name.removeprefix("casecli.db")))
            return done
        done = self._init(approvals, **profile)
        if key not in _TEMPLATES and key not in _USED_IN_TEST:
            folder = Path(tempfile.mkdtemp(prefix="casecli-template-"))
            for name in ("casecli.db", "casecli.db.keys"):
                shutil.copy2(self.store.with_name(self.store.name + name.removeprefix("casecli.db")), folder / name)
            _TEMPLATES[key] = (folder, done)
        _USED_IN_TEST.add(key)
        return done

    def _init(self, approvals: bool = False, **profile):
        done = self.ok("init", "--answers", self.write("profile.json", {**PROFILE, **profile}))
        if not approvals:
            from casecli.case.decisions.approvals import KINDS
            from casecli.store.settings import defaults

            # (not reporting an incident always waits for a supervisor: no setting turns that off)
            kinds = [kind for kind in KINDS if f"approval.{kind}" in defaults()]
            self.ok("settings", "set", *[word for kind in kinds for word in (f"approval.{kind}", "0")])
        return done

    def register(self, **changes) -> str:
        result = self.ok("new-case", "--answers", self.write("child.json", registration_answers(**changes)))
        return result.stdout.split("Registered case ")[1].split(".")[0]


@pytest.fixture
def cli(home) -> Cli:
    return Cli(home)


@pytest.fixture
def ready(cli) -> Cli:
    """A store with a profile, ready for registration."""
    cli.init()
    return cli


def pytest_collection_modifyitems(config, items):
    """The one marker for what only POSIX has (signals, file modes, pseudo-terminals, symbolic
    links): elsewhere each such test is skipped with its reason, never run to a misleading failure."""
    if os.name == "posix":
        return
    for item in items:
        mark = item.get_closest_marker("posix_only")
        if mark is not None:
            item.add_marker(pytest.mark.skip(reason=mark.kwargs.get("reason", "POSIX only")))
