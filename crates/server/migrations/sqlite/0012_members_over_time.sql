-- A member who left is disabled, not deleted: their ballots and votes stay theirs, and
-- they can neither log in nor keep a session. NULL: active.
ALTER TABLE members ADD COLUMN disabled_at INTEGER;
