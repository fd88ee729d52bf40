-- Inbox of processed events (@orderly/messaging). Copy into the service's migrations as
-- migrations/NNN_inbox.sql; names are unqualified (search_path = the service schema).
--
-- The consumer inserts the event id in the same transaction as the handler's effect; a redelivered
-- or duplicate event finds its id already here and changes nothing. `consumer` is the work queue
-- name, so two queues of one service may each process the same event once.
CREATE TABLE inbox (
  consumer    text        NOT NULL,
  event_id    uuid        NOT NULL,
  type        text        NOT NULL,
  subject     text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Purging old ids (`purgeInbox`): keep them longer than any redelivery can take (days, not minutes).
CREATE INDEX inbox_received_at_idx ON inbox (received_at);
