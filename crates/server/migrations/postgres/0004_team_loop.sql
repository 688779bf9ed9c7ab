-- Who a vote waits on, and whether it reveals itself once they have all voted.
ALTER TABLE votes ADD COLUMN expected_voters TEXT NOT NULL DEFAULT '[]'; -- JSON array of voter ids
ALTER TABLE votes ADD COLUMN reveal_when_all_voted BOOLEAN NOT NULL DEFAULT FALSE;

-- A ballot's reason, sealed like its card.
ALTER TABLE ballots ADD COLUMN reason TEXT;

-- What revealed a round is checked in code (`RevealCause`).
ALTER TABLE rounds DROP CONSTRAINT rounds_revealed_by_check;

-- A project's remembered voters, and the chat channel its votes are announced to.
CREATE TABLE projects (
    name             TEXT PRIMARY KEY,
    default_voters   TEXT   NOT NULL DEFAULT '[]',
    chat_webhook_url TEXT,
    updated_at       BIGINT NOT NULL
);
