-- The whole schema for PostgreSQL, the same tables as the SQLite migrations.
-- Timestamps are Unix milliseconds (UTC) in BIGINT; counts and rounds are BIGINT too, so
-- both backends read the same Rust types. Sessions live in the `tower_sessions` schema,
-- created by the session store itself.

CREATE TABLE votes (
    id          TEXT PRIMARY KEY,
    name        TEXT   NOT NULL,
    url         TEXT,
    project     TEXT,
    owner       TEXT,
    deck        TEXT   NOT NULL CHECK (deck IN ('agileventures', 'fibonacci', 'tshirt', 'custom')),
    cards       TEXT,  -- JSON array of labels, custom decks only
    state       TEXT   NOT NULL CHECK (state IN ('open', 'revealed', 'closed')),
    round       BIGINT NOT NULL DEFAULT 1 CHECK (round >= 1),
    quorum      BIGINT CHECK (quorum >= 1),
    deadline    BIGINT,
    final_size  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    closed_at   BIGINT,
    CHECK ((deck = 'custom') = (cards IS NOT NULL)),
    CHECK ((state = 'closed') = (final_size IS NOT NULL))
);

CREATE INDEX votes_by_activity ON votes (updated_at DESC, id DESC);
CREATE INDEX votes_ongoing_by_activity ON votes (updated_at DESC, id DESC) WHERE state <> 'closed';
CREATE INDEX votes_by_project ON votes (project, updated_at DESC);
CREATE INDEX votes_due ON votes (deadline) WHERE state = 'open' AND deadline IS NOT NULL;

CREATE TABLE rounds (
    vote_id     TEXT   NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    number      BIGINT NOT NULL CHECK (number >= 1),
    started_at  BIGINT NOT NULL,
    revealed_at BIGINT,
    revealed_by TEXT CHECK (revealed_by IN ('manual', 'quorum', 'deadline', 'close')),
    PRIMARY KEY (vote_id, number)
);
CREATE INDEX rounds_by_revealed_at ON rounds (revealed_at) WHERE revealed_at IS NOT NULL;

CREATE TABLE ballots (
    id          TEXT PRIMARY KEY,
    vote_id     TEXT   NOT NULL,
    round       BIGINT NOT NULL,
    voter       TEXT   NOT NULL,
    card        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    cast_at     BIGINT NOT NULL,
    UNIQUE (vote_id, round, voter),
    FOREIGN KEY (vote_id, round) REFERENCES rounds (vote_id, number) ON DELETE CASCADE
);
CREATE INDEX ballots_by_cast_at ON ballots (cast_at);

CREATE TABLE integration_tokens (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT   NOT NULL UNIQUE,
    token_hash  TEXT   NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE members (
    username      TEXT PRIMARY KEY,
    display_name  TEXT   NOT NULL,
    role          TEXT   NOT NULL CHECK (role IN ('member', 'admin')),
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE login_failures (
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- Every change in commit order (writes hold one advisory lock, so ids commit in order).
CREATE TABLE events (
    id       BIGSERIAL PRIMARY KEY,
    vote_id  TEXT   NOT NULL,
    kind     TEXT   NOT NULL CHECK (kind IN ('vote_created', 'ballot_cast', 'ballot_withdrawn',
                                             'revealed', 'round_started', 'closed')),
    voter    TEXT,
    round    BIGINT NOT NULL,
    at       BIGINT NOT NULL
);
