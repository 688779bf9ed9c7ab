-- Notifications: endpoints that receive every change, what members want to hear, and an
-- outbox written in the same transaction as the change it tells of, delivered by a worker
-- with retries (each once, however many instances run).

CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    url        TEXT    NOT NULL,
    topics     TEXT    NOT NULL, -- event kinds separated by spaces, or `*`
    project    TEXT,             -- only this project's votes, when set
    secret     TEXT    NOT NULL, -- `whsec_…`, to sign deliveries (Standard Webhooks)
    created_at INTEGER NOT NULL,
    created_by TEXT
);

ALTER TABLE members ADD COLUMN email TEXT;
ALTER TABLE members ADD COLUMN notify_reminders INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN notify_results INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN notify_all_voted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX members_by_unsubscribe_token ON members (unsubscribe_token);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT    NOT NULL, -- webhook | chat | email
    target          TEXT    NOT NULL, -- a webhook's id, a project, a member
    topic           TEXT    NOT NULL, -- an event kind, or reminder | all_voted | results | ping
    vote_id         TEXT,
    event_id        INTEGER,
    round           INTEGER,
    voter           TEXT,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    claimed_until   INTEGER,
    delivered_at    INTEGER,
    gave_up_at      INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX outbox_in_order ON outbox (channel, target, vote_id, id);

-- A reminder per vote, round, voter and lead time, once.
CREATE TABLE reminders_sent (
    vote_id TEXT    NOT NULL,
    round   INTEGER NOT NULL,
    voter   TEXT    NOT NULL,
    lead_ms INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (vote_id, round, voter, lead_ms)
);
