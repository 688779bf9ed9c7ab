-- The server checks event kinds (`EventKind` in the wire crate), so a new kind such as
-- `final_size_changed` needs no migration.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
