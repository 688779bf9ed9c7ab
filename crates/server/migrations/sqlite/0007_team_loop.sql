-- Who a vote waits on, and whether it reveals itself once they have all voted.
ALTER TABLE votes ADD COLUMN expected_voters TEXT NOT NULL DEFAULT '[]'; -- JSON array of voter ids
ALTER TABLE votes ADD COLUMN reveal_when_all_voted INTEGER NOT NULL DEFAULT 0;

-- A ballot's reason, sealed like its card.
ALTER TABLE ballots ADD COLUMN reason TEXT;

-- What revealed a round is checked in code (`RevealCause`), so `all_voted` and later
-- causes need no migration. SQLite cannot drop a CHECK: the table is rebuilt (migrations
-- run with foreign keys off, so ballots keep their rows; the store checks them after).
CREATE TABLE rounds_unchecked (
    vote_id     TEXT    NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    started_at  INTEGER NOT NULL,
    revealed_at INTEGER,
    revealed_by TEXT,
    PRIMARY KEY (vote_id, number)
);
INSERT INTO rounds_unchecked (vote_id, number, started_at, revealed_at, revealed_by)
    SELECT vote_id, number, started_at, revealed_at, revealed_by FROM rounds;
DROP TABLE rounds;
ALTER TABLE rounds_unchecked RENAME TO rounds;
CREATE INDEX rounds_by_revealed_at ON rounds (revealed_at) WHERE revealed_at IS NOT NULL;

-- A project's remembered voters, and the chat channel its votes are announced to.
CREATE TABLE projects (
    name             TEXT PRIMARY KEY,
    default_voters   TEXT    NOT NULL DEFAULT '[]', -- JSON array of voter ids
    chat_webhook_url TEXT,
    updated_at       INTEGER NOT NULL
);
