"""Import: a bundle in, checked whole before anything is written, then merged by the case's history.

Import decides by the case's history (its chain of events), never by file dates:

- the bundle's history is the local one, or a part of it      -> nothing changes;
- the bundle's history continues the local one                -> the case is brought forward;
- both have events the other lacks (they diverged)           -> nothing is overwritten: keep
  local, take theirs, or keep both (theirs kept aside for review), as the worker chooses.

Every kind of record a case has travels (case.file.tables lists them once).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from casecli import collector
from casecli.canonical import may_hold
from casecli.case.child import people_index
from casecli.case.file.history import GENESIS, append_event, event_hash
from casecli.case.file.signatures import handover_signer
from casecli.case.file.tables import CASE_TABLES, delete_case
from casecli.case.steps import plan as plans
from casecli.errors import BundleRejected
from casecli.handover import contents
from casecli.handover import identity as identities
from casecli.handover.bundle import BundleReader
from casecli.handover.roster import Revocation
from casecli.i18n import _
from casecli.store.db import Store, error_name, utc_now
from casecli.store.migrations import LATEST_VERSION
from casecli.store.sealing import b64
from casecli.store.trust import record_signers
from casecli.store.witnesses import witness


@dataclass
class IncomingCase:
    number: str
    child_name: str = ""
    hashes: list[str] = field(default_factory=list)  # the chain, while the case is being read
    summaries: dict[str, str] = field(default_factory=dict)  # kept for a case with a history here
    here: bool = False  # this store has a history of the case (else it is new: nothing to compare)
    events: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    answers: dict = field(default_factory=dict)  # while the case is being read (duplicate check)
    decision: str = ""
    local_only: list[str] = field(default_factory=list)
    theirs_only: list[str] = field(default_factory=list)
    possible_duplicates: list[str] = field(default_factory=list)  # children here it may be
    head: tuple[int, str] | None = None  # the last event as the bundle brought it (witnessed here)

    def settle(self, store: Store, here: set[str]) -> None:
        """Decide the case as soon as all of it is read (`here`: the bundle's cases this store
        has a history of), and keep only what the decision and the duplicate check need, so
        that memory does not grow with the events of every case in a large bundle."""
        _decide(store, self, here)
        self.events = len(self.hashes)
        self.head = (len(self.hashes), self.hashes[-1]) if self.hashes else None
        self.hashes, self.summaries = [], {}
        if self.decision != "new":
            self.answers = {}


# New children are compared with the children here this many at a time (one read of the name
# index for all of them): memory holds this many registrations.
CHILDREN_A_MATCH = 500


@dataclass
class Incoming:
    reader: BundleReader
    file_key: bytes
    meta: dict
    cases: dict[str, IncomingCase]
    known_sender: str | None
    # The agency revoked the sender after this bundle was made: imported, and said so.
    sender_revoked: Revocation | None = None

    @property
    def handover(self) -> bool:
        return bool(self.meta.get("handover"))

    @property
    def receipt(self) -> dict | None:
        """A receipt's contents (checked on open), or None for a bundle of cases."""
        from casecli.handover.receipts import receipt_of

        return receipt_of(self.meta, self.reader.path.name)

    @property
    def decision(self) -> tuple[dict, str] | None:
        """A supervisor's decision and its signature (checked on open), or None."""
        from casecli.handover.decisions import decision_of

        return decision_of(self.meta, self.reader.path.name)

    @property
    def tracing(self) -> dict | None:
        """A tracing request for a tracing partner (checked on open), or None."""
        from casecli.handover.tracing_partner import tracing_of

        return tracing_of(self.meta, self.reader.path.name)


@collector.paused()  # (collector.py says why)
def open_bundle(
    store: Store,
    path: Path,
    passphrase: Callable[[], str] | None = None,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
    matches: Callable[[dict[str, dict]], dict[str, list[str]]] | None = None,
) -> Incoming:
    """Check the signature, unwrap the file key, and validate every record (nothing is written).

    `progress(total)` is called as each case is reached, with the number of cases listed;
    `today` is the receiver's date, against which the records' dates are checked; `matches`, given
    the answers of children new here (by case number), says which children here each may be
    (the description lists the bundle's cases first, so those are left out).
    """
    today = today or dt.date.today()
    reader = BundleReader(path)
    encryption_private, _signing = identities.private_keys(store)
    me = identities.own(store)
    reader.verify()
    if reader.fingerprint == me.fingerprint:
        raise BundleRejected(
            _("{file} was made by you: it can be imported only by its recipients").format(file=path.name)
        )
    revoked = _revoked_sender(store, reader)
    addressed = me.fingerprint in reader.recipients()
    file_key = reader.file_key(
        encryption_private if addressed else None,
        me.fingerprint,
        passphrase() if not addressed and "passphrase" in reader.recipients() and passphrase else None,
    )
    name = path.name
    check = contents.record_check(store, name, today)
    cases: dict[str, IncomingCase] = {}
    meta = None
    current: IncomingCase | None = None
    here: set[str] = set()
    unmatched: dict[str, IncomingCase] = {}  # new children not yet compared with the children here
    listed: set[str] = set()

    def compare() -> None:
        if matches is not None and unmatched:
            found = matches({n: case.answers for n, case in unmatched.items()})
            for number, case in unmatched.items():
                case.possible_duplicates = [n for n in found.get(number, []) if n not in listed]
        for case in unmatched.values():
            case.answers = {}
        unmatched.clear()

    def settle(case: IncomingCase) -> None:
        case.settle(store, here)
        if case.decision == "new":
            unmatched[case.number] = case
            if len(unmatched) >= CHILDREN_A_MATCH:
                compare()

    for record in reader.lines(file_key):
        kind, row = record.get("t"), record.get("r")
        if meta is None:
            if kind != "bundle" or not isinstance(row, dict):
                raise BundleRejected(
                    _("{file}: the payload does not start with its description").format(file=path.name)
                )
            meta = row
            wrong = contents.description_problem(meta)
            if wrong:
                raise BundleRejected(
                    _("{file}: the bundle's description is malformed ({field})").format(file=reader.name, field=wrong)
                )
            if meta["schema"] > LATEST_VERSION:
                raise BundleRejected(
                    _("{file} was made by a newer casecli (schema {schema}): update casecli first").format(
                        file=path.name, schema=meta.get("schema")
                    )
                )
            # An older casecli's records are accepted when they fit this schema (checked record by record).
            # A malformed receipt, decision or tracing request is refused here, before anything is asked.
            incoming = Incoming(reader, file_key, meta, cases, None)
            incoming.receipt, incoming.decision, incoming.tracing  # noqa: B018  (each checks its own)
            listed = {str(n) for n in meta.get("cases", [])}
            here = _histories_here(store, sorted(listed))
            continue
        table = kind
        if table not in dict(CASE_TABLES) or not isinstance(row, dict):
            raise BundleRejected(
                _("{file}: the payload holds an unknown kind of record ({kind})").format(
                    file=path.name, kind=str(kind)[:30]
                )
            )
        number = str(record.get("c", ""))
        try:
            check(table, row, number)
        except BundleRejected:
            _check_clocks(reader, today)  # a date "in the future" from a laptop whose clock is ahead: say so
            raise
        if table == "cases":
            if number in cases:
                raise BundleRejected(
                    _("{file}: the payload holds {number} twice").format(file=path.name, number=number)
                )
            if current is not None:
                settle(current)
            current = cases[number] = IncomingCase(
                number,
                row["child_name"],
                answers=orjson.loads(row["answers"]),  # (checked as JSON above)
                here=number in here,
            )
            if progress is not None:
                progress(len(meta.get("cases", [])))
        if current is None or current.number != number:
            raise BundleRejected(_("{file}: a record comes before its case").format(file=path.name))
        current.counts[table] = current.counts.get(table, 0) + 1
        if table == "events":
            _check_event(row, current, name)
    if current is not None:
        settle(current)
    compare()
    if meta is None or sorted(cases) != sorted(meta.get("cases", [])):
        raise BundleRejected(_("{file}: the payload does not hold the cases it lists").format(file=path.name))
    return Incoming(
        reader, file_key, meta, cases, identities.contact_by_signing_key(store, reader.sender_signing), revoked
    )


def _revoked_sender(store: Store, reader: BundleReader) -> Revocation | None:
    """The sender's revocation by the agency, for a bundle made before it (flagged); a bundle made
    after the moment of the revocation (the second it names; its day, for one that names no moment)
    is refused. The moments are the two laptops' clocks: a sender whose clock lags could pass a bundle
    made minutes after as made before."""
    from casecli.handover.roster import standing

    found = standing(store, reader.fingerprint)
    if found.revoked is None:
        return None
    made = str(reader.header.get("created") or "")
    if not made or made > (found.revoked.at or found.revoked.on):
        raise BundleRejected(
            _("{file}: {name} was revoked from {agency} on {date}: a bundle made since does not count").format(
                file=reader.name, name=reader.sender_name, agency=found.agency, date=found.revoked.on
            )
        )
    return found.revoked


def _histories_here(store: Store, numbers: list[str]) -> set[str]:
    """The cases of `numbers` with a history in this store (one query: the others are new here,
    decided without asking each)."""
    rows = store.conn.execute(
        "SELECT DISTINCT case_number FROM events WHERE case_number IN (SELECT value FROM json_each(?))",
        (json.dumps(numbers),),
    )
    return {number for (number,) in rows}


EVENT_ORDER = ("case_number", "seq", "at", "actor", "kind", "summary", "changes", "prev_hash", "hash")


def _check_event(row: dict, case: IncomingCase, name: str) -> None:
    expected_prev = case.hashes[-1] if case.hashes else GENESIS
    if row["seq"] != len(case.hashes) + 1 or row["prev_hash"] != expected_prev or event_hash(row) != row["hash"]:
        raise BundleRejected(
            _("{file}: the history of {number} does not verify at event {seq}").format(
                file=name, number=case.number, seq=row["seq"]
            )
        )
    if row["kind"] == "handover" and handover_signer(tuple(row[column] for column in EVENT_ORDER)) is None:
        raise BundleRejected(
            _("{file}: the handover of {number} at event {seq} is not signed by who handed it over").format(
                file=name, number=case.number, seq=row["seq"]
            )
        )
    case.hashes.append(row["hash"])
    if case.here:  # (what a diverged case shows of the bundle's side)
        case.summaries[row["hash"]] = f"{row['at'][:10]} {row['actor']}: {row['summary']}"


def _decide(store: Store, case: IncomingCase, here: set[str]) -> None:
    sql = "SELECT hash FROM events WHERE case_number = ? ORDER BY seq"
    local = [h for (h,) in store.conn.execute(sql, (case.number,))] if case.number in here else []
    theirs = case.hashes
    if not local:
        case.decision = "new"
    elif theirs == local[: len(theirs)]:
        case.decision = "same_or_older"
    elif local == theirs[: len(local)]:
        case.decision = "continues"
    else:
        common = next(
            (i for i, (a, b) in enumerate(zip(local, theirs, strict=False)) if a != b), min(len(local), len(theirs))
        )
        case.decision = "diverged"
        rows = store.conn.execute("SELECT hash, at, actor, summary FROM events WHERE case_number = ?", (case.number,))
        mine = {h: f"{at[:10]} {actor}: {summary}" for h, at, actor, summary in rows}
        case.local_only = [mine[h] for h in local[common:]]
        case.theirs_only = [case.summaries[h] for h in theirs[common:]]


# The page cache an import writes with (Store.page_cache says why): a tenth of the store, up to
# 64 MiB, never less than the connection's own. An import into a new store (nothing cold to read
# again) keeps the default and its memory; one into a store of 50,000 cases gains about 2.5 s.
IMPORT_CACHE_MIB = 64


def import_cache_mib(store: Store) -> int:
    try:
        size = store.path.stat().st_size
    except OSError:
        return 0
    return min(IMPORT_CACHE_MIB, size // (10 * 1024 * 1024))


@collector.paused()
def apply(
    store: Store,
    incoming: Incoming,
    choices: dict[str, str],
    links_same: dict[str, list[str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Write the bundle in one transaction, case by case as decided; returns what was done.

    `progress(total)` is called as each case is reached, with the number of cases.
    """
    from casecli.case.due import lifecycle

    reader = incoming.reader
    me = store.profile()["name"]
    sender = f"{reader.sender_name} ({reader.fingerprint})"
    done: dict[str, str] = {}
    kept: dict[str, list] = {}
    vouched: dict[str, set[str]] = {}
    # Rows wait in one batch per table and are written parents first (cases before events …):
    # a few large inserts instead of many small ones.
    batches: dict[tuple[str, tuple[str, ...]], list[list]] = {}
    order = {table: i for i, (table, _sql) in enumerate(CASE_TABLES)}
    # A handover makes the case mine and open; a copy is read-only here, its history left exactly
    # as sent, so that a later copy from the same sender simply continues it.
    arrived = (
        {"status": "open", "case_worker": me, "updated_at": utc_now()} if incoming.handover else {"status": "copy"}
    )

    def flush() -> None:
        for (table, columns), rows in sorted(batches.items(), key=lambda item: order[item[0][0]]):
            store.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
            )
        batches.clear()

    import sqlcipher3

    store.defer_refresh = True  # one refresh of every imported case at the end
    try:
        with store.page_cache(import_cache_mib(store)), store.transaction():
            for record in reader.lines(incoming.file_key):
                table = record.get("t")
                if table == "bundle":
                    continue
                number = str(record["c"])  # every record after the description names its case (checked on open)
                case = incoming.cases[number]
                if table == "cases" and progress is not None:
                    progress(len(incoming.cases))
                action = choices.get(number, case.decision)
                if action in ("same_or_older", "keep_local"):
                    continue
                if action == "keep_both":
                    kept.setdefault(number, []).append(record)
                    continue
                if table == "cases" and action in ("continues", "take_theirs"):
                    flush()
                    delete_case(store, number)
                if table == "links":
                    flush()
                    _insert_link(store, number, record["r"])
                    continue
                row = record["r"]
                if table == "events":  # local row numbers stay local
                    row = {k: v for k, v in row.items() if k != "id"}
                if table == "cases":  # an older casecli's answers under this one's field ids
                    row["answers"] = _upgraded_answers(row)
                    row.update(arrived)
                elif table == "plans":
                    row["data"] = _upgraded_plan(row)
                rows = batches.setdefault((str(table), tuple(row)), [])
                rows.append(list(row.values()))
                if len(rows) >= 2000:
                    flush()
                if table == "events" and row.get("kind") == "handover":
                    signer = _signer_of(row)
                    if signer:
                        vouched.setdefault(number, set()).add(signer)
                done[number] = action
            flush()
            # The bundle's signature was checked against its sender's key before anything was
            # read: that key, and every handover signer in the histories it carries, are recorded
            # as vouched for (verify trusts them for these cases; see store/trust.py).
            source = f"bundle {reader.bundle_id[:12]} from {reader.fingerprint}"
            for number in done:
                if done[number] != "keep_both":
                    keys = vouched.get(number, set()) | {b64(reader.sender_signing)}
                    record_signers(store, number, keys, source, utc_now())
            # Each case's head as the signed bundle brought it, witnessed here where this history
            # now holds it (not a diverged copy kept aside or refused: a fork, not a rewrite).
            witness(
                store,
                {
                    n: c.head
                    for n, c in incoming.cases.items()
                    if c.head is not None
                    and choices.get(n, c.decision) in ("new", "continues", "take_theirs", "same_or_older")
                },
                reader.fingerprint,
                reader.bundle_id,
                str(reader.header.get("created") or utc_now()),
            )
            for number, records in kept.items():
                store.conn.execute(
                    "INSERT INTO conflicts (uid, case_number, bundle_id, sender, records, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        secrets.token_hex(8),
                        number,
                        reader.bundle_id,
                        sender,
                        json.dumps(records, ensure_ascii=False),
                        utc_now(),
                    ),
                )
                append_event(
                    store,
                    number,
                    me,
                    "conflict",
                    f"Diverged copy from {sender} kept for review",
                    {"bundle": reader.bundle_id, "their_events": incoming.cases[number].events},
                )
                done[number] = "keep_both"
            written = [n for n, action in done.items() if action != "keep_both"]
            plans.reindex_items(store, written)
            people_index.update(store, written)
            if incoming.handover:
                # A case handed back to me settles my own handover of it still waiting for a receipt:
                # the colleague evidently took it.
                store.conn.executemany(
                    "UPDATE handovers SET outcome = 'accepted', outcome_at = ?, outcome_by = ?,"
                    " outcome_note = 'handed back' WHERE case_number = ? AND outcome IS NULL",
                    [(utc_now(), sender, n) for n in written],
                )
                for number in written:
                    append_event(
                        store,
                        number,
                        me,
                        "received",
                        f"Received by handover from {sender}",
                        {
                            "bundle": reader.bundle_id,
                            "from": reader.fingerprint,
                            "sender": sender,
                            "receiver": me,
                            "note": incoming.meta.get("note", {}),
                        },
                    )
            for number, others in (links_same or {}).items():
                from casecli.case.decisions import links

                for other in others:
                    links.record(store, number, other, "same_child", me, "matched at import")
            store.defer_refresh = False
            lifecycle.refresh_all(
                store, sorted(done) + sorted(n for others in (links_same or {}).values() for n in others)
            )
            from casecli.handover.seen import record_seen

            record_seen(store, reader.bundle_id, "received", sender, incoming.handover, sorted(incoming.cases))
    except sqlcipher3.IntegrityError as exc:
        from casecli.handover.seen import already_imported

        if already_imported(store, reader.bundle_id):  # another window took it while this one checked it
            raise ImportedMeanwhile(reader.bundle_id) from None
        # A record that passed every check above but breaks a rule of the store's own (a value a
        # column allows none of, a record pointing at nothing, an id twice): the transaction is
        # rolled back whole, and the bundle refused like any other malformed one.
        raise BundleRejected(
            _("{file}: a record breaks the store's rules ({rule}); nothing was changed").format(
                file=reader.path.name, rule=error_name(exc) or "constraint"
            )
        ) from None
    finally:
        store.defer_refresh = False
    return done


def _check_clocks(reader: BundleReader, today: dt.date) -> None:
    """A record refused, from a bundle made "later" than today here (past a day's difference in time
    zones): one of the two laptops' clocks is wrong, and its dates read as the future here. Said as
    that, naming the sender's clock, rather than as a record that breaks its form."""
    try:
        made = dt.datetime.fromisoformat(str(reader.header.get("created", ""))).date()
    except ValueError:
        return
    if made > today + dt.timedelta(days=1):
        raise BundleRejected(
            _(
                "{file} was made on {made} by the sender's clock, but today is {today} on this laptop: "
                "one of the two clocks is wrong; set it right, then send the bundle again"
            ).format(file=reader.name, made=made.isoformat(), today=today.isoformat())
        )


class ImportedMeanwhile(Exception):
    """The same bundle was imported in another casecli window while this one checked it: this
    transaction rolled back, and nothing is missing (settle says so, never "a rule was broken")."""


def _insert_link(store: Store, number: str, row: dict) -> None:
    other = row["case_b"] if row["case_a"] == number else row["case_a"]
    if not store.conn.execute("SELECT 1 FROM cases WHERE case_number = ?", (other,)).fetchone():
        return  # the other child's case is not here
    store.conn.execute(
        "INSERT OR IGNORE INTO links (case_a, case_b, kind, decided_by, decided_at, note) VALUES (?, ?, ?, ?, ?, ?)",
        (row["case_a"], row["case_b"], row["kind"], row["decided_by"], row["decided_at"], row["note"]),
    )


def _signer_of(event: dict) -> str | None:
    try:
        signer = json.loads(event["changes"]).get("signer")
    except (ValueError, TypeError, AttributeError):
        return None
    return signer if isinstance(signer, str) else None


def _upgraded_answers(row: dict) -> str:
    """A case row's registration answers with an earlier form's field ids renamed (the JSON text
    unchanged when nothing is old)."""
    from casecli.forms import load_form

    form = load_form(str(row["form_id"]))
    if not any(may_hold(row["answers"], f'"{old}"') for old in form.renamed):
        return row["answers"]  # (not parsed: nothing in it can be old)
    answers = json.loads(row["answers"])
    upgraded = form.upgraded(answers)
    return row["answers"] if upgraded is answers else json.dumps(upgraded, ensure_ascii=False)


def _upgraded_plan(row: dict) -> str:
    """A plan row's data with an earlier form's field ids renamed (the JSON text unchanged when
    nothing is old)."""
    from casecli.case.file.plan_rules import renamed_ids, upgraded_plan

    if not any(may_hold(row["data"], f'"{old}"') for old in renamed_ids()):
        return row["data"]  # (not parsed: nothing in it can be old)
    plan = json.loads(row["data"])
    upgraded = upgraded_plan(plan)
    return row["data"] if upgraded is plan else json.dumps(upgraded, ensure_ascii=False)
