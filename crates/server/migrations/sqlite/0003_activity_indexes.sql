-- The overview reads activity in a recent window; these keep it from scanning history.
CREATE INDEX ballots_by_cast_at ON ballots (cast_at);
CREATE INDEX rounds_by_revealed_at ON rounds (revealed_at) WHERE revealed_at IS NOT NULL;
