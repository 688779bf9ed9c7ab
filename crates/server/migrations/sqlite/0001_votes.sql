-- Votes, their rounds and ballots, and the integrations allowed to write.
-- Timestamps are Unix milliseconds (UTC). Members and sessions arrive in later migrations;
-- voters and owners are text ids so a member's username and an external id such as
-- `slack:U123` live side by side.

CREATE TABLE votes (
    id          TEXT PRIMARY KEY,
    name        TEXT    NOT NULL,
    url         TEXT,
    project     TEXT,
    owner       TEXT,
    deck        TEXT    NOT NULL CHECK (deck IN ('agileventures', 'fibonacci', 'tshirt', 'custom')),
    cards       TEXT,   -- JSON array of labels, custom decks only
    state       TEXT    NOT NULL CHECK (state IN ('open', 'revealed', 'closed')),
    round       INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
    quorum      INTEGER CHECK (quorum >= 1),
    deadline    INTEGER,
    final_size  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    closed_at   INTEGER,
    CHECK ((deck = 'custom') = (cards IS NOT NULL)),
    CHECK ((state = 'closed') = (final_size IS NOT NULL))
);

CREATE INDEX votes_by_activity ON votes (updated_at DESC, id DESC);
-- The ongoing list reads only this index, however much history piles up.
CREATE INDEX votes_ongoing_by_activity ON votes (updated_at DESC, id DESC) WHERE state <> 'closed';
CREATE INDEX votes_by_project ON votes (project, updated_at DESC);
CREATE INDEX votes_due ON votes (deadline) WHERE state = 'open' AND deadline IS NOT NULL;

CREATE TABLE rounds (
    vote_id     TEXT    NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    started_at  INTEGER NOT NULL,
    revealed_at INTEGER,
    revealed_by TEXT CHECK (revealed_by IN ('manual', 'quorum', 'deadline', 'close')),
    PRIMARY KEY (vote_id, number)
);

CREATE TABLE ballots (
    id          TEXT PRIMARY KEY,
    vote_id     TEXT    NOT NULL,
    round       INTEGER NOT NULL,
    voter       TEXT    NOT NULL,
    card        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    cast_at     INTEGER NOT NULL,
    -- One ballot per voter per round; casting again replaces it.
    UNIQUE (vote_id, round, voter),
    FOREIGN KEY (vote_id, round) REFERENCES rounds (vote_id, number) ON DELETE CASCADE
);

CREATE TABLE integration_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    token_hash  TEXT    NOT NULL UNIQUE, -- SHA-256 of the token; the token itself is never stored
    created_at  INTEGER NOT NULL
);
