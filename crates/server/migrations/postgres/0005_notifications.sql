-- Notifications: endpoints that receive every change, what members want to hear, and an
-- outbox written in the same transaction as the change it tells of, delivered by a worker
-- with retries (each once, however many instances run).

CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    url        TEXT    NOT NULL,
    topics     TEXT    NOT NULL, -- event kinds separated by spaces, or `*`
    project    TEXT,             -- only this project's votes, when set
    secret     TEXT    NOT NULL, -- `whsec_…`, to sign deliveries (Standard Webhooks)
    created_at BIGINT NOT NULL,
    created_by TEXT
);

ALTER TABLE members ADD COLUMN email TEXT;
ALTER TABLE members ADD COLUMN notify_reminders BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE members ADD COLUMN notify_results BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE members ADD COLUMN notify_all_voted BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE members ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX members_by_unsubscribe_token ON members (unsubscribe_token);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    channel         TEXT    NOT NULL, -- webhook | chat | email
    target          TEXT    NOT NULL, -- a webhook's id, a project, a member
    topic           TEXT    NOT NULL, -- an event kind, or reminder | all_voted | results | ping
    vote_id         TEXT,
    event_id        BIGINT,
    round           BIGINT,
    voter           TEXT,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    claimed_until   BIGINT,
    delivered_at    BIGINT,
    gave_up_at      BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX outbox_in_order ON outbox (channel, target, vote_id, id);

-- A reminder per vote, round, voter and lead time, once.
CREATE TABLE reminders_sent (
    vote_id TEXT    NOT NULL,
    round   BIGINT NOT NULL,
    voter   TEXT    NOT NULL,
    lead_ms BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (vote_id, round, voter, lead_ms)
);
