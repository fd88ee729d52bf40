-- Orders and their lines (SPEC §4). Items live in their own table rather than a jsonb column: each
-- field is typed and range-checked by the database as the last line of defence, and the total is
-- computed from those typed columns by the statement that inserts them (orders.repository.ts).
-- Items never change after creation; reads fetch them with the order by primary key.
CREATE TABLE orders (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL,
  status      text        NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled')),
  currency    char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Integer minor units. The largest legal order is 100 × 10 000 × 10^9 = 10^15; the upper bound
  -- keeps every stored total exact as a JSON number (Number.MAX_SAFE_INTEGER).
  total_cents bigint      NOT NULL CHECK (total_cents BETWEEN 0 AND 9007199254740991),
  -- Millisecond precision: the API shows milliseconds, and a list cursor carries the API value, so
  -- the stored value must be exactly what the client saw (else keyset pages repeat or skip rows).
  created_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  -- Strictly increasing per order (see updateOrderStatus): the read cache uses it as a version.
  updated_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);

CREATE TABLE order_items (
  order_id         uuid     NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  -- 1-based position in the request; items are returned in the order they were sent.
  position         smallint NOT NULL CHECK (position BETWEEN 1 AND 100),
  sku              text     NOT NULL CHECK (char_length(sku) BETWEEN 1 AND 64),
  quantity         integer  NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
  unit_price_cents bigint   NOT NULL CHECK (unit_price_cents BETWEEN 0 AND 1000000000),
  PRIMARY KEY (order_id, position)
);

-- Keyset pagination, newest first: `ORDER BY created_at DESC, id DESC` with
-- `(created_at, id) < (cursor)`; id (a UUID v7) breaks ties between orders of the same millisecond.
-- A customer's list, and an admin's `?userId=` list (`?status=` is filtered on this index: one
-- customer's orders are few).
CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC);
-- An admin's list of every order.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
-- An admin's list by status (`?status=pending` is the work queue): without it, a rare status
-- would be found by walking the whole history in orders_created_idx.
CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC, id DESC);
