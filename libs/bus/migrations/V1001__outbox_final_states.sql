-- Every outbox row ends in a truthful state (ADR 0010): published (published_at, the broker confirmed it)
-- or dropped (dropped_at, with drop_reason no_subscriber or broker_refused). A row with neither is pending.
-- attempts counts the broker's refusals (plus the final attempt); next_attempt_at delays a refused row.
ALTER TABLE outbox
  ADD COLUMN dropped_at DATETIME(3) NULL AFTER published_at,
  ADD COLUMN drop_reason VARCHAR(32) NULL AFTER dropped_at,
  DROP KEY outbox_unpublished,
  ADD KEY outbox_pending (published_at, dropped_at, id),
  ADD KEY outbox_dropped (dropped_at);
