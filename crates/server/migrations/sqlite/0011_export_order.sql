-- Exports read votes oldest first, page by page: an order no later change moves a vote in.
CREATE INDEX votes_by_creation ON votes (created_at, id);
