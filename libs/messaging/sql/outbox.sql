-- Transactional outbox (@orderly/messaging). Copy into the service's migrations as
-- migrations/NNN_outbox.sql; the migration runs with search_path = the service schema, so the
-- names below are unqualified and land in that schema.
--
-- A producer inserts one row per event in the same transaction as its state change
-- (`enqueueEvent`). The outbox relay claims unsent rows with FOR UPDATE SKIP LOCKED, publishes them
-- with publisher confirms and sets `sent_at` only after the broker confirmed. Sent rows are purged
-- by the relay after a retention period.
CREATE TABLE outbox (
  -- Enqueue order; the relay publishes the rows of one subject (aggregate) in this order.
  position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The CloudEvent id (also the AMQP message id); unique so an event is never enqueued twice.
  id             uuid        NOT NULL UNIQUE,
  type           text        NOT NULL,
  subject        text        NOT NULL,
  -- The whole CloudEvent (structured mode), published as is.
  payload        jsonb       NOT NULL,
  correlation_id text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- A row that failed (unroutable, nacked) waits until then before the next attempt.
  available_at   timestamptz NOT NULL DEFAULT now(),
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text,
  sent_at        timestamptz
);

-- Claiming unsent rows in order, and the backlog / oldest-age metrics: only unsent rows, so it stays small.
CREATE INDEX outbox_unsent_idx ON outbox (position) WHERE sent_at IS NULL;
-- "Is an earlier row of this subject still unsent?", asked for every claimed row (per-aggregate order).
CREATE INDEX outbox_unsent_subject_idx ON outbox (subject, position) WHERE sent_at IS NULL;
-- Purging sent rows older than the retention.
CREATE INDEX outbox_sent_at_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Wakes the relays of this schema (LISTEN "outbox.<schema>") when the inserting transaction commits.
-- One notification per statement; Postgres folds duplicates within a transaction.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox.' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
