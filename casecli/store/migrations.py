"""Ordered schema migrations. The schema version is SQLite's `user_version`.

Each migration runs with the version bump inside one transaction, so a store is always at one
exact version. Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlcipher3.dbapi2 import Connection

# The meta key that asks for the derived columns of every case to be computed again.
DERIVED_STALE = "derived_stale"
# First step of a migration that rebuilds a table other tables refer to (SQLite's recipe turns
# foreign keys off around it, and checks them all before the migration commits).
FOREIGN_KEYS_OFF = "-- foreign keys off"

# The kinds of approval the store allows, as migrations 16 and 20 widened them.
APPROVAL_KINDS_16: tuple[str, ...] = ("plan_activation", "closure", "sharing_beyond_consent", "handover_other_agency")
APPROVAL_KINDS_20: tuple[str, ...] = (*APPROVAL_KINDS_16, "bia", "tracing_verification")
APPROVAL_KINDS_29: tuple[str, ...] = (*APPROVAL_KINDS_20, "incident_not_reported")

MIGRATIONS: list[tuple[int, list]] = [  # each step: SQL text, or a function of the connection
    (
        1,
        [
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE profile (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                form_version INTEGER NOT NULL,
                data TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            "CREATE TABLE counters (prefix TEXT PRIMARY KEY, next_seq INTEGER NOT NULL)",
            """CREATE TABLE cases (
                case_number TEXT PRIMARY KEY,
                form_id TEXT NOT NULL,
                form_version INTEGER NOT NULL,
                answers TEXT NOT NULL,
                child_name TEXT NOT NULL,
                search_text TEXT NOT NULL,
                sex TEXT,
                date_of_birth TEXT,
                age_estimate INTEGER,
                risk TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open',
                case_worker TEXT NOT NULL,
                registered_on TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                incomplete INTEGER NOT NULL DEFAULT 0,
                demo INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX cases_registered ON cases (registered_on)",
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                kind TEXT NOT NULL,
                summary TEXT NOT NULL,
                changes TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                UNIQUE (case_number, seq)
            )""",
        ],
    ),
    (
        2,
        [
            # Decisions about two cases: the same child, siblings, or checked and not the same.
            """CREATE TABLE links (
                case_a TEXT NOT NULL REFERENCES cases (case_number),
                case_b TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL CHECK (kind IN ('same_child', 'sibling', 'not_same')),
                decided_by TEXT NOT NULL,
                decided_at TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (case_a, case_b, kind),
                CHECK (case_a < case_b)
            )""",
        ],
    ),
    (
        3,
        [
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            # Deadlines are stored when set (at registration, on a risk change): a later change of
            # agency policy does not move a deadline a worker was already given.
            "ALTER TABLE cases ADD COLUMN assessment_due TEXT",
            "ALTER TABLE cases ADD COLUMN plan_due TEXT",
            """CREATE TABLE assessments (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL CHECK (kind IN ('initial', 'comprehensive')),
                form_version INTEGER NOT NULL,
                assessed_on TEXT NOT NULL,
                answers TEXT NOT NULL,
                risk_before TEXT NOT NULL,
                risk_after TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX assessments_case ON assessments (case_number, assessed_on)",
            """CREATE TABLE plans (
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                version INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'active')),
                data TEXT NOT NULL,
                saved_by TEXT NOT NULL,
                saved_at TEXT NOT NULL,
                activated_at TEXT,  -- the working date it came into force (the clock may be set)
                PRIMARY KEY (case_number, version)
            )""",
        ],
    ),
    (
        4,
        [
            """CREATE TABLE referrals (
                uid TEXT PRIMARY KEY,
                ref TEXT NOT NULL UNIQUE,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                referred_on TEXT NOT NULL,
                service_type TEXT NOT NULL,
                urgency TEXT NOT NULL,
                plan_item TEXT,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX referrals_case ON referrals (case_number)",
            """CREATE TABLE referral_updates (
                uid TEXT PRIMARY KEY,
                referral_uid TEXT NOT NULL REFERENCES referrals (uid),
                status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'completed', 'no_response')),
                on_date TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX referral_updates_referral ON referral_updates (referral_uid, on_date)",
            """CREATE TABLE item_progress (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                item_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('done', 'partly', 'not_done')),
                on_date TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX item_progress_case ON item_progress (case_number, item_id, on_date)",
            """CREATE TABLE visits (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                visited_on TEXT NOT NULL,
                child_seen INTEGER NOT NULL,
                next_visit TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX visits_case ON visits (case_number, visited_on)",
            """CREATE TABLE reviews (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                reviewed_on TEXT NOT NULL,
                decision TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            """CREATE TABLE closures (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                closed_on TEXT NOT NULL,
                reason TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                reopened_on TEXT,
                reopen_reason TEXT,
                reopened_by TEXT
            )""",
            "CREATE INDEX closures_case ON closures (case_number, closed_on)",
        ],
    ),
    (
        5,
        [
            # The agenda reads every active plan's items and visit frequency; reading them out of
            # each plan's JSON took most of a second on 10,000 cases. These columns are written
            # in the same transaction as the plan version they index, from the same data.
            "ALTER TABLE plans ADD COLUMN visit_every_days INTEGER",
            """UPDATE plans SET visit_every_days = CAST(json_extract(data, '$.header.visit_every_days') AS INTEGER)""",
            """CREATE TABLE plan_items (
                case_number TEXT NOT NULL,
                version INTEGER NOT NULL,
                item_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                due TEXT,
                PRIMARY KEY (case_number, version, item_id),
                FOREIGN KEY (case_number, version) REFERENCES plans (case_number, version)
            )""",
            """INSERT INTO plan_items (case_number, version, item_id, kind, title, due)
               SELECT p.case_number, p.version, json_extract(j.value, '$.id'), 'protection need',
                      coalesce(json_extract(j.value, '$.need'), ''), json_extract(j.value, '$.by')
               FROM plans p, json_each(p.data, '$.protection_needs') j""",
            """INSERT INTO plan_items (case_number, version, item_id, kind, title, due)
               SELECT p.case_number, p.version, json_extract(j.value, '$.id'), 'service',
                      coalesce(json_extract(j.value, '$.what'), ''), json_extract(j.value, '$.by')
               FROM plans p, json_each(p.data, '$.services') j""",
            """INSERT INTO plan_items (case_number, version, item_id, kind, title, due)
               SELECT p.case_number, p.version, json_extract(j.value, '$.id'), 'action',
                      coalesce(json_extract(j.value, '$.action'), ''), json_extract(j.value, '$.due')
               FROM plans p, json_each(p.data, '$.actions') j""",
            "CREATE INDEX visits_seen ON visits (case_number, child_seen, visited_on)",
        ],
    ),
    (
        6,
        [
            # Derived by lifecycle.refresh in every write on the case, so `list` is one plain query.
            "ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT 'registered'",
            "ALTER TABLE cases ADD COLUMN next_due TEXT",
            "CREATE INDEX cases_next_due ON cases (status, case_worker, next_due)",
            lambda conn: _mark_derived_stale(conn),
        ],
    ),
    (
        7,
        [
            # The worker's own key pairs never leave the encrypted store.
            """CREATE TABLE identity (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                encryption_key BLOB NOT NULL,
                signing_key BLOB NOT NULL,
                created_at TEXT NOT NULL
            )""",
            lambda conn: _new_identity(conn),
            """CREATE TABLE contacts (
                name TEXT PRIMARY KEY,
                agency TEXT NOT NULL,
                encryption_public BLOB NOT NULL,
                signing_public BLOB NOT NULL,
                fingerprint TEXT NOT NULL UNIQUE,
                added_at TEXT NOT NULL
            )""",
            """CREATE TABLE bundles_seen (
                bundle_id TEXT PRIMARY KEY,
                direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
                peer TEXT NOT NULL,
                handover INTEGER NOT NULL,
                cases TEXT NOT NULL,
                at TEXT NOT NULL
            )""",
            # Diverged histories kept side by side for the worker to review ("keep both").
            """CREATE TABLE conflicts (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                bundle_id TEXT NOT NULL,
                sender TEXT NOT NULL,
                records TEXT NOT NULL,
                received_at TEXT NOT NULL,
                resolved_at TEXT
            )""",
        ],
    ),
    (
        8,
        [
            # What remains of a purged case: that it existed, and who removed it when.
            """CREATE TABLE tombstones (
                case_number TEXT PRIMARY KEY,
                registered_on TEXT NOT NULL,
                closed_on TEXT,
                purged_on TEXT NOT NULL,
                purged_by TEXT NOT NULL,
                reason TEXT NOT NULL
            )""",
        ],
    ),
    (
        9,
        [
            # `x IN ('a', 'b', 'c')` in a CHECK builds a temporary b-tree for every row written
            # (more than two values), and with memory security every allocation costs two system
            # calls: an import spent most of its time there. The same rules, as comparisons.
            lambda conn: _rebuild(
                conn,
                "links",
                """CREATE TABLE links (
                case_a TEXT NOT NULL REFERENCES cases (case_number),
                case_b TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL CHECK (kind = 'same_child' OR kind = 'sibling' OR kind = 'not_same'),
                decided_by TEXT NOT NULL,
                decided_at TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (case_a, case_b, kind),
                CHECK (case_a < case_b)
            )""",
            ),
            lambda conn: _rebuild(
                conn,
                "referral_updates",
                """CREATE TABLE referral_updates (
                uid TEXT PRIMARY KEY,
                referral_uid TEXT NOT NULL REFERENCES referrals (uid),
                status TEXT NOT NULL CHECK (status = 'pending' OR status = 'accepted' OR status = 'declined'
                                            OR status = 'completed' OR status = 'no_response'),
                on_date TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            ),
            lambda conn: _rebuild(
                conn,
                "item_progress",
                """CREATE TABLE item_progress (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                item_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'done' OR status = 'partly' OR status = 'not_done'),
                on_date TEXT NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL DEFAULT '',
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            ),
        ],
    ),
    (
        10,
        [
            # Referral references were unique per store; two laptops could draw the same one, and
            # an import then failed on it. A reference now names the laptop (R-PREFIX-XXXXX), and
            # one merely equal to an unrelated local one no longer stops an import: the uid is the
            # key, and `referral update REF --case CASE` tells two of the same name apart.
            # referral_updates refers to referrals, so foreign keys are off for this rebuild.
            FOREIGN_KEYS_OFF,
            lambda conn: _rebuild(
                conn,
                "referrals",
                """CREATE TABLE referrals (
                uid TEXT PRIMARY KEY,
                ref TEXT NOT NULL,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                referred_on TEXT NOT NULL,
                service_type TEXT NOT NULL,
                urgency TEXT NOT NULL,
                plan_item TEXT,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            ),
            "CREATE INDEX referrals_ref ON referrals (ref)",
        ],
    ),
    (
        11,
        [
            # Keys that signed handovers in a case's history, recorded as a verified bundle brings
            # the case (see store/trust.py). Local to this laptop: the next import records its own.
            """CREATE TABLE signers (
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                signing_public TEXT NOT NULL,
                source TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                PRIMARY KEY (case_number, signing_public)
            )""",
            # Handovers already here were checked by the imports that brought them, which did not
            # record their keys yet: they are recorded now, as the store holds them.
            """INSERT OR IGNORE INTO signers (case_number, signing_public, source, recorded_at)
               SELECT case_number, json_extract(changes, '$.signer'), 'recorded before this check',
                      strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
               FROM events WHERE kind = 'handover' AND json_valid(changes)
                 AND json_type(changes, '$.signer') = 'text'""",
        ],
    ),
    (
        12,
        [
            # A handover is pending until the receiver's signed receipt comes back (accepted or
            # refused), or the sender revokes it (the bundle was lost): no child is left with nobody
            # responsible. Local to the sender's laptop, like bundles_seen. Cases handed over
            # before receipts existed stay transferred.
            """CREATE TABLE handovers (
                bundle_id TEXT NOT NULL,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                recipients TEXT NOT NULL,
                recipient_names TEXT NOT NULL,
                reason TEXT NOT NULL DEFAULT '',
                sent_at TEXT NOT NULL,
                outcome TEXT CHECK (outcome IS NULL OR outcome = 'accepted' OR outcome = 'refused'
                                    OR outcome = 'revoked'),
                outcome_at TEXT,
                outcome_by TEXT,
                outcome_note TEXT,
                PRIMARY KEY (bundle_id, case_number)
            )""",
            "CREATE INDEX handovers_pending ON handovers (outcome, sent_at)",
        ],
    ),
    (
        13,
        [
            # Consent becomes a record of its own (casecli consent), kept in the case's history and
            # in bundles. The one in force is the latest; a withdrawn one blocks new sharing.
            """CREATE TABLE consents (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                given_on TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'active' OR status = 'withdrawn'),
                withdrawn_on TEXT,
                withdraw_reason TEXT,
                child_age INTEGER,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX consents_case ON consents (case_number, given_on)",
            # Each case's registration consent becomes its first record, with the same answers
            # (and so the same meaning); its uid is derived from the case, so that two laptops
            # upgrading the same case make the same record.
            lambda conn: _consents_from_registrations(conn),
        ],
    ),
    (
        14,
        [
            # A case conference of the multi-disciplinary team: its participants, the child's
            # views, the decisions and the follow-up actions (which the next plan version takes up).
            """CREATE TABLE conferences (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                held_on TEXT NOT NULL,
                kind TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX conferences_case ON conferences (case_number, held_on)",
        ],
    ),
    (
        15,
        [
            # A decision that waits for a supervisor's approval (a plan's activation, a closure):
            # what is to be approved and its hash, then the supervisor's signed decision.
            """CREATE TABLE approvals (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL CHECK (kind = 'plan_activation' OR kind = 'closure'),
                subject TEXT NOT NULL,
                subject_hash TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'waiting' OR status = 'approved' OR status = 'rejected'
                                            OR status = 'void'),
                requested_by TEXT NOT NULL,
                requested_by_fingerprint TEXT NOT NULL,
                requested_at TEXT NOT NULL,
                decided_by TEXT,
                decided_by_fingerprint TEXT,
                decided_at TEXT,
                comment TEXT,
                signed_decision TEXT
            )""",
            "CREATE INDEX approvals_case ON approvals (case_number, status)",
            # A contact's role, from their identity line: only a supervisor's decision is accepted.
            "ALTER TABLE contacts ADD COLUMN role TEXT NOT NULL DEFAULT ''",
        ],
    ),
    (
        16,
        [
            # Two more decisions an agency may want approved: sharing a case with another agency
            # beyond the child's consent, and a handover to another agency. An approval of either
            # is spent by the one export it allows ('used').
            lambda conn: _rebuild(conn, "approvals", _approvals_table(APPROVAL_KINDS_16)),
        ],
    ),
    (
        17,
        [
            # What is due on each case, by kind and date, as the case rules derive it (for a copy,
            # as its worker's own would be): a supervisor's report counts overdue work by kind over
            # ten thousand cases without deriving it again. Rewritten with `stage` and `next_due`.
            """CREATE TABLE case_due (
                case_number TEXT PRIMARY KEY REFERENCES cases (case_number),
                stage TEXT NOT NULL,
                due TEXT NOT NULL
            )""",
            lambda conn: _mark_derived_stale(conn),
        ],
    ),
    (
        18,
        [
            # Best Interests Assessments and the BID panels that decide on them (UNHCR's Best
            # Interests Procedure): the answers of their forms, a panel's members and actions.
            """CREATE TABLE best_interests (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL CHECK (kind = 'bia' OR kind = 'bid'),
                on_date TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX best_interests_case ON best_interests (case_number, kind, on_date)",
        ],
    ),
    (
        19,
        [
            # The child's family: who they are, where last known, whether the child wants contact.
            """CREATE TABLE family_members (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX family_members_case ON family_members (case_number)",
            # Family tracing: a request (`request` NULL) and what follows it, each a record of its
            # own (actions, verification, reunification, closure): the status is derived from them.
            """CREATE TABLE tracing (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                request TEXT REFERENCES tracing (uid),
                kind TEXT NOT NULL CHECK (kind = 'request' OR kind = 'action' OR kind = 'verification'
                                          OR kind = 'reunification' OR kind = 'closure'),
                on_date TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                CHECK ((kind = 'request') = (request IS NULL))
            )""",
            "CREATE INDEX tracing_case ON tracing (case_number, request, on_date)",
        ],
    ),
    (
        20,
        [
            # A Best Interests Assessment and a family's verification may need a supervisor's approval.
            lambda conn: _rebuild(conn, "approvals", _approvals_table(APPROVAL_KINDS_20)),
        ],
    ),
    (
        21,
        [
            # The agency mailbox (a folder Syncthing shares): each bundle written into a
            # colleague's inbox, when it left their inbox (delivered) and when their signed receipt
            # came back (acknowledged). Local only: it never travels in a bundle.
            """CREATE TABLE mailbox_sent (
                bundle_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                recipient_name TEXT NOT NULL,
                kind TEXT NOT NULL,
                cases TEXT NOT NULL,
                file TEXT NOT NULL,
                answers TEXT,
                sent_at TEXT NOT NULL,
                delivered_at TEXT,
                acknowledged_at TEXT,
                accepted INTEGER,
                reason TEXT,
                PRIMARY KEY (bundle_id, recipient)
            )""",
            "CREATE INDEX mailbox_sent_waiting ON mailbox_sent (acknowledged_at, sent_at)",
            "CREATE INDEX mailbox_sent_answers ON mailbox_sent (answers)",
            # When each colleague was last heard from: a bundle of theirs read from the mailbox.
            "CREATE TABLE mailbox_heard (fingerprint TEXT PRIMARY KEY, name TEXT NOT NULL, last_at TEXT NOT NULL)",
        ],
    ),
    (
        22,
        [
            # `verify`'s checkpoint: the last event of each case's chain as last verified, each
            # with a MAC under a key derived from the store's data key. `verify` then re-hashes
            # only what follows (`verify --full`: everything). An event changed or removed in any
            # way SQL allows drops its case's head (the triggers), so the case is checked whole.
            """CREATE TABLE verified_heads (
                case_number TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL,
                mac TEXT NOT NULL
            )""",
            """CREATE TRIGGER events_updated_unverify AFTER UPDATE ON events BEGIN
                DELETE FROM verified_heads WHERE case_number = old.case_number OR case_number = new.case_number;
            END""",
            """CREATE TRIGGER events_deleted_unverify AFTER DELETE ON events BEGIN
                DELETE FROM verified_heads WHERE case_number = old.case_number;
            END""",
        ],
    ),
    (
        23,
        [
            # The duplicate check's index (case/child/people_index.py): each child's name keys, sex,
            # age and nationality, written with the case; built for existing cases on the next
            # open (the derived columns' flag). A case removed takes its entries with it.
            """CREATE TABLE people (
                case_number TEXT PRIMARY KEY,
                tokens TEXT NOT NULL,
                sex TEXT,
                nationality TEXT,
                date_of_birth TEXT,
                age_estimate INTEGER,
                registered_on TEXT NOT NULL
            )""",
            """CREATE TABLE people_keys (
                key TEXT NOT NULL,
                case_number TEXT NOT NULL,
                PRIMARY KEY (key, case_number)
            ) WITHOUT ROWID""",
            "CREATE INDEX people_keys_case ON people_keys (case_number)",
            """CREATE TRIGGER cases_deleted_unindex AFTER DELETE ON cases BEGIN
                DELETE FROM people WHERE case_number = old.case_number;
                DELETE FROM people_keys WHERE case_number = old.case_number;
            END""",
            lambda conn: _mark_derived_stale(conn),
        ],
    ),
    (
        24,
        [
            # Every due item of every open case and copy, one row each, written with every change
            # of the case (case/due/lifecycle.py): the agenda reads a worker's items in its own order
            # straight from the index (risk, then date), and the report counts overdue work by
            # kind in SQL. An item keeps its sentence's arguments, not the sentence (due_text), so
            # it is read in the worker's language. The case's worker, status and risk are kept
            # with each item for the index; the trigger keeps them with the case's.
            """CREATE TABLE due_items (
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL,
                due TEXT NOT NULL,
                args TEXT NOT NULL,
                command TEXT NOT NULL,
                case_worker TEXT NOT NULL,
                status TEXT NOT NULL,
                risk TEXT NOT NULL,
                rank INTEGER NOT NULL
            )""",
            "CREATE INDEX due_items_agenda ON due_items (case_worker, status, rank, due, case_number, kind)",
            "CREATE INDEX due_items_case ON due_items (case_number)",
            "CREATE INDEX due_items_overdue ON due_items (due, status)",
            """CREATE TRIGGER cases_follow_due AFTER UPDATE OF risk, case_worker, status ON cases BEGIN
                UPDATE due_items SET case_worker = new.case_worker, status = new.status, risk = new.risk,
                    rank = CASE new.risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 9 END
                WHERE case_number = new.case_number;
            END""",
            # The report's counts read these columns of every live case and its plans: from
            # indexes, not from the rows, whose answers and plan data make them long.
            "CREATE INDEX cases_caseload ON cases (status, case_worker, risk, registered_on, case_number, stage)",
            "CREATE INDEX plans_caseload ON plans (case_number, status, activated_at, visit_every_days)",
            # The kinds and dates case_due kept (migration 17) are these rows now.
            "ALTER TABLE case_due DROP COLUMN due",
            lambda conn: _mark_derived_stale(conn),
        ],
    ),
    (
        25,
        [
            # What a worker typed in a wizard that did not reach its save (the terminal lost, an
            # internal error, a kill): kept after every answer, encrypted like everything else, and
            # offered back by the next run of the same command on the same case. This laptop's own.
            """CREATE TABLE drafts (
                command TEXT NOT NULL,
                case_number TEXT NOT NULL,
                answers TEXT NOT NULL,
                saved_at TEXT NOT NULL,
                PRIMARY KEY (command, case_number)
            )""",
        ],
    ),
    (
        26,
        [
            # A handover to a passphrase holder names nobody a receipt could be checked against:
            # its receipt must prove the passphrase's file key instead (a MAC keyed from it). The key
            # of that proof, kept here from the export. This laptop's own, like the handovers table.
            "ALTER TABLE handovers ADD COLUMN receipt_key TEXT",
        ],
    ),
    (
        27,
        [
            # The agency's rosters this store adopted (handover/roster.py): the agency's signed word
            # on who is a member, in which role. This laptop's own; the newest one counts.
            """CREATE TABLE roster (
                number INTEGER PRIMARY KEY,
                agency TEXT NOT NULL,
                doc TEXT NOT NULL,
                received_at TEXT NOT NULL
            )""",
        ],
    ),
    (
        28,
        [
            # Chain heads other laptops saw (protection/witnesses.py): the last event of a case as
            # a signed bundle brought it here, or as a receipt says its receiver holds it. A history
            # rewritten later, even with the key, no longer holds them, and `verify` names it.
            # This laptop's own; kept through an import that replaces the case (the evidence).
            """CREATE TABLE witnessed_heads (
                case_number TEXT NOT NULL,
                seq INTEGER NOT NULL,
                hash TEXT NOT NULL,
                witness TEXT NOT NULL,
                bundle TEXT NOT NULL,
                at TEXT NOT NULL,
                PRIMARY KEY (case_number, seq, hash, witness)
            )""",
        ],
    ),
    (
        29,
        [
            # The child's legal pathway (case/legal/): an asylum claim and each change of its
            # status, pointing at the claim (the legal-pathway steps join it as kinds of their own;
            # the kinds allowed are the code's, checked on import). A case table: bundles carry it.
            """CREATE TABLE legal (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                parent TEXT REFERENCES legal (uid),
                kind TEXT NOT NULL,
                on_date TEXT NOT NULL,
                answers TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                CHECK ((kind <> 'asylum_step' AND kind <> 'incident_report' AND kind <> 'restitution_elsewhere')
                       OR parent IS NOT NULL)
            )""",
            "CREATE INDEX legal_case ON legal (case_number, kind, on_date)",
            # a claim's steps, an incident's reports, a plan's measures: read by their parent
            "CREATE INDEX legal_parent ON legal (parent)",
            # An incident left unreported needs a supervisor's approval of why.
            lambda conn: _rebuild(conn, "approvals", _approvals_table(APPROVAL_KINDS_29)),
            # A deferred BID is due on the panel's new date, a refused one makes a new BIA due.
            lambda conn: _mark_derived_stale(conn),
        ],
    ),
    (
        30,
        [
            # The id another system knows a case by (Primero's, for a case imported from its
            # export): a later export updates that record instead of making a new one. A case
            # table: bundles carry it.
            """CREATE TABLE external_ids (
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                system TEXT NOT NULL,
                external_id TEXT NOT NULL,
                agency_id TEXT,  -- the case's own id there (Primero's other_agency_id), kept
                created_at TEXT NOT NULL,
                PRIMARY KEY (case_number, system)
            )""",
            # One name for one thing: the registration's date of separation is
            # `date_of_separation`, as in tracing and in Primero (registration form v4).
            lambda conn: _rename_answer(conn, "cases", "separation_date", "date_of_separation"),
            # and the plan's care arrangement and a service's type have the names registration,
            # the visits and the referrals give them (plan-header v5, plan-service v2)
            lambda conn: _rename_plan_answers(conn),
        ],
    ),
    (
        31,
        [
            # Every case table is read by its case (a case's file, a bundle, the due rules): the
            # reviews table had no index for it (each case's latest review scanned every review),
            # nor the links table for its second case.
            "CREATE INDEX IF NOT EXISTS reviews_case ON reviews (case_number, reviewed_on)",
            "CREATE INDEX IF NOT EXISTS links_case_b ON links (case_b)",
        ],
    ),
]


def _rename_answer(conn: Connection, table: str, old: str, new: str) -> None:
    """An answer kept under its new field id in every row of `table` that has it under the old."""
    conn.execute(
        f"""UPDATE {table} SET answers = json_remove(json_set(answers, '$.{new}', json_extract(answers, '$.{old}')),
                   '$.{old}')
            WHERE json_type(answers, '$.{old}') IS NOT NULL AND json_type(answers, '$.{new}') IS NULL"""
    )


def _rename_plan_answers(conn: Connection) -> None:
    """Every stored plan's header `care_type` as `care_arrangement`, each service's `type` as
    `service_type` (plain JSON: the store does not read the forms)."""
    import json

    rows = conn.execute(
        "SELECT case_number, version, data FROM plans WHERE instr(data, '\"care_type\"') OR instr(data, '\"type\"')"
    ).fetchall()
    for number, version, text in rows:
        plan = json.loads(text)
        header = plan.get("header")
        if isinstance(header, dict) and "care_type" in header and "care_arrangement" not in header:
            header["care_arrangement"] = header.pop("care_type")
        for item in plan.get("services") or []:
            if isinstance(item, dict) and "type" in item and "service_type" not in item:
                item["service_type"] = item.pop("type")
        conn.execute(
            "UPDATE plans SET data = ? WHERE case_number = ? AND version = ?",
            (json.dumps(plan, ensure_ascii=False), number, version),
        )


def _approvals_table(kinds: tuple[str, ...]) -> str:
    """The approvals table allowing these kinds (and a spent approval, 'used'); each value a
    comparison of its own, not IN (see migration 9)."""
    allowed = " OR ".join(f"kind = '{kind}'" for kind in kinds)
    return f"""CREATE TABLE approvals (
                uid TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases (case_number),
                kind TEXT NOT NULL CHECK ({allowed}),
                subject TEXT NOT NULL,
                subject_hash TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'waiting' OR status = 'approved' OR status = 'rejected'
                                            OR status = 'void' OR status = 'used'),
                requested_by TEXT NOT NULL,
                requested_by_fingerprint TEXT NOT NULL,
                requested_at TEXT NOT NULL,
                decided_by TEXT,
                decided_by_fingerprint TEXT,
                decided_at TEXT,
                comment TEXT,
                signed_decision TEXT
            )"""


def _rebuild(conn: Connection, table: str, create: str) -> None:
    """Replace `table` by `create` (same columns), keeping its rows and its indexes.

    SQLite's own recipe for changes ALTER TABLE cannot make: new table, copy, drop, rename.
    A table that others refer to is rebuilt in a migration that starts with FOREIGN_KEYS_OFF.
    """
    indexes = [
        sql
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        )
    ]
    conn.execute(create.replace(f"CREATE TABLE {table} (", f"CREATE TABLE {table}_rebuilt (", 1))
    columns = ", ".join(name for (_cid, name, *_rest) in conn.execute(f"PRAGMA table_info({table})"))
    conn.execute(f"INSERT INTO {table}_rebuilt ({columns}) SELECT {columns} FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    for sql in indexes:
        conn.execute(sql)


def _new_identity(conn: Connection) -> None:
    import datetime as dt

    from casecli.store.sealing import new_key_pairs

    encryption, signing = new_key_pairs()
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute(
        "INSERT INTO identity (id, encryption_key, signing_key, created_at) VALUES (1, ?, ?, ?)",
        (encryption, signing, created),
    )


def _consents_from_registrations(conn: Connection) -> None:
    import hashlib
    import json

    keys = ("child_informed", "consent", "consent_reason", "share_with", "withhold_notes")
    rows = conn.execute("SELECT case_number, answers, registered_on, case_worker, created_at FROM cases").fetchall()
    for number, answers_json, registered_on, worker, created_at in rows:
        answers = json.loads(answers_json)
        if not answers.get("consent"):
            continue  # a quick registration with no consent yet
        given_on = answers.get("identified_on") or registered_on
        record = {"given_on": given_on, "obtained_by": worker, **{k: answers[k] for k in keys if k in answers}}
        conn.execute(
            "INSERT INTO consents (uid, case_number, given_on, status, child_age, answers, created_by, created_at)"
            " VALUES (?, ?, ?, 'active', NULL, ?, ?, ?)",
            (
                hashlib.sha256(f"consent {number}".encode()).hexdigest()[:16],
                number,
                given_on,
                json.dumps(record, ensure_ascii=False, sort_keys=True),
                worker,
                created_at,
            ),
        )


def _mark_derived_stale(conn: Connection) -> None:
    """Ask for every case's derived columns (stage, next due date) to be computed again.

    They follow from the case's records by rules that live in the case layer, which the store
    does not import: the flag is set in the migration's transaction, and the first command that
    opens the store refreshes them and clears it (case.due.lifecycle.refresh_if_stale). A store
    with no case has nothing to refresh.
    """
    conn.execute(
        f"INSERT OR REPLACE INTO meta (key, value) SELECT '{DERIVED_STALE}', '1' WHERE EXISTS (SELECT 1 FROM cases)"
    )


LATEST_VERSION = MIGRATIONS[-1][0]
# The schema version a bundle declares for its records: 7, the first with bundles, as long as no
# migration changes a case table's columns (8 added a local table, 9 rewrote rules only). Any
# casecli that reads bundles then imports this one's, so workers need not upgrade together.
# Raise it to the new version with a migration that adds or changes such a column (a test checks).
RECORDS_VERSION = 30


def apply_migrations(conn: Connection, migrations: list[tuple[int, list[str]]] | None = None) -> int:
    """Bring the store up to the latest version; return the version it was at before."""
    migrations = MIGRATIONS if migrations is None else migrations
    before = conn.execute("PRAGMA user_version").fetchone()[0]
    for version, statements in migrations:
        if version <= before:
            continue
        keys_off = FOREIGN_KEYS_OFF in statements
        if keys_off:
            conn.execute("PRAGMA foreign_keys = OFF")  # has effect only outside a transaction
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                if callable(statement):
                    statement(conn)
                elif statement != FOREIGN_KEYS_OFF:
                    conn.execute(statement)
            if keys_off and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise RuntimeError(f"migration {version} would leave records pointing at nothing")
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            if keys_off:
                conn.execute("PRAGMA foreign_keys = ON")
    return before
