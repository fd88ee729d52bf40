-- Idempotency-Key of POST /v1/orders (SPEC §4). A key belongs to one user. The first request
-- inserts the row in the transaction that creates the order and stores its response there too, so
-- the row becomes visible, with its response, exactly when the order does. A concurrent duplicate
-- blocks on the primary key until that transaction ends, then replays the stored response (same
-- request hash) or is refused with 422 (different hash); if the first transaction rolled back, the
-- duplicate's own insert goes through and it creates the order instead.
CREATE TABLE idempotency_keys (
  user_id       uuid        NOT NULL,
  key           text        NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
  -- SHA-256 of the canonical request body: decides "same request".
  request_hash  text        NOT NULL,
  -- The response to replay; NULL only inside the creating transaction, never seen by others.
  status_code   smallint,
  response_body jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- At least 24 h after creation (IDEMPOTENCY_TTL_HOURS); an expired key may be reused and is
  -- deleted by the periodic cleanup.
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);

-- The cleanup's `DELETE ... WHERE expires_at < now()`.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
